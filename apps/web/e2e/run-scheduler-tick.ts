// One tick of the worker's weekly scheduler against the e2e database, for the refresh spec: the
// e2e worker runs with its scheduler off (--quick-worker), so the spec fires the slot itself,
// through the worker's own runSchedulerTick and the real fit queue (pg-boss), a week ahead so the
// slot after the schedule's creation is due. Prints the tick's result as JSON.
// Usage: DATABASE_URL=... tsx e2e/run-scheduler-tick.ts
import { createPrismaClient } from "@mixcast/db";
import { createBoss, enqueueFitRun } from "@mixcast/db/jobs";
import { runSchedulerTick } from "../../worker/src/scheduler.ts";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is not set");
const prisma = createPrismaClient(url, { maxConnections: 2 });
const boss = await createBoss({ connectionString: url, role: "producer" });
try {
  const result = await runSchedulerTick({
    prisma,
    enqueue: (runId) => enqueueFitRun(runId, { boss }),
    now: new Date(Date.now() + 8 * 86_400_000),
  });
  console.log(JSON.stringify(result));
} finally {
  await boss.stop({ graceful: false });
  await prisma.$disconnect();
}
