// A run whose summaries contain non-finite numbers fails with a reason (#11 item 9).
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { enqueueFitRun } from "@mixcast/db/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreEngine, type Engine } from "./engine.ts";
import { firstNonFinite } from "./finite.ts";
import { createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { testWorkerEnv } from "./testing/worker-env.ts";
import { startWorker, type WorkerHandle } from "./worker.ts";

let db: TestDatabase;
let worker: WorkerHandle;
let fx: ModelFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  const engine: Engine = await coreEngine();
  // The real engine, with one channel's ROI overflowing as absurd data makes it do.
  const overflowing: Engine = {
    ...engine,
    async fitModel(dataset, config, options) {
      const fit = await engine.fitModel(dataset, config, options);
      const first = Object.keys(fit.channels)[0]!;
      fit.channels[first]!.roi.mean = Number.POSITIVE_INFINITY;
      return fit;
    },
  };
  worker = await startWorker({
    env: testWorkerEnv(db.url, { FIT_CHAINS: "2", FIT_WARMUP: "30", FIT_DRAWS: "30" }),
    engine: overflowing,
    timers: false,
    log: () => undefined,
  });
});

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
});

describe("non-finite summaries", () => {
  it("finds the first non-finite number with its path", () => {
    expect(firstNonFinite({ a: 1, b: [2, { c: Number.NaN }] })).toBe("b[1].c");
    expect(firstNonFinite({ a: new Float64Array([1, Number.NEGATIVE_INFINITY]) })).toBe("a[1]");
    expect(firstNonFinite({ a: 1, b: "NaN", c: null })).toBeNull();
    // Diagnostics may be NaN (one chain has no R-hat); estimates may not.
    expect(firstNonFinite({ roi: { mean: 1, sd: 0.1, rhat: Number.NaN, essBulk: Number.NaN } })).toBeNull();
    expect(firstNonFinite({ roi: { mean: 1, q95: Number.NaN, rhat: 1 } })).toBe("roi.q95");
  });

  it("a fit whose ROI overflows fails with a reason naming it, and stores no artifacts", async () => {
    const runId = await createRun(db.prisma, fx, { mode: "fast" });
    await enqueueFitRun(runId, { boss: worker.boss });
    const run = await waitFor(
      async () => {
        const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
        return ["succeeded", "failed"].includes(r.status) ? r : undefined;
      },
      60_000,
      "the run to finish",
    );
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/not finite .* at channels\.[^.]+\.roi\.mean/);
    expect(run.summary).toBeNull();
    expect(await db.prisma.runArtifact.count({ where: { runId } })).toBe(0);
  });
});
