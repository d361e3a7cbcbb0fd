import {
  buildModelSpecV2,
  parseDatasetCsv,
  parseDatasetV2Csv,
  scaleDatasetV2,
  parseModelConfigV2,
  usesV2Features,
  type ColumnMapping,
  type DataMappingV2,
} from "@mixcast/core";
import { scenarioSchema } from "@mixcast/core";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { seedDemo } from "@mixcast/db/seed";
import { scenarioPlanCodec, totalSpend } from "@mixcast/runs/stored";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoGeoRunAndScenarios, createDemoRunAndScenarios } from "./demo-seed.ts";
import {
  DEMO_PLAN_WEEKS,
  SUN_BELT,
  demoCampaign,
  demoGeoCampaign,
  geoLine,
  lastQuarterSpend,
} from "./demo-scenarios.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("demo campaign plans", () => {
  it("repeats the last 13 data weeks, and moves a fifth of TV to TikTok and Instagram at the same weekly totals", async () => {
    const seeded = await seedDemo(db.prisma, { password: "x-demo-password" });
    const version = await db.prisma.datasetVersion.findUniqueOrThrow({
      where: { id: seeded.datasetVersionId },
    });
    const parsed = parseDatasetCsv(version.csv, version.mapping as unknown as ColumnMapping, {
      holdoutWeeks: 0,
    });
    if (!parsed.ok) throw new Error("demo dataset does not parse");
    const ds = parsed.dataset;
    const campaign = demoCampaign(ds);
    expect(campaign.scenarios.map((s) => s.name)).toEqual([
      "Repeat last quarter",
      "Move 20 % of TV to Instagram and TikTok",
    ]);
    const [repeat, shift] = campaign.scenarios as [
      (typeof campaign.scenarios)[0],
      (typeof campaign.scenarios)[0],
    ];
    const tv = ds.channels.find((c) => c.name === "TV")!;
    const n = tv.spend.length;
    // the repeat plan is the data's last 13 weeks, channel by channel
    for (const ch of ds.channels) {
      expect(repeat.plan.spend[ch.name]).toEqual(
        Array.from(ch.spend.subarray(n - DEMO_PLAN_WEEKS), (v) => Math.round(v * 100) / 100),
      );
    }
    expect(campaign.budget).toBeCloseTo(sum(Object.values(repeat.plan.spend).flat()), 6);
    for (let w = 0; w < DEMO_PLAN_WEEKS; w++) {
      const weekTotal = (p: Record<string, number[]>) => sum(Object.values(p).map((v) => v[w]!));
      expect(weekTotal(shift.plan.spend)).toBeCloseTo(weekTotal(repeat.plan.spend), 6);
      expect(shift.plan.spend.TV![w]).toBeCloseTo(0.8 * repeat.plan.spend.TV![w]!, 1);
      for (const name of ["Instagram", "TikTok"]) {
        expect(shift.plan.spend[name]![w]! - repeat.plan.spend[name]![w]!).toBeCloseTo(
          0.1 * repeat.plan.spend.TV![w]!,
          1,
        );
      }
      for (const name of ["Search", "Facebook", "X (Twitter)", "Influencer"])
        expect(shift.plan.spend[name]![w]).toBe(repeat.plan.spend[name]![w]);
    }
    expect(shift.plan.assumptions).toEqual([
      expect.objectContaining({ kind: "contentType", value: "video", multiplier: 1.1, channels: ["TikTok"] }),
    ]);
    // both are valid scenarios for core (what the web evaluates them with)
    for (const s of campaign.scenarios) {
      expect(() =>
        scenarioSchema.parse({
          name: s.name,
          weeks: s.plan.weeks,
          spend: s.plan.spend,
          assumptions: s.plan.assumptions,
        }),
      ).not.toThrow();
    }
  });

  it("leaves the shift scenario out when there is no social channel", () => {
    const ds = {
      dates: ["2024-01-01"],
      kpiName: "sales",
      kpi: new Float64Array([1]),
      controls: [],
      events: [],
      channels: [{ name: "TV", type: "traditional" as const, spend: new Float64Array([10]) }],
    };
    const campaign = demoCampaign(ds);
    expect(campaign.scenarios.map((s) => s.name)).toEqual(["Repeat last quarter"]);
    // a single data week is repeated over the plan
    expect(lastQuarterSpend(ds).TV).toEqual(new Array(DEMO_PLAN_WEEKS).fill(10));
  });
});

