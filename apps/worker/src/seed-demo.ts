// `pnpm start` hook (the launcher, apps/stack/src/stack.ts, runs it after the demo seed, with DATABASE_URL and
// MIXCAST_SEED): queue each demo model's first fit with its demo campaign and two scenarios
// (demo-seed.ts), so the demo shows results soon after the worker starts: the national model's
// first (well under a minute), then the geo model's (minutes: docs/operations.md). Idempotent: a
// model that already has a run gets nothing.
import { createPrismaClient } from "@mixcast/db";
import { createBoss, enqueueFitRun } from "@mixcast/db/jobs";
import { recordJob } from "@mixcast/runs";
import { z } from "zod";
import { createDemoGeoRunAndScenarios, createDemoRunAndScenarios, type DemoSeedResult } from "./demo-seed.ts";
import { loadWorkerEnv } from "./env.ts";

const modelIds = z.object({
  modelId: z.string().min(1),
  configVersionId: z.string().min(1),
  datasetVersionId: z.string().min(1),
});
const seedSchema = modelIds.extend({
  userId: z.string(),
  workspaceId: z.string(),
  /** The geo demo (absent from a launcher that predates it). */
  geo: modelIds.optional(),
});

const env = loadWorkerEnv();
const seed = seedSchema.parse(JSON.parse(process.env.MIXCAST_SEED ?? "{}"));
const prisma = createPrismaClient(env.DATABASE_URL, { maxConnections: 2 });
try {
  const queued: [string, DemoSeedResult][] = [];
  const national = await createDemoRunAndScenarios(prisma, seed);
  if (national) queued.push(["demo model", national]);
  if (seed.geo) {
    const geo = await createDemoGeoRunAndScenarios(prisma, { ...seed, ...seed.geo });
    if (geo) queued.push(["geo demo model", geo]);
  }
  if (queued.length === 0) {
    console.log("[worker] the demo models already have runs; nothing to queue");
  } else {
    // in this order: the national demo's short fit runs first (one fit at a time by default)
    const boss = await createBoss({ connectionString: env.DATABASE_URL, role: "producer" });
    for (const [label, created] of queued) {
      const jobId = await enqueueFitRun(created.runId, { boss });
      if (jobId) await recordJob(prisma, created.runId, jobId);
      console.log(
        `[worker] queued the ${label}'s first fit (run ${created.runId}) with ${created.scenarioIds.length} demo scenarios`,
      );
    }
    await boss.stop({ graceful: false });
  }
} finally {
  await prisma.$disconnect();
}
