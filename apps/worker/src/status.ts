// `pnpm --filter @mixcast/worker status [--json] [--check]`: queue depth, workers, running and
// stale runs, last scheduler tick. With --check the exit code is 1 when no worker is live or a run
// is stale (for cron/monitoring).
import { createPrismaClient, type PrismaClient } from "@mixcast/db";
import { createBoss, QUEUES, type PgBoss } from "@mixcast/db/jobs";
import { loadWorkerEnv } from "./env.ts";
import { runProgressCodec, type RunProgress } from "@mixcast/runs/stored";
import { ensureWorkerStateTable, listWorkers, type WorkerStateRow } from "./worker-state.ts";

interface QueueDepth {
  name: string;
  ready: number;
  deferred: number;
  active: number;
  failed: number;
  total: number;
}

export interface WorkerStatus {
  queue: QueueDepth;
  /** Chain jobs (runs whose chains run as separate jobs). */
  chainQueue: QueueDepth;
  workers: (WorkerStateRow & { live: boolean })[];
  lastTickAt: string | null;
  running: {
    id: string;
    modelId: string;
    workerId: string | null;
    attempt: number;
    percent: number;
    heartbeatAgeSeconds: number | null;
    /** Per chain, from the run's progress (chains run in threads or as separate jobs). */
    chains: RunProgress["chains"];
  }[];
  stale: { id: string; workerId: string | null; attempt: number; heartbeatAt: string | null }[];
  queuedRuns: number;
}

export async function collectStatus(
  prisma: PrismaClient,
  boss: PgBoss,
  options: { staleSeconds: number; liveSeconds?: number; now?: Date },
): Promise<WorkerStatus> {
  const now = options.now ?? new Date();
  await ensureWorkerStateTable(prisma);
  const [stats, chainStats, workers, running, queuedRuns] = await Promise.all([
    boss.getQueueStats(QUEUES.fitRun, { force: true }),
    boss.getQueueStats(QUEUES.fitChain, { force: true }).catch(() => []),
    listWorkers(prisma),
    prisma.run.findMany({
      where: { status: "running" },
      select: {
        id: true,
        modelId: true,
        workerId: true,
        attempt: true,
        percent: true,
        heartbeatAt: true,
        progress: true,
      },
      orderBy: { startedAt: "asc" },
      take: 200,
    }),
    prisma.run.count({ where: { status: "queued" } }),
  ]);
  const depth = (name: string, st: typeof stats): QueueDepth => {
    const s = st.at(-1);
    return {
      name,
      ready: s?.readyCount ?? 0,
      deferred: s?.deferredCount ?? 0,
      active: s?.activeCount ?? 0,
      failed: s?.failedCount ?? 0,
      total: s?.totalCount ?? 0,
    };
  };
  const liveMs = (options.liveSeconds ?? 30) * 1000;
  const age = (d: Date | null) => (d ? (now.getTime() - d.getTime()) / 1000 : null);
  const lastTick = workers.reduce<Date | null>(
    (max, w) => (w.lastTickAt && (!max || w.lastTickAt > max) ? w.lastTickAt : max),
    null,
  );
  return {
    queue: depth(QUEUES.fitRun, stats),
    chainQueue: depth(QUEUES.fitChain, chainStats),
    workers: workers.map((w) => ({
      ...w,
      live: !w.stoppedAt && now.getTime() - w.heartbeatAt.getTime() < liveMs,
    })),
    lastTickAt: lastTick?.toISOString() ?? null,
    running: running.map((r) => ({
      id: r.id,
      modelId: r.modelId,
      workerId: r.workerId,
      attempt: r.attempt,
      percent: r.percent,
      heartbeatAgeSeconds: age(r.heartbeatAt),
      chains: chainsOf(r.progress),
    })),
    stale: running
      .filter((r) => (age(r.heartbeatAt) ?? Infinity) > options.staleSeconds)
      .map((r) => ({
        id: r.id,
        workerId: r.workerId,
        attempt: r.attempt,
        heartbeatAt: r.heartbeatAt?.toISOString() ?? null,
      })),
    queuedRuns,
  };
}

function chainsOf(progress: unknown): RunProgress["chains"] {
  if (progress === null || progress === undefined) return [];
  try {
    return runProgressCodec.decode(progress).chains ?? [];
  } catch {
    return [];
  }
}

export function formatStatus(s: WorkerStatus): string {
  const lines: string[] = [];
  const q = s.queue;
  lines.push(
    `queue ${q.name}: ${q.ready} ready, ${q.deferred} deferred/retrying, ${q.active} active, ${q.failed} failed (retained); ${s.queuedRuns} run(s) queued`,
  );
  const cq = s.chainQueue;
  lines.push(
    `queue ${cq.name}: ${cq.ready} ready, ${cq.deferred} deferred/retrying, ${cq.active} active, ${cq.failed} failed (retained)`,
  );
  lines.push(`last schedule tick: ${s.lastTickAt ?? "never"}`);
  const live = s.workers.filter((w) => w.live);
  lines.push(`workers: ${live.length} live of ${s.workers.length} known`);
  for (const w of s.workers.slice(0, 10)) {
    lines.push(
      `  ${w.live ? "live   " : w.stoppedAt ? "stopped" : "silent "} ${w.workerId} pid ${w.pid} heartbeat ${w.heartbeatAt.toISOString()} running [${w.running.join(", ")}]`,
    );
  }
  lines.push(`running runs: ${s.running.length}`);
  for (const r of s.running) {
    lines.push(
      `  ${r.id} ${r.percent.toFixed(1)}% attempt ${r.attempt} on ${r.workerId ?? "?"} (heartbeat ${r.heartbeatAgeSeconds?.toFixed(0) ?? "-"} s ago)`,
    );
    for (const c of r.chains ?? [])
      lines.push(
        `    chain ${c.chain + 1}: ${c.phase ?? "?"} ${c.iteration}/${c.total}${c.divergences ? `, ${c.divergences} divergences` : ""}${c.workerId ? ` on ${c.workerId}` : ""}${c.attempt && c.attempt > 1 ? ` (attempt ${c.attempt})` : ""}`,
      );
  }
  lines.push(`stale runs: ${s.stale.length}`);
  for (const r of s.stale)
    lines.push(
      `  ${r.id} attempt ${r.attempt} on ${r.workerId ?? "?"}, last heartbeat ${r.heartbeatAt ?? "never"}`,
    );
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const env = loadWorkerEnv();
  const prisma = createPrismaClient(env.DATABASE_URL, { maxConnections: 2 });
  const boss = await createBoss({ connectionString: env.DATABASE_URL, role: "producer" });
  try {
    const status = await collectStatus(prisma, boss, { staleSeconds: env.WORKER_STALE_RUN_SECONDS });
    console.log(args.has("--json") ? JSON.stringify(status, null, 2) : formatStatus(status));
    if (args.has("--check") && (status.stale.length > 0 || !status.workers.some((w) => w.live)))
      process.exitCode = 1;
  } finally {
    await boss.stop({ graceful: false });
    await prisma.$disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
}
