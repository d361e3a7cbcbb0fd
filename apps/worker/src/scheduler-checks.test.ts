// Scheduled refits and blocking data checks (docs/trust.md section 1): a slot whose newest data has
// a blocking finding is skipped with the findings as its reason, like an identical-data slot,
// unless the model is set to fit despite them; then the run records what it overrode.
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSchedulerTick } from "./scheduler.ts";
import { addDatasetVersion, seedModel, type ModelFixture } from "./testing/fixtures.ts";

let db: TestDatabase;
let fx: ModelFixture;
let scheduleId: string;
let channelColumn: string;
const enqueued: string[] = [];

/** The fixture's CSV with one channel's spend in 2 weeks only (< 4 active weeks: blocking). */
function rareChannelCsv(csv: string, column: string): string {
  const [header, ...rows] = csv.trim().split("\n");
  const col = header!.split(",").indexOf(column);
  if (col < 0) throw new Error(`no column ${column}`);
  const edited = rows.map((line, w) => {
    const cells = line.split(",");
    if (w !== 5 && w !== 25) cells[col] = "0";
    return cells.join(",");
  });
  return `${[header, ...edited].join("\n")}\n`;
}

const tick = (iso: string) =>
  runSchedulerTick({
    prisma: db.prisma,
    enqueue: (id) => {
      enqueued.push(id);
      return Promise.resolve();
    },
    now: new Date(iso),
  });

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  channelColumn = (fx.config.channels as { column: string }[])[1]!.column;
  // The newest data has a blocking finding.
  await addDatasetVersion(db.prisma, {
    workspaceId: fx.workspaceId,
    datasetId: fx.datasetId,
    csv: rareChannelCsv(fx.csv, channelColumn),
    mapping: fx.config,
  });
  // Mondays 06:00 UTC, created before the first slot.
  const schedule = await db.prisma.schedule.create({
    data: {
      workspaceId: fx.workspaceId,
      modelId: fx.modelId,
      weekday: 1,
      hour: 6,
      timezone: "UTC",
      mode: "fast",
      createdAt: new Date("2027-02-01T00:00:00Z"),
    },
  });
  scheduleId = schedule.id;
});

afterAll(async () => {
  await db?.drop();
});

describe("scheduled refits and blocking data checks", () => {
  it("a slot with blocking findings is skipped with them as the recorded reason; no run", async () => {
    const r = await tick("2027-02-01T06:00:10Z");
    expect(r.created).toEqual([]);
    const reason = r.skipped.find((s) => s.modelId === fx.modelId)?.reason;
    expect(reason).toContain(
      `blocked by the data checks: dataset v2 has 1 blocking data check: mostly-zero (${channelColumn})`,
    );
    const schedule = await db.prisma.schedule.findUniqueOrThrow({ where: { id: scheduleId } });
    expect(schedule.lastSkipReason).toBe(reason);
    expect(schedule.lastSkippedAt?.toISOString()).toBe("2027-02-01T06:00:00.000Z");
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "schedule.skipped", targetId: scheduleId },
    });
    expect(audit).toMatchObject({ actorKind: "schedule" });
    expect(audit.details).toMatchObject({ reason, datasetVersion: 2, slot: "2027-02-01T06:00:00.000Z" });
    expect(await db.prisma.run.count({ where: { modelId: fx.modelId } })).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it("with the model's override setting the next slot fits, recording the overridden findings", async () => {
    await db.prisma.model.update({ where: { id: fx.modelId }, data: { fitDespiteBlockingChecks: true } });
    const r = await tick("2027-02-08T06:00:10Z");
    expect(r.created).toHaveLength(1);
    const runId = r.created[0]!.runId;
    expect(enqueued).toEqual([runId]);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.trigger).toBe("schedule");
    expect(run.overriddenChecks).toEqual({
      by: "model-setting",
      userId: null,
      findings: [expect.objectContaining({ code: "mostly-zero", columns: [channelColumn] })],
    });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "run.data_checks_overridden", targetId: runId },
    });
    expect(audit).toMatchObject({ actorKind: "schedule", actorId: null });
    expect(audit.details).toMatchObject({
      setting: "fitDespiteBlockingChecks",
      datasetVersion: 2,
      findings: [expect.objectContaining({ code: "mostly-zero" })],
    });
    const schedule = await db.prisma.schedule.findUniqueOrThrow({ where: { id: scheduleId } });
    expect(schedule.lastSkipReason).toBeNull();
  });

  it("clean new data fits without an override even when the setting is off", async () => {
    await db.prisma.model.update({ where: { id: fx.modelId }, data: { fitDespiteBlockingChecks: false } });
    await addDatasetVersion(db.prisma, {
      workspaceId: fx.workspaceId,
      datasetId: fx.datasetId,
      csv: fx.csv,
      mapping: { ...fx.config, note: "clean again" },
    });
    const r = await tick("2027-02-15T06:00:10Z");
    expect(r.created).toHaveLength(1);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: r.created[0]!.runId } });
    expect(run.overriddenChecks).toBeNull();
  });
});
