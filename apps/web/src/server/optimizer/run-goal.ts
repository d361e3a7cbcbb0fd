// Goal-seeking and flighting on the web optimizer (issue 18; docs/analysis.md "Goals and
// flighting"): packages/core's optimizeGoal picks the budget for a goal (the most KPI for a budget,
// the least spend that reaches a KPI target with a chosen probability, spend down to a marginal
// ROI, hit an overall ROI) and splits it; with flighting on, optimizeFlighting spreads each
// channel's total over the plan weeks, counting the carry-over into the weeks after them (the
// model's adstock lags: the tail). Same posterior draws (evenly thinned) and current plan as the
// flat optimizer (run-optimizer.ts), so the numbers equal core's called on the same draws.
import { z } from "zod";
import {
  FlightEvaluator,
  InfeasibleBoundsError,
  optimizeFlighting,
  optimizeGoal,
  probabilityGreater,
  recentWeeklySpend,
  summarizeInterval,
  thinIndices,
  type FlightingPlan,
  type GoalResult,
  type HorizonResponse,
  type Interval,
  type OptimizerGoal,
  type RiskObjective,
} from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { canonicalJson } from "../canonical-json.ts";
import { badRequest } from "../errors.ts";
import {
  loadPlanningPosterior,
  planningHorizonOf,
  planningOptionsSchema,
  type PlanningPosterior,
} from "./planning-posterior.ts";
import { channelBoundSchema, CURRENT_PLAN_WEEKS, objectiveSchema, PLANNING_DRAWS } from "./run-optimizer.ts";

export const goalSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("max-kpi"),
    budget: z.number().positive("Budget: enter an amount above zero."),
  }),
  z.object({
    kind: z.literal("min-spend"),
    targetKpi: z.number().positive("Target KPI: enter a number above zero."),
    probability: z
      .number()
      .gt(0, "Probability: enter a value between 0 and 1 (e.g. 0.8).")
      .lt(1, "Probability: enter a value between 0 and 1 (e.g. 0.8)."),
  }),
  z.object({
    kind: z.literal("target-mroi"),
    mroi: z.number().positive("Marginal ROI: enter a number above zero."),
  }),
  z.object({ kind: z.literal("target-roi"), roi: z.number().positive("ROI: enter a number above zero.") }),
]);

export const weeklyBoundSchema = z.object({
  min: z.number().min(0, "Weekly minimum cannot be negative.").optional(),
  max: z.number().min(0, "Weekly maximum cannot be negative.").optional(),
});

export const runGoalInput = z.object({
  runId: z.string().min(1),
  weeks: z
    .number()
    .int("Horizon: enter a whole number of weeks.")
    .min(1, "The horizon is at least one week.")
    .max(52, "The horizon is at most 52 weeks."),
  goal: goalSchema,
  bounds: z.record(z.string(), channelBoundSchema).default({}),
  objective: objectiveSchema.default({ kind: "mean" }),
  /** Ceiling of the budget search (default: 10x the current plan over the horizon). */
  maxBudget: z.number().positive("Search ceiling: enter an amount above zero.").optional(),
  flighting: z.boolean().default(false),
  weeklyBounds: z.record(z.string(), weeklyBoundSchema).default({}),
  planning: planningOptionsSchema.optional(),
});
export type RunGoalInput = z.input<typeof runGoalInput>;

export interface GoalChannel {
  channel: string;
  total: number;
  currentTotal: number;
  /** Spend per plan week (flat unless flighting). */
  weekly: number[];
  share: number;
  atBound: "min" | "max" | "locked" | null;
  contribution: Interval;
  roi: Interval;
  /** d KPI / d spend at the optimum (per currency): why the split is where it is. */
  marginalRoi: number;
}

