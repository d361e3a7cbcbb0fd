// What `pnpm start` adds to a freshly seeded demo workspace (run by seed-demo.ts): each demo model's
// first fit, queued, with a campaign of two scenarios on that fit ("Next quarter" on the national
// model, "Next quarter by state" on the geo model), each model's in one transaction with their
// audit events. Idempotent: nothing happens for a model that has a run.
import { parseDatasetCsv, parseDatasetV2Csv, type ColumnMapping, type DataMappingV2 } from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { queueRun } from "@mixcast/runs";
import { scenarioPlanCodec } from "@mixcast/runs/stored";
import { demoCampaign, demoGeoCampaign, type DemoCampaign } from "./demo-scenarios.ts";

export interface DemoSeedIds {
  userId: string;
  workspaceId: string;
  modelId: string;
  configVersionId: string;
  datasetVersionId: string;
}

export interface DemoSeedResult {
  runId: string;
  campaignId: string | null;
  scenarioIds: string[];
}

/** Creates the demo run, campaign and scenarios; returns null when the model already has a run. */
export async function createDemoRunAndScenarios(
  prisma: PrismaClient,
  seed: DemoSeedIds,
): Promise<DemoSeedResult | null> {
  const existing = await prisma.run.count({ where: { modelId: seed.modelId } });
  if (existing > 0) return null;
  const version = await prisma.datasetVersion.findUniqueOrThrow({
    where: { id: seed.datasetVersionId },
    select: { csv: true, mapping: true },
  });
  const parsed = parseDatasetCsv(version.csv, version.mapping as unknown as ColumnMapping, {
    holdoutWeeks: 0,
  });
  // full NUTS (well under a minute for the demo's 156 weeks x 7 channels): the demo then shows a
  // real posterior with its diagnostics instead of the fast mode's labelled approximation
  return queueDemoRunAndCampaign(prisma, seed, 20_260_101, parsed.ok ? demoCampaign(parsed.dataset) : null);
}

/**
 * The geo demo model's first fit (full NUTS, the v2 engine: the worker routes it by its config)
 * with the "Next quarter by state" campaign and its two per-state scenarios; null when the geo
 * model already has a run.
 */
export async function createDemoGeoRunAndScenarios(
  prisma: PrismaClient,
  seed: DemoSeedIds,
): Promise<DemoSeedResult | null> {
  const existing = await prisma.run.count({ where: { modelId: seed.modelId } });
  if (existing > 0) return null;
  const version = await prisma.datasetVersion.findUniqueOrThrow({
    where: { id: seed.datasetVersionId },
    select: { csv: true, mapping: true },
  });
  const parsed = parseDatasetV2Csv(version.csv, version.mapping as unknown as DataMappingV2, {
    holdoutWeeks: 0,
  });
  return queueDemoRunAndCampaign(
    prisma,
    seed,
    20_261_204,
    parsed.ok ? demoGeoCampaign(parsed.dataset) : null,
  );
}

/**
 * One transaction: the model's full run, then the campaign and its scenarios on that run. Scenarios
 * are a nicety: a demo dataset that does not parse still gets its fit (which then fails with the
 * parser's message), just no campaign.
 */
async function queueDemoRunAndCampaign(
  prisma: PrismaClient,
  seed: DemoSeedIds,
  runSeed: number,
  plan: DemoCampaign | null,
): Promise<DemoSeedResult> {
  return prisma.$transaction(
    async (tx) => {
      const run = await queueRun(
        tx,
        {
          workspaceId: seed.workspaceId,
          modelId: seed.modelId,
          datasetVersionId: seed.datasetVersionId,
          configVersionId: seed.configVersionId,
          mode: "full",
          seed: runSeed,
          createdById: seed.userId,
        },
        { action: "run.created", details: { reason: "demo seed", mode: "full" } },
      );
      if (plan === null) return { runId: run.id, campaignId: null, scenarioIds: [] };
      const audit = (
        action: string,
        targetType: string,
        targetId: string,
        details: Record<string, unknown>,
      ): Prisma.AuditEventCreateManyInput => ({
        workspaceId: seed.workspaceId,
        actorKind: "system",
        actorId: null,
        action,
        targetType,
        targetId,
        details: { seed: "demo", ...details },
      });
      const campaign = await tx.campaign.create({
        data: {
          workspaceId: seed.workspaceId,
          modelId: seed.modelId,
          name: plan.name,
          description: plan.description,
          budget: plan.budget,
          createdById: seed.userId,
        },
      });
      const events = [audit("campaign.create", "campaign", campaign.id, { name: plan.name })];
      const scenarioIds: string[] = [];
      for (const s of plan.scenarios) {
        const scenario = await tx.scenario.create({
          data: {
            workspaceId: seed.workspaceId,
            modelId: seed.modelId,
            runId: run.id,
            campaignId: campaign.id,
            name: s.name,
            description: s.description,
            plan: scenarioPlanCodec.encode(s.plan),
            createdById: seed.userId,
          },
        });
        scenarioIds.push(scenario.id);
        const total = Object.values(s.plan.spend)
          .flat()
          .reduce((a, b) => a + b, 0);
        events.push(
          audit("scenario.create", "scenario", scenario.id, {
            name: s.name,
            campaignId: campaign.id,
            runId: run.id,
            weeks: s.plan.weeks,
            totalSpend: total,
            origin: s.plan.origin.kind,
          }),
        );
      }
      await tx.auditEvent.createMany({ data: events });
      return { runId: run.id, campaignId: campaign.id, scenarioIds };
    },
    // a busy 2-core machine (the web build runs beside the first start) outlasts Prisma's 5 s default
    { maxWait: 30_000, timeout: 120_000 },
  );
}
