/**
 * `mixcast optimize --result result.json --budget 1000000 --weeks 13 [--bounds bounds.json]
 *  [--risk mean|q10|sd1] [--current-weeks 13] [--seed 1] [--data data.csv] [--config model.json]
 *  [--draws draws.bin] [--geo-plan national|per-geo] [--frequency Meta=3] [--organic Newsletter=5000]
 *  [--out plan.json]` -> BudgetPlan JSON (analysis/optimizer.ts) on stdout or --out. v1 and v2 fits
 *  alike (v2: plans in spend per paid channel, or per channel@geo with --geo-plan per-geo).
 * Goals and flighting (analysis/optimizer-goals.ts, analysis/flighting.ts):
 *  `--goal max-kpi --budget B` | `--goal min-spend --target-kpi N [--probability 0.8]` |
 *  `--goal target-mroi --mroi 1.2` | `--goal target-roi --roi 3`, `[--max-budget C]` (search
 *  ceiling), `[--flighting [--weekly-bounds wb.json]]` -> JSON with goal, feasible, reason,
 *  closest, totalSpend, allocation (per channel: total and per week), kpi (summary), marginal ROI
 *  at the optimum, P(beats the current plan); with --flighting the carry-over tail is stated.
 * Inputs: see cli/run-inputs.ts (result.json from `mixcast fit --out`, draws from `--draws-out`).
 * bounds.json: { "<channel>": { "min"?: number, "max"?: number, "locked"?: true | number } }, totals
 * over the horizon in currency (locked: true keeps the current plan's amount).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { recentWeeklySpend } from "../../analysis/model-adapter.ts";
import { InfeasibleBoundsError, optimizeBudget, type RiskObjective } from "../../analysis/optimizer.ts";
import { optimizeGoal, type GoalResult, type OptimizerGoal } from "../../analysis/optimizer-goals.ts";
import { optimizeFlighting, type FlightingPlan } from "../../analysis/flighting.ts";
import type { CliCommand } from "../registry.ts";
import {
  CliInputError,
  loadRunInputs,
  planningHorizonOf,
  planningOptions,
  runInputOptions,
} from "../run-inputs.ts";

export const boundsSchema = z.record(
  z.string(),
  z
    .object({
      min: z.number().min(0).optional(),
      max: z.number().min(0).optional(),
      locked: z.union([z.boolean(), z.number().min(0)]).optional(),
    })
    .strict(),
);

/** "mean", "q10" (10% quantile), "q0.05", "sd1" / "sd:1.5" (mean - k sd). */
export function parseRisk(s: string | undefined): RiskObjective {
  if (s === undefined || s === "mean") return { kind: "mean" };
  const q = /^q(0?\.\d+|\d{1,2})$/.exec(s);
  if (q) {
    const v = Number(q[1]);
    return { kind: "quantile", q: v >= 1 ? v / 100 : v };
  }
  const k = /^sd:?(\d+(\.\d+)?)$/.exec(s);
  if (k) return { kind: "meanMinusSd", k: Number(k[1]) };
  throw new CliInputError(`--risk must be mean, qNN (e.g. q10) or sdK (e.g. sd1), got "${s}"`);
}

