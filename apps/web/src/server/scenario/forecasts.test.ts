// Plans that re-forecast, on real PostgreSQL: a scenario that follows its model's approved run
// gets a new forecast version when a run is approved (through the app, and caught up after an
// approval the worker made), the history says why it moved, and a P(beats the alternative) that
// crossed 1/2 is flagged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordApproval } from "@mixcast/db/approvals";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { seedFittedRun } from "../../../test/seed-fitted-run.ts";
import { workspaceWithViewer } from "../../../test/fixtures.ts";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { explainForecastChange, probabilityFlipped, type ForecastSummary } from "./forecasts.ts";

let db: TestDatabase;
let workspaceId: string;
let analyst: Context;
let viewer: Context;
let modelId: string;
let run1: string;
let run2: string;
let channels: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  const w = await workspaceWithViewer(db.prisma, {
    workspace: "Plans Co",
    owner: "Ana Analyst",
    viewer: "Vera Viewer",
  });
  ({ workspaceId, analyst, viewer } = w);
  const first = await seedFittedRun(db.prisma, { workspaceId, userId: w.owner.id, seed: 8 });
  modelId = first.modelId;
  run1 = first.runId;
  channels = first.channels;
  const second = await seedFittedRun(db.prisma, {
    workspaceId,
    userId: w.owner.id,
    modelId,
    seed: 21,
    finishedAt: new Date(Date.now() + 60_000),
  });
  run2 = second.runId;
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

describe("flip rule", () => {
  it("flags only a crossing of 1/2", () => {
    expect(probabilityFlipped(0.7, 0.4)).toBe(true);
    expect(probabilityFlipped(0.4, 0.5)).toBe(true);
    expect(probabilityFlipped(0.7, 0.55)).toBe(false);
    expect(probabilityFlipped(0.2, 0.01)).toBe(false);
    expect(probabilityFlipped(null, 0.9)).toBe(false);
  });

  it("explains a move by data, settings and the channels that moved most", () => {
    const s = (inc: number, ch: Record<string, number>) =>
      ({ incrementalKpi: { mean: inc, q05: 0, q95: 0 }, channels: ch }) as unknown as ForecastSummary;
    const why = explainForecastChange(
      { summary: s(1000, { tv: 600, search: 400 }), run: { datasetVersion: 3, configVersion: 1 } },
      {
        summary: s(710, { tv: 320, search: 390 }),
        reason: "approved",
        run: { datasetVersion: 4, configVersion: 1 },
      },
      "sales",
    );
    expect(why).toEqual([
      "New data: dataset version 3 -> 4.",
      "sales caused by the plan -290, mostly tv -280.",
    ]);
  });
});

