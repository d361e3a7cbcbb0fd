import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { enqueueFitRun } from "@mixcast/db/jobs";
import { parseDatasetCsv, parseModelConfig } from "@mixcast/core";
import { fitModel } from "@mixcast/core/node";
import { serializeFitResult } from "@mixcast/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeStoredDraws } from "@mixcast/runs";
import { runSummaryCodec } from "@mixcast/runs/stored";
import { coreEngine, type Engine } from "./engine.ts";
import { createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { testWorkerEnv } from "./testing/worker-env.ts";
import { startWorker, type WorkerHandle } from "./worker.ts";

let db: TestDatabase;
let worker: WorkerHandle;
let fx: ModelFixture;
let engine: Engine;
const SAMPLER = { FIT_CHAINS: "2", FIT_WARMUP: "40", FIT_DRAWS: "40" };
const progressWrites: { runId: string; durationMs: number; percent: number }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  engine = coreEngine();
  worker = await startWorker({
    env: testWorkerEnv(db.url, SAMPLER),
    engine,
    timers: false,
    log: () => undefined,
    onProgressWrite: (w) =>
      progressWrites.push({ runId: w.runId, durationMs: w.durationMs, percent: w.progress.percent }),
  });
});

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
});

const finished = (runId: string) =>
  waitFor(
    async () => {
      const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return ["succeeded", "failed", "cancelled"].includes(run.status) ? run : undefined;
    },
    30_000,
    `run ${runId} to finish`,
  );

