// Evaluates a scenario on a run's posterior draws (packages/core evaluateScenario) and caches the
// result in ScenarioResult, keyed by scenario, run and a checksum of the plan + settings.
import { z } from "zod";
import type { ScenarioResult as CoreScenarioResult } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { evaluateScenarioPlan, PlanChoiceError, scenarioChecksum } from "@mixcast/runs";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import { loadPlanningPosterior, type PlanningPosterior } from "../optimizer/planning-posterior.ts";
import { getScenario } from "./list-scenarios.ts";
import { scenarioResultCodec, type ScenarioPlan } from "@mixcast/runs/stored";

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
  if (error instanceof PlanChoiceError) throw badRequest(error.message);
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
    // the worker evaluates a run's scenarios with the same function when its fit succeeds
    return evaluateScenarioPlan(posterior, name, plan);
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
  const checksum = scenarioChecksum(scenario.plan);
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