describe("a plan that follows the approved run", () => {
  it("re-forecasts on each approval, keeps the history and flags a flipped plan", async () => {
    const api = createCaller(analyst);
    await api.approval.approve({ workspaceId, runId: run1 });
    const weeks = 8;
    const plan = (amount: number) => ({
      weeks,
      spend: Object.fromEntries(channels.map((c) => [c, Array.from({ length: weeks }, () => amount)])),
    });
    const s = await api.scenario.create({ workspaceId, runId: run1, name: "Push hard", plan: plan(400_000) });
    await expect(
      createCaller(viewer).scenario.follow({ workspaceId, scenarioId: s.id, follow: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const followed = await api.scenario.follow({ workspaceId, scenarioId: s.id, follow: true });
    expect(followed.version).toBe(1);

    // approving a new run re-forecasts the plan on it, at once
    const approved = await api.approval.approve({ workspaceId, runId: run2, note: "weekly refit" });
    expect(approved.reforecast).toEqual([{ scenarioId: s.id, version: 2 }]);
    expect((await db.prisma.scenario.findUniqueOrThrow({ where: { id: s.id } })).runId).toBe(run2);

    let h = await createCaller(viewer).scenario.forecasts({ workspaceId, scenarioId: s.id });
    expect(h.following).toBe(true);
    expect(h.versions.map((v) => [v.version, v.run.id, v.reason])).toEqual([
      [1, run1, "follow"],
      [2, run2, "approved"],
    ]);
    const [v1, v2] = h.versions;
    // each version is a real forecast on its run: different posteriors, different numbers
    expect(v1!.summary.incrementalKpi.mean).not.toBe(v2!.summary.incrementalKpi.mean);
    expect(v2!.summary.kpi.q05).toBeLessThan(v2!.summary.kpi.q95);
    expect(v2!.approval).toMatchObject({ by: "Ana Analyst", note: "weekly refit" });
    expect(v2!.why[0]).toBe("Model settings changed: config version 1 -> 2.");
    // far more spend than the last 13 weeks' beats the current plan
    expect(v1!.probabilityBeatsAlternative).toBeGreaterThan(0.9);
    expect(v2!.flipped).toBe(false);

    // an edited plan that now spends nothing loses to the current plan: flipped
    await api.scenario.update({ workspaceId, scenarioId: s.id, plan: plan(0) });
    h = await createCaller(viewer).scenario.forecasts({ workspaceId, scenarioId: s.id });
    const v3 = h.versions[2]!;
    expect([v3.version, v3.reason, v3.run.id]).toEqual([3, "plan", run2]);
    expect(v3.probabilityBeatsAlternative).toBeLessThan(0.1);
    expect(v3.flipped).toBe(true);
    expect(h.flippedNow).toBe(true);
    expect(v3.why[0]).toBe("The plan was edited.");

    // an approval made outside the app (the worker's auto-approve) is caught up on the next read
    await db.prisma.$transaction((tx) =>
      recordApproval(tx, { workspaceId, modelId, runId: run1, approvedById: null, note: null }),
    );
    h = await createCaller(viewer).scenario.forecasts({ workspaceId, scenarioId: s.id });
    expect(h.versions.map((v) => [v.version, v.run.id, v.reason])).toEqual([
      [1, run1, "follow"],
      [2, run2, "approved"],
      [3, run2, "plan"],
      [4, run1, "approved"],
    ]);
    expect(h.versions[3]!.approval?.by).toBe("auto-approve");
    // reading again adds nothing
    h = await createCaller(viewer).scenario.forecasts({ workspaceId, scenarioId: s.id });
    expect(h.versions).toHaveLength(4);

    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: s.id }, orderBy: { at: "asc" } });
    expect(audit.filter((e) => e.action === "scenario.reforecast")).toHaveLength(4);
    expect(audit.map((e) => e.action)).toContain("scenario.follow");

    // a scenario that does not follow keeps its run and gets no versions
    const fixed = await api.scenario.create({ workspaceId, runId: run2, name: "Pinned", plan: plan(1000) });
    await api.approval.approve({ workspaceId, runId: run2 });
    expect((await api.scenario.forecasts({ workspaceId, scenarioId: fixed.id })).versions).toEqual([]);
    expect((await db.prisma.scenario.findUniqueOrThrow({ where: { id: fixed.id } })).runId).toBe(run2);
  });

  it("measures against another scenario of the same model when one is chosen", async () => {
    const api = createCaller(analyst);
    const weeks = 6;
    const plan = (amounts: number[]) => ({
      weeks,
      spend: Object.fromEntries(
        channels.map((c, i) => [c, Array.from({ length: weeks }, () => amounts[i] ?? 0)]),
      ),
    });
    const small = await api.scenario.create({
      workspaceId,
      runId: run1,
      name: "Small",
      plan: plan([10, 10, 10]),
    });
    const big = await api.scenario.create({
      workspaceId,
      runId: run1,
      name: "Big",
      plan: plan([50_000, 50_000, 50_000]),
    });
    await expect(
      api.scenario.follow({ workspaceId, scenarioId: big.id, follow: true, alternativeScenarioId: big.id }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await api.scenario.follow({
      workspaceId,
      scenarioId: big.id,
      follow: true,
      alternativeScenarioId: small.id,
    });
    const h = await api.scenario.forecasts({ workspaceId, scenarioId: big.id });
    expect(h.versions).toHaveLength(1);
    expect(h.versions[0]!.summary.alternative.label).toBe("Small");
    expect(h.versions[0]!.probabilityBeatsAlternative).toBeGreaterThan(0.9);
  });
});
