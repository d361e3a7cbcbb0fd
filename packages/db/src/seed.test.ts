import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";
import {
  DEMO_GEO,
  DEMO_USER,
  DEMO_WORKSPACE,
  demoDatasetPath,
  demoGeoDatasetPath,
  readDemoDatasetInfo,
  readDemoGeoDatasetInfo,
  seedDemo,
  summariseCsv,
  summariseGeoCsv,
} from "./seed.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe("password hashes", () => {
  it("match better-auth's scrypt format (vector verified with @better-auth/utils verifyPassword)", async () => {
    const hash = await hashPassword("mixcast-demo", "00112233445566778899aabbccddeeff");
    expect(hash).toBe(
      "00112233445566778899aabbccddeeff:f21cd89e11350a502e0219385096626f4ccc673a88cda2f22f331bea93a4913bb18491424511e8ad088ba61b473c71bd2c4684d7c6da0c8a2e6560bd03ed8b2c",
    );
    expect(await verifyPassword(hash, "mixcast-demo")).toBe(true);
    expect(await verifyPassword(hash, "mixcast-dem0")).toBe(false);
  });
});

describe("demo dataset", () => {
  it("has 156 weekly rows with every channel, price and holiday, described by its sidecar", () => {
    const csv = readFileSync(demoDatasetPath, "utf8");
    const { rowCount, columnCount, summary } = summariseCsv(csv);
    expect(rowCount).toBe(156);
    expect(columnCount).toBe(11);
    // the dataset page reads firstDate / lastDate / weeks (it showed "undefined to undefined")
    expect(summary).toMatchObject({ firstDate: csv.split("\n")[1]!.slice(0, 10), weeks: 156 });
    expect(summary.lastDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const names = ["TV", "Search", "Instagram", "Facebook", "TikTok", "X (Twitter)", "Influencer"];
    expect(summary.columns.map((c) => c.name)).toEqual(["revenue", ...names, "price", "holiday"]);
    const info = readDemoDatasetInfo();
    expect(info.mapping.kpi).toBe("revenue");
    expect(info.mapping.channels.map((c) => c.column)).toEqual(names);
    expect(Object.keys(info.truth.channels)).toEqual(names);
    for (const channel of Object.values(info.truth.channels)) expect(channel.roi).toBeGreaterThan(0);
    expect(summary.columns.every((c) => c.missing === 0)).toBe(true);
    const dates = csv
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => Date.parse(line.split(",")[0]!));
    for (let i = 1; i < dates.length; i++) expect(dates[i]! - dates[i - 1]!).toBe(7 * 86_400_000);
  });
});

