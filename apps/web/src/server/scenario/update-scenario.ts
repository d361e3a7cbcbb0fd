import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { notFound } from "../errors.ts";
import { checkPlanChannels, scenarioNameSchema } from "./create-scenario.ts";
import { scenarioPlanCodec, scenarioPlanSchema, totalSpend } from "@mixcast/runs/stored";

export const updateScenarioInput = z.object({
  scenarioId: z.string().min(1),
  name: scenarioNameSchema.optional(),
  description: z.string().trim().max(500).optional(),
  plan: scenarioPlanSchema.optional(),
});

/** Rename, describe or re-plan a scenario. Cached results stay keyed by plan checksum, so an
 *  edited plan is evaluated afresh. */
export async function updateScenario(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof updateScenarioInput>,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.scenario.findFirst({
      where: { id: input.scenarioId, workspaceId: actor.workspaceId },
    });
    if (!before) throw notFound("That scenario");
    if (input.plan) await checkPlanChannels(tx, before.runId, input.plan);
    const scenario = await tx.scenario.update({
      where: { id: before.id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.plan !== undefined ? { plan: scenarioPlanCodec.encode(input.plan) } : {}),
      },
    });
    const renamed = input.name !== undefined && input.name !== before.name;
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: renamed && !input.plan ? "scenario.rename" : "scenario.update",
      targetType: "scenario",
      targetId: before.id,
      details: {
        from: before.name,
        to: scenario.name,
        planChanged: input.plan !== undefined,
        ...(input.plan ? { weeks: input.plan.weeks, totalSpend: totalSpend(input.plan) } : {}),
      },
    });
    return scenario;
  });
}