describe("createDemoRunAndScenarios", () => {
  it("queues one full NUTS run with the campaign and its scenarios on it, audited, and does nothing the second time", async () => {
    const seeded = await seedDemo(db.prisma, { password: "x-demo-password" });
    const ids = {
      userId: seeded.userId,
      workspaceId: seeded.workspaceId,
      modelId: seeded.modelId,
      configVersionId: seeded.configVersionId,
      datasetVersionId: seeded.datasetVersionId,
    };
    const created = await createDemoRunAndScenarios(db.prisma, ids);
    expect(created).not.toBeNull();
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: created!.runId } });
    expect(run).toMatchObject({ status: "queued", mode: "full", modelId: seeded.modelId });
    const campaign = await db.prisma.campaign.findUniqueOrThrow({
      where: { id: created!.campaignId! },
      include: { scenarios: { orderBy: { name: "desc" } } },
    });
    expect(campaign).toMatchObject({
      workspaceId: seeded.workspaceId,
      modelId: seeded.modelId,
      name: "Next quarter",
    });
    expect(campaign.scenarios.map((s) => [s.name, s.runId])).toEqual([
      ["Repeat last quarter", run.id],
      ["Move 20 % of TV to Instagram and TikTok", run.id],
    ]);
    const actions = await db.prisma.auditEvent.findMany({
      where: { workspaceId: seeded.workspaceId, targetType: { in: ["run", "campaign", "scenario"] } },
      select: { action: true, actorKind: true },
    });
    expect(actions.map((a) => a.action).sort()).toEqual([
      "campaign.create",
      "run.created",
      "scenario.create",
      "scenario.create",
    ]);
    expect(await createDemoRunAndScenarios(db.prisma, ids)).toBeNull();
    expect(await db.prisma.scenario.count({ where: { workspaceId: seeded.workspaceId } })).toBe(2);
  });
});

