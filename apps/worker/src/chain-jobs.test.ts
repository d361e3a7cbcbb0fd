// Chains as separate queue jobs (issue 15 target 4), with workers in this process: the merged fit
// equals the in-process fit with the same seed, and a failing chain fails the run with its reason.
// The SIGKILL case (real processes) is in chain-crash.test.ts.
import { enqueueFitRun } from "@mixcast/db/jobs";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import {
  parseDatasetCsv,
  parseDatasetV2Csv,
  parseModelConfig,
  parseModelConfigV2,
  scaleDatasetV2,
  serializeFitResult,
  simulateV2,
} from "@mixcast/core";
import { fitModel, fitModelV2 } from "@mixcast/core/node";
import { decodeStoredDraws } from "@mixcast/runs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreEngine, type Engine } from "./engine.ts";
import { createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { testWorkerEnv } from "./testing/worker-env.ts";
import { startWorker, type WorkerHandle } from "./worker.ts";

const SAMPLER = { FIT_CHAINS: "2", FIT_WARMUP: "150", FIT_DRAWS: "100" };

const finished = (db: TestDatabase, runId: string, timeoutMs = 50_000) =>
  waitFor(
    async () => {
      const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return ["succeeded", "failed", "cancelled"].includes(run.status) ? run : undefined;
    },
    timeoutMs,
    `run ${runId} to finish`,
  );

describe("a fit whose chains run as separate jobs", () => {
  let db: TestDatabase;
  let fx: ModelFixture;
  const workers: WorkerHandle[] = [];
  const chainOutcomes: { workerId: string; chain: number; status: string }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await seedModel(db.prisma);
    // One coordinates (chain jobs on), the other takes only chain jobs; one chain job at a time each.
    for (const [id, fitRuns] of [
      ["coordinator", "on"],
      ["helper", "off"],
    ] as const) {
      workers.push(
        await startWorker({
          env: testWorkerEnv(db.url, {
            ...SAMPLER,
            WORKER_ID: id,
            FIT_CHAIN_JOBS: "on",
            WORKER_FIT_RUNS: fitRuns,
            WORKER_CHAIN_CONCURRENCY: "1",
            WORKER_CONCURRENCY: "1",
          }),
          timers: false,
          log: () => undefined,
          onChainOutcome: (o) => chainOutcomes.push({ workerId: id, chain: o.chain, status: o.status }),
        }),
      );
    }
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await db?.drop();
  });

  it("stores the same draws, summaries and diagnostics as the in-process fit with the same seed", async () => {
    const seed = 21;
    const runId = await createRun(db.prisma, fx, { seed, mode: "full" });
    await enqueueFitRun(runId, { boss: workers[0]!.boss });
    const run = await finished(db, runId);
    expect(run.status).toBe("succeeded");
    expect(run.attempt).toBe(1);

    const config = parseModelConfig(fx.config);
    const parsed = parseDatasetCsv(fx.csv, config, { holdoutWeeks: config.holdoutWeeks });
    if (!parsed.ok) throw new Error("fixture does not parse");
    const direct = await fitModel(parsed.dataset, config, {
      mode: "nuts",
      chains: 2,
      warmup: 150,
      draws: 100,
      seed,
      threads: 2,
    });
    const expected = JSON.parse(JSON.stringify(serializeFitResult(direct))) as ReturnType<
      typeof serializeFitResult
    >;
    const summary = run.summary as unknown as typeof expected & { sampler: { chainJobs?: boolean } };
    expect(run.workerId).toBe("coordinator");
    {
      expect(summary.sampler.chainJobs).toBe(true);
      const chains = await db.prisma.runChain.findMany({ where: { runId }, orderBy: { chain: "asc" } });
      expect(chains.map((c) => [c.chain, c.status, c.attempt])).toEqual([
        [0, "succeeded", 1],
        [1, "succeeded", 1],
      ]);
      // The draws artifact holds the draws; the chains' copies are dropped.
      expect(chains.every((c) => c.result === null)).toBe(true);
      expect(
        chainOutcomes
          .filter((o) => o.status === "succeeded")
          .map((o) => o.chain)
          .sort(),
      ).toEqual([0, 1]);
      const progress = run.progress as { chains: { chain: number; workerId: string; phase: string }[] };
      expect(progress.chains.map((c) => c.chain)).toEqual([0, 1]);
      expect(progress.chains.every((c) => ["coordinator", "helper"].includes(c.workerId))).toBe(true);
    }
    expect(summary.parameters).toEqual(expected.parameters);
    expect(summary.channels).toEqual(expected.channels);
    expect(run.diagnostics).toEqual(expected.diagnostics);
    const artifact = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId, kind: "draws" } },
    });
    const stored = decodeStoredDraws(artifact.bytes!, artifact.encoding);
    expect(stored.chains).toBe(2);
    expect(Array.from(stored.values)).toEqual(Array.from(Float32Array.from(direct.draws.values)));
  });
});

