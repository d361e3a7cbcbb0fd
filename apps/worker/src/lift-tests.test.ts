// Calibration v2 through the worker (docs/model.md section 11): a run reads the workspace's active
// lift tests of its model's channels, weighs them, fits with them, pins them with their values as
// used and stores the implied lift and the calibration score in its summary. A later edit of the
// registry does not change what a finished run pinned.
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { enqueueFitRun } from "@mixcast/db/jobs";
import { simulate } from "@mixcast/core";
import { runSummaryCodec } from "@mixcast/runs/stored";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreEngine } from "./engine.ts";
import { createRun, seedModel, waitFor } from "./testing/fixtures.ts";
import { testWorkerEnv } from "./testing/worker-env.ts";
import { startWorker, type WorkerHandle } from "./worker.ts";

let db: TestDatabase;
let worker: WorkerHandle;
// what seedModel fits by default: 60 weeks, 2 channels, 8 holdout weeks
const sim = simulate({ weeks: 60, seed: 7, channels: 2, holdoutWeeks: 8 });

beforeAll(async () => {
  db = await createTestDatabase();
  worker = await startWorker({
    env: testWorkerEnv(db.url),
    engine: coreEngine(),
    timers: false,
    log: () => undefined,
  });
});

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
});

const fitted = async (runId: string) => {
  await enqueueFitRun(runId, { boss: worker.boss });
  const run = await waitFor(
    async () => {
      const r = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return ["succeeded", "failed", "cancelled"].includes(r.status) ? r : undefined;
    },
    150_000,
    `run ${runId} to finish`,
  );
  expect(run.error).toBeNull();
  return runSummaryCodec.decode(run.summary);
};

describe("lift tests in a run", () => {
  it("are weighed, fitted, pinned, scored; the test pulls the channel toward it; edits leave history alone", async () => {
    const fx = await seedModel(db.prisma);
    const channel = sim.dataset.channels[0]!.name;
    const dates = sim.dataset.dates;
    const T = dates.length - 8;
    const before = await fitted(await createRun(db.prisma, fx, { seed: 3 }));
    const contribution0 = before.channels![channel]!.contribution.mean!;
    expect(before.calibration ?? null).toBeNull();

    // a test over every training week saying the channel brought twice what the fit thinks, run
    // at today's spend level (spend weight 1) and ending on the last training week (age 0)
    const spend = sim.dataset.channels[0]!.spend;
    let recent = 0;
    for (let t = T - 13; t < T; t++) recent += spend[t]! / 13;
    const target = 2 * contribution0;
    const strong = await db.prisma.liftTest.create({
      data: {
        workspaceId: fx.workspaceId,
        channel,
        startDate: dates[0]!,
        endDate: dates[T - 1]!,
        lift: target,
        se: 0.05 * target,
        spend: recent * T,
        source: "geo holdout",
      },
    });
    // half a year older and at 4x the spend: weight 0.5^(26/52) * 0.25
    const old = await db.prisma.liftTest.create({
      data: {
        workspaceId: fx.workspaceId,
        channel,
        startDate: dates[0]!,
        endDate: dates[T - 27]!,
        lift: target / 2,
        se: 0.2 * target,
        spend: 4 * recent * (T - 26),
      },
    });
    await db.prisma.liftTest.create({
      data: {
        workspaceId: fx.workspaceId,
        channel,
        startDate: dates[0]!,
        endDate: dates[4]!,
        lift: 1,
        se: 1,
        spend: 1,
        archivedAt: new Date(),
      },
    });
    await db.prisma.liftTest.create({
      data: {
        workspaceId: fx.workspaceId,
        channel: "Radio",
        startDate: dates[0]!,
        endDate: dates[4]!,
        lift: 1,
        se: 1,
        spend: 1,
      },
    });

    const runId = await createRun(db.prisma, fx, { seed: 3 });
    const after = await fitted(runId);
    const pins = await db.prisma.runLiftTest.findMany({ where: { runId }, orderBy: { endDate: "desc" } });
    // archived and other channels' tests are not read
    expect(pins.map((p) => p.liftTestId)).toEqual([strong.id, old.id]);
    expect(pins[0]).toMatchObject({ used: true, lift: target });
    expect(pins[0]!.weight).toBeCloseTo(1, 12);
    expect(pins[0]!.effectiveSe! / (0.05 * target)).toBeCloseTo(1, 12);
    const w = Math.SQRT1_2 * 0.25;
    expect(pins[1]!.weight).toBeCloseTo(w, 6);
    expect(pins[1]!.effectiveSe! / ((0.2 * target) / Math.sqrt(w))).toBeCloseTo(1, 9);
    expect(pins[1]!.details).toMatchObject({ ageWeeks: 26, halfLifeWeeks: 52, spendScale: 1 });
    expect((pins[1]!.details as { spendRatio: number }).spendRatio).toBeCloseTo(4, 9);

    // the fit moved toward the strong test
    const contribution1 = after.channels![channel]!.contribution.mean!;
    expect(Math.abs(contribution1 - target)).toBeLessThan(0.5 * Math.abs(contribution0 - target));
    const cal = after.calibration!;
    expect(cal.tests.map((t) => t.id).sort()).toEqual([strong.id, old.id].sort());
    const strongResult = cal.tests.find((t) => t.id === strong.id)!;
    // the strong test's implied lift is the channel's training contribution
    expect(strongResult.implied.mean! / contribution1).toBeCloseTo(1, 1);
    const score = cal.channels.find((c) => c.channel === channel)!;
    expect(score.tests).toBe(2);
    expect(score.share!).toBeGreaterThan(0.5);
    expect(score.widthRatio!).toBeLessThan(0.75);

    // editing the registry later does not change the finished run's pins
    await db.prisma.liftTest.update({ where: { id: strong.id }, data: { lift: 5, archivedAt: new Date() } });
    const again = await db.prisma.runLiftTest.findFirstOrThrow({ where: { runId, liftTestId: strong.id } });
    expect(again.lift).toBe(target);
  }, 400_000);
});
