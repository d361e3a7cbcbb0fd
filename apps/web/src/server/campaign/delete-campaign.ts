import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { notFound } from "../errors.ts";

export const deleteCampaignInput = z.object({ campaignId: z.string().min(1) });

/** Deletes a campaign and its scenarios (and their cached results). */
export async function deleteCampaign(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof deleteCampaignInput>,
) {
  return db.$transaction(async (tx) => {
    const campaign = await tx.campaign.findFirst({
      where: { id: input.campaignId, workspaceId: actor.workspaceId },
      include: { scenarios: { select: { id: true } } },
    });
    if (!campaign) throw notFound("That campaign");
    await tx.scenario.deleteMany({ where: { campaignId: campaign.id, workspaceId: actor.workspaceId } });
    await tx.campaign.delete({ where: { id: campaign.id } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "campaign.delete",
      targetType: "campaign",
      targetId: campaign.id,
      details: { name: campaign.name, scenarios: campaign.scenarios.map((s) => s.id) },
    });
    return { id: campaign.id, deletedScenarios: campaign.scenarios.length };
  });
}
