// Chains as separate queue jobs (issue 15 target 4): one 4-chain fit on 1 vs 2 worker processes
// (each runs one chain job at a time, FIT_CHAIN_JOBS=on), and the same fit with one worker's
// process SIGKILLed mid-chain. Part of `pnpm bench --only=worker:distributed` (worker.bench.ts).
import { availableParallelism, loadavg } from "node:os";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { createBoss, enqueueFitRun } from "@mixcast/db/jobs";
import { adminQuery, databaseUrl, quoteIdent, startTestServer, uniqueName } from "@mixcast/db/testing-server";
import { createPrismaClient } from "@mixcast/db";
import { simulate } from "@mixcast/core";
import { addDatasetVersion, createRun, waitFor } from "../src/testing/fixtures.ts";
import { spawnWorker, type WorkerProcess } from "../src/testing/processes.ts";

const CHAINS = 4;

export interface DistributedOptions {
  weeks: number;
  channels: number;
  warmup: number;
  draws: number;
}

export const DEFAULT_DISTRIBUTED: DistributedOptions = { weeks: 156, channels: 6, warmup: 500, draws: 500 };

interface Measured {
  label: string;
  processes: number;
  seconds: number;
  status: string;
  rhatMax: number | null;
  chains: { chain: number; attempt: number; workerId: string | null }[];
  killedChain?: number;
  load: string;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

async function seed(prisma: PrismaClient, o: DistributedOptions) {
  const sim = simulate({ weeks: o.weeks, channels: o.channels, seed: 5 });
  const s = uniqueName("b");
  const ws = await prisma.workspace.create({
    data: { id: `ws_${s}`, name: s, slug: s.replaceAll("_", "-") },
  });
  const dataset = await prisma.dataset.create({ data: { workspaceId: ws.id, name: "geo" } });
  const version = await addDatasetVersion(prisma, {
    workspaceId: ws.id,
    datasetId: dataset.id,
    csv: sim.csv,
    mapping: sim.mapping,
  });
  const model = await prisma.model.create({ data: { workspaceId: ws.id, datasetId: dataset.id, name: "m" } });
  const config = await prisma.modelConfigVersion.create({
    data: {
      workspaceId: ws.id,
      modelId: model.id,
      version: 1,
      config: JSON.parse(
        JSON.stringify({ ...sim.config, sampler: { chains: CHAINS, warmup: o.warmup, draws: o.draws } }),
      ) as Prisma.InputJsonValue,
    },
  });
  return {
    workspaceId: ws.id,
    datasetId: dataset.id,
    datasetVersionId: version.id,
    modelId: model.id,
    configVersionId: config.id,
    csv: sim.csv,
    config: sim.config as unknown as Record<string, unknown>,
  };
}

async function measure(
  server: { adminUrl: string; template: string },
  o: DistributedOptions,
  processes: number,
  kill: boolean,
  log: (m: string) => void,
): Promise<Measured> {
  const name = uniqueName("mixcast_bench_chains");
  await adminQuery(
    server.adminUrl,
    `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(server.template)}`,
  );
  const url = databaseUrl(server.adminUrl, name);
  const prisma = createPrismaClient(url, { maxConnections: 4 });
  const boss = await createBoss({ connectionString: url });
  const procs: WorkerProcess[] = [];
  try {
    const fx = await seed(prisma, o);
    const env = { FIT_CHAIN_JOBS: "on", WORKER_CHAIN_CONCURRENCY: "1", FIT_THREADS: "1" };
    for (let p = 0; p < processes; p++)
      // Only the first process claims runs; the others take chain jobs (any would do).
      procs.push(spawnWorker(`w${p + 1}`, url, { ...env, ...(p > 0 ? { WORKER_FIT_RUNS: "off" } : {}) }));
    await waitFor(
      () => Promise.resolve(procs.every((p) => p.output().includes("started ")) ? true : undefined),
      300_000,
      "workers to start",
    );
    const runId = await createRun(prisma, fx, { mode: "full", seed: 7 });
    const t0 = performance.now();
    await enqueueFitRun(runId, { boss });
    let killedChain: number | undefined;
    if (kill) {
      // SIGKILL the second process once its chain is a quarter done.
      const row = await waitFor(
        async () => {
          const rows = await prisma.runChain.findMany({
            where: { runId, workerId: "w2", status: "running" },
          });
          const r = rows[0];
          const p = r?.progress as { iteration?: number; total?: number } | null;
          return r && p?.total && (p.iteration ?? 0) > p.total / 4 ? r : undefined;
        },
        1_800_000,
        "a chain a quarter done on w2",
      );
      killedChain = row.chain;
      procs[1]!.child.kill("SIGKILL");
      log(`killed w2 in chain ${row.chain} at ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const run = await waitFor(
      async () => {
        const r = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return r.status === "succeeded" || r.status === "failed" ? r : undefined;
      },
      3_600_000,
      "the fit",
    );
    const seconds = (performance.now() - t0) / 1000;
    const chains = await prisma.runChain.findMany({
      where: { runId },
      select: { chain: true, attempt: true, workerId: true },
      orderBy: { chain: "asc" },
    });
    const m: Measured = {
      label: kill
        ? `${processes} processes, w2 SIGKILLed mid-chain`
        : `${processes} process${processes > 1 ? "es" : ""}`,
      processes,
      seconds,
      status: run.status + (run.error ? ` (${run.error})` : ""),
      rhatMax: (run.diagnostics as { rhatMax?: number } | null)?.rhatMax ?? null,
      chains,
      load: load(),
      ...(killedChain !== undefined ? { killedChain } : {}),
    };
    log(`${m.label}: ${seconds.toFixed(1)} s, ${m.status}`);
    return m;
  } finally {
    for (const p of procs)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.exited));
    await boss.stop({ graceful: false });
    await prisma.$disconnect();
    await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }
}

export async function runDistributedBench(
  o: DistributedOptions = DEFAULT_DISTRIBUTED,
  log: (m: string) => void = console.error,
): Promise<string> {
  const server = await startTestServer();
  const before = load();
  try {
    const one = await measure(server, o, 1, false, log);
    const two = await measure(server, o, 2, false, log);
    const killed = await measure(server, o, 2, true, log);
    const row = (m: Measured) =>
      `| ${m.label} | ${m.seconds.toFixed(1)} | ${m.status} | ${m.rhatMax?.toFixed(3) ?? "-"} | ${m.chains
        .map((c) => `${c.chain + 1}: ${c.workerId ?? "?"}${c.attempt > 1 ? ` (attempt ${c.attempt})` : ""}`)
        .join(", ")} | ${m.load} |`;
    return [
      "## Worker: a fit's chains as separate queue jobs, 1 vs 2 worker processes",
      "",
      `Measured ${new Date().toISOString()} on ${availableParallelism()} cores (load average before: ${before}; the machine is shared, so every wall time includes other processes' load).`,
      "",
      `One NUTS fit, ${CHAINS} chains x (${o.warmup} + ${o.draws}) iterations, v1 model of a simulated ${o.weeks}-week x ${o.channels}-channel dataset, FIT_CHAIN_JOBS=on; every worker process runs one chain job at a time (WORKER_CHAIN_CONCURRENCY=1, FIT_THREADS=1); w1 claims the run (coordinator), w2 takes only chain jobs (WORKER_FIT_RUNS=off). Wall time from enqueue to the stored result; the kill run SIGKILLs w2 once its chain is a quarter done (w1 runs that chain again once pg-boss sees its job heartbeat, 10 s here, lapse).`,
      "",
      "| workers | wall time (s) | outcome | max R-hat | chain: worker | load average after (1, 5, 15 min) |",
      "|---|---:|---|---:|---|---|",
      row(one),
      row(two),
      row(killed),
      "",
      `Speed-up 2 vs 1 process: ${(one.seconds / two.seconds).toFixed(2)}x (ideal 2x on two idle cores).`,
      "",
    ].join("\n");
  } finally {
    await server.stop();
  }
}
