// `pnpm start` hook (scripts/start.mjs runs it after the demo seed, with DATABASE_URL and
// MIXCAST_SEED): queue the demo model's first fit so the demo shows results within seconds of the
// worker starting. Idempotent: does nothing when the demo model already has a run.
import { createPrismaClient } from "@mixcast/db";
import { createBoss, enqueueFitRun } from "@mixcast/db/jobs";
import { z } from "zod";
import { auditRun } from "./audit.ts";
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
  const existing = await prisma.run.count({ where: { modelId: seed.modelId } });
  if (existing > 0) {
    console.log(`[worker] demo model already has ${existing} run(s); nothing to queue`);
  } else {
    const run = await prisma.$transaction(async (tx) => {
      const created = await tx.run.create({
        data: {
          workspaceId: seed.workspaceId,
          modelId: seed.modelId,
          datasetVersionId: seed.datasetVersionId,
          configVersionId: seed.configVersionId,
          mode: "fast",
          seed: 20_260_101,
          createdById: seed.userId,
          progress: { phase: "queued", percent: 0 },
        },
      });
      await auditRun(tx, created, "run.created", { reason: "demo seed", mode: "fast" });
      return created;
    });
    const boss = await createBoss({ connectionString: env.DATABASE_URL, role: "producer" });
    const jobId = await enqueueFitRun(run.id, { boss });
    await prisma.run.update({ where: { id: run.id }, data: { jobId } });
    await boss.stop({ graceful: false });
    console.log(`[worker] queued the demo model's first fit (run ${run.id})`);
  }
} finally {
  await prisma.$disconnect();
}
