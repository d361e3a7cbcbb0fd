// Blocking data checks stop a fit unless overridden (docs/trust.md section 1): run.start through
// the tRPC caller on a real migrated PostgreSQL, so the role ladder is the real one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { uploadDatasetVersion } from "../dataset/upload-dataset-version.ts";
import { addMember, createUser, weeklyCsv, weeklyMapping } from "../../../test/fixtures.ts";

let db: TestDatabase;
let workspaceId: string;
let owner: ReturnType<typeof createCaller>;
let analyst: ReturnType<typeof createCaller>;
let viewer: ReturnType<typeof createCaller>;
let analystId: string;
let blockedModelId: string;
let cleanModelId: string;
const enqueued: string[] = [];

function ctx(user: { id: string; email: string; name: string }): Context {
  return {
    prisma: db.prisma,
    user: { id: user.id, email: user.email, name: user.name },
    enqueueFitRun: (runId) => {
      enqueued.push(runId);
      return Promise.resolve(null);
    },
    baseUrl: "http://mixcast.test",
  };
}

/** weeklyCsv with influencer spend in 2 weeks only: a blocking `mostly-zero` finding (< 4 active weeks). */
function rareInfluencerCsv(): string {
  const [header, ...rows] = weeklyCsv(60).trim().split("\n");
  const edited = rows.map((line, w) => {
    const cells = line.split(",");
    if (w !== 10 && w !== 30) cells[4] = "0";
    return cells.join(",");
  });
  return `${[header, ...edited].join("\n")}\n`;
}

async function modelOn(csv: string, name: string) {
  const up = await uploadDatasetVersion(
    db.prisma,
    { userId: analystId, workspaceId, role: "analyst" },
    { name, csv, mapping: weeklyMapping },
  );
  if (!up.ok) throw new Error(JSON.stringify(up.errors));
  const model = await analyst.model.create({ workspaceId, name: `${name} model`, datasetId: up.datasetId });
  return model.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const o = await createUser(db.prisma, "Olivia Owner");
  const a = await createUser(db.prisma, "Ana Analyst");
  const v = await createUser(db.prisma, "Vic Viewer");
  analystId = a.id;
  owner = createCaller(ctx(o));
  workspaceId = (await owner.workspace.create({ name: "Checks Co" })).id;
  await addMember(db.prisma, workspaceId, a.id, "analyst");
  await addMember(db.prisma, workspaceId, v.id, "viewer");
  analyst = createCaller(ctx(a));
  viewer = createCaller(ctx(v));
  blockedModelId = await modelOn(rareInfluencerCsv(), "Blocked sales");
  cleanModelId = await modelOn(weeklyCsv(60), "Clean sales");
});

afterAll(async () => {
  await db?.drop();
});

const runsOf = (modelId: string) => db.prisma.run.findMany({ where: { modelId } });