describe("fit job", () => {
  for (const mode of ["fast", "full"] as const) {
    it(`stores the same results as a direct fitModel call with the same seed (${mode})`, async () => {
      const seed = mode === "fast" ? 5 : 11;
      const runId = await createRun(db.prisma, fx, { seed, mode });
      expect(await enqueueFitRun(runId, { boss: worker.boss })).toBeTruthy();
      // Idempotent while the job is live.
      expect(await enqueueFitRun(runId, { boss: worker.boss })).toBeNull();
      const run = await finished(runId);
      expect(run.status).toBe("succeeded");
      expect(run.attempt).toBe(1);
      expect(run.percent).toBe(100);
      expect(run.workerId).toBe(worker.workerId);

      // The same fit, directly, in this process (one thread: draws do not depend on threading).
      const config = parseModelConfig(fx.config);
      const parsed = parseDatasetCsv(fx.csv, config, { holdoutWeeks: config.holdoutWeeks });
      if (!parsed.ok) throw new Error("fixture does not parse");
      const direct = await fitModel(parsed.dataset, config, {
        mode: mode === "fast" ? "fast" : "nuts",
        chains: 2,
        warmup: 40,
        draws: 40,
        seed,
        threads: 1,
      });
      const expected = serializeFitResult(direct);
      const summary = run.summary as unknown as typeof expected & { timings: { fitSeconds: number } };
      expect(summary.seed).toBe(seed);
      expect(summary.channels).toEqual(JSON.parse(JSON.stringify(expected.channels)));
      expect(summary.parameters).toEqual(JSON.parse(JSON.stringify(expected.parameters)));
      expect(run.diagnostics).toEqual(JSON.parse(JSON.stringify(expected.diagnostics)));
      expect(run.converged).toBe(direct.diagnostics.converged);
      expect(run.engineVersion).toBe(direct.engineVersion);
      expect(summary.timings.fitSeconds).toBeGreaterThan(0);
      // Model health is stored with every run: a score (0 when not converged), a verdict, the
      // named checks with their figures, and a verdict per channel.
      const health = runSummaryCodec.decode(run.summary).health!;
      expect(health.checks.map((c) => c.name)).toContain("ppc-autocorrelation");
      expect(health.channels.map((c) => c.name)).toEqual(Object.keys(expected.channels));
      if (!direct.diagnostics.converged) expect(health.score).toBe(0);
      else expect(health.score).toBeGreaterThan(0);

      const artifact = await db.prisma.runArtifact.findUniqueOrThrow({
        where: { runId_kind: { runId, kind: "draws" } },
      });
      expect(artifact.encoding).toBe("mixcast-draws-f32+deflate");
      const stored = decodeStoredDraws(artifact.bytes!, artifact.encoding);
      expect(stored.names).toEqual(direct.draws.names);
      expect(stored.chains * stored.perChain).toBe(direct.draws.chains * direct.draws.perChain);
      expect(Array.from(stored.values)).toEqual(Array.from(Float32Array.from(direct.draws.values)));
      expect(artifact.bytes!.byteLength).toBeLessThan(stored.values.length * 4 + 1024);
      const analysis = await db.prisma.runArtifact.findUnique({
        where: { runId_kind: { runId, kind: "analysis" } },
      });
      expect(Object.keys((analysis?.analysis ?? {}) as object).length).toBeGreaterThan(0);

      // Progress was written while running, throttled to the interval (200 ms here).
      const writes = progressWrites.filter((w) => w.runId === runId);
      expect(writes.length).toBeGreaterThanOrEqual(1);
      expect(writes.length).toBeLessThanOrEqual(Math.ceil((summary.timings.fitSeconds * 1000) / 200) + 2);
      const audit = await db.prisma.auditEvent.findMany({
        where: { targetId: runId },
        orderBy: { at: "asc" },
      });
      expect(audit.map((a) => a.action)).toEqual(["run.started", "run.succeeded"]);
    });
  }

  it("fails a run with a bad dataset with the parser's message, once", async () => {
    const bad = fx.csv.replace(/\n([^,\n]+),([^,\n]+),/, "\n$1,not-a-number,");
    const version = await db.prisma.datasetVersion.create({
      data: {
        workspaceId: fx.workspaceId,
        datasetId: fx.datasetId,
        version: 2,
        checksum: "x",
        rowCount: 1,
        columnCount: 1,
        mapping: {},
        summary: {},
        csv: bad,
      },
    });
    const runId = await createRun(db.prisma, fx, { datasetVersionId: version.id });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await finished(runId);
    expect(run.status).toBe("failed");
    expect(run.attempt).toBe(1);
    expect(run.error).toMatch(/Row 2, column .*not-a-number/);
    // No retry: the job completed, nothing left in the queue, still one attempt later on.
    await new Promise((r) => setTimeout(r, 2500));
    const again = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(again.attempt).toBe(1);
    const queue = await worker.boss.getQueue("fit-run");
    expect((queue?.queuedCount ?? 0) + (queue?.activeCount ?? 0)).toBe(0);
  });

  it("cancels a running fit within seconds", async () => {
    const slow = await startWorker({
      env: testWorkerEnv(db.url, {
        WORKER_ID: "slow",
        FIT_CHAINS: "2",
        FIT_WARMUP: "5000",
        FIT_DRAWS: "5000",
      }),
      engine,
      timers: false,
      log: () => undefined,
    });
    await worker.stop(); // only the slow worker consumes now
    try {
      const runId = await createRun(db.prisma, fx, { mode: "full" });
      await enqueueFitRun(runId, { boss: slow.boss });
      await waitFor(
        async () => {
          const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
          return r.status === "running" && r.percent > 0 ? r : undefined;
        },
        15_000,
        "run to be running",
      );
      const requested = Date.now();
      await db.prisma.run.update({ where: { id: runId }, data: { cancelRequestedAt: new Date() } });
      const run = await finished(runId);
      expect(run.status).toBe("cancelled");
      expect(Date.now() - requested).toBeLessThan(3000);
      const audit = await db.prisma.auditEvent.findMany({
        where: { targetId: runId },
        orderBy: { at: "asc" },
      });
      expect(audit.map((a) => a.action)).toEqual(["run.started", "run.cancelled"]);
    } finally {
      await slow.stop();
    }
  });
});