export interface GoalOutcome {
  goal: OptimizerGoal;
  feasible: boolean;
  /** Why the goal cannot be met, in plain words; null when feasible. */
  reason: string | null;
  closest: GoalResult["closest"];
  totalSpend: number;
  weeks: number;
  measure: HorizonResponse["measure"];
  objective: RiskObjective;
  channels: GoalChannel[];
  /** KPI over the measured weeks (plan weeks, plus the carry-over tail with flighting). */
  kpi: { weeks: number; expected: Interval; incremental: Interval; roi: Interval };
  current: { totalSpend: number; expected: Interval };
  /** P(the plan's KPI > the current plan's at its own spend), draw by draw; null without a current plan. */
  probabilityBeatsCurrent: number | null;
  probabilityOfTarget: number | null;
  marginalRoiAtOptimum: number;
  flighting: {
    window: number;
    tailWeeks: number;
    probabilityBeatsFlat: number;
    flat: { expected: Interval; incremental: Interval };
  } | null;
  search: { budgets: number[]; ms: number };
}

const scaleInterval = (i: Interval, k: number): Interval => ({
  mean: i.mean * k,
  sd: i.sd * Math.abs(k),
  q05: i.q05 * k,
  q50: i.q50 * k,
  q95: i.q95 * k,
});

function asUserError(error: unknown): never {
  if (error instanceof InfeasibleBoundsError) throw badRequest(error.message);
  if (
    error instanceof Error &&
    /weekly bounds|goal search needs a ceiling|frequency|organic/.test(error.message)
  )
    throw badRequest(error.message.charAt(0).toUpperCase() + error.message.slice(1) + ".");
  throw error;
}

