import { createPrismaClient } from "@mixcast/db";
import { createBoss, enqueueFitRun } from "@mixcast/db/jobs";
import { createRun, seedModel } from "./src/testing/fixtures.ts";
import { spawnWorker } from "./src/testing/processes.ts";
const url = process.env.DATABASE_URL!;
const prisma = createPrismaClient(url);
const fx = await seedModel(prisma);
const boss = await createBoss({ connectionString: url });
const t0 = Date.now();
const w = spawnWorker("probe", url, { FIT_DRAWS: "50" });
const ids = [];
for (let i = 0; i < 3; i++) ids.push(await createRun(prisma, fx, { seed: i, mode: "fast" }));
for (const id of ids) await enqueueFitRun(id, { boss });
for (;;) {
  const rows = await prisma.run.findMany({ where: { id: { in: ids } } });
  const s = rows.map((r) => `${r.status}:${r.percent}`).join(" ");
  console.log(((Date.now() - t0) / 1000).toFixed(1), s);
  if (rows.every((r) => r.status === "succeeded" || r.status === "failed") || Date.now() - t0 > 40000) break;
  await new Promise((r) => setTimeout(r, 1000));
}
console.log(w.output());
w.child.kill("SIGTERM");
await w.exited;
await boss.stop({ graceful: false });
await prisma.$disconnect();