describe("geo demo dataset", () => {
  const csv = readFileSync(demoGeoDatasetPath, "utf8");
  const info = readDemoGeoDatasetInfo();

  it("is 20 states x 156 weeks in long format, small enough to check in", () => {
    expect(csv.length).toBeLessThan(1_000_000);
    const lines = csv.trim().split("\n");
    expect(lines).toHaveLength(1 + 20 * 156);
    const header = lines[0]!.split(",");
    const at = (name: string) => header.indexOf(name);
    const rows = lines.slice(1).map((l) => l.split(","));
    expect(new Set(rows.map((r) => r[at("geo")])).size).toBe(20);
    expect(new Set(rows.map((r) => r[at("date")])).size).toBe(156);
    // every (week, state) once
    expect(new Set(rows.map((r) => `${r[at("date")]}|${r[at("geo")]}`)).size).toBe(20 * 156);
    // R&F: frequency is reported exactly where there is reach, and averages 1.4 to 5 exposures
    for (const channel of ["Meta", "TikTok"]) {
      for (const r of rows) {
        const reach = Number(r[at(`${channel}_reach`)]);
        const frequency = Number(r[at(`${channel}_frequency`)]);
        expect(reach > 0).toBe(frequency > 0);
        if (reach > 0) expect(frequency).toBeGreaterThanOrEqual(1.4);
        if (reach > 0) expect(frequency).toBeLessThan(5);
      }
    }
    expect(new Set(rows.map((r) => r[at("promo")]))).toEqual(new Set(["none", "discount", "bogo"]));
  });

  it("maps Search with clicks, Meta and TikTok as reach & frequency, organic Instagram posts and a units KPI with a value column", () => {
    const m = info.mapping;
    expect(m).toMatchObject({
      date: "date",
      kpi: "conversions",
      kpiType: "units",
      valueColumn: "revenue_per_conversion",
      geo: "geo",
      population: "population",
      controls: ["price", "promo"],
      holidays: { country: "US" },
    });
    expect(m.channels).toEqual([
      { column: "Search", exposure: "Search_clicks", type: "digital" },
      {
        name: "Meta",
        column: "Meta_spend",
        reach: "Meta_reach",
        frequency: "Meta_frequency",
        type: "social",
      },
      {
        name: "TikTok",
        column: "TikTok_spend",
        reach: "TikTok_reach",
        frequency: "TikTok_frequency",
        type: "social",
      },
      { name: "Instagram", exposure: "Instagram_posts", role: "organic", type: "social" },
    ]);
    expect(info.config).toMatchObject({ ...m, link: "identity", holdoutWeeks: 13 });
    // the truth: ROI and CPIK for paid channels, an optimal frequency inside the observed range
    // for R&F, a share but no ROI for the organic channel
    const t = info.truth.channels;
    expect(Object.keys(t)).toEqual(["Search", "Meta", "TikTok", "Instagram"]);
    for (const name of ["Search", "Meta", "TikTok"]) {
      expect(t[name]!.roi).toBeGreaterThan(0.5);
      expect(t[name]!.cpik).toBeCloseTo(t[name]!.spend / t[name]!.incremental, 2);
    }
    for (const name of ["Meta", "TikTok"]) {
      expect(t[name]!.role).toBe("rf");
      expect(t[name]!.optimalFrequency).toBeGreaterThan(1);
      expect(t[name]!.optimalFrequency).toBeLessThan(4);
    }
    expect(t.Instagram).toMatchObject({ role: "organic" });
    expect(t.Instagram!.roi).toBeUndefined();
    expect(t.Instagram!.share).toBeGreaterThan(0.01);
    expect(Object.keys(info.truth.byGeo)).toEqual(info.truth.geos);
  });

  it("summarises as the web's upload does: national totals per column, roles, each state's KPI and spend", () => {
    const { rowCount, columnCount, summary } = summariseGeoCsv(csv, info.mapping);
    expect(rowCount).toBe(3120);
    // date, KPI, geo, population, value, 4 + 3 + 3 channel columns + Instagram posts, 2 controls
    expect(columnCount).toBe(16);
    expect(summary).toMatchObject({
      firstDate: "2023-01-02",
      lastDate: "2025-12-22",
      weeks: 156,
      geoColumn: "geo",
      kpiType: "units",
      holidays: { country: "US", region: null },
    });
    expect(summary.geos).toEqual(info.truth.geos);
    expect(summary.channels.map((c) => [c.name, c.role])).toEqual([
      ["Search", "paid"],
      ["Meta", "rf"],
      ["TikTok", "rf"],
      ["Instagram", "organic"],
    ]);
    expect(summary.channels[1]!.columns).toEqual({
      spend: "Meta_spend",
      reach: "Meta_reach",
      frequency: "Meta_frequency",
    });
    // promo is categorical: not among the numeric column summaries
    expect(summary.columns.map((c) => [c.name, c.role])).toEqual([
      ["conversions", "kpi"],
      ["Search", "channel"],
      ["Meta", "channel"],
      ["TikTok", "channel"],
      ["Instagram", "channel"],
      ["price", "control"],
    ]);
    const lines = csv.trim().split("\n");
    const header = lines[0]!.split(",");
    const column = (name: string) => lines.slice(1).map((l) => Number(l.split(",")[header.indexOf(name)]));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(summary.columns[0]!.total).toBeCloseTo(sum(column("conversions")), 6);
    expect(summary.columns[2]!.total).toBeCloseTo(sum(column("Meta_spend")), 4);
    expect(summary.byGeo).toHaveLength(20);
    const allSpend = sum(["Search", "Meta_spend", "TikTok_spend"].map((c) => sum(column(c))));
    expect(sum(summary.byGeo.flatMap((g) => g.spend))).toBeCloseTo(allSpend, -1);
    expect(summary.byGeo[0]!.kpi).toHaveLength(156);
  });
});

