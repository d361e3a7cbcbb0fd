import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { enqueueFitRun } from "@mixcast/db/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decompressDraws } from "./artifact.ts";
import { createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { stubEngine } from "./testing/stub-engine.ts";
import { testWorkerEnv } from "./testing/worker-env.ts";
import { startWorker, type WorkerHandle } from "./worker.ts";

let db: TestDatabase;
let worker: WorkerHandle;
let fx: ModelFixture;
const progressWrites: { runId: string; durationMs: number; percent: number }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  worker = await startWorker({
    env: testWorkerEnv(db.url),
    engine: stubEngine({ fitMs: 1500 }),
    timers: false,
    log: () => undefined,
    onProgressWrite: (w) => progressWrites.push({ runId: w.runId, durationMs: w.durationMs, percent: w.progress.percent }),
  });
});

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
});

const finished = (runId: string) =>
  waitFor(async () => {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    return ["succeeded", "failed", "cancelled"].includes(run.status) ? run : undefined;
  }, 30_000, `run ${runId} to finish`);

describe("fit job", () => {
  it("runs a queued run to succeeded and stores summary, draws and audit", async () => {
    const runId = await createRun(db.prisma, fx, { seed: 5 });
    expect(await enqueueFitRun(runId, { boss: worker.boss })).toBeTruthy();
    // Idempotent while the job is live.
    expect(await enqueueFitRun(runId, { boss: worker.boss })).toBeNull();
    const run = await finished(runId);
    expect(run.status).toBe("succeeded");
    expect(run.attempt).toBe(1);
    expect(run.converged).toBe(true);
    expect(run.engineVersion).toBe("stub-1");
    expect(run.percent).toBe(100);
    expect(run.workerId).toBe(worker.workerId);
    const summary = run.summary as { seed: number; timings: { fitSeconds: number }; channels: Record<string, { roi: { mean: number } }> };
    expect(summary.seed).toBe(5);
    expect(summary.timings.fitSeconds).toBeGreaterThan(1);
    expect(Object.keys(summary.channels)).toHaveLength(2);
    const artifact = await db.prisma.runArtifact.findUniqueOrThrow({ where: { runId_kind: { runId, kind: "draws" } } });
    const raw = decompressDraws(artifact.bytes!);
    expect(raw.byteLength).toBe(4 * 4 * 500 * 2); // chains * draws * names, Float32
    expect(artifact.sizeBytes).toBe(artifact.bytes!.byteLength);
    // Progress was written while running, throttled (fit 1.5 s, interval 200 ms).
    const writes = progressWrites.filter((w) => w.runId === runId);
    expect(writes.length).toBeGreaterThanOrEqual(4);
    expect(writes.length).toBeLessThanOrEqual(10);
    expect(writes.some((w) => w.percent > 0 && w.percent < 100)).toBe(true);
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: runId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["run.started", "run.succeeded"]);
  });

  it("fails a run with a bad dataset with the parser's message, once", async () => {
    const bad = fx.csv.replace(/\n([^,\n]+),([^,\n]+),/, "\n$1,not-a-number,");
    const version = await db.prisma.datasetVersion.create({
      data: { workspaceId: fx.workspaceId, datasetId: fx.datasetId, version: 2, checksum: "x", rowCount: 1, columnCount: 1, mapping: {}, summary: {}, csv: bad },
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
      env: testWorkerEnv(db.url, { WORKER_ID: "slow" }),
      engine: stubEngine({ fitMs: 20_000 }),
      timers: false,
      log: () => undefined,
    });
    await worker.stop(); // only the slow worker consumes now
    try {
      const runId = await createRun(db.prisma, fx);
      await enqueueFitRun(runId, { boss: slow.boss });
      await waitFor(async () => {
        const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return r.status === "running" && r.percent > 0 ? r : undefined;
      }, 15_000, "run to be running");
      const requested = Date.now();
      await db.prisma.run.update({ where: { id: runId }, data: { cancelRequestedAt: new Date() } });
      const run = await finished(runId);
      expect(run.status).toBe("cancelled");
      expect(Date.now() - requested).toBeLessThan(3000);
      const audit = await db.prisma.auditEvent.findMany({ where: { targetId: runId }, orderBy: { at: "asc" } });
      expect(audit.map((a) => a.action)).toEqual(["run.started", "run.cancelled"]);
    } finally {
      await slow.stop();
    }
  });
});
