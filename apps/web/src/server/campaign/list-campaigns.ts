import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";

const scenarioSelect = {
  id: true,
  name: true,
  description: true,
  runId: true,
  modelId: true,
  campaignId: true,
  plan: true,
  createdAt: true,
  updatedAt: true,
  createdBy: { select: { name: true } },
} as const;

export async function listCampaigns(db: PrismaExecutor, actor: Actor) {
  const campaigns = await db.campaign.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { createdAt: "desc" },
    include: {
      model: { select: { id: true, name: true } },
      scenarios: { select: { id: true, name: true, runId: true }, orderBy: { createdAt: "asc" } },
    },
  });
  return campaigns;
}

export async function getCampaign(db: PrismaExecutor, actor: Actor, campaignId: string) {
  const campaign = await db.campaign.findFirst({
    where: { id: campaignId, workspaceId: actor.workspaceId },
    include: {
      model: { select: { id: true, name: true } },
      scenarios: { select: scenarioSelect, orderBy: { createdAt: "asc" } },
    },
  });
  if (!campaign) throw notFound("That campaign");
  return campaign;
}
