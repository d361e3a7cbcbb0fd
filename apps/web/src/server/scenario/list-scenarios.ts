import { z } from "zod";
import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";
import { scenarioPlanCodec } from "@mixcast/runs/stored";

export const listScenariosInput = z.object({ campaignId: z.string().min(1).optional() });

export async function listScenarios(
  db: PrismaExecutor,
  actor: Actor,
  input: z.infer<typeof listScenariosInput>,
) {
  return db.scenario.findMany({
    where: { workspaceId: actor.workspaceId, ...(input.campaignId ? { campaignId: input.campaignId } : {}) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      name: true,
      description: true,
      runId: true,
      modelId: true,
      campaignId: true,
      createdAt: true,
      updatedAt: true,
      campaign: { select: { name: true } },
      model: { select: { name: true } },
    },
  });
}

export async function getScenario(db: PrismaExecutor, actor: Actor, scenarioId: string) {
  const s = await db.scenario.findFirst({
    where: { id: scenarioId, workspaceId: actor.workspaceId },
    include: {
      campaign: { select: { id: true, name: true } },
      model: { select: { id: true, name: true } },
      createdBy: { select: { name: true } },
    },
  });
  if (!s) throw notFound("That scenario");
  return { ...s, plan: scenarioPlanCodec.decode(s.plan) };
}
