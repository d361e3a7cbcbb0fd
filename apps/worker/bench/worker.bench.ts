// Worker benchmark: throughput of short fits with 1 vs 2 worker processes, and the cost of
// progress writes relative to fit time.
//
//   pnpm bench --only=worker          (scripts/bench.ts: writes the sections into docs/benchmarks.md;
//                                      groups: worker:throughput, worker:distributed)
//   pnpm --filter @mixcast/worker bench [-- --runs 12 --out <file.md>]   (prints it only)
//
// Uses TEST_DATABASE_URL's server when set, otherwise a throwaway embedded PostgreSQL, with one
// fresh migrated database per measurement. Prints a markdown section; `runWorkerBench()` returns it.
import { writeFileSync } from "node:fs";
import { createPrismaClient, type PrismaClient } from "@mixcast/db";
import { createBoss, enqueueFitRun } from "@mixcast/db/jobs";
import { adminQuery, databaseUrl, quoteIdent, startTestServer, uniqueName } from "@mixcast/db/testing-server";
import { loadWorkerEnv } from "../src/env.ts";
import { createRun, seedModel, waitFor } from "../src/testing/fixtures.ts";
import { spawnWorker, type WorkerProcess } from "../src/testing/processes.ts";
import { listWorkers } from "../src/worker-state.ts";
import { startWorker } from "../src/worker.ts";
import { DEFAULT_DISTRIBUTED, runDistributedBench } from "./distributed.ts";

interface Db {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

async function freshDatabase(server: { adminUrl: string; template: string }): Promise<Db> {
  const name = uniqueName("mixcast_bench");
  await adminQuery(
    server.adminUrl,
    `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(server.template)}`,
  );
  const url = databaseUrl(server.adminUrl, name);
  const prisma = createPrismaClient(url, { maxConnections: 4 });
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

async function throughput(server: { adminUrl: string; template: string }, processes: number, runs: number) {
  const db = await freshDatabase(server);
  const boss = await createBoss({ connectionString: db.url });
  const procs: WorkerProcess[] = [];
  try {
    const fx = await seedModel(db.prisma);
    for (let p = 0; p < processes; p++)
      procs.push(spawnWorker(`bench-${p}`, db.url, { FIT_THREADS: "1", FIT_DRAWS: "200" }));
    await waitFor(
      async () => {
        const rows = await listWorkers(db.prisma).catch(() => []);
        return rows.filter((r) => !r.stoppedAt).length === processes ? true : undefined;
      },
      120_000,
      "workers to start",
    );
    // One warm-up run per process so that thread start-up is not measured.
    const warm: string[] = [];
    for (let p = 0; p < processes; p++)
      warm.push(await createRun(db.prisma, fx, { mode: "fast", seed: 1000 + p }));
    for (const id of warm) await enqueueFitRun(id, { boss });
    await waitFor(
      async () =>
        (await db.prisma.run.count({ where: { id: { in: warm }, status: "succeeded" } })) === warm.length
          ? true
          : undefined,
      300_000,
      "warm-up",
    );
    const ids: string[] = [];
    for (let i = 0; i < runs; i++) ids.push(await createRun(db.prisma, fx, { mode: "fast", seed: i + 1 }));
    const t0 = performance.now();
    for (const id of ids) await enqueueFitRun(id, { boss });
    await waitFor(
      async () => {
        const done = await db.prisma.run.count({
          where: { id: { in: ids }, status: { in: ["succeeded", "failed"] } },
        });
        return done === ids.length ? true : undefined;
      },
      600_000,
      "runs to finish",
    );
    const seconds = (performance.now() - t0) / 1000;
    const fits = await db.prisma.run.findMany({
      where: { id: { in: ids } },
      select: { summary: true, status: true },
    });
    const fitSeconds = fits.map(
      (f) => (f.summary as { timings?: { fitSeconds?: number } } | null)?.timings?.fitSeconds ?? 0,
    );
    return {
      processes,
      runs,
      failed: fits.filter((f) => f.status !== "succeeded").length,
      seconds,
      runsPerMinute: (runs / seconds) * 60,
      meanFitSeconds: fitSeconds.reduce((a, b) => a + b, 0) / fitSeconds.length,
    };
  } finally {
    for (const p of procs) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.exited));
    await boss.stop({ graceful: false });
    await db.drop();
  }
}

async function progressOverhead(server: { adminUrl: string; template: string }) {
  const db = await freshDatabase(server);
  const writes: number[] = [];
  const results: {
    intervalMs: number;
    fitSeconds: number;
    writes: number;
    writeMs: number;
    medianWriteMs: number;
    mainBusyMs: number;
  }[] = [];
  try {
    const fx = await seedModel(db.prisma);
    // alternating, four of each: the difference is a few percent, so one pair is mostly noise
    for (const intervalMs of [1000, 60_000, 1000, 60_000, 1000, 60_000, 1000, 60_000]) {
      const env = loadWorkerEnv({
        DATABASE_URL: db.url,
        WORKER_PROGRESS_INTERVAL_MS: String(intervalMs),
        WORKER_POLL_SECONDS: "0.5",
        FIT_CHAINS: "2",
        FIT_WARMUP: "5000",
        FIT_DRAWS: "5000",
        FIT_THREADS: "2",
        WORKER_SCHEDULER: "off",
      });
      writes.length = 0;
      const worker = await startWorker({
        env,
        timers: false,
        log: () => undefined,
        onProgressWrite: (w) => writes.push(w.durationMs),
      });
      try {
        const id = await createRun(db.prisma, fx, { mode: "full", seed: 17 });
        // Main-thread busy time over the whole run: the CPU the worker's own loop (progress
        // writes, heartbeats, polling) takes; sampling runs in other threads.
        const elu0 = performance.eventLoopUtilization();
        await enqueueFitRun(id, { boss: worker.boss });
        const run = await waitFor(
          async () => {
            const r = await db.prisma.run.findUniqueOrThrow({ where: { id } });
            return r.status === "succeeded" || r.status === "failed" ? r : undefined;
          },
          600_000,
          "NUTS run",
        );
        const fitSeconds = (run.summary as { timings: { fitSeconds: number } }).timings.fitSeconds;
        const mainBusyMs = performance.eventLoopUtilization(elu0).active;
        const sorted = [...writes].sort((a, b) => a - b);
        results.push({
          intervalMs,
          fitSeconds,
          writes: writes.length,
          writeMs: writes.reduce((a, b) => a + b, 0),
          medianWriteMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
          mainBusyMs,
        });
      } finally {
        await worker.stop();
      }
    }
  } finally {
    await db.drop();
  }
  return results;
}

