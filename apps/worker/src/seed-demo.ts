// `pnpm start` hook (the launcher, apps/stack/src/stack.ts, runs it after the demo seed, with DATABASE_URL and
// MIXCAST_SEED): queue the demo model's first fit, with the demo campaign and its two scenarios
// (demo-seed.ts), so the demo shows results within seconds of the worker starting. Idempotent:
// does nothing when the demo model already has a run.
import { createPrismaClient } from "@mixcast/db";
import { createBoss, enqueueFitRun } from "@mixcast/db/jobs";
import { recordJob } from "@mixcast/runs";
import { z } from "zod";
import { createDemoRunAndScenarios } from "./demo-seed.ts";
import { loadWorkerEnv } from "./env.ts";

const seedSchema = z.object({
  userId: z.string(),
  workspaceId: z.string(),
  modelId: z.string().min(1),
  configVersionId: z.string().min(1),
  datasetVersionId: z.string().min(1),
});

const env = loadWorkerEnv();
const seed = seedSchema.parse(JSON.parse(process.env.MIXCAST_SEED ?? "{}"));
const prisma = createPrismaClient(env.DATABASE_URL, { maxConnections: 2 });
try {
  const created = await createDemoRunAndScenarios(prisma, seed);
  if (created === null) {
    console.log("[worker] demo model already has a run; nothing to queue");
  } else {
    const boss = await createBoss({ connectionString: env.DATABASE_URL, role: "producer" });
    const jobId = await enqueueFitRun(created.runId, { boss });
    if (jobId) await recordJob(prisma, created.runId, jobId);
    await boss.stop({ graceful: false });
    console.log(
      `[worker] queued the demo model's first fit (run ${created.runId}) with ${created.scenarioIds.length} demo scenarios`,
    );
  }
} finally {
  await prisma.$disconnect();
}