describe("geo demo campaign", () => {
  it("plans per state: the last 13 weeks of every paid channel in every state, and a fifth of Search moved to TikTok in the Sun Belt at the same state-week totals", async () => {
    const seeded = await seedDemo(db.prisma, { password: "x-demo-password" });
    const version = await db.prisma.datasetVersion.findUniqueOrThrow({
      where: { id: seeded.geo.datasetVersionId },
    });
    const parsed = parseDatasetV2Csv(version.csv, version.mapping as unknown as DataMappingV2, {
      holdoutWeeks: 0,
    });
    if (!parsed.ok) throw new Error(`geo demo dataset does not parse: ${parsed.errors[0]!.message}`);
    const ds = parsed.dataset;
    expect(ds.geos).toHaveLength(20);
    const campaign = demoGeoCampaign(ds);
    expect(campaign.name).toBe("Next quarter by state");
    expect(campaign.scenarios.map((s) => s.name)).toEqual([
      "Repeat last quarter, state by state",
      "Move 20 % of Search to TikTok in the Sun Belt",
    ]);
    const [repeat, shift] = campaign.scenarios as [
      (typeof campaign.scenarios)[0],
      (typeof campaign.scenarios)[0],
    ];
    // one line per paid channel and state (Search, Meta, TikTok x 20); organic Instagram is held
    expect(Object.keys(repeat.plan.spend)).toHaveLength(3 * 20);
    expect(Object.keys(repeat.plan.spend).some((k) => k.startsWith("Instagram@"))).toBe(false);
    for (const ch of ds.channels.filter((c) => c.spend)) {
      ds.geos.forEach((geo, g) => {
        const n = ch.spend![g]!.length;
        expect(repeat.plan.spend[geoLine(ch.name, geo)]).toEqual(
          Array.from(ch.spend![g]!.subarray(n - DEMO_PLAN_WEEKS), (v) => Math.round(v * 100) / 100),
        );
      });
    }
    expect(campaign.budget).toBeCloseTo(sum(Object.values(repeat.plan.spend).flat()), 4);
    const stateWeek = (p: Record<string, number[]>, geo: string, w: number) =>
      sum(["Search", "Meta", "TikTok"].map((c) => p[geoLine(c, geo)]![w]!));
    let moved = 0;
    for (const geo of ds.geos) {
      for (let w = 0; w < DEMO_PLAN_WEEKS; w++) {
        expect(stateWeek(shift.plan.spend, geo, w)).toBeCloseTo(stateWeek(repeat.plan.spend, geo, w), 6);
        const search = repeat.plan.spend[geoLine("Search", geo)]![w]!;
        const shifted = shift.plan.spend[geoLine("Search", geo)]![w]!;
        expect(shift.plan.spend[geoLine("Meta", geo)]![w]).toBe(repeat.plan.spend[geoLine("Meta", geo)]![w]);
        if (SUN_BELT.includes(geo)) {
          expect(shifted).toBeCloseTo(0.8 * search, 1);
          moved += search - shifted;
        } else expect(shifted).toBe(search);
      }
    }
    expect(moved).toBeGreaterThan(0);
    // per-geo plans as the scenario editor and the evaluation read them (Scenario.plan's planning)
    for (const s of campaign.scenarios)
      expect(s.plan.planning).toEqual({ geoPlan: "perGeo", frequency: {}, organic: {} });
    for (const s of campaign.scenarios)
      expect(scenarioPlanCodec.decode(scenarioPlanCodec.encode(s.plan))).toEqual(s.plan);
  });

  it("queues the geo model's full NUTS run (a v2 config) with the campaign on it, and does nothing the second time", async () => {
    const seeded = await seedDemo(db.prisma, { password: "x-demo-password" });
    const ids = {
      userId: seeded.userId,
      workspaceId: seeded.workspaceId,
      modelId: seeded.geo.modelId,
      configVersionId: seeded.geo.configVersionId,
      datasetVersionId: seeded.geo.datasetVersionId,
    };
    const created = await createDemoGeoRunAndScenarios(db.prisma, ids);
    expect(created).not.toBeNull();
    const run = await db.prisma.run.findUniqueOrThrow({
      where: { id: created!.runId },
      include: { configVersion: true },
    });
    expect(run).toMatchObject({ status: "queued", mode: "full", modelId: seeded.geo.modelId });
    // the worker fits it with the v2 engine (geo, R&F, organic, units KPI), and the data fits the
    // config as the worker prepares it (parse-v2, scale-v2, spec)
    const config = parseModelConfigV2(run.configVersion.config);
    expect(usesV2Features(config)).toBe(true);
    expect(config.sampler).toEqual({ chains: 4, warmup: 1000, draws: 1000 });
    const version = await db.prisma.datasetVersion.findUniqueOrThrow({ where: { id: run.datasetVersionId } });
    const parsed = parseDatasetV2Csv(version.csv, config, { holdoutWeeks: config.holdoutWeeks });
    if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
    const spec = buildModelSpecV2(
      scaleDatasetV2(parsed.dataset, {
        holdoutWeeks: config.holdoutWeeks,
        fourierPairs: config.fourierPairs,
        link: config.link,
      }),
      config,
    );
    expect(spec.G).toBe(20);
    expect(spec.channels.map((c) => [c.name, c.role])).toEqual([
      ["Search", "paid"],
      ["Meta", "rf"],
      ["TikTok", "rf"],
      ["Instagram", "organic"],
    ]);
    const campaign = await db.prisma.campaign.findUniqueOrThrow({
      where: { id: created!.campaignId! },
      include: { scenarios: { orderBy: { name: "asc" } } },
    });
    expect(campaign).toMatchObject({
      workspaceId: seeded.workspaceId,
      modelId: seeded.geo.modelId,
      name: "Next quarter by state",
    });
    expect(campaign.scenarios.map((s) => [s.name, s.runId])).toEqual([
      ["Move 20 % of Search to TikTok in the Sun Belt", run.id],
      ["Repeat last quarter, state by state", run.id],
    ]);
    const plan = scenarioPlanCodec.decode(campaign.scenarios[1]!.plan);
    expect(Object.keys(plan.spend)).toContain("TikTok@California");
    expect(campaign.budget).toBeCloseTo(totalSpend(plan), 2);
    expect(await createDemoGeoRunAndScenarios(db.prisma, ids)).toBeNull();
    expect(await db.prisma.run.count({ where: { modelId: seeded.geo.modelId } })).toBe(1);
  });
});