export async function runWorkerBench(options: { runs?: number } = {}): Promise<string> {
  const runs = options.runs ?? 12;
  const server = await startTestServer();
  try {
    const one = await throughput(server, 1, runs);
    const two = await throughput(server, 2, runs);
    const overhead = await progressOverhead(server);
    const withWrites = overhead.filter((o) => o.intervalMs === 1000);
    const without = overhead.filter((o) => o.intervalMs !== 1000);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const fitWith = mean(withWrites.map((o) => o.fitSeconds));
    const fitWithout = mean(without.map((o) => o.fitSeconds));
    const writeShare = mean(withWrites.map((o) => o.writeMs / 1000 / o.fitSeconds));
    const lines = [
      "## Worker: queue throughput and progress-write overhead",
      "",
      `Measured ${new Date().toISOString()} on ${(await import("node:os")).availableParallelism()} cores (load average ${(
        await import("node:os")
      )
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}).`,
      "",
      `Throughput of short fits (fast mode, 60 weeks, 2 channels, 200 draws; FIT_THREADS=1; ${runs} runs after one warm-up run per process):`,
      "",
      "| worker processes | wall time (s) | runs/min | mean fit (s) | failed |",
      "|---:|---:|---:|---:|---:|",
      ...[one, two].map(
        (r) =>
          `| ${r.processes} | ${r.seconds.toFixed(1)} | ${r.runsPerMinute.toFixed(1)} | ${r.meanFitSeconds.toFixed(2)} | ${r.failed} |`,
      ),
      "",
      `Speed-up 2 vs 1 process: ${(two.runsPerMinute / one.runsPerMinute).toFixed(2)}x.`,
      "",
      "Progress-write overhead (NUTS, 2 chains x (5000 + 5000) iterations on the 60-week fixture, same seed, 4 runs each, alternating; writes every 1 s vs effectively none):",
      "",
      "| progress interval | fit (s) | progress writes | time in writes (ms) | median write (ms) | main thread busy (ms) |",
      "|---:|---:|---:|---:|---:|---:|",
      ...overhead.map(
        (o) =>
          `| ${o.intervalMs === 1000 ? "1 s" : "off (60 s)"} | ${o.fitSeconds.toFixed(2)} | ${o.writes} | ${o.writeMs.toFixed(1)} | ${o.writes ? o.medianWriteMs.toFixed(1) : "-"} | ${o.mainBusyMs.toFixed(0)} |`,
      ),
      "",
      `Time spent in progress writes (wall-clock latency, async; sampling continues in its threads meanwhile): ${(writeShare * 100).toFixed(2)}% of fit time.`,
      `Extra main-thread CPU with writes: ${(((mean(withWrites.map((o) => o.mainBusyMs)) - mean(without.map((o) => o.mainBusyMs))) / 1000 / fitWith) * 100).toFixed(2)}% of fit time (event-loop busy time with vs without writes; this is what writes can take from the fit).`,
      `Fit time with writes vs without: ${(((fitWith - fitWithout) / fitWithout) * 100).toFixed(1)}% (noise of a shared machine included).`,
      "",
    ];
    return lines.join("\n");
  } finally {
    await server.stop();
  }
}

/** The markdown of a section without its "## Title" line, and that title. */
function section(id: string, command: string, markdown: string) {
  const heading = /^#+ (.*)$/m.exec(markdown);
  return {
    id,
    title: heading?.[1] ?? id,
    command,
    body: heading ? markdown.replace(heading[0], "").trim() + "\n" : markdown,
  };
}

/**
 * Entry point for scripts/bench.ts: `--only=worker` runs both groups, `--only=worker:throughput`
 * the queue throughput and progress overhead, `--only=worker:distributed` chains as separate jobs.
 */
export default async function bench(ctx: { flags: ReadonlySet<string>; log(message: string): void }) {
  const groups = [...ctx.flags].filter((f) => f.startsWith("only=")).map((f) => f.slice(5));
  const want = (g: string) => groups.length === 0 || groups.includes(g);
  const out = [];
  if (want("throughput"))
    out.push(section("worker-worker", "pnpm bench --only=worker:throughput", await runWorkerBench()));
  if (want("distributed"))
    out.push(
      section(
        "worker-distributed",
        "nice pnpm bench --only=worker:distributed",
        await runDistributedBench(DEFAULT_DISTRIBUTED, (m) => ctx.log(m)),
      ),
    );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const markdown = await runWorkerBench({ runs: arg("--runs") ? Number(arg("--runs")) : undefined });
  console.log(markdown);
  const out = arg("--out");
  if (out) writeFileSync(out, markdown);
  process.exit(0);
}
