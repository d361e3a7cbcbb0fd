// Seeds fitted runs for the insights e2e and the run-detail benchmark: `tsx e2e/seed-fitted-runs.ts
// <email> <weeks> <channels> [runs]` with DATABASE_URL set. Finds the user's first workspace,
// stores `runs` fitted runs of one model (the second with a "traditional" config: every channel
// typed "digital", so no social stages) and prints one JSON line {workspaceId, runIds, modelId}.
import { createPrismaClient } from "@mixcast/db";
import { seedFittedRun } from "../src/server/insight/seed-fitted-run.ts";

const [email, weeksArg, channelsArg, runsArg] = process.argv.slice(2);
const url = process.env.DATABASE_URL;
if (!email || !url) throw new Error("usage: DATABASE_URL=... tsx e2e/seed-fitted-runs.ts <email> <weeks> <channels> [runs]");
const prisma = createPrismaClient(url, { maxConnections: 2 });
try {
  const user = await prisma.user.findUniqueOrThrow({ where: { email } });
  const membership = await prisma.membership.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
  const weeks = Number(weeksArg ?? 104);
  const channels = Number(channelsArg ?? 5);
  const runs = Number(runsArg ?? 2);
  const first = await seedFittedRun(prisma, { workspaceId: membership.workspaceId, userId: user.id, weeks, channels, seed: 21, draws: 200, finishedAt: new Date(Date.now() - 7 * 86_400_000) });
  const runIds = [first.runId];
  for (let i = 1; i < runs; i++) {
    const next = await seedFittedRun(prisma, {
      workspaceId: membership.workspaceId, userId: user.id, weeks, channels, seed: 21, draws: 200, modelId: first.modelId,
      configPatch: { channels: first.channels.map((c) => ({ column: c, type: "digital" })) },
      finishedAt: new Date(Date.now() - (runs - 1 - i) * 60_000),
    });
    runIds.push(next.runId);
  }
  console.log(JSON.stringify({ workspaceId: membership.workspaceId, modelId: first.modelId, runIds, channels: first.channels }));
} finally {
  await prisma.$disconnect();
}
