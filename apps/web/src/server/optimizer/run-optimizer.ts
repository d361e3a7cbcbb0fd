// Budget optimizer over a fitted run's posterior (packages/core optimizeBudget): allocation per
// channel for a horizon and total budget, with bounds and locks, under the expected or a
// risk-aware objective. Uplift is against the current plan: the last 13 weeks' weekly spend per
// channel, scaled to the budget.
import { PLANNING_DRAWS } from "@mixcast/runs";
import { z } from "zod";
import { recentWeeklySpend } from "@mixcast/core";
import { InfeasibleBoundsError, optimizeBudget, type BudgetPlan } from "@mixcast/core";
import { thinIndices } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest } from "../errors.ts";
import {
  loadPlanningPosterior,
  planningChoicesV2,
  planningHorizonOf,
  planningOptionsSchema,
  type PlanningChoicesV2,
  type PlanningPosterior,
} from "./planning-posterior.ts";

/** Weeks of history that define the "current plan" (a quarter). */
export const CURRENT_PLAN_WEEKS = 13;
/** Posterior draws the optimizer and scenarios use (evenly thinned; @mixcast/runs' one constant). */
export { PLANNING_DRAWS };

export const objectiveSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("mean") }),
  z.object({ kind: z.literal("quantile"), q: z.number().gt(0).lt(0.5) }),
  z.object({ kind: z.literal("meanMinusSd"), k: z.number().min(0).max(5) }),
]);

export const channelBoundSchema = z.object({
  min: z.number().min(0).optional(),
  max: z.number().min(0).optional(),
  locked: z.boolean().optional(),
});

export const runOptimizerInput = z.object({
  runId: z.string().min(1),
  weeks: z
    .number()
    .int()
    .min(1, "The horizon is at least one week.")
    .max(52, "The horizon is at most 52 weeks."),
  budget: z.number().positive("Enter a budget above zero."),
  bounds: z.record(z.string(), channelBoundSchema).default({}),
  objective: objectiveSchema.default({ kind: "mean" }),
  /** v2 models: national or per-geo plan, R&F frequency, organic levels. */
  planning: planningOptionsSchema.optional(),
});
export type RunOptimizerInput = z.input<typeof runOptimizerInput>;

export interface OptimizerContext {
  runId: string;
  /** 1: spend plans per channel; 2: geo / R&F / organic / units-KPI model (see `v2`). */
  version: 1 | 2;
  /** Plan lines of a national plan: paid channels (organic channels are held inputs, in `v2`). */
  channels: { name: string; type: string; currentWeekly: number }[];
  /** Current weekly total x 13 weeks: a sensible default budget. */
  suggestedBudget: number;
  suggestedWeeks: number;
  kpiName: string;
  kpiType: "revenue" | "units";
  /** What KPI figures are: the KPI, units x value per unit (money), or units (ROI = units per money). */
  measure: "kpi" | "value" | "units";
  v2: PlanningChoicesV2 | null;
}

export async function getOptimizerContext(
  db: PrismaClient,
  actor: Actor,
  runId: string,
): Promise<OptimizerContext> {
  const p = await loadPlanningPosterior(db, actor, runId);
  const resp = planningHorizonOf(p, 1, thinIndices(p.draws.draws, PLANNING_DRAWS));
  const current = recentWeeklySpend(resp, CURRENT_PLAN_WEEKS);
  return {
    runId,
    version: p.version,
    channels: resp.lines.map((l, i) => ({
      name: l.name,
      type: p.model.spec.channels[l.channel]!.type,
      currentWeekly: current[i] ?? 0,
    })),
    suggestedBudget: Math.round(current.reduce((a, b) => a + b, 0) * CURRENT_PLAN_WEEKS),
    suggestedWeeks: CURRENT_PLAN_WEEKS,
    kpiName: p.kpiName,
    kpiType: p.kpiType,
    measure: resp.measure,
    v2: p.version === 2 ? planningChoicesV2(p, resp, CURRENT_PLAN_WEEKS) : null,
  };
}

/** The optimal plan for a loaded posterior (no audit): shared by the optimizer page, the run
 *  report and scenarios generated from the optimizer. */
export function computeOptimalPlan(
  p: PlanningPosterior,
  input: z.output<typeof runOptimizerInput>,
): BudgetPlan & { currentWeekly: Record<string, number> } {
  const resp = planningHorizonOf(p, input.weeks, thinIndices(p.draws.draws, PLANNING_DRAWS), input.planning);
  const names = resp.channels;
  const unknown = Object.keys(input.bounds).filter((n) => !names.includes(n));
  if (unknown.length > 0)
    throw badRequest(`Unknown channel${unknown.length > 1 ? "s" : ""} in bounds: ${unknown.join(", ")}.`);
  const currentWeekly = recentWeeklySpend(resp, CURRENT_PLAN_WEEKS);
  let plan: BudgetPlan;
  try {
    plan = optimizeBudget(resp, {
      budget: input.budget,
      bounds: input.bounds,
      objective: input.objective,
      currentWeekly,
      seed: 1,
    });
  } catch (error) {
    if (error instanceof InfeasibleBoundsError) throw badRequest(error.message);
    throw error;
  }
  return { ...plan, currentWeekly: Object.fromEntries(names.map((n, i) => [n, currentWeekly[i] ?? 0])) };
}

export async function runOptimizer(
  db: PrismaClient,
  actor: Actor,
  raw: RunOptimizerInput,
): Promise<BudgetPlan & { currentWeekly: Record<string, number> }> {
  const input = runOptimizerInput.parse(raw);
  const p = await loadPlanningPosterior(db, actor, input.runId);
  const result = computeOptimalPlan(p, input);
  await db.$transaction((tx) =>
    writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "optimizer.run",
      targetType: "run",
      targetId: input.runId,
      details: {
        weeks: input.weeks,
        budget: input.budget,
        objective: input.objective,
        bounded: Object.keys(input.bounds),
        upliftMean: result.uplift.kpi.mean,
      },
    }),
  );
  return result;
}
