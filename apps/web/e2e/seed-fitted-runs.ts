// Seeds fitted runs for the insights e2e and the run-detail benchmark: `tsx e2e/seed-fitted-runs.ts
// <email> <weeks> <channels> [runs]` with DATABASE_URL set. Finds the user's first workspace,
// stores `runs` fitted runs of one model (all but the newest with a "traditional" config: every
// channel typed "digital", so no social stages) and prints one JSON line {workspaceId, runIds, modelId}.
import { createPrismaClient } from "@mixcast/db";
import { EIGHT_CHANNELS, seedFittedRun } from "../test/seed-fitted-run.ts";

const [email, weeksArg, channelsArg, runsArg] = process.argv.slice(2);
const url = process.env.DATABASE_URL;
if (!email || !url)
  throw new Error("usage: DATABASE_URL=... tsx e2e/seed-fitted-runs.ts <email> <weeks> <channels> [runs]");
const prisma = createPrismaClient(url, { maxConnections: 2 });
try {
  const user = await prisma.user.findUniqueOrThrow({ where: { email } });
  const membership = await prisma.membership.findFirstOrThrow({
    where: { userId: user.id },
    orderBy: { createdAt: "asc" },
  });
  const weeks = Number(weeksArg ?? 104);
  const channels = Number(channelsArg ?? 5);
  const runs = Number(runsArg ?? 2);
  // The older run uses a "traditional" config (every channel typed digital: no social stages);
  // the newest uses the social-aware defaults, so its refresh view compares against the older one.
  const names = EIGHT_CHANNELS.slice(0, channels).map((c) => c.name);
  const traditional = { channels: names.map((c) => ({ column: c, type: "digital" })) };
  const runIds: string[] = [];
  let modelId: string | undefined;
  for (let i = 0; i < runs; i++) {
    const seeded = await seedFittedRun(prisma, {
      workspaceId: membership.workspaceId,
      userId: user.id,
      weeks,
      channels,
      seed: 21,
      draws: 200,
      ...(modelId ? { modelId } : {}),
      ...(i < runs - 1 ? { configPatch: traditional } : {}),
      finishedAt: new Date(Date.now() - (runs - 1 - i) * 86_400_000),
    });
    modelId = seeded.modelId;
    runIds.push(seeded.runId);
  }
  const first = { modelId: modelId!, channels: names };
  console.log(
    JSON.stringify({
      workspaceId: membership.workspaceId,
      modelId: first.modelId,
      runIds,
      channels: first.channels,
    }),
  );
} finally {
  await prisma.$disconnect();
}
