// The optimizer and scenarios on a v2 run (geo, reach & frequency, organic, units KPI with a value)
// through the real tRPC caller on real PostgreSQL. Numbers are checked against packages/core called
// directly (horizonResponseV2, evaluateScenario, optimizeBudget, optimizeGoal) on the run's stored
// draws and spec: the platform must plan exactly as the engine does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createModelV2,
  evaluateScenario,
  horizonResponseV2,
  optimizeBudget,
  optimizeGoal,
  recentWeeklySpend,
  thinIndices,
  type HorizonOptionsV2,
  type MmmModelV2,
  type PosteriorDraws,
} from "@mixcast/core";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { toCoreScenario } from "@mixcast/runs/stored";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { workspaceWithViewer } from "../../../test/fixtures.ts";
import { seedFittedRunV2 } from "../../../test/seed-fitted-run-v2.ts";
import { posteriorOfStoredDraws } from "../insight/run-posterior.ts";
import { CURRENT_PLAN_WEEKS, PLANNING_DRAWS } from "./run-optimizer.ts";

let db: TestDatabase;
let workspaceId: string;
let analyst: Context;
let viewer: Context;
let runId: string;
let modelId: string;
let model: MmmModelV2;
let draws: PosteriorDraws;
let rf: string;
let organic: string;
let paid: string[];
let geos: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  const w = await workspaceWithViewer(db.prisma, { workspace: "Geo Co" });
  ({ workspaceId, analyst, viewer } = w);
  const seeded = await seedFittedRunV2(db.prisma, {
    workspaceId,
    userId: w.owner.id,
    sim: { weeks: 60, seed: 4, geos: 3, channels: 2, rf: true, organic: true, units: true, holdoutWeeks: 4 },
    draws: 60,
  });
  runId = seeded.runId;
  modelId = seeded.modelId;
  // the engine's own model of the stored spec, and the draws exactly as stored (Float32)
  model = createModelV2(seeded.spec);
  const art = await db.prisma.runArtifact.findFirstOrThrow({ where: { runId, kind: "draws" } });
  draws = posteriorOfStoredDraws(art.bytes!, art.encoding).draws;
  rf = seeded.spec.channels.find((c) => c.role === "rf")!.name;
  organic = seeded.spec.channels.find((c) => c.role === "organic")!.name;
  paid = seeded.spec.channels.filter((c) => c.role !== "organic").map((c) => c.name);
  geos = [...seeded.spec.data.geos];
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

const idx = () => thinIndices(draws.draws, PLANNING_DRAWS);
const horizon = (weeks: number, o: HorizonOptionsV2 = {}) =>
  horizonResponseV2(model, draws, weeks, { drawIdx: idx(), ...o });