export const optimizeCommand: CliCommand = {
  name: "optimize",
  summary: "allocate a budget over a planning horizon from a fit's posterior (JSON out)",
  options: [
    ...runInputOptions,
    ...planningOptions,
    {
      name: "budget",
      kind: "number",
      min: 0,
      placeholder: "<total>",
      description: "total budget over the horizon (currency; goal max-kpi)",
    },
    {
      name: "goal",
      kind: "string",
      placeholder: "max-kpi|min-spend|target-mroi|target-roi",
      description: "what to optimize (default max-kpi with --budget)",
    },
    {
      name: "target-kpi",
      kind: "number",
      placeholder: "<N>",
      description: "min-spend: KPI over the horizon to reach",
    },
    {
      name: "probability",
      kind: "number",
      placeholder: "<p>",
      description: "min-spend: P(KPI >= target) to reach (default 0.8)",
    },
    {
      name: "mroi",
      kind: "number",
      placeholder: "<x>",
      description: "target-mroi: marginal ROI to spend down to",
    },
    { name: "roi", kind: "number", placeholder: "<x>", description: "target-roi: overall ROI to hit" },
    {
      name: "max-budget",
      kind: "number",
      placeholder: "<C>",
      description: "ceiling of a goal's budget search (default 10x the current plan)",
    },
    {
      name: "flighting",
      kind: "boolean",
      description: "plan per channel per week (carry-over before and after the window counted)",
    },
    {
      name: "weekly-bounds",
      kind: "string",
      placeholder: "<wb.json>",
      description: "flighting: per-week min/max spend per channel",
    },
    {
      name: "weeks",
      kind: "integer",
      min: 1,
      placeholder: "<H>",
      description: "planning horizon in weeks (default 13)",
    },
    {
      name: "bounds",
      kind: "string",
      placeholder: "<bounds.json>",
      description: "per-channel min/max/locked totals",
    },
    {
      name: "risk",
      kind: "string",
      placeholder: "mean|q10|sd1",
      description: "objective: mean (default), a low quantile, or mean - k sd",
    },
    {
      name: "current-weeks",
      kind: "integer",
      min: 1,
      placeholder: "<n>",
      description: "current plan = last n weeks' pattern (default: horizon)",
    },
    {
      name: "seed",
      kind: "integer",
      placeholder: "<n>",
      description: "seed of the random starts (default 1)",
    },
    { name: "out", kind: "string", placeholder: "<plan.json>", description: "write here instead of stdout" },
  ],
  run(opts, io) {
    const weeks = (opts.weeks as number | undefined) ?? 13;
    const bounds = readJson(opts.bounds, io.cwd, boundsSchema, "bounds");
    const objective = parseRisk(opts.risk as string | undefined);
    const goalName = opts.goal as string | undefined;
    const flighting = opts.flighting === true;
    const budget = opts.budget as number | undefined;
    if (goalName === undefined && !flighting) {
      if (budget === undefined) throw new CliInputError("--budget is required (or pass --goal)");
      if (!(budget > 0)) throw new CliInputError(`--budget must be positive (got ${budget})`);
    }
    const { model, draws } = loadRunInputs(opts, io.cwd);
    const resp = planningHorizonOf(opts, model, draws, weeks);
    const currentWeekly = recentWeeklySpend(resp, (opts["current-weeks"] as number | undefined) ?? weeks);
    const seed = (opts.seed as number | undefined) ?? 1;
    let json: string;
    try {
      if (goalName === undefined && !flighting) {
        const plan = optimizeBudget(resp, { budget: budget!, bounds, objective, currentWeekly, seed });
        json = `${JSON.stringify(plan, null, 2)}\n`;
      } else {
        const goal = parseGoal(goalName ?? "max-kpi", opts);
        const maxBudget = opts["max-budget"] as number | undefined;
        const result = optimizeGoal(resp, goal, {
          objective,
          currentWeekly,
          seed,
          ...(bounds ? { bounds } : {}),
          ...(maxBudget !== undefined ? { maxBudget } : {}),
        });
        json = `${JSON.stringify(goalOutput(result, flighting ? flight(model, draws, result, weeks, opts, io.cwd, objective) : null), null, 2)}\n`;
      }
    } catch (e) {
      if (e instanceof InfeasibleBoundsError) throw new CliInputError(e.message);
      throw e;
    }
    if (typeof opts.out === "string") writeFileSync(resolve(io.cwd, opts.out), json);
    else io.stdout.write(json);
    return 0;
  },
};

