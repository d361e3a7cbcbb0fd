import type { PrismaExecutor } from "@mixcast/db";
import { scenarioChecksum } from "@mixcast/runs";
import { scenarioPlanCodec, scenarioResultCodec } from "@mixcast/runs/stored";
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
  const evaluations = await storedEvaluations(db, actor, campaign.scenarios);
  return {
    ...campaign,
    scenarios: campaign.scenarios.map((s) => ({ ...s, evaluation: evaluations.get(s.id) ?? null })),
  };
}

interface Interval {
  mean: number;
  q05: number;
  q95: number;
}

/** The headline of a scenario's stored evaluation (ScenarioResult) of its current plan on its run. */
export interface ScenarioEvaluationHeadline {
  incrementalKpi: Interval;
  roi: Interval | null;
  totalSpend: number;
  computedAt: Date;
}

/**
 * The stored evaluations of the scenarios' current plans on their runs (the worker evaluates the
 * scenarios pinned to a run when its fit succeeds; scenario.evaluate caches the rest), so the
 * campaign page shows figures without a click.
 */
async function storedEvaluations(
  db: PrismaExecutor,
  actor: Actor,
  scenarios: { id: string; runId: string; plan: unknown }[],
): Promise<Map<string, ScenarioEvaluationHeadline>> {
  const keys = scenarios.flatMap((s) => {
    const plan = scenarioPlanCodec.tryDecode(s.plan);
    return plan ? [{ id: s.id, runId: s.runId, checksum: scenarioChecksum(plan) }] : [];
  });
  const out = new Map<string, ScenarioEvaluationHeadline>();
  if (keys.length === 0) return out;
  const rows = await db.scenarioResult.findMany({
    where: {
      workspaceId: actor.workspaceId,
      OR: keys.map((k) => ({ scenarioId: k.id, runId: k.runId, planChecksum: k.checksum })),
    },
    select: { scenarioId: true, result: true, computedAt: true },
  });
  for (const row of rows) {
    const r = scenarioResultCodec.tryDecode(row.result);
    if (!r) continue;
    out.set(row.scenarioId, {
      incrementalKpi: r.incrementalKpi,
      roi: r.roi ?? null,
      totalSpend: r.totalSpend,
      computedAt: row.computedAt,
    });
  }
  return out;
}
