import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { notFound } from "../errors.ts";

export const deleteScenarioInput = z.object({ scenarioId: z.string().min(1) });

export async function deleteScenario(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof deleteScenarioInput>,
) {
  return db.$transaction(async (tx) => {
    const scenario = await tx.scenario.findFirst({
      where: { id: input.scenarioId, workspaceId: actor.workspaceId },
    });
    if (!scenario) throw notFound("That scenario");
    await tx.scenario.delete({ where: { id: scenario.id } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "scenario.delete",
      targetType: "scenario",
      targetId: scenario.id,
      details: { name: scenario.name, campaignId: scenario.campaignId },
    });
    return { id: scenario.id };
  });
}