describe("blocking data checks gate run.start", () => {
  it("the model's data checks report the blocking finding the start will refuse", async () => {
    const r = await viewer.model.checkData({ workspaceId, modelId: blockedModelId });
    expect(r?.blocking).toBe(true);
    expect(r?.findings.filter((f) => f.severity === "blocking")).toEqual([
      expect.objectContaining({ code: "mostly-zero", columns: ["influencer_spend"] }),
    ]);
    const clean = await viewer.model.checkData({ workspaceId, modelId: cleanModelId });
    expect(clean?.blocking).toBe(false);
  });

  it("a blocking dataset refuses to start, naming the findings; nothing is queued or audited", async () => {
    const before = await db.prisma.auditEvent.count({ where: { workspaceId } });
    await expect(
      analyst.run.start({ workspaceId, modelId: blockedModelId, mode: "fast" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("1 blocking data check: mostly-zero (influencer_spend)"),
    });
    // overrideBlockingChecks: false is the same as leaving it out
    await expect(
      analyst.run.start({
        workspaceId,
        modelId: blockedModelId,
        mode: "fast",
        overrideBlockingChecks: false,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await runsOf(blockedModelId)).toHaveLength(0);
    expect(enqueued).toHaveLength(0);
    expect(await db.prisma.auditEvent.count({ where: { workspaceId } })).toBe(before);
  });

  it("a viewer cannot override (FORBIDDEN before any check); no run, no audit event", async () => {
    const before = await db.prisma.auditEvent.count({ where: { workspaceId } });
    await expect(
      viewer.run.start({ workspaceId, modelId: blockedModelId, mode: "fast", overrideBlockingChecks: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await runsOf(blockedModelId)).toHaveLength(0);
    expect(await db.prisma.auditEvent.count({ where: { workspaceId } })).toBe(before);
  });

  it("with the override it starts; the run and the audit log say who overrode which findings", async () => {
    const { id } = await analyst.run.start({
      workspaceId,
      modelId: blockedModelId,
      mode: "fast",
      overrideBlockingChecks: true,
    });
    expect(enqueued).toEqual([id]);
    const run = await analyst.run.get({ workspaceId, runId: id });
    expect(run.status).toBe("queued");
    expect(run.overriddenChecks).toEqual({
      by: "user",
      userId: analystId,
      findings: [expect.objectContaining({ code: "mostly-zero", columns: ["influencer_spend"] })],
    });
    const events = await db.prisma.auditEvent.findMany({
      where: { workspaceId, targetId: id },
      orderBy: { at: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["run.start", "run.data_checks_overridden"]);
    const override = events[1]!;
    expect(override).toMatchObject({ actorKind: "user", actorId: analystId, targetType: "run" });
    expect(override.details).toMatchObject({
      modelId: blockedModelId,
      datasetVersion: 1,
      configVersion: 1,
      findings: [expect.objectContaining({ code: "mostly-zero", columns: ["influencer_spend"] })],
    });
    expect(events[0]!.details).toMatchObject({
      overriddenChecks: [expect.objectContaining({ code: "mostly-zero" })],
    });
  });

  it("clean data starts without an override and records none, even when the box was ticked", async () => {
    const plain = await analyst.run.start({ workspaceId, modelId: cleanModelId, mode: "fast" });
    const ticked = await analyst.run.start({
      workspaceId,
      modelId: cleanModelId,
      mode: "fast",
      overrideBlockingChecks: true,
    });
    for (const id of [plain.id, ticked.id]) {
      expect((await analyst.run.get({ workspaceId, runId: id })).overriddenChecks).toBeNull();
      expect(
        await db.prisma.auditEvent.count({ where: { targetId: id, action: "run.data_checks_overridden" } }),
      ).toBe(0);
    }
  });

  it("the model's scheduled-refit override is an admin setting, audited", async () => {
    const settings = {
      workspaceId,
      modelId: blockedModelId,
      autoApprove: false,
      stabilityThreshold: 0.7,
      dataExpectedWeekday: null,
      fitDespiteBlockingChecks: true,
    };
    await expect(analyst.approval.updateSettings(settings)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.approval.updateSettings(settings)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(
      (await db.prisma.model.findUniqueOrThrow({ where: { id: blockedModelId } })).fitDespiteBlockingChecks,
    ).toBe(false);
    await owner.approval.updateSettings(settings);
    expect(
      (await db.prisma.model.findUniqueOrThrow({ where: { id: blockedModelId } })).fitDespiteBlockingChecks,
    ).toBe(true);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "model.refresh_settings", targetId: blockedModelId },
    });
    expect(audit.details).toMatchObject({
      before: { fitDespiteBlockingChecks: false },
      after: { fitDespiteBlockingChecks: true },
    });
    expect(
      (await viewer.model.checkData({ workspaceId, modelId: blockedModelId }))?.fitDespiteBlockingChecks,
    ).toBe(true);
    // ... and it does not waive the check for a person starting a run by hand
    await expect(
      analyst.run.start({ workspaceId, modelId: blockedModelId, mode: "fast" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