describe("a v2 (geo) fit whose chains run as separate jobs", () => {
  let db: TestDatabase;
  let worker: WorkerHandle;
  const sim = simulateV2({ weeks: 40, geos: 3, seed: 4, channels: 2 });

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await startWorker({
      env: testWorkerEnv(db.url, {
        FIT_CHAINS: "2",
        FIT_WARMUP: "30",
        FIT_DRAWS: "20",
        FIT_CHAIN_JOBS: "on",
        WORKER_CHAIN_CONCURRENCY: "2",
      }),
      timers: false,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.drop();
  });

  it("stores the same draws and per-geo summaries as fitModelV2 with the same seed", async () => {
    const config = JSON.parse(JSON.stringify(sim.config)) as Record<string, unknown>;
    const fx = await seedModel(db.prisma, { csv: sim.csv, config });
    const runId = await createRun(db.prisma, fx, { seed: 9, mode: "full" });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await finished(db, runId);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    const chains = await db.prisma.runChain.findMany({ where: { runId }, orderBy: { chain: "asc" } });
    expect(chains.map((c) => c.status)).toEqual(["succeeded", "succeeded"]);

    const parsedConfig = parseModelConfigV2(config);
    const parsed = parseDatasetV2Csv(sim.csv, parsedConfig, { holdoutWeeks: parsedConfig.holdoutWeeks });
    if (!parsed.ok) throw new Error("fixture does not parse");
    const data = scaleDatasetV2(parsed.dataset, {
      holdoutWeeks: parsedConfig.holdoutWeeks,
      fourierPairs: parsedConfig.fourierPairs,
      link: parsedConfig.link,
    });
    const direct = await fitModelV2(data, parsedConfig, {
      mode: "nuts",
      chains: 2,
      warmup: 30,
      draws: 20,
      seed: 9,
    });
    const summary = run.summary as { modelVersion: number; geos: unknown; parameters: unknown };
    expect(summary.modelVersion).toBe(2);
    expect(summary.parameters).toEqual(JSON.parse(JSON.stringify(direct.parameters)));
    expect(summary.geos).toEqual(JSON.parse(JSON.stringify(direct.geos)));
    const artifact = await db.prisma.runArtifact.findUniqueOrThrow({
      where: { runId_kind: { runId, kind: "draws" } },
    });
    const stored = decodeStoredDraws(artifact.bytes!, artifact.encoding);
    expect(Array.from(stored.values)).toEqual(Array.from(Float32Array.from(direct.draws.values)));
  });
});

describe("a failing chain job", () => {
  let db: TestDatabase;
  let fx: ModelFixture;
  let worker: WorkerHandle;
  /** seed -> how chain 1 fails: "engine" (permanent) or "connection" (transient, every time) */
  const failures = new Map<number, "engine" | "connection">();
  const calls: { seed: number; chain: number }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await seedModel(db.prisma);
    const real = coreEngine();
    const engine: Engine = {
      ...real,
      fitChain: async (dataset, config, options) => {
        calls.push({ seed: options.seed, chain: options.chain });
        const how = options.chain === 1 ? failures.get(options.seed) : undefined;
        if (how === "engine") throw new Error("log density is not finite at the init of chain 1");
        if (how === "connection")
          throw Object.assign(new Error("terminating connection due to administrator command"), {
            code: "57P01",
          });
        return real.fitChain!(dataset, config, options);
      },
    };
    worker = await startWorker({
      env: testWorkerEnv(db.url, {
        ...SAMPLER,
        FIT_WARMUP: "40",
        FIT_DRAWS: "40",
        FIT_CHAIN_JOBS: "on",
        WORKER_CHAIN_CONCURRENCY: "2",
        WORKER_MAX_ATTEMPTS: "2",
        WORKER_RETRY_DELAY_SECONDS: "1",
      }),
      engine,
      timers: false,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.drop();
  });

  it("an engine error fails the run at once with the chain's reason", async () => {
    failures.set(31, "engine");
    const runId = await createRun(db.prisma, fx, { seed: 31, mode: "full" });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await finished(db, runId);
    expect(run.status).toBe("failed");
    expect(run.error).toBe(
      "Fit failed: chain 2 of 2 failed: Chain failed: log density is not finite at the init of chain 1",
    );
    expect(calls.filter((c) => c.seed === 31 && c.chain === 1)).toHaveLength(1);
    const chains = await db.prisma.runChain.findMany({ where: { runId }, orderBy: { chain: "asc" } });
    expect(chains[1]!.status).toBe("failed");
    // The other chain is finished or stopped, never left running.
    expect(["succeeded", "cancelled"]).toContain(chains[0]!.status);
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: runId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["run.started", "run.failed"]);
  });

  it("a transient error is retried, then fails the run after the attempt limit", async () => {
    failures.set(32, "connection");
    const runId = await createRun(db.prisma, fx, { seed: 32, mode: "full" });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await finished(db, runId);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(
      /^Fit failed: chain 2 of 2 failed: gave up after 2 attempts: terminating connection/,
    );
    expect(calls.filter((c) => c.seed === 32 && c.chain === 1)).toHaveLength(2);
  });
});