describe("seedDemo", () => {
  it("creates the demo workspace once and is idempotent", async () => {
    const { prisma } = db;
    const first = await seedDemo(prisma);
    expect(first.created).toBe(true);
    const second = await seedDemo(prisma);
    expect(second).toEqual({ ...first, created: false, geo: { ...first.geo, created: false } });

    const workspace = await prisma.workspace.findUniqueOrThrow({
      where: { slug: DEMO_WORKSPACE.slug },
      include: { memberships: { include: { user: true } } },
    });
    expect(workspace.name).toBe("Demo Brand");
    expect(workspace.currency).toBe("USD");
    expect(workspace.memberships.map((m) => [m.user.email, m.role])).toEqual([[DEMO_USER.email, "owner"]]);

    const account = await prisma.account.findFirstOrThrow({
      where: { userId: first.userId, providerId: "credential" },
    });
    expect(account.accountId).toBe(first.userId);
    expect(await verifyPassword(account.password!, DEMO_USER.password)).toBe(true);

    const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: first.datasetVersionId } });
    expect(version.rowCount).toBe(156);
    expect(version.mapping).toEqual(readDemoDatasetInfo().mapping);
    const config = await prisma.modelConfigVersion.findUniqueOrThrow({
      where: { id: first.configVersionId },
    });
    expect(config.config).toMatchObject({ kpi: "revenue", holdoutWeeks: 13 });
    expect(version.checksum).toBe(createHash("sha256").update(version.csv).digest("hex"));
    expect(await prisma.datasetVersion.count()).toBe(2);
    expect(await prisma.modelConfigVersion.count()).toBe(2);
    const events = await prisma.auditEvent.findMany({
      where: { workspaceId: workspace.id },
      orderBy: [{ action: "asc" }, { targetId: "asc" }],
    });
    // the same action and target names the web app writes for these changes (one transaction, so
    // they share a timestamp: ordered by action)
    expect(events.map((e) => [e.action, e.targetType])).toEqual([
      ["dataset.create", "dataset"],
      ["dataset.create", "dataset"],
      ["dataset_version.create", "dataset_version"],
      ["dataset_version.create", "dataset_version"],
      ["model.create", "model"],
      ["model.create", "model"],
      ["workspace.create", "workspace"],
    ]);

    // the geo demo: a long file of 20 states x 156 weeks with its v2 mapping, and a v2 model on it
    expect(first.geo).toMatchObject({
      created: true,
      datasetId: DEMO_GEO.datasetId,
      modelId: DEMO_GEO.modelId,
    });
    const geoVersion = await prisma.datasetVersion.findUniqueOrThrow({
      where: { id: first.geo.datasetVersionId },
      include: { dataset: true },
    });
    expect(geoVersion.dataset).toMatchObject({ workspaceId: workspace.id, name: DEMO_GEO.datasetName });
    expect(geoVersion.rowCount).toBe(20 * 156);
    expect(geoVersion.mapping).toEqual(readDemoGeoDatasetInfo().mapping);
    const geoSummary = geoVersion.summary as { weeks: number; geos: string[]; channels: { role: string }[] };
    expect(geoSummary.weeks).toBe(156);
    expect(geoSummary.geos).toHaveLength(20);
    expect(geoSummary.channels.map((c) => c.role)).toEqual(["paid", "rf", "rf", "organic"]);
    expect(geoVersion.checksum).toBe(createHash("sha256").update(geoVersion.csv).digest("hex"));
    expect(geoVersion.csv).toBe(readFileSync(demoGeoDatasetPath, "utf8"));
    const geoModel = await prisma.model.findUniqueOrThrow({
      where: { id: first.geo.modelId },
      include: { configVersions: true },
    });
    expect(geoModel).toMatchObject({ workspaceId: workspace.id, datasetId: first.geo.datasetId });
    expect(geoModel.configVersions.map((v) => v.id)).toEqual([first.geo.configVersionId]);
    expect(geoModel.configVersions[0]!.config).toMatchObject({
      geo: "geo",
      kpiType: "units",
      valueColumn: "revenue_per_conversion",
      holidays: { country: "US" },
    });
    // the v1 demo is still the one the first-found lookups return
    expect(first.datasetId).not.toBe(first.geo.datasetId);
    expect(first.modelId).not.toBe(first.geo.modelId);
  });

  it("adds the geo demo once to a demo workspace seeded before it existed", async () => {
    const { prisma } = db;
    const before = await seedDemo(prisma);
    // the workspace as an earlier version of the seed left it: no geo dataset or model
    await prisma.model.delete({ where: { id: DEMO_GEO.modelId } });
    await prisma.dataset.delete({ where: { id: DEMO_GEO.datasetId } });
    const upgraded = await seedDemo(prisma);
    expect(upgraded.created).toBe(false);
    expect(upgraded.geo.created).toBe(true);
    expect({ ...upgraded, geo: undefined }).toEqual({ ...before, geo: undefined });
    const again = await seedDemo(prisma);
    expect(again).toEqual({ ...upgraded, geo: { ...upgraded.geo, created: false } });
    expect(await prisma.dataset.count({ where: { workspaceId: before.workspaceId } })).toBe(2);
    expect(await prisma.model.count({ where: { workspaceId: before.workspaceId } })).toBe(2);
  });
});