describe("optimizer on a v2 run", () => {
  it("context: paid channels as plan lines, R&F with its optimal frequency, organic held at its recent level, per-geo lines", async () => {
    const c = await createCaller(viewer).optimizer.context({ workspaceId, runId });
    expect(c.version).toBe(2);
    expect(c.kpiType).toBe("units");
    expect(c.measure).toBe("value");
    expect(c.channels.map((x) => x.name)).toEqual(paid);
    const resp = horizon(1);
    const current = recentWeeklySpend(resp, CURRENT_PLAN_WEEKS);
    expect(c.channels.map((x) => x.currentWeekly)).toEqual(current);
    const rfIndex = model.spec.channels.findIndex((x) => x.name === rf);
    expect(c.v2!.rf).toEqual([
      { name: rf, optimalFrequency: resp.media[rfIndex]!.rf!.planned, maxFrequency: expect.any(Number) },
    ]);
    expect(c.v2!.rf[0]!.optimalFrequency).toBeGreaterThan(0);
    expect(c.v2!.organic.map((o) => o.name)).toEqual([organic]);
    expect(c.v2!.organic[0]!.defaultLevel).toBeGreaterThan(0);
    expect(c.v2!.geoLines).toHaveLength(paid.length * geos.length);
    expect(c.v2!.geoLines[0]!.name).toBe(`${paid[0]}@${geos[0]}`);
    // per-geo current spend adds up to the national line's
    const perGeo = horizon(1, { geoPlan: "perGeo" });
    expect(c.v2!.geoLines.map((l) => l.currentWeekly)).toEqual(
      recentWeeklySpend(perGeo, CURRENT_PLAN_WEEKS).map((v) => expect.closeTo(v, 9)),
    );
  }, 120_000);

  it("optimizer.run: the plan equals core's on the same draws, at a chosen frequency and organic level", async () => {
    const planning = { geoPlan: "national" as const, frequency: { [rf]: 2.5 }, organic: { [organic]: 5000 } };
    const c = await createCaller(viewer).optimizer.context({ workspaceId, runId });
    const budget = c.suggestedBudget / 2;
    const res = await createCaller(analyst).optimizer.run({
      workspaceId,
      runId,
      weeks: 6,
      budget,
      planning,
    });
    const resp = horizon(6, planning);
    const expected = optimizeBudget(resp, {
      budget,
      bounds: {},
      objective: { kind: "mean" },
      currentWeekly: recentWeeklySpend(resp, CURRENT_PLAN_WEEKS),
      seed: 1,
    });
    expect(res.measure).toBe("value");
    expect(res.allocation.map((a) => a.total)).toEqual(expected.allocation.map((a) => a.total));
    expect(res.expectedKpi).toEqual(expected.expectedKpi);
    const total = res.allocation.reduce((s, a) => s + a.total, 0);
    expect(Math.abs(total - budget) / budget).toBeLessThan(1e-9);
    // the organic level is an input: holding it higher raises the expected KPI of the same plan
    const low = await createCaller(analyst).optimizer.run({
      workspaceId,
      runId,
      weeks: 6,
      budget,
      planning: { ...planning, organic: { [organic]: 0 } },
    });
    expect(res.expectedKpi.mean).toBeGreaterThan(low.expectedKpi.mean);
  }, 180_000);

  it("optimizer.goal per geo: total spend and feasibility equal core's", async () => {
    const planning = { geoPlan: "perGeo" as const, frequency: {}, organic: {} };
    const resp = horizon(6, { geoPlan: "perGeo" });
    const currentWeekly = recentWeeklySpend(resp, CURRENT_PLAN_WEEKS);
    const target = optimizeBudget(resp, {
      budget: currentWeekly.reduce((a, b) => a + b, 0) * 6,
      currentWeekly,
      seed: 1,
    }).current.expectedKpi.mean;
    const goal = { kind: "min-spend" as const, targetKpi: target, probability: 0.6 };
    const res = await createCaller(analyst).optimizer.goal({ workspaceId, runId, weeks: 6, goal, planning });
    const expected = optimizeGoal(resp, goal, {
      bounds: {},
      objective: { kind: "mean" },
      currentWeekly,
      seed: 1,
    });
    expect(res.feasible).toBe(expected.feasible);
    expect(res.totalSpend).toBe(expected.totalSpend);
    expect(res.channels.map((x) => x.channel)).toEqual(resp.channels);
    expect(res.channels[0]!.channel).toBe(`${paid[0]}@${geos[0]}`);
    expect(res.measure).toBe("value");
  }, 240_000);

  it("a frequency for a channel that is not R&F is refused with the channel named", async () => {
    await expect(
      createCaller(analyst).optimizer.run({
        workspaceId,
        runId,
        weeks: 4,
        budget: 1000,
        planning: { frequency: { NotRf: 2 } },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("NotRf") });
  }, 60_000);
});

describe("scenarios on a v2 run", () => {
  it("a national plan's forecast equals horizonResponseV2 + evaluateScenario at the plan's frequency and organic level", async () => {
    const planning = { geoPlan: "national" as const, frequency: { [rf]: 3 }, organic: { [organic]: 2000 } };
    const plan = await createCaller(analyst).scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 8,
      planning,
      source: { kind: "lastQuarter", k: 1.1 },
    });
    expect(Object.keys(plan.spend).sort()).toEqual([...paid].sort());
    expect(plan.planning).toEqual(planning);
    const s = await createCaller(analyst).scenario.create({ workspaceId, runId, name: "Geo national", plan });
    const res = await createCaller(viewer).scenario.evaluate({ workspaceId, scenarioId: s.id });
    const resp = horizon(8 + model.spec.adstockLags, planning);
    const expected = evaluateScenario(resp, toCoreScenario("Geo national", plan)).result;
    expect(res.result.kpi).toEqual(expected.kpi);
    expect(res.result.incrementalKpi).toEqual(expected.incrementalKpi);
    expect(res.result.totalSpend).toBeCloseTo(expected.totalSpend, 6);
    // cached the second time
    expect((await createCaller(viewer).scenario.evaluate({ workspaceId, scenarioId: s.id })).cached).toBe(
      true,
    );
  }, 180_000);

  it("a per-geo plan: one line per channel and geo, forecast equal to core's, compared with another per-geo plan", async () => {
    const planning = { geoPlan: "perGeo" as const, frequency: {}, organic: {} };
    const plan = await createCaller(analyst).scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 6,
      planning,
      source: { kind: "lastQuarter", k: 1 },
    });
    expect(Object.keys(plan.spend)).toHaveLength(paid.length * geos.length);
    const a = await createCaller(analyst).scenario.create({ workspaceId, runId, name: "Per geo", plan });
    const res = await createCaller(viewer).scenario.evaluate({ workspaceId, scenarioId: a.id });
    const resp = horizon(6 + model.spec.adstockLags, { geoPlan: "perGeo" });
    const expected = evaluateScenario(resp, toCoreScenario("Per geo", plan)).result;
    expect(res.result.kpi).toEqual(expected.kpi);
    // double one geo's spend: a second plan, compared draw by draw
    const boosted = {
      ...plan,
      spend: Object.fromEntries(
        Object.entries(plan.spend).map(([k, v]) => [k, k.endsWith(`@${geos[0]}`) ? v.map((x) => x * 2) : v]),
      ),
    };
    const b = await createCaller(analyst).scenario.create({
      workspaceId,
      runId,
      name: "Boosted",
      plan: boosted,
    });
    const cmp = await createCaller(viewer).scenario.compare({ workspaceId, scenarioIds: [a.id, b.id] });
    expect(cmp.scenarios).toHaveLength(2);
    expect(cmp.matrix[1]![0]).toBeGreaterThan(0.5);
    // a national plan beside a per-geo one: each evaluated with its own geo plan on the same draws
    const n = await createCaller(analyst).scenario.create({
      workspaceId,
      runId,
      name: "National",
      plan: {
        weeks: 6,
        spend: { [paid[0]!]: [1000, 1000, 1000, 1000, 1000, 1000] },
        assumptions: [],
        planning: { geoPlan: "national" },
      },
    });
    const mixed = await createCaller(viewer).scenario.compare({ workspaceId, scenarioIds: [a.id, n.id] });
    const nPlan = (await db.prisma.scenario.findUniqueOrThrow({ where: { id: n.id } })).plan as never;
    const evA = evaluateScenario(resp, toCoreScenario("Per geo", plan));
    const evN = evaluateScenario(
      horizon(6 + model.spec.adstockLags, { geoPlan: "national" }),
      toCoreScenario("National", nPlan),
    );
    expect(mixed.scenarios[0]!.kpi).toEqual(evA.result.kpi);
    expect(mixed.scenarios[1]!.kpi).toEqual(evN.result.kpi);
    // the difference is paired draw by draw: its mean and P(A beats B) are the per-draw ones
    const diffs = Array.from(evA.kpi, (v, d) => v - evN.kpi[d]!);
    expect(mixed.pairs[0]!.kpiDifference.mean).toBeCloseTo(
      diffs.reduce((x, y) => x + y, 0) / diffs.length,
      6,
    );
    expect(mixed.matrix[0]![1]).toBeCloseTo(diffs.filter((x) => x > 0).length / diffs.length, 2);
    expect(mixed.differingChoices).toEqual(["geoPlan"]);
    expect(mixed.items[0]!.choices.find((c) => c.key === "geoPlan")!.value).toBe("per geo");
    expect(mixed.items[1]!.choices.find((c) => c.key === "geoPlan")!.value).toBe("national");
    const report = await createCaller(viewer).report.comparison({ workspaceId, scenarioIds: [a.id, n.id] });
    expect(report.explanations).toContain(
      "The plans differ in Geo plan (Per geo: per geo; National: national); each is evaluated with its own.",
    );
  }, 240_000);

  it("scenarios differing in R&F frequency and organic level compare, each with its own choices, paired", async () => {
    const spend = Object.fromEntries(paid.map((c) => [c, [800, 800, 800, 800]]));
    const mk = (
      name: string,
      planning: { geoPlan: "national"; frequency?: Record<string, number>; organic?: Record<string, number> },
    ) =>
      createCaller(analyst).scenario.create({
        workspaceId,
        runId,
        name,
        plan: { weeks: 4, spend, assumptions: [], planning },
      });
    const base = await mk("Default choices", { geoPlan: "national" });
    const lowFreq = await mk("Low frequency", { geoPlan: "national", frequency: { [rf]: 1 } });
    const noOrganic = await mk("Organic paused", { geoPlan: "national", organic: { [organic]: 0 } });
    const cmp = await createCaller(viewer).scenario.compare({
      workspaceId,
      scenarioIds: [base.id, lowFreq.id, noOrganic.id],
    });
    expect(cmp.differingChoices.sort()).toEqual([`frequency:${rf}`, `organic:${organic}`].sort());
    const freq = cmp.items.map((i) => i.choices.find((c) => c.key === `frequency:${rf}`)!.value);
    expect(freq[0]).toMatch(/\(optimal\)$/);
    expect(freq[1]).toBe("1");
    const org = cmp.items.map((i) => i.choices.find((c) => c.key === `organic:${organic}`)!.value);
    expect(org[0]).toMatch(/\(recent level\)$/);
    expect(org[2]).toBe("0");
    // each equals core's evaluation on its own horizon; pausing organic loses KPI in every draw
    const H = 4 + model.spec.adstockLags;
    const plans = await db.prisma.scenario.findMany({ where: { id: { in: [base.id, noOrganic.id] } } });
    const planOf = (id: string) => plans.find((p) => p.id === id)!.plan as never;
    const evBase = evaluateScenario(horizon(H), toCoreScenario("a", planOf(base.id)));
    const evOff = evaluateScenario(
      horizon(H, { organic: { [organic]: 0 } }),
      toCoreScenario("b", planOf(noOrganic.id)),
    );
    expect(cmp.scenarios[0]!.kpi).toEqual(evBase.result.kpi);
    expect(cmp.scenarios[2]!.kpi).toEqual(evOff.result.kpi);
    const pair = cmp.pairs.find((p) => p.b === "Organic paused" && p.a === "Default choices")!;
    const diffs = Array.from(evBase.kpi, (v, d) => v - evOff.kpi[d]!);
    expect(pair.kpiDifference.mean).toBeCloseTo(diffs.reduce((x, y) => x + y, 0) / diffs.length, 6);
    expect(Math.min(...diffs)).toBeGreaterThan(0);
    expect(pair.probabilityABeatsB).toBe(1);
    // the same spend: the organic pause changes nothing the plan caused
    expect(cmp.scenarios[2]!.totalSpend).toBeCloseTo(cmp.scenarios[0]!.totalSpend, 6);
  }, 240_000);

  it("plans name only the model's paid channels (organic is a held input)", async () => {
    await expect(
      createCaller(analyst).scenario.create({
        workspaceId,
        runId,
        name: "Organic spend",
        plan: { weeks: 2, spend: { [organic]: [1, 1] }, assumptions: [] },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining(organic) });
    await expect(
      createCaller(viewer).scenario.generatePlan({
        workspaceId,
        runId,
        weeks: 2,
        source: { kind: "lastQuarter", k: 1 },
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  }, 60_000);
});

describe("campaigns on a v2 model", () => {
  it("model.list lists paid, R&F and organic channels with their roles; a campaign plans paid and R&F ones, not organic", async () => {
    const models = await createCaller(viewer).model.list({ workspaceId });
    const m = models.find((x) => x.id === modelId)!;
    expect(m.channels.map((c) => [c.column, c.role])).toEqual(
      model.spec.channels.map((c) => [c.name, c.role]),
    );
    expect(m.channels.find((c) => c.column === rf)!.role).toBe("rf");
    expect(m.channels.find((c) => c.column === organic)!.role).toBe("organic");
    // stored in the model's order, whatever order they were ticked in
    const created = await createCaller(analyst).campaign.create({
      workspaceId,
      name: "R&F push",
      modelId,
      channels: [rf, paid[0]!],
    });
    const got = await createCaller(viewer).campaign.get({ workspaceId, campaignId: created.id });
    expect(got.channels).toEqual(paid.filter((c) => c === rf || c === paid[0]));
    await expect(
      createCaller(analyst).campaign.create({ workspaceId, name: "Organic", modelId, channels: [organic] }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining(`"${organic}" is an organic channel`),
    });
    await expect(
      createCaller(analyst).campaign.create({ workspaceId, name: "Typo", modelId, channels: ["Nope"] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining(rf) });
  });
});
