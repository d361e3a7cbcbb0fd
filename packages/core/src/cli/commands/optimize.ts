/**
 * `mixcast optimize --result result.json --budget 1000000 --weeks 13 [--bounds bounds.json]
 *  [--risk mean|q10|sd1] [--current-weeks 13] [--seed 1] [--data data.csv] [--config model.json]
 *  [--draws draws.bin] [--geo-plan national|per-geo] [--frequency Meta=3] [--organic Newsletter=5000]
 *  [--out plan.json]` -> BudgetPlan JSON (analysis/optimizer.ts) on stdout or --out. v1 and v2 fits
 *  alike (v2: plans in spend per paid channel, or per channel@geo with --geo-plan per-geo).
 * Inputs: see cli/run-inputs.ts (result.json from `mixcast fit --out`, draws from `--draws-out`).
 * bounds.json: { "<channel>": { "min"?: number, "max"?: number, "locked"?: true | number } }, totals
 * over the horizon in currency (locked: true keeps the current plan's amount).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { recentWeeklySpend } from "../../analysis/model-adapter.ts";
import { InfeasibleBoundsError, optimizeBudget, type RiskObjective } from "../../analysis/optimizer.ts";
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
      required: true,
      min: 0,
      placeholder: "<total>",
      description: "total budget over the horizon (currency)",
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
    const budget = opts.budget as number;
    if (!(budget > 0)) throw new CliInputError(`--budget must be positive (got ${budget})`);
    const weeks = (opts.weeks as number | undefined) ?? 13;
    let bounds: z.infer<typeof boundsSchema> | undefined;
    if (typeof opts.bounds === "string") {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(resolve(io.cwd, opts.bounds), "utf8"));
      } catch (e) {
        throw new CliInputError(`bounds file ${opts.bounds}: ${(e as Error).message}`);
      }
      const parsed = boundsSchema.safeParse(raw);
      if (!parsed.success)
        throw new CliInputError(
          `bounds file ${opts.bounds}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        );
      bounds = parsed.data;
    }
    const objective = parseRisk(opts.risk as string | undefined);
    const { model, draws } = loadRunInputs(opts, io.cwd);
    const resp = planningHorizonOf(opts, model, draws, weeks);
    let plan;
    try {
      plan = optimizeBudget(resp, {
        budget,
        bounds,
        objective,
        currentWeekly: recentWeeklySpend(resp, (opts["current-weeks"] as number | undefined) ?? weeks),
        seed: (opts.seed as number | undefined) ?? 1,
      });
    } catch (e) {
      if (e instanceof InfeasibleBoundsError) throw new CliInputError(e.message);
      throw e;
    }
    const json = `${JSON.stringify(plan, null, 2)}\n`;
    if (typeof opts.out === "string") writeFileSync(resolve(io.cwd, opts.out), json);
    else io.stdout.write(json);
    return 0;
  },
};
