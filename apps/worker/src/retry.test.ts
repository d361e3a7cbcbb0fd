// Transient failures are retried with backoff; after the attempt limit the run fails with the
// last error. The engine is the real one, wrapped to throw a PostgreSQL connection error
// (57P01, "terminating connection due to administrator command") on chosen calls.
import { enqueueFitRun } from "@mixcast/db/jobs";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreEngine, type Engine } from "./engine.ts";
import { createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { testWorkerEnv } from "./testing/worker-env.ts";
import { startWorker, type WorkerHandle } from "./worker.ts";

let db: TestDatabase;
let fx: ModelFixture;
let worker: WorkerHandle;
const failures = new Map<number, number>(); // seed -> remaining failures

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  const real = coreEngine();
  const engine: Engine = {
    ...real,
    fitModel: async (dataset, config, options) => {
      const left = failures.get(options.seed) ?? 0;
      if (left > 0) {
        failures.set(options.seed, left - 1);
        throw Object.assign(new Error("terminating connection due to administrator command"), {
          code: "57P01",
        });
      }
      return real.fitModel(dataset, config, options);
    },
  };
  worker = await startWorker({
    env: testWorkerEnv(db.url, {
      WORKER_MAX_ATTEMPTS: "2",
      WORKER_RETRY_DELAY_SECONDS: "1",
      FIT_DRAWS: "50",
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

const finished = (runId: string) =>
  waitFor(
    async () => {
      const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return r.status === "succeeded" || r.status === "failed" ? r : undefined;
    },
    50_000,
    `run ${runId}`,
  );

describe("transient failures", () => {
  it("retries after a transient error and then succeeds", async () => {
    failures.set(21, 1);
    const runId = await createRun(db.prisma, fx, { seed: 21, mode: "fast" });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await finished(runId);
    expect(run.status).toBe("succeeded");
    expect(run.attempt).toBe(2);
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: runId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["run.started", "run.started", "run.succeeded"]);
    // Backoff: the second attempt starts at least the retry delay after the first.
    expect(audit[1]!.at.getTime() - audit[0]!.at.getTime()).toBeGreaterThanOrEqual(900);
  });

  it("fails the run with the last error after the attempt limit", async () => {
    failures.set(22, 5);
    const runId = await createRun(db.prisma, fx, { seed: 22, mode: "fast" });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await finished(runId);
    expect(run.status).toBe("failed");
    expect(run.attempt).toBe(2);
    expect(run.error).toMatch(/Gave up after 2 attempts: terminating connection/);
    expect(failures.get(22)).toBe(3); // exactly two tries
  });
});
