// Evaluates a scenario on a run's posterior draws (packages/core evaluateScenario) and caches the
// result in ScenarioResult, keyed by scenario, run and a checksum of the plan + settings.
import { z } from "zod";
import { evaluateScenario as coreEvaluate, type ScenarioResult as CoreScenarioResult } from "@mixcast/core";
import { thinIndices } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import {
  loadPlanningPosterior,
  planningHorizonOf,
  type PlanningPosterior,
} from "../optimizer/planning-posterior.ts";
import { PLANNING_DRAWS } from "../optimizer/run-optimizer.ts";
import { getScenario } from "./list-scenarios.ts";
import { scenarioResultCodec, toCoreScenario, type ScenarioPlan } from "@mixcast/runs/stored";
import { planChecksum } from "./plan-checksum.ts";

export const evaluateScenarioInput = z.object({
  scenarioId: z.string().min(1),
  runId: z.string().min(1).optional(),
});

/** Horizon of an evaluation: the plan plus the carryover tail (adstock lags) after it. */
export function horizonWeeks(posterior: PlanningPosterior, planWeeks: number): number {
  return planWeeks + posterior.adstockLags;
}

/** Core errors about the plan (unknown channel, wrong length) are the user's to fix. */
export function asPlanError(error: unknown): never {
  if (error instanceof Error && /scenario|channel|weeks|horizon|frequency|organic/i.test(error.message))
    throw badRequest(error.message);
  throw error;
}

export function evaluatePlan(
  posterior: PlanningPosterior,
  name: string,
  plan: ScenarioPlan,
): CoreScenarioResult {
  try {
    const resp = planningHorizonOf(
      posterior,
      horizonWeeks(posterior, plan.weeks),
      thinIndices(posterior.draws.draws, PLANNING_DRAWS),
      plan.planning,
    );
    return coreEvaluate(resp, toCoreScenario(name, plan)).result;
  } catch (error) {
    return asPlanError(error);
  }
}

export async function evaluateScenario(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof evaluateScenarioInput>,
) {
  const scenario = await getScenario(db, actor, input.scenarioId);
  const runId = input.runId ?? scenario.runId;
  const checksum = planChecksum(scenario.plan, { draws: PLANNING_DRAWS, tail: "adstockLags" });
  const cached = await db.scenarioResult.findUnique({
    where: { scenarioId_runId_planChecksum: { scenarioId: scenario.id, runId, planChecksum: checksum } },
  });
  if (cached)
    return {
      scenarioId: scenario.id,
      runId,
      cached: true,
      result: scenarioResultCodec.decode(cached.result),
    };
  const posterior = await loadPlanningPosterior(db, actor, runId);
  const result = evaluatePlan(posterior, scenario.name, scenario.plan);
  await db.scenarioResult.upsert({
    where: { scenarioId_runId_planChecksum: { scenarioId: scenario.id, runId, planChecksum: checksum } },
    create: {
      workspaceId: actor.workspaceId,
      scenarioId: scenario.id,
      runId,
      planChecksum: checksum,
      result: scenarioResultCodec.encode(result),
    },
    update: {},
  });
  return { scenarioId: scenario.id, runId, cached: false, result };
}
