// Campaigns and scenarios through the real tRPC caller on real PostgreSQL: audited CRUD, plans
// generated from history and from the optimizer, cached evaluation, and comparison across
// campaigns with a P(A beats B) matrix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { seedFittedRun } from "../../../test/seed-fitted-run.ts";
import { createCaller } from "../root.ts";
import { workspaceWithViewer } from "../../../test/fixtures.ts";
import type { Context } from "../trpc.ts";

let db: TestDatabase;
let workspaceId: string;
let analyst: Context;
let viewer: Context;
let runId: string;
let channels: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  const w = await workspaceWithViewer(db.prisma, {
    workspace: "Scenario Co",
    owner: "Ana Analyst",
    viewer: "Vera Viewer",
  });
  ({ workspaceId, analyst, viewer } = w);
  const seeded = await seedFittedRun(db.prisma, { workspaceId, userId: w.owner.id, seed: 8 });
  runId = seeded.runId;
  channels = seeded.channels;
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

const flat = (weeks: number, amounts: number[]) =>
  Object.fromEntries(channels.map((c, i) => [c, Array.from({ length: weeks }, () => amounts[i] ?? 0)]));

describe("campaigns", () => {
  it("create, rename, delete are audited; names are unique; viewers cannot write", async () => {
    const api = createCaller(analyst);
    const c = await api.campaign.create({
      workspaceId,
      name: "Spring flight",
      startsOn: "2026-03-02",
      endsOn: "2026-05-31",
      budget: 250_000,
    });
    await expect(api.campaign.create({ workspaceId, name: "Spring flight" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(
      api.campaign.create({ workspaceId, name: "Backwards", startsOn: "2026-05-01", endsOn: "2026-04-01" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(createCaller(viewer).campaign.create({ workspaceId, name: "Nope" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const renamed = await api.campaign.update({ workspaceId, campaignId: c.id, name: "Spring flight 2026" });
    expect(renamed.name).toBe("Spring flight 2026");
    expect((await createCaller(viewer).campaign.list({ workspaceId })).map((x) => x.name)).toContain(
      "Spring flight 2026",
    );
    await api.campaign.delete({ workspaceId, campaignId: c.id });
    const actions = (
      await db.prisma.auditEvent.findMany({ where: { workspaceId, targetId: c.id }, orderBy: { at: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(["campaign.create", "campaign.rename", "campaign.delete"]);
  });
});

describe("campaign channels", () => {
  it("a campaign plans a subset of its model's channels: stored in the model's order, checked, audited", async () => {
    const api = createCaller(analyst);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    const subset = [channels[2]!, channels[0]!];
    const c = await api.campaign.create({
      workspaceId,
      name: "Two-channel push",
      modelId: run.modelId,
      channels: subset,
    });
    expect(c.channels).toEqual([channels[0], channels[2]]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { targetId: c.id, action: "campaign.create" },
    });
    expect(audit.details).toMatchObject({ channels: [channels[0], channels[2]] });
    await expect(
      api.campaign.create({
        workspaceId,
        name: "Ghost channel",
        modelId: run.modelId,
        channels: ["Billboards"],
      }),
    ).rejects.toThrow(/The model has no channel "Billboards". Its channels: /);
    await expect(
      api.campaign.create({ workspaceId, name: "No model", channels: [channels[0]!] }),
    ).rejects.toThrow(/Pick the campaign's model/);
    const widened = await api.campaign.update({ workspaceId, campaignId: c.id, channels: [] });
    expect(widened.channels).toEqual([]);
  });

  it("plans for a channel list cover only those channels, from history and from the optimizer", async () => {
    const api = createCaller(analyst);
    const only = [channels[1]!];
    const lq = await api.scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 13,
      channels: only,
      source: { kind: "lastQuarter", k: 1 },
    });
    expect(Object.keys(lq.spend)).toEqual(only);
    const all = await api.scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 13,
      source: { kind: "lastQuarter", k: 1 },
    });
    expect(lq.spend[only[0]!]).toEqual(all.spend[only[0]!]);
    const opt = await api.scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 8,
      channels: only,
      source: { kind: "optimizer", budget: 40_000 },
    });
    expect(Object.keys(opt.spend)).toEqual(only);
    // the whole budget goes to the listed channel
    expect(opt.spend[only[0]!]!.reduce((a, b) => a + b, 0)).toBeCloseTo(40_000, 0);
    await expect(
      api.scenario.generatePlan({
        workspaceId,
        runId,
        weeks: 8,
        channels: ["Billboards"],
        source: { kind: "lastQuarter", k: 1 },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("scenarios", () => {
  it("last quarter x k scales the recent weekly pattern exactly", async () => {
    const api = createCaller(analyst);
    const one = await api.scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 13,
      source: { kind: "lastQuarter", k: 1 },
    });
    const half = await api.scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 26,
      source: { kind: "lastQuarter", k: 0.5 },
    });
    for (const c of channels) {
      expect(one.spend[c]).toHaveLength(13);
      expect(half.spend[c]).toHaveLength(26);
      for (let w = 0; w < 26; w++) expect(half.spend[c]![w]).toBeCloseTo(one.spend[c]![w % 13]! * 0.5, 1);
    }
  });

  it("builds scenarios in two campaigns, evaluates (cached), compares with a consistent P(A beats B) matrix; duplicate/rename/delete audited", async () => {
    const api = createCaller(analyst);
    const spring = await api.campaign.create({ workspaceId, name: "Spring" });
    const summer = await api.campaign.create({ workspaceId, name: "Summer" });
    const recent = await api.scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 8,
      source: { kind: "lastQuarter", k: 1 },
    });
    const budget = channels.reduce((s, c) => s + recent.spend[c]!.reduce((a, b) => a + b, 0), 0);
    const optimal = await api.scenario.generatePlan({
      workspaceId,
      runId,
      weeks: 8,
      source: { kind: "optimizer", budget },
    });
    const optimalTotal = Object.values(optimal.spend)
      .flat()
      .reduce((a, b) => a + b, 0);
    expect(Math.abs(optimalTotal - budget) / budget).toBeLessThan(1e-4);

    const a = await api.scenario.create({
      workspaceId,
      runId,
      campaignId: spring.id,
      name: "Business as usual",
      plan: recent,
    });
    const b = await api.scenario.create({
      workspaceId,
      runId,
      campaignId: summer.id,
      name: "Optimized",
      plan: optimal,
    });
    const nothing = await api.scenario.create({
      workspaceId,
      runId,
      campaignId: summer.id,
      name: "Go dark",
      plan: { weeks: 8, spend: flat(8, [0, 0, 0]) },
    });
    const video = await api.scenario.create({
      workspaceId,
      runId,
      campaignId: spring.id,
      name: "BAU + video",
      plan: {
        ...recent,
        assumptions: [
          {
            label: "Video converts 30% better (team estimate)",
            kind: "contentType",
            value: "video",
            multiplier: 1.3,
          },
        ],
      },
    });
    await expect(
      api.scenario.create({
        workspaceId,
        runId,
        name: "Bad",
        plan: { weeks: 2, spend: { Nonexistent: [1, 2] } },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      api.scenario.create({
        workspaceId,
        runId,
        name: "Bad length",
        plan: { weeks: 3, spend: { [channels[0]!]: [1, 2] } },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const first = await createCaller(viewer).scenario.evaluate({ workspaceId, scenarioId: a.id });
    expect(first.cached).toBe(false);
    expect(first.result.totalSpend).toBeCloseTo(budget, 2);
    const second = await createCaller(viewer).scenario.evaluate({ workspaceId, scenarioId: a.id });
    expect(second.cached).toBe(true);
    expect(second.result.kpi).toEqual(first.result.kpi);
    expect(await db.prisma.scenarioResult.count({ where: { scenarioId: a.id } })).toBe(1);

    const cmp = await createCaller(viewer).scenario.compare({
      workspaceId,
      scenarioIds: [a.id, b.id, nothing.id, video.id],
    });
    expect(cmp.items.map((i) => i.label)).toEqual([
      "Spring / Business as usual",
      "Summer / Optimized",
      "Summer / Go dark",
      "Spring / BAU + video",
    ]);
    for (let i = 0; i < 4; i++) {
      expect(cmp.matrix[i]![i]).toBeNull();
      for (let j = 0; j < 4; j++)
        if (i !== j) expect((cmp.matrix[i]![j] as number) + (cmp.matrix[j]![i] as number)).toBeCloseTo(1, 12);
    }
    // spending something beats spending nothing in (almost) every draw; a >1 multiplier on the same plan dominates it
    expect(cmp.matrix[0]![2]).toBeGreaterThan(0.95);
    expect(cmp.matrix[3]![0]).toBeGreaterThan(0.95);
    expect(cmp.scenarios[2]!.incrementalKpi.mean).toBeCloseTo(0, 6);
    expect(cmp.scenarios[3]!.assumptions[0]!.label).toMatch(/Video/);

    const copy = await api.scenario.duplicate({ workspaceId, scenarioId: b.id, campaignId: spring.id });
    expect(copy.name).toBe("Optimized (copy)");
    expect(copy.campaignId).toBe(spring.id);
    await api.scenario.update({ workspaceId, scenarioId: copy.id, name: "Optimized for spring" });
    await api.scenario.update({
      workspaceId,
      scenarioId: copy.id,
      plan: {
        ...optimal,
        spend: { ...optimal.spend, [channels[0]!]: optimal.spend[channels[0]!]!.map((v) => v * 2) },
      },
    });
    await expect(
      createCaller(viewer).scenario.delete({ workspaceId, scenarioId: copy.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await api.scenario.delete({ workspaceId, scenarioId: copy.id });
    const actions = (
      await db.prisma.auditEvent.findMany({
        where: { workspaceId, targetType: "scenario", targetId: copy.id },
        orderBy: { at: "asc" },
      })
    ).map((e) => e.action);
    expect(actions).toEqual(["scenario.duplicate", "scenario.rename", "scenario.update", "scenario.delete"]);
  });
});

describe("campaign.get shows stored evaluations", () => {
  it("each scenario carries the headline of its stored evaluation of its current plan, none before or after an edit", async () => {
    const api = createCaller(analyst);
    const c = await api.campaign.create({ workspaceId, name: "Headlines" });
    const s = await api.scenario.create({
      workspaceId,
      runId,
      campaignId: c.id,
      name: "Flat spend",
      plan: { weeks: 6, spend: flat(6, [500, 300, 200]) },
    });
    const headline = async () =>
      (await createCaller(viewer).campaign.get({ workspaceId, campaignId: c.id })).scenarios.find(
        (x) => x.id === s.id,
      )!.evaluation;
    expect(await headline()).toBeNull();
    const evaluated = await createCaller(viewer).scenario.evaluate({ workspaceId, scenarioId: s.id });
    const got = (await headline())!;
    expect(got.incrementalKpi.mean).toBe(evaluated.result.incrementalKpi.mean);
    expect(got.incrementalKpi.q05).toBe(evaluated.result.incrementalKpi.q05);
    expect(got.roi?.mean).toBe(evaluated.result.roi?.mean);
    expect(got.totalSpend).toBeCloseTo(6 * 1000, 6);
    // an edited plan has no evaluation until it is evaluated again
    await api.scenario.update({
      workspaceId,
      scenarioId: s.id,
      plan: { weeks: 6, spend: flat(6, [900, 0, 100]) },
    });
    expect(await headline()).toBeNull();
  });
});
