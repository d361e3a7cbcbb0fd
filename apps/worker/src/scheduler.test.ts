import { createPrismaClient } from "@mixcast/db";
import { createBoss, type PgBoss } from "@mixcast/db/jobs";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSchedulerTick } from "./scheduler.ts";
import { hasLiveJob } from "./sweeper.ts";
import { addDatasetVersion, createRun, seedModel, waitFor, type ModelFixture } from "./testing/fixtures.ts";
import { coreEngine } from "./engine.ts";
import { testWorkerEnv } from "./testing/worker-env.ts";
import { startWorker } from "./worker.ts";

let db: TestDatabase;
let boss: PgBoss;
let fx: ModelFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  boss = await createBoss({ connectionString: db.url, role: "producer" });
  // Sundays 02:00 Europe/Berlin; created on Friday 2026-03-20.
  await db.prisma.schedule.create({
    data: {
      workspaceId: fx.workspaceId,
      modelId: fx.modelId,
      weekday: 0,
      hour: 2,
      timezone: "Europe/Berlin",
      mode: "fast",
      createdAt: new Date("2026-03-20T10:00:00Z"),
    },
  });
});

afterAll(async () => {
  await boss?.stop({ graceful: false });
  await db?.drop();
});

const tick = (iso: string, prisma = db.prisma) =>
  runSchedulerTick({
    prisma,
    enqueue: (id) => boss.send("fit-run", { runId: id }, { singletonKey: id }),
    now: new Date(iso),
  });
/** New data (same bytes, another mapping note), so the next slot is not skipped as "no new data". */
let freshCount = 0;
const freshData = () =>
  addDatasetVersion(db.prisma, {
    workspaceId: fx.workspaceId,
    datasetId: fx.datasetId,
    csv: fx.csv,
    mapping: { note: `fresh ${++freshCount}` },
  });
const scheduledRuns = () =>
  db.prisma.run.findMany({
    where: { modelId: fx.modelId, trigger: "schedule" },
    orderBy: { scheduleSlot: "asc" },
  });

