import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import { scenarioPlanCodec } from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { notFound } from "../errors.ts";
import { scenarioNameSchema } from "./create-scenario.ts";

export const duplicateScenarioInput = z.object({
  scenarioId: z.string().min(1),
  name: scenarioNameSchema.optional(),
  /** Copy into another campaign (default: the same one). */
  campaignId: z.string().min(1).optional(),
});

export async function duplicateScenario(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof duplicateScenarioInput>,
) {
  return db.$transaction(async (tx) => {
    const source = await tx.scenario.findFirst({
      where: { id: input.scenarioId, workspaceId: actor.workspaceId },
    });
    if (!source) throw notFound("That scenario");
    const campaignId = input.campaignId ?? source.campaignId;
    if (
      input.campaignId &&
      !(await tx.campaign.findFirst({
        where: { id: input.campaignId, workspaceId: actor.workspaceId },
        select: { id: true },
      }))
    )
      throw notFound("That campaign");
    const plan = {
      ...scenarioPlanCodec.decode(source.plan),
      origin: { kind: "duplicate" as const, of: source.id },
    };
    const copy = await tx.scenario.create({
      data: {
        workspaceId: actor.workspaceId,
        modelId: source.modelId,
        runId: source.runId,
        campaignId,
        name: input.name ?? `${source.name} (copy)`,
        description: source.description,
        plan: scenarioPlanCodec.encode(plan),
        createdById: actor.userId,
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "scenario.duplicate",
      targetType: "scenario",
      targetId: copy.id,
      details: { from: source.id, name: copy.name, campaignId },
    });
    return copy;
  });
}
