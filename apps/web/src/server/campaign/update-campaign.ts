import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import { campaignChannels, campaignFieldsSchema, checkFlight, toDate } from "./campaign-schema.ts";

export const updateCampaignInput = campaignFieldsSchema.partial().extend({ campaignId: z.string().min(1) });

/** Rename or edit a campaign's flight; the audit entry lists the fields that changed. */
export async function updateCampaign(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof updateCampaignInput>,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.campaign.findFirst({
      where: { id: input.campaignId, workspaceId: actor.workspaceId },
    });
    if (!before) throw notFound("That campaign");
    const startsOn = input.startsOn ?? before.startsOn?.toISOString().slice(0, 10);
    const endsOn = input.endsOn ?? before.endsOn?.toISOString().slice(0, 10);
    const flight = checkFlight({ startsOn, endsOn });
    if (flight) throw badRequest(flight);
    if (
      input.name &&
      input.name !== before.name &&
      (await tx.campaign.findFirst({
        where: { workspaceId: actor.workspaceId, name: input.name },
        select: { id: true },
      }))
    ) {
      throw conflict(`A campaign called "${input.name}" already exists. Pick another name.`);
    }
    if (
      input.modelId &&
      !(await tx.model.findFirst({
        where: { id: input.modelId, workspaceId: actor.workspaceId },
        select: { id: true },
      }))
    )
      throw notFound("That model");
    // a new model or a new list: the list is checked against the campaign's (new) model
    const channels =
      input.channels !== undefined || input.modelId !== undefined
        ? await campaignChannels(tx, input.modelId ?? before.modelId, input.channels ?? before.channels)
        : undefined;
    const data = {
      ...(channels !== undefined ? { channels } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.startsOn !== undefined ? { startsOn: toDate(input.startsOn) } : {}),
      ...(input.endsOn !== undefined ? { endsOn: toDate(input.endsOn) } : {}),
      ...(input.budget !== undefined ? { budget: input.budget } : {}),
      ...(input.modelId !== undefined ? { modelId: input.modelId } : {}),
    };
    const campaign = await tx.campaign.update({ where: { id: before.id }, data });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: input.name && input.name !== before.name ? "campaign.rename" : "campaign.update",
      targetType: "campaign",
      targetId: before.id,
      details: { changed: Object.keys(data), from: before.name, to: campaign.name },
    });
    return campaign;
  });
}