function readJson<S extends z.ZodType>(
  file: unknown,
  cwd: string,
  schema: S,
  what: string,
): z.output<S> | undefined {
  if (typeof file !== "string") return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(cwd, file), "utf8"));
  } catch (e) {
    throw new CliInputError(`${what} file ${file}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new CliInputError(
      `${what} file ${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

export const weeklyBoundsSchema = z.record(
  z.string(),
  z.object({ min: z.number().min(0).optional(), max: z.number().min(0).optional() }).strict(),
);

const num = (opts: Record<string, unknown>, name: string): number => {
  const v = opts[name];
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new CliInputError(`--${name} is required for this goal`);
  return v;
};

export function parseGoal(name: string, opts: Record<string, unknown>): OptimizerGoal {
  switch (name) {
    case "max-kpi": {
      const budget = num(opts, "budget");
      if (!(budget > 0)) throw new CliInputError(`--budget must be positive (got ${budget})`);
      return { kind: "max-kpi", budget };
    }
    case "min-spend": {
      const probability = (opts.probability as number | undefined) ?? 0.8;
      if (!(probability > 0 && probability < 1))
        throw new CliInputError(`--probability must be between 0 and 1 (got ${probability})`);
      return { kind: "min-spend", targetKpi: num(opts, "target-kpi"), probability };
    }
    case "target-mroi":
      return { kind: "target-mroi", mroi: num(opts, "mroi") };
    case "target-roi":
      return { kind: "target-roi", roi: num(opts, "roi") };
    default:
      throw new CliInputError(`--goal must be max-kpi, min-spend, target-mroi or target-roi (got "${name}")`);
  }
}

function flight(
  model: Parameters<typeof planningHorizonOf>[1],
  draws: Parameters<typeof planningHorizonOf>[2],
  result: GoalResult,
  weeks: number,
  opts: Record<string, unknown>,
  cwd: string,
  objective: ReturnType<typeof parseRisk>,
): FlightingPlan {
  const tail = model.spec.adstockLags;
  const resp = planningHorizonOf(opts, model, draws, weeks + tail);
  const weeklyBounds = readJson(opts["weekly-bounds"], cwd, weeklyBoundsSchema, "weekly bounds");
  try {
    return optimizeFlighting(resp, {
      window: weeks,
      totals: result.plan.allocation.map((a) => a.total),
      objective,
      ...(weeklyBounds ? { weeklyBounds } : {}),
    });
  } catch (e) {
    if (e instanceof Error && /weekly bounds/.test(e.message)) throw new CliInputError(e.message);
    throw e;
  }
}

/** The goal result as the CLI prints it (allocation per channel per week, KPI summary). */
export function goalOutput(r: GoalResult, f: FlightingPlan | null) {
  const p = r.plan;
  return {
    goal: r.goal,
    feasible: r.feasible,
    reason: r.reason,
    closest: r.closest,
    totalSpend: r.totalSpend,
    weeks: p.weeks,
    flighting: f
      ? {
          tailWeeks: f.tail,
          note: `KPI counts the ${f.window} plan weeks and ${f.tail} weeks after them (carry-over); spend before the window enters through each channel's history`,
          probabilityBeatsFlat: f.probabilityBeatsFlat,
          flat: f.flat,
        }
      : null,
    allocation: p.allocation.map((a, c) => ({
      channel: a.channel,
      total: a.total,
      weekly: f ? f.allocation[c]!.weekly : a.weekly,
      atBound: a.atBound,
      marginalRoi: a.marginalRoi,
      roi: a.roi,
    })),
    kpi: f
      ? { weeks: f.window + f.tail, expected: f.kpi, incremental: f.incrementalKpi, roi: null }
      : { weeks: p.weeks, expected: p.expectedKpi, incremental: p.incrementalKpi, roi: p.roi },
    probabilityOfTarget: r.probabilityOfTarget,
    probabilityBeatsCurrent: r.probabilityBeatsCurrent,
    marginalRoiAtOptimum: r.marginalRoi,
    objective: p.objective,
    search: { budgets: r.search.budgets.length, ms: Math.round(r.search.ms + (f?.search.ms ?? 0)) },
  };
}
