// Approvals, the refit review (stability + what changed), alert channels and the workspace home,
// through the tRPC caller on a real migrated PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { addMember, createUser } from "../../../test/fixtures.ts";
import { seedFittedRun } from "../../../test/seed-fitted-run.ts";

let db: TestDatabase;
let workspaceId: string;
let analyst: ReturnType<typeof createCaller>;
let admin: ReturnType<typeof createCaller>;
let viewer: ReturnType<typeof createCaller>;
let first: Awaited<ReturnType<typeof seedFittedRun>>;
let second: Awaited<ReturnType<typeof seedFittedRun>>;

function ctx(user: { id: string; email: string; name: string }): Context {
  return {
    prisma: db.prisma,
    user: { id: user.id, email: user.email, name: user.name },
    enqueueFitRun: () => Promise.resolve(null),
    baseUrl: "http://mixcast.test",
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const owner = await createUser(db.prisma, "Olivia Owner");
  const a = await createUser(db.prisma, "Ana Analyst");
  const v = await createUser(db.prisma, "Vic Viewer");
  const ws = await createCaller(ctx(owner)).workspace.create({ name: "Refresh Co" });
  workspaceId = ws.id;
  await addMember(db.prisma, workspaceId, a.id, "analyst");
  await addMember(db.prisma, workspaceId, v.id, "viewer");
  admin = createCaller(ctx(owner));
  analyst = createCaller(ctx(a));
  viewer = createCaller(ctx(v));
  first = await seedFittedRun(db.prisma, { workspaceId, userId: owner.id, weeks: 60, channels: 3, seed: 5 });
  // A refit of the same model on revised data: two weeks appended, one value revised.
  const v1 = await db.prisma.datasetVersion.findFirstOrThrow({
    where: { runs: { some: { id: first.runId } } },
  });
  const lines = v1.csv.trim().split("\n");
  const header = lines[0]!.split(",");
  const row = (i: number) => lines[i]!.split(",");
  const revised = row(5);
  revised[1] = String(Number(revised[1]) + 1000);
  lines[5] = revised.join(",");
  const last = row(lines.length - 1);
  const addWeek = (k: number) => {
    const d = new Date(Date.parse(`${last[0]}T00:00:00Z`) + k * 7 * 86_400_000).toISOString().slice(0, 10);
    return [d, ...last.slice(1)].join(",");
  };
  const csv = [...lines, addWeek(1), addWeek(2)].join("\n") + "\n";
  const v2 = await db.prisma.datasetVersion.create({
    data: {
      workspaceId,
      datasetId: v1.datasetId,
      version: 2,
      checksum: "v2",
      rowCount: lines.length + 1,
      columnCount: header.length,
      mapping: v1.mapping as object,
      summary: {},
      csv,
    },
  });
  second = await seedFittedRun(db.prisma, {
    workspaceId,
    userId: owner.id,
    weeks: 60,
    channels: 3,
    seed: 6,
    modelId: first.modelId,
    trigger: "schedule",
  });
  await db.prisma.run.update({ where: { id: second.runId }, data: { datasetVersionId: v2.id } });
});

afterAll(async () => {
  await db?.drop();
});