/** The goal (and flighting) result on a loaded posterior: no audit, no cache. */
export function computeGoal(p: PlanningPosterior, input: z.output<typeof runGoalInput>): GoalOutcome {
  const idx = thinIndices(p.draws.draws, PLANNING_DRAWS);
  let resp: HorizonResponse;
  try {
    resp = planningHorizonOf(p, input.weeks, idx, input.planning);
  } catch (error) {
    return asUserError(error);
  }
  const names = resp.channels;
  const unknown = [...Object.keys(input.bounds), ...Object.keys(input.weeklyBounds)].filter(
    (n) => !names.includes(n),
  );
  if (unknown.length > 0)
    throw badRequest(
      `Unknown channel${unknown.length > 1 ? "s" : ""} in bounds: ${[...new Set(unknown)].join(", ")}.`,
    );
  const currentWeekly = recentWeeklySpend(resp, CURRENT_PLAN_WEEKS);
  let result: GoalResult;
  try {
    result = optimizeGoal(resp, input.goal, {
      bounds: input.bounds,
      objective: input.objective,
      currentWeekly,
      seed: 1,
      ...(input.maxBudget !== undefined ? { maxBudget: input.maxBudget } : {}),
    });
  } catch (error) {
    return asUserError(error);
  }
  const plan = result.plan;
  const currentTotal = currentWeekly.reduce((a, b) => a + b, 0) * input.weeks;
  const probabilityBeatsCurrent = Number.isFinite(result.probabilityBeatsCurrent)
    ? result.probabilityBeatsCurrent
    : null;
  const base: Omit<GoalOutcome, "channels" | "kpi" | "flighting" | "probabilityBeatsCurrent" | "current"> = {
    goal: result.goal,
    feasible: result.feasible,
    reason: result.reason,
    closest: result.closest,
    totalSpend: result.totalSpend,
    weeks: input.weeks,
    measure: plan.measure,
    objective: plan.objective,
    probabilityOfTarget: result.probabilityOfTarget,
    marginalRoiAtOptimum: result.marginalRoi,
    search: { budgets: result.search.budgets, ms: Math.round(result.search.ms) },
  };
  const channelsOf = (weekly: (c: number) => number[]): GoalChannel[] =>
    plan.allocation.map((a, c) => ({
      channel: a.channel,
      total: a.total,
      currentTotal: (currentWeekly[c] ?? 0) * input.weeks,
      weekly: weekly(c),
      share: a.share,
      atBound: a.atBound,
      contribution: a.contribution,
      roi: a.roi,
      marginalRoi: a.marginalRoi,
    }));
  if (!input.flighting) {
    return {
      ...base,
      channels: channelsOf((c) => plan.allocation[c]!.weekly),
      kpi: { weeks: plan.weeks, expected: plan.expectedKpi, incremental: plan.incrementalKpi, roi: plan.roi },
      current: { totalSpend: currentTotal, expected: plan.current.expectedKpi },
      probabilityBeatsCurrent,
      flighting: null,
    };
  }

  // Flighting: the horizon is the plan weeks plus the carry-over tail, on the same draws.
  const tail = p.adstockLags;
  let long: HorizonResponse;
  let flight: FlightingPlan;
  try {
    long = planningHorizonOf(p, input.weeks + tail, idx, input.planning);
    flight = optimizeFlighting(long, {
      window: input.weeks,
      totals: plan.allocation.map((a) => a.total),
      objective: input.objective,
      weeklyBounds: input.weeklyBounds,
    });
  } catch (error) {
    return asUserError(error);
  }
  // the flighted plan against the current plan (flat at its recent weekly pace) over the same weeks
  const ev = new FlightEvaluator(
    long,
    Int32Array.from({ length: long.draws }, (_, i) => i),
  );
  flight.allocation.forEach((a, l) => ev.setLine(l, a.weekly));
  const kpiPlan = Float64Array.from(ev.kpiTotals());
  long.lines.forEach((_, l) => ev.setLine(l, new Float64Array(input.weeks).fill(currentWeekly[l] ?? 0)));
  const kpiCurrent = Float64Array.from(ev.kpiTotals());
  const spend = result.totalSpend;
  return {
    ...base,
    channels: channelsOf((c) => flight.allocation[c]!.weekly),
    kpi: {
      weeks: flight.window + flight.tail,
      expected: flight.kpi,
      incremental: flight.incrementalKpi,
      roi:
        spend > 0 ? scaleInterval(flight.incrementalKpi, 1 / spend) : scaleInterval(flight.incrementalKpi, 0),
    },
    current: { totalSpend: currentTotal, expected: summarizeInterval(kpiCurrent) },
    probabilityBeatsCurrent: currentTotal > 0 ? probabilityGreater(kpiPlan, kpiCurrent) : null,
    flighting: {
      window: flight.window,
      tailWeeks: flight.tail,
      probabilityBeatsFlat: flight.probabilityBeatsFlat,
      flat: { expected: flight.flat.kpi, incremental: flight.flat.incrementalKpi },
    },
  };
}

// A goal search solves the optimizer a dozen times or more: the last few results stay in memory,
// keyed by run and the canonical input, so asking again (or a second analyst) is instant.
const CACHE_SIZE = 16;
const cache = new Map<string, GoalOutcome>();

export function clearGoalCache(): void {
  cache.clear();
}

export async function runGoal(db: PrismaClient, actor: Actor, raw: RunGoalInput): Promise<GoalOutcome> {
  const input = runGoalInput.parse(raw);
  const p = await loadPlanningPosterior(db, actor, input.runId);
  const key = `${actor.workspaceId}:${p.cacheKey}:${canonicalJson(input)}`;
  let result = cache.get(key);
  if (result) cache.delete(key);
  else result = computeGoal(p, input);
  cache.set(key, result);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  await db.$transaction((tx) =>
    writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "optimizer.goal",
      targetType: "run",
      targetId: input.runId,
      details: {
        weeks: input.weeks,
        goal: input.goal,
        flighting: input.flighting,
        objective: input.objective,
        bounded: Object.keys(input.bounds),
        feasible: result.feasible,
        totalSpend: result.totalSpend,
      },
    }),
  );
  return result;
}
