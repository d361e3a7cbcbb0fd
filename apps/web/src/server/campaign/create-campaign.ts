import { type z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import { campaignChannels, campaignFieldsSchema, checkFlight, toDate } from "./campaign-schema.ts";

export const createCampaignInput = campaignFieldsSchema;

export async function createCampaign(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof createCampaignInput>,
) {
  const flight = checkFlight(input);
  if (flight) throw badRequest(flight);
  return db.$transaction(async (tx) => {
    if (
      input.modelId &&
      !(await tx.model.findFirst({
        where: { id: input.modelId, workspaceId: actor.workspaceId },
        select: { id: true },
      }))
    )
      throw notFound("That model");
    if (
      await tx.campaign.findFirst({
        where: { workspaceId: actor.workspaceId, name: input.name },
        select: { id: true },
      })
    ) {
      throw conflict(`A campaign called "${input.name}" already exists. Pick another name.`);
    }
    const channels = await campaignChannels(tx, input.modelId ?? null, input.channels);
    const campaign = await tx.campaign.create({
      data: {
        workspaceId: actor.workspaceId,
        name: input.name,
        description: input.description ?? null,
        startsOn: toDate(input.startsOn),
        endsOn: toDate(input.endsOn),
        budget: input.budget ?? null,
        modelId: input.modelId ?? null,
        channels,
        createdById: actor.userId,
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "campaign.create",
      targetType: "campaign",
      targetId: campaign.id,
      details: { name: input.name, channels },
    });
    return campaign;
  });
}