describe("approved runs", () => {
  it("an analyst approves a succeeded run with a note; viewers cannot; history and audit record who and when", async () => {
    await expect(viewer.approval.approve({ workspaceId, runId: first.runId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await analyst.approval.approve({ workspaceId, runId: first.runId, note: "Q3 baseline" });
    await expect(analyst.approval.approve({ workspaceId, runId: first.runId })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "This run is already the approved run of its model.",
    });
    const model = await db.prisma.model.findUniqueOrThrow({ where: { id: first.modelId } });
    expect(model.approvedRunId).toBe(first.runId);
    const history = await viewer.approval.list({ workspaceId, modelId: first.modelId });
    expect(history).toEqual([
      expect.objectContaining({
        runId: first.runId,
        note: "Q3 baseline",
        auto: false,
        approvedBy: "Ana Analyst",
      }),
    ]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "run.approve", targetId: first.runId },
    });
    expect(audit.details).toMatchObject({ note: "Q3 baseline", previousApprovedRunId: null });
  });

  it("a queued or failed run cannot be approved", async () => {
    const queued = await db.prisma.run.create({
      data: {
        workspaceId,
        modelId: first.modelId,
        datasetVersionId: (await db.prisma.run.findUniqueOrThrow({ where: { id: first.runId } }))
          .datasetVersionId,
        configVersionId: (await db.prisma.run.findUniqueOrThrow({ where: { id: first.runId } }))
          .configVersionId,
        seed: 1,
      },
    });
    await expect(analyst.approval.approve({ workspaceId, runId: queued.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Only a succeeded run can be approved; this one is queued.",
    });
  });

  it("the refit's review: stability per channel against the approved run and what changed", async () => {
    const review = await viewer.approval.review({ workspaceId, runId: second.runId });
    expect(review.isApproved).toBe(false);
    expect(review.comparedWith).toMatchObject({ id: first.runId, role: "approved" });
    const s = review.stability!;
    expect(Object.keys(s.channels).sort()).toEqual([...first.channels].sort());
    for (const name of first.channels) {
      const c = s.channels[name]!;
      const a = first.fit.channels[name]!.roi;
      const r = second.fit.channels[name]!.roi;
      expect(c.shiftSd).toBeCloseTo(Math.abs(r.mean - a.mean) / a.sd, 9);
      const inter = Math.max(0, Math.min(a.q95, r.q95) - Math.max(a.q05, r.q05));
      expect(c.overlap).toBeCloseTo(inter / (Math.max(a.q95, r.q95) - Math.min(a.q05, r.q05)), 9);
    }
    expect(s.score).toBeGreaterThanOrEqual(0);
    expect(s.score).toBeLessThanOrEqual(1);
    expect(s.stable).toBe(s.score >= 0.7);
    const data = review.changes!.data!;
    expect(data.added.map((x) => x.row)).toEqual([62, 63]);
    expect(data.revisedCount).toBe(1);
    expect(data.revised[0]!.row).toBe(6);
    expect(data.revised[0]!.changes).toHaveLength(1);
    expect(Number(data.revised[0]!.changes[0]!.to) - Number(data.revised[0]!.changes[0]!.from)).toBeCloseTo(
      1000,
      6,
    );
    expect(review.changes!.datasetVersion).toEqual({ from: 1, to: 2 });
    expect(review.changes!.configVersion).toEqual({ from: 1, to: 2 });
  });

  it("admins set auto-approve, the stability threshold and the expected data day; others cannot", async () => {
    const input = {
      workspaceId,
      modelId: first.modelId,
      autoApprove: true,
      stabilityThreshold: 0.6,
      dataExpectedWeekday: 2,
    };
    await expect(analyst.approval.updateSettings(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await admin.approval.updateSettings(input);
    expect(await db.prisma.model.findUniqueOrThrow({ where: { id: first.modelId } })).toMatchObject({
      autoApprove: true,
      stabilityThreshold: 0.6,
      dataExpectedWeekday: 2,
    });
    await expect(admin.approval.updateSettings({ ...input, stabilityThreshold: 1.5 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    // Priors from the approved run and the backtest coverage threshold: set when given, kept when not.
    await admin.approval.updateSettings({
      ...input,
      priorsFromApproved: true,
      backtestCoverageThreshold: 0.75,
    });
    await admin.approval.updateSettings(input);
    expect(await db.prisma.model.findUniqueOrThrow({ where: { id: first.modelId } })).toMatchObject({
      priorsFromApproved: true,
      backtestCoverageThreshold: 0.75,
    });
    await expect(
      admin.approval.updateSettings({ ...input, backtestCoverageThreshold: -0.1 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "model.refresh_settings", targetId: first.modelId },
      orderBy: { at: "desc" },
    });
    expect(audit.details).toMatchObject({
      after: { priorsFromApproved: true, backtestCoverageThreshold: 0.75 },
    });
  });
});

describe("backtests", () => {
  it("the accuracy chart's rows per refit and horizon, the CSV, and the empty state", async () => {
    expect((await viewer.approval.backtests({ workspaceId, modelId: first.modelId })).points).toEqual([]);
    const row = (horizonWeeks: number, lastWeek: string, mape: number, coverage90: number) => ({
      workspaceId,
      modelId: first.modelId,
      runId: second.runId,
      scoredRunId: first.runId,
      horizonWeeks,
      firstWeek: "2027-01-04",
      lastWeek,
      weeks: horizonWeeks,
      mape,
      crps: 1234.5,
      coverage90,
      weekly: [],
    });
    await db.prisma.backtest.createMany({
      data: [row(13, "2027-03-29", 0.081, 0.69), row(4, "2027-03-29", 0.042, 0.75)],
    });
    const b = await viewer.approval.backtests({ workspaceId, modelId: first.modelId });
    expect(b.coverageThreshold).toBe(0.75);
    expect(b.points.map((p) => [p.horizonWeeks, p.mape, p.coverage90])).toEqual([
      [4, 0.042, 0.75],
      [13, 0.081, 0.69],
    ]);
    expect(b.chart).toEqual([
      { week: "2027-03-29", mape4: 0.042, coverage4: 0.75, mape13: 0.081, coverage13: 0.69 },
    ]);
    expect(b.csv.columns).toEqual([
      "refit_run_id",
      "scored_run_id",
      "horizon_weeks",
      "first_week",
      "last_week",
      "weeks",
      "mape",
      "crps",
      "coverage90",
    ]);
    expect(b.csv.rows[1]).toEqual([
      second.runId,
      first.runId,
      13,
      "2027-01-04",
      "2027-03-29",
      13,
      0.081,
      1234.5,
      0.69,
    ]);
    // Another workspace's model is not found.
    await expect(viewer.approval.backtests({ workspaceId, modelId: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("alert channels", () => {
  it("webhook secrets are shown once; bad targets are refused naming the field", async () => {
    const hook = await admin.alert.createChannel({
      workspaceId,
      kind: "webhook",
      name: "Ops",
      target: "https://hooks.example.test/mixcast",
      kinds: ["unstable"],
    });
    expect(hook.secret).toMatch(/^whsec_/);
    const listed = await admin.alert.channels({ workspaceId });
    expect(listed).toEqual([expect.objectContaining({ id: hook.id, hasSecret: true, kinds: ["unstable"] })]);
    expect(JSON.stringify(listed)).not.toContain(hook.secret!);
    await expect(
      admin.alert.createChannel({
        workspaceId,
        kind: "webhook",
        name: "Bad",
        target: "ftp://x.test/a",
        kinds: [],
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      admin.alert.createChannel({
        workspaceId,
        kind: "email",
        name: "Bad",
        target: "not-an-address",
        kinds: [],
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // Internal addresses are refused when the channel is saved (the worker checks again after DNS).
    for (const target of [
      "http://169.254.169.254/latest/meta-data",
      "http://localhost:8080/x",
      "http://[::1]/x",
    ])
      await expect(
        admin.alert.createChannel({ workspaceId, kind: "webhook", name: "Inside", target, kinds: [] }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(/Webhooks cannot call internal addresses: .* (link-local|loopback)/),
      });
    await admin.alert.deleteChannel({ workspaceId, channelId: hook.id });
    expect(await admin.alert.channels({ workspaceId })).toEqual([]);
  });
});

describe("workspace home", () => {
  it("approved numbers, what changed since the approval, pending refits, freshness and alerts", async () => {
    await db.prisma.alert.create({
      data: {
        workspaceId,
        modelId: first.modelId,
        kind: "unstable",
        title: "Refit moved",
        message: "m",
        dedupeKey: "home:1",
      },
    });
    const home = await viewer.home.get({ workspaceId });
    expect(home.models).toHaveLength(1);
    const m = home.models[0]!;
    expect(m.approved!.runId).toBe(first.runId);
    expect(m.approved!.approval).toMatchObject({ note: "Q3 baseline", by: "Ana Analyst" });
    const tops = m.approved!.topChannels;
    expect(tops.map((t) => t.mean)).toEqual([...tops.map((t) => t.mean)].sort((x, y) => y - x));
    expect(tops[0]!.mean).toBe(Math.max(...Object.values(first.fit.channels).map((c) => c.roi.mean)));
    expect(m.pending.map((p) => p.id)).toEqual([second.runId]);
    expect(m.data.latestVersion).toBe(2);
    expect(home.alerts.map((a) => a.title)).toEqual(["Refit moved"]);

    // Approving the refit: what changed since the last approval = the diff against the first run.
    await analyst.approval.approve({ workspaceId, runId: second.runId, note: "weekly" });
    const after = (await viewer.home.get({ workspaceId })).models[0]!;
    expect(after.approved!.runId).toBe(second.runId);
    expect(after.pending).toEqual([]);
    expect(after.sinceLastApproval).toMatchObject({ weeksAdded: 2, weeksRevised: 1, weeksRemoved: 0 });
    expect(after.sinceLastApproval!.comparedWith).toMatchObject({
      id: first.runId,
      role: "previously approved",
    });
  });
});
