// Budget optimizer over a fitted run's posterior (packages/core optimizeBudget): allocation per
// channel for a horizon and total budget, with bounds and locks, under the expected or a
// risk-aware objective. Uplift is against the current plan: the last 13 weeks' weekly spend per
// channel, scaled to the budget.
import { z } from "zod";
import { horizonResponse, recentWeeklySpend } from "@mixcast/core";
import { InfeasibleBoundsError, optimizeBudget, type BudgetPlan, type RiskObjective } from "@mixcast/core";
import { thinIndices } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest } from "../errors.ts";
import { loadRunPosterior, type RunPosterior } from "../insight/run-posterior.ts";

/** Weeks of history that define the "current plan" (a quarter). */
export const CURRENT_PLAN_WEEKS = 13;
/** Posterior draws the optimizer and scenarios use (evenly thinned). */
export const PLANNING_DRAWS = 200;

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
});
export type RunOptimizerInput = z.input<typeof runOptimizerInput>;

export interface OptimizerContext {
  runId: string;
  channels: { name: string; type: string; currentWeekly: number }[];
  /** Current weekly total x 13 weeks: a sensible default budget. */
  suggestedBudget: number;
  suggestedWeeks: number;
  kpiName: string;
}

export async function getOptimizerContext(
  db: PrismaClient,
  actor: Actor,
  runId: string,
): Promise<OptimizerContext> {
  const p = await loadRunPosterior(db, actor, runId);
  const current = recentWeeklySpend(p.model.spec, CURRENT_PLAN_WEEKS);
  return {
    runId,
    channels: p.model.spec.channels.map((c, i) => ({
      name: c.name,
      type: c.type,
      currentWeekly: current[i] ?? 0,
    })),
    suggestedBudget: Math.round(current.reduce((a, b) => a + b, 0) * CURRENT_PLAN_WEEKS),
    suggestedWeeks: CURRENT_PLAN_WEEKS,
    kpiName: p.config.kpi,
  };
}

/** The optimal plan for a loaded posterior (no audit): shared by the optimizer page and by
 *  scenarios generated from the optimizer. */
export function computeOptimalPlan(
  p: RunPosterior,
  input: z.output<typeof runOptimizerInput>,
): BudgetPlan & { currentWeekly: Record<string, number> } {
  const spec = p.model.spec;
  const names = spec.channels.map((c) => c.name);
  const unknown = Object.keys(input.bounds).filter((n) => !names.includes(n));
  if (unknown.length > 0)
    throw badRequest(`Unknown channel${unknown.length > 1 ? "s" : ""} in bounds: ${unknown.join(", ")}.`);
  const currentWeekly = recentWeeklySpend(spec, CURRENT_PLAN_WEEKS);
  const resp = horizonResponse(p.model, p.draws, input.weeks, thinIndices(p.draws.draws, PLANNING_DRAWS));
  let plan: BudgetPlan;
  try {
    plan = optimizeBudget(resp, {
      budget: input.budget,
      bounds: input.bounds,
      objective: input.objective as RiskObjective,
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
  const p = await loadRunPosterior(db, actor, input.runId);
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
