// optimizer.goal through the real tRPC caller on real PostgreSQL, with a run fitted (fast mode) on
// simulated data and stored as the worker stores it. Every number is checked against packages/core
// called directly on the same thinned draws: the server must not plan differently from the CLI.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  horizonResponse,
  optimizeFlighting,
  optimizeGoal,
  recentWeeklySpend,
  thinIndices,
  type OptimizerGoal,
} from "@mixcast/core";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { workspaceWithViewer } from "../../../test/fixtures.ts";
import { seedFittedRun } from "../../../test/seed-fitted-run.ts";
import { loadRunPosterior, type RunPosterior } from "../insight/run-posterior.ts";
import { CURRENT_PLAN_WEEKS, PLANNING_DRAWS } from "./run-optimizer.ts";

let db: TestDatabase;
let workspaceId: string;
let analyst: Context;
let viewer: Context;
let runId: string;
let p: RunPosterior;

const WEEKS = 8;

beforeAll(async () => {
  db = await createTestDatabase();
  const w = await workspaceWithViewer(db.prisma, { workspace: "Goals Co" });
  ({ workspaceId, analyst, viewer } = w);
  runId = (await seedFittedRun(db.prisma, { workspaceId, userId: w.owner.id, seed: 5 })).runId;
  p = await loadRunPosterior(db.prisma, { userId: w.owner.id, workspaceId, role: "owner" }, runId);
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

/** core, called directly on the draws the server uses. */
function coreGoal(goal: OptimizerGoal, maxBudget?: number) {
  const resp = horizonResponse(p.model, p.draws, WEEKS, thinIndices(p.draws.draws, PLANNING_DRAWS));
  const currentWeekly = recentWeeklySpend(resp, CURRENT_PLAN_WEEKS);
  return {
    resp,
    currentWeekly,
    result: optimizeGoal(resp, goal, {
      bounds: {},
      objective: { kind: "mean" },
      currentWeekly,
      seed: 1,
      ...(maxBudget !== undefined ? { maxBudget } : {}),
    }),
  };
}

describe("optimizer.goal", () => {
  it("min-spend: the least spend reaching the target with the probability asked, equal to core's", async () => {
    // target: the current plan's expected KPI over the horizon
    const probe = coreGoal({ kind: "max-kpi", budget: 1 });
    const current = probe.currentWeekly.reduce((a, b) => a + b, 0) * WEEKS;
    const target = coreGoal({ kind: "max-kpi", budget: current }).result.plan.current.expectedKpi.mean;
    const goal = { kind: "min-spend", targetKpi: target, probability: 0.7 } as const;
    const res = await createCaller(analyst).optimizer.goal({ workspaceId, runId, weeks: WEEKS, goal });
    const expected = coreGoal(goal).result;
    expect(res.feasible).toBe(true);
    expect(expected.feasible).toBe(true);
    expect(res.totalSpend).toBe(expected.totalSpend);
    expect(res.probabilityOfTarget).toBe(expected.probabilityOfTarget);
    expect(res.probabilityOfTarget!).toBeGreaterThanOrEqual(0.7);
    expect(res.probabilityBeatsCurrent).toBe(expected.probabilityBeatsCurrent);
    expect(res.marginalRoiAtOptimum).toBe(expected.marginalRoi);
    // the optimizer's split is the plan shown, channel by channel
    expect(res.channels.map((c) => c.total)).toEqual(expected.plan.allocation.map((a) => a.total));
    expect(res.channels.map((c) => c.marginalRoi)).toEqual(
      expected.plan.allocation.map((a) => a.marginalRoi),
    );
    const spent = res.channels.reduce((s, c) => s + c.weekly.reduce((a, b) => a + b, 0), 0);
    expect(Math.abs(spent - res.totalSpend) / res.totalSpend).toBeLessThan(1e-9);
    expect(res.kpi.expected.q05).toBeLessThanOrEqual(res.kpi.expected.q95);
    expect(res.kpi.roi.mean).toBeCloseTo(expected.plan.roi.mean, 12);
    expect(res.flighting).toBeNull();
    const audit = await db.prisma.auditEvent.findMany({ where: { workspaceId, action: "optimizer.goal" } });
    expect(audit.length).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it("an unreachable target is infeasible, says why and how close it gets, as core does", async () => {
    const current = coreGoal({ kind: "max-kpi", budget: 1 }).currentWeekly.reduce((a, b) => a + b, 0) * WEEKS;
    const goal = { kind: "min-spend", targetKpi: 1e12, probability: 0.8 } as const;
    const res = await createCaller(analyst).optimizer.goal({
      workspaceId,
      runId,
      weeks: WEEKS,
      goal,
      maxBudget: current * 2,
    });
    const expected = coreGoal(goal, current * 2).result;
    expect(res.feasible).toBe(false);
    expect(res.reason).toBe(expected.reason);
    expect(res.reason).toMatch(/P\(KPI >= 1000000000000\) is only/);
    expect(res.closest).toEqual(expected.closest);
    expect(res.totalSpend).toBe(expected.totalSpend);
    expect(res.totalSpend).toBeCloseTo(current * 2, 6);
  }, 120_000);

  it("target-roi: equal to core's budget and feasibility", async () => {
    const goal = { kind: "target-roi", roi: 0.5 } as const;
    const res = await createCaller(analyst).optimizer.goal({ workspaceId, runId, weeks: WEEKS, goal });
    const expected = coreGoal(goal).result;
    expect(res.feasible).toBe(expected.feasible);
    expect(res.totalSpend).toBe(expected.totalSpend);
    if (res.feasible) expect(res.kpi.incremental.mean / res.totalSpend).toBeGreaterThanOrEqual(0.5 - 1e-9);
  }, 120_000);

  it("flighting: per-channel per-week plan keeping each channel's total, KPI over the carry-over tail as core's", async () => {
    const probe = coreGoal({ kind: "max-kpi", budget: 1 });
    const budget = probe.currentWeekly.reduce((a, b) => a + b, 0) * WEEKS;
    const goal = { kind: "max-kpi", budget } as const;
    const res = await createCaller(analyst).optimizer.goal({
      workspaceId,
      runId,
      weeks: WEEKS,
      goal,
      flighting: true,
    });
    const flat = coreGoal(goal).result;
    const tail = p.model.spec.adstockLags;
    const long = horizonResponse(p.model, p.draws, WEEKS + tail, thinIndices(p.draws.draws, PLANNING_DRAWS));
    const flight = optimizeFlighting(long, {
      window: WEEKS,
      totals: flat.plan.allocation.map((a) => a.total),
      objective: { kind: "mean" },
      weeklyBounds: {},
    });
    expect(res.flighting).not.toBeNull();
    expect(res.flighting!.tailWeeks).toBe(tail);
    expect(res.kpi.weeks).toBe(WEEKS + tail);
    expect(res.kpi.expected).toEqual(flight.kpi);
    expect(res.flighting!.probabilityBeatsFlat).toBe(flight.probabilityBeatsFlat);
    for (const c of res.channels) {
      expect(c.weekly).toHaveLength(WEEKS);
      expect(c.weekly.reduce((a, b) => a + b, 0)).toBeCloseTo(c.total, 6);
      expect(c.weekly).toEqual(flight.allocation.find((a) => a.channel === c.channel)!.weekly);
    }
    expect(res.kpi.roi.mean).toBeCloseTo(flight.incrementalKpi.mean / budget, 12);
    expect(res.probabilityBeatsCurrent).not.toBeNull();
  }, 120_000);

  it("viewers may not run it; bad inputs are refused with the field named", async () => {
    await expect(
      createCaller(viewer).optimizer.goal({
        workspaceId,
        runId,
        weeks: 4,
        goal: { kind: "max-kpi", budget: 1000 },
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      createCaller(analyst).optimizer.goal({
        workspaceId,
        runId,
        weeks: 4,
        goal: { kind: "min-spend", targetKpi: 10, probability: 1.5 },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Probability") });
    await expect(
      createCaller(analyst).optimizer.goal({
        workspaceId,
        runId,
        weeks: 4,
        goal: { kind: "max-kpi", budget: 1000 },
        weeklyBounds: { Nope: { max: 1 } },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Unknown channel in bounds: Nope." });
    // geo plans, frequency and organic levels are v2 choices
    await expect(
      createCaller(analyst).optimizer.goal({
        workspaceId,
        runId,
        weeks: 4,
        goal: { kind: "max-kpi", budget: 1000 },
        planning: { geoPlan: "perGeo" },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("(v2) models only") });
  }, 60_000);
});
