// Seeds a fitted v2 run (3 geos, units KPI with a value, a reach & frequency channel, an organic
// channel, time-varying media) for the v2 insights e2e: `tsx e2e/seed-fitted-run-v2.ts <email>`
// with DATABASE_URL set. Finds the user's first workspace and prints one JSON line {workspaceId, runId}.
import { createPrismaClient } from "@mixcast/db";
import { seedFittedRunV2 } from "../test/seed-fitted-run-v2.ts";

const [email] = process.argv.slice(2);
const url = process.env.DATABASE_URL;
if (!email || !url) throw new Error("usage: DATABASE_URL=... tsx e2e/seed-fitted-run-v2.ts <email>");
const prisma = createPrismaClient(url, { maxConnections: 2 });
try {
  const user = await prisma.user.findUniqueOrThrow({ where: { email } });
  const membership = await prisma.membership.findFirstOrThrow({
    where: { userId: user.id },
    orderBy: { createdAt: "asc" },
  });
  const seeded = await seedFittedRunV2(prisma, {
    workspaceId: membership.workspaceId,
    userId: user.id,
    sim: {
      weeks: 60,
      geos: 3,
      seed: 4,
      units: true,
      rf: true,
      organic: true,
      channels: 2,
      timeVarying: true,
    },
    configPatch: { timeVaryingMedia: true },
  });
  console.log(JSON.stringify({ workspaceId: membership.workspaceId, runId: seeded.runId }));
} finally {
  await prisma.$disconnect();
}