describe("weekly scheduler", () => {
  it("fires each slot once, across a DST change, and collapses missed weeks into one run", async () => {
    // Before the first slot after creation: the slot of 2026-03-15 predates the schedule.
    expect((await tick("2026-03-22T00:59:00Z")).created).toHaveLength(0);
    // Sunday 2026-03-22 02:00 CET = 01:00 UTC.
    const first = await tick("2026-03-22T01:00:30Z");
    expect(first.created.map((c) => c.slot.toISOString())).toEqual(["2026-03-22T01:00:00.000Z"]);
    expect(await hasLiveJob(boss, first.created[0]!.runId)).toBe(true);
    expect((await tick("2026-03-22T01:01:30Z")).created).toHaveLength(0);

    // Spring forward: 2026-03-29 02:00 does not exist in Berlin; the slot is 03:00 CEST = 01:00 UTC.
    await freshData();
    expect((await tick("2026-03-29T00:59:00Z")).created).toHaveLength(0);
    // Two schedulers tick at the same moment (separate connections): one run for the slot.
    const other = createPrismaClient(db.url, { maxConnections: 2 });
    try {
      const [a, b] = await Promise.all([tick("2026-03-29T01:00:10Z"), tick("2026-03-29T01:00:10Z", other)]);
      expect(a.created.length + b.created.length).toBe(1);
    } finally {
      await other.$disconnect();
    }
    // A new dataset version and config version appear; the worker is then down for three weeks.
    const v2 = await addDatasetVersion(db.prisma, {
      workspaceId: fx.workspaceId,
      datasetId: fx.datasetId,
      csv: fx.csv,
      mapping: {},
    });
    const c2 = await db.prisma.modelConfigVersion.create({
      data: {
        workspaceId: fx.workspaceId,
        modelId: fx.modelId,
        version: 2,
        config: JSON.parse(JSON.stringify({ ...fx.config, seed: 99 })) as object,
      },
    });
    const missed = await tick("2026-04-20T12:00:00Z"); // Monday; slots Apr 5, 12, 19 were missed
    expect(missed.created.map((c) => c.slot.toISOString())).toEqual(["2026-04-19T00:00:00.000Z"]); // 02:00 CEST
    const missedRun = await db.prisma.run.findUniqueOrThrow({ where: { id: missed.created[0]!.runId } });
    expect(missedRun.datasetVersionId).toBe(v2.id);
    expect(missedRun.configVersionId).toBe(c2.id);
    expect(missedRun.seed).toBe(99);
    expect(missedRun.mode).toBe("fast");
    expect((await tick("2026-04-20T12:01:00Z")).created).toHaveLength(0);

    // Fall back: 2026-10-25 02:00 happens twice (00:00 and 01:00 UTC); one run, at the first.
    await freshData();
    const fall = await tick("2026-10-25T00:00:05Z");
    expect(fall.created.map((c) => c.slot.toISOString())).toEqual(["2026-10-25T00:00:00.000Z"]);
    expect((await tick("2026-10-25T01:00:05Z")).created).toHaveLength(0);
    expect((await tick("2026-10-25T01:30:00Z")).created).toHaveLength(0);
    // 2026-11-01 02:00 CET = 01:00 UTC.
    await freshData();
    expect((await tick("2026-11-01T00:30:00Z")).created).toHaveLength(0);
    expect((await tick("2026-11-01T01:00:00Z")).created).toHaveLength(1);

    const runs = await scheduledRuns();
    expect(runs.map((r) => r.scheduleSlot?.toISOString())).toEqual([
      "2026-03-22T01:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-04-19T00:00:00.000Z",
      "2026-10-25T00:00:00.000Z",
      "2026-11-01T01:00:00.000Z",
    ]);
    const schedule = await db.prisma.schedule.findUniqueOrThrow({ where: { modelId: fx.modelId } });
    expect(schedule.lastSlotAt?.toISOString()).toBe("2026-11-01T01:00:00.000Z");
    expect(schedule.nextRunAt?.toISOString()).toBe("2026-11-08T01:00:00.000Z");
    const audits = await db.prisma.auditEvent.findMany({
      where: { action: "run.created", actorKind: "schedule" },
    });
    expect(audits).toHaveLength(5);
    const collapsed = audits.find((a) => a.targetId === missedRun.id)?.details as {
      missedSlotsCollapsed: number;
    };
    expect(collapsed.missedSlotsCollapsed).toBe(2);
  });

  it("skips a slot whose newest data and config equal the last fitted ones, and says why", async () => {
    const own = await seedModel(db.prisma);
    const schedule = await db.prisma.schedule.create({
      data: {
        workspaceId: own.workspaceId,
        modelId: own.modelId,
        weekday: 1,
        hour: 6,
        timezone: "UTC",
        mode: "fast",
        createdAt: new Date("2027-01-01T00:00:00Z"),
      },
    });
    // A succeeded run on v1 with config v1.
    const fitted = await createRun(db.prisma, own);
    await db.prisma.run.update({
      where: { id: fitted },
      data: { status: "succeeded", finishedAt: new Date() },
    });
    const ownRuns = () => db.prisma.run.count({ where: { modelId: own.modelId, trigger: "schedule" } });

    const skipped = await tick("2027-01-04T06:00:10Z"); // Monday
    expect(skipped.created.filter((c) => c.modelId === own.modelId)).toEqual([]);
    const reason = skipped.skipped.find((x) => x.modelId === own.modelId)?.reason;
    expect(reason).toBe(
      `no new data: the newest dataset version (v1) is identical to v1, fitted by run ${fitted}, and the config is unchanged`,
    );
    expect(await ownRuns()).toBe(0);
    const after = await db.prisma.schedule.findUniqueOrThrow({ where: { id: schedule.id } });
    expect(after.lastSkippedAt?.toISOString()).toBe("2027-01-04T06:00:00.000Z");
    expect(after.lastSkipReason).toBe(reason);
    expect(after.nextRunAt?.toISOString()).toBe("2027-01-11T06:00:00.000Z");
    const audit = await db.prisma.auditEvent.findMany({
      where: { action: "schedule.skipped", targetId: schedule.id },
    });
    expect(audit.map((a) => a.details)).toEqual([
      { slot: "2027-01-04T06:00:00.000Z", reason, modelId: own.modelId, datasetVersion: 1 },
    ]);
    // The same bytes uploaded again as v2 are still no new data.
    await addDatasetVersion(db.prisma, {
      ...own,
      mapping: JSON.parse(
        JSON.stringify(
          (await db.prisma.datasetVersion.findFirstOrThrow({ where: { id: own.datasetVersionId } })).mapping,
        ),
      ),
    });
    expect(
      (await tick("2027-01-11T06:00:10Z")).skipped.find((x) => x.modelId === own.modelId)?.reason,
    ).toMatch(/newest dataset version \(v2\) is identical to v1/);
    // A config change is reason enough to refit.
    await db.prisma.modelConfigVersion.create({
      data: {
        workspaceId: own.workspaceId,
        modelId: own.modelId,
        version: 2,
        config: JSON.parse(JSON.stringify({ ...own.config, seed: 5 })) as object,
      },
    });
    const refit = await tick("2027-01-18T06:00:10Z");
    expect(refit.created.filter((c) => c.modelId === own.modelId)).toHaveLength(1);
    const cleared = await db.prisma.schedule.findUniqueOrThrow({ where: { id: schedule.id } });
    expect(cleared).toMatchObject({ lastSkippedAt: null, lastSkipReason: null });
    // That run is queued with the newest data and config: the next slot skips ("already queued").
    expect(
      (await tick("2027-01-25T06:00:10Z")).skipped.find((x) => x.modelId === own.modelId)?.reason,
    ).toMatch(/already queued in run/);
    // New rows: the slot fires.
    await addDatasetVersion(db.prisma, {
      ...own,
      csv: own.csv.replace(/\n$/, "") + "\n",
      mapping: { changed: true },
    });
    expect(
      (await tick("2027-02-01T06:00:10Z")).created.filter((c) => c.modelId === own.modelId),
    ).toHaveLength(1);
    await db.prisma.schedule.delete({ where: { id: schedule.id } });
  });

  it("stores the ROI change versus the previous succeeded run after a scheduled refit", async () => {
    // Cancel the queued scheduled runs except the last one; a manual run succeeds first.
    const runs = await scheduledRuns();
    const last = runs.at(-1)!;
    await db.prisma.run.updateMany({
      where: { id: { in: runs.slice(0, -1).map((r) => r.id) } },
      data: { status: "cancelled" },
    });
    await db.prisma.run.update({ where: { id: last.id }, data: { status: "cancelled" } }); // held back for now
    const engine = coreEngine();
    const worker = await startWorker({
      env: testWorkerEnv(db.url, { FIT_DRAWS: "100" }),
      engine,
      timers: false,
      log: () => undefined,
    });
    try {
      const manualId = await createRun(db.prisma, fx, { seed: 3 });
      await boss.send("fit-run", { runId: manualId }, { singletonKey: manualId });
      const manual = await waitFor(
        async () => {
          const r = await db.prisma.run.findUniqueOrThrow({ where: { id: manualId } });
          return r.status === "succeeded" ? r : undefined;
        },
        20_000,
        "manual run",
      );
      expect((manual.summary as { refreshComparison: unknown }).refreshComparison).toBeNull();

      await db.prisma.run.update({ where: { id: last.id }, data: { status: "queued" } });
      await boss.send("fit-run", { runId: last.id }, { singletonKey: last.id });
      const refit = await waitFor(
        async () => {
          const r = await db.prisma.run.findUniqueOrThrow({ where: { id: last.id } });
          return r.status === "succeeded" ? r : undefined;
        },
        20_000,
        "scheduled run",
      );
      type Summary = {
        channels: Record<string, { roi: { mean: number; q05: number; q95: number } }>;
        refreshComparison: {
          previousRunId: string;
          flaggedChannels: string[];
          channels: Record<string, { delta: number; outsidePreviousInterval: boolean; previousMean: number }>;
        };
      };
      const prev = manual.summary as Summary;
      const cur = refit.summary as Summary;
      const cmp = cur.refreshComparison;
      expect(cmp.previousRunId).toBe(manualId);
      const names = Object.keys(prev.channels);
      expect(Object.keys(cmp.channels).sort()).toEqual(names.sort());
      for (const name of names) {
        const p = prev.channels[name]!.roi;
        const c = cur.channels[name]!.roi;
        expect(cmp.channels[name]!.delta).toBeCloseTo(c.mean - p.mean, 12);
        expect(cmp.channels[name]!.outsidePreviousInterval).toBe(c.mean < p.q05 || c.mean > p.q95);
      }
      expect(cmp.flaggedChannels.sort()).toEqual(
        names.filter((n) => cmp.channels[n]!.outsidePreviousInterval).sort(),
      );
      const audit = await db.prisma.auditEvent.findFirstOrThrow({
        where: { targetId: last.id, action: "run.succeeded" },
      });
      expect(audit.actorKind).toBe("schedule");
    } finally {
      await worker.stop();
    }
  });
});
