// The report of a v2 run (geo, reach & frequency, organic, units KPI, log link) on real
// PostgreSQL: its numbers are the insights page's (insight.getV2), and the PDF (text extracted
// with pdf.js), the HTML and the REST report.pdf say them with their units: national ROI and
// CPIK ("conversions per $", "$ per incremental conversion"), the top geos with intervals, the
// optimal frequency with its interval, organic contribution and share without ROI, the
// decomposition's rule under the log link, and the model's health.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractText, getDocumentProxy } from "unpdf";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createApiToken } from "../api-token/api-tokens.ts";
import { handleApiRequest } from "../rest/handle-api-request.ts";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { addMember, createUser } from "../../../test/fixtures.ts";
import { seedFittedRunV2 } from "../../../test/seed-fitted-run-v2.ts";
import { renderReportHtml } from "./render-html.ts";
import { renderReportPdf } from "./render-pdf.ts";
import { interval, runReportV2Document } from "./report-sections.ts";
import { pdfSafe } from "./render-pdf.ts";
import { REPORT_TOP_GEOS, type RunReportV2 } from "./run-report-v2.ts";
import type { RunReport } from "./run-report.ts";

let db: TestDatabase;
let workspaceId: string;
let viewer: Context;
let ownerId: string;
let geoRun: Awaited<ReturnType<typeof seedFittedRunV2>>;
let logRun: Awaited<ReturnType<typeof seedFittedRunV2>>;
let geoReport: RunReportV2;
let logReport: RunReportV2;

const ctx = (user: { id: string; email: string; name: string }): Context => ({
  prisma: db.prisma,
  user,
  enqueueFitRun: async () => null,
  baseUrl: "http://mixcast.test",
});

/** pdf.js splits the text of narrow table cells at arbitrary glyphs ("centra l"): compare without spaces. */
const bare = (s: string) => s.replace(/\s+/g, "");

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: false });
  return bare(text.join(" "));
}

function v2(r: RunReport | RunReportV2): RunReportV2 {
  if (r.kind !== "run_v2") throw new Error(`expected a v2 run report, got ${r.kind}`);
  return r;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const owner = await createUser(db.prisma, "Olivia Owner");
  const v = await createUser(db.prisma, "Victor Viewer");
  ownerId = owner.id;
  viewer = ctx(v);
  const owners = createCaller(ctx(owner));
  workspaceId = (await owners.workspace.create({ name: "Geo Report Co" })).id;
  await owners.workspace.setCurrency({ workspaceId, currency: "USD" });
  await addMember(db.prisma, workspaceId, v.id, "viewer");
  // 7 geos: the report shows the 5 largest by spend
  geoRun = await seedFittedRunV2(db.prisma, {
    workspaceId,
    userId: owner.id,
    sim: { weeks: 52, geos: 7, seed: 4, units: true, rf: true, organic: true, channels: 1 },
  });
  logRun = await seedFittedRunV2(db.prisma, {
    workspaceId,
    userId: owner.id,
    sim: { weeks: 52, geos: 1, seed: 6, link: "log", rf: true, channels: 2 },
  });
  geoReport = v2(await createCaller(viewer).report.run({ workspaceId, runId: geoRun.runId }));
  logReport = v2(await createCaller(viewer).report.run({ workspaceId, runId: logRun.runId }));
}, 300_000);

afterAll(async () => {
  await db?.drop();
});

describe("v2 run report data", () => {
  it("carries the insights page's national figures, units named, organic without ROI", async () => {
    const view = await createCaller(viewer).insight.getV2({ workspaceId, runId: geoRun.runId });
    expect(geoReport.kpi).toMatchObject({ type: "units", valueKnown: true, unit: "conversion", money: "$" });
    expect(geoReport.kpi.labels.unitsPerMoney).toBe("conversions per $");
    expect(geoReport.kpi.labels.cpik).toBe("$ per incremental conversion");
    expect(geoReport.channels.map((c) => c.name)).toEqual(view.channels.map((c) => c.name));
    for (const c of geoReport.channels) {
      const w = view.channels.find((x) => x.name === c.name)!;
      expect(c.incremental).toEqual(w.incremental);
      if (c.role === "organic") {
        expect(c.roi).toBeNull();
        expect(c.cpik).toBeNull();
        expect(c.unitsPerMoney).toBeNull();
        expect(c.share!.mean).toBeGreaterThan(0);
      } else {
        expect(c.roi).toEqual(w.roi);
        expect(c.cpik).toEqual(w.cpik);
        // conversions per $ = incremental conversions / spend, per quantile
        expect(c.unitsPerMoney!.mean).toBeCloseTo(w.incremental!.mean / w.spend, 10);
        expect(c.unitsPerMoney!.q05).toBeCloseTo(w.incremental!.q05 / w.spend, 10);
      }
      if (c.role === "rf") expect(c.optimalFrequency).toEqual(w.optimalFrequency);
      else expect(c.optimalFrequency).toBeNull();
    }
    expect(geoReport.channels.some((c) => c.role === "rf" && c.optimalFrequency)).toBe(true);
    expect(geoReport.channels.some((c) => c.role === "organic")).toBe(true);
  });

  it("the per-geo table holds the largest geos by spend with their intervals", async () => {
    const view = await createCaller(viewer).insight.getV2({ workspaceId, runId: geoRun.runId });
    const spendOf = new Map<string, number>();
    for (const r of view.geoTable) spendOf.set(r.geo, (spendOf.get(r.geo) ?? 0) + r.spend);
    const top = [...spendOf.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, REPORT_TOP_GEOS)
      .map(([g]) => g);
    expect(geoReport.model.geos).toBe(7);
    expect(geoReport.geosShown).toBe(REPORT_TOP_GEOS);
    expect([...new Set(geoReport.geoTable.map((r) => r.geo))]).toEqual(top);
    const paid = view.channels.filter((c) => c.role !== "organic").length;
    expect(geoReport.geoTable).toHaveLength(REPORT_TOP_GEOS * paid);
    for (const r of geoReport.geoTable) {
      const w = view.geoTable.find((x) => x.geo === r.geo && x.channel === r.channel)!;
      expect(r.cpik).toEqual(w.cpik);
      expect(r.incremental).toEqual(w.incremental);
    }
  });

  it("a log-link run says the decomposition's rule; the health verdict follows the fit", () => {
    expect(logReport.model).toMatchObject({ link: "log", rule: "log-share" });
    expect(logReport.model.ruleText).toContain("log-share");
    expect(logReport.kpi.type).toBe("revenue");
    expect(geoReport.model.rule).toBe("additive");
    // fast fits are approximate: never "reliable"
    expect(geoReport.health.verdict).not.toBe("reliable");
    expect(logReport.decomposition.reduce((s, d) => s + d.share, 0)).toBeCloseTo(1, 1);
  });
});

describe("v2 run report files", () => {
  it("the PDF says national ROI and CPIK with units, the top geos, optimal frequency, organic, health", async () => {
    const bytes = await renderReportPdf(runReportV2Document(geoReport), {
      now: new Date(geoReport.generatedAt),
    });
    const text = await pdfText(bytes);
    for (const s of [
      "National return by channel (all 7 geos)",
      "conversions per $",
      "$ per incremental conversion",
      "Reach & frequency: optimal frequency",
      "Organic channels (no spend, so no ROI)",
      `By geo: the ${REPORT_TOP_GEOS} largest of 7 geos by spend`,
      "What drove conversions",
      "Health:",
      geoReport.health.verdict,
    ])
      expect(text).toContain(bare(s));
    for (const c of geoReport.channels) {
      expect(text).toContain(bare(c.name));
      if (c.cpik) expect(text).toContain(bare(interval(c.cpik)));
      if (c.roi) expect(text).toContain(bare(interval(c.roi)));
      if (c.optimalFrequency) expect(text).toContain(bare(interval(c.optimalFrequency)));
      if (c.role === "organic") expect(text).toContain(bare(interval(c.incremental)));
    }
    for (const r of geoReport.geoTable) expect(text).toContain(bare(`${r.geo}${r.channel}`));
    for (const r of geoReport.geoTable) expect(text).toContain(bare(interval(r.cpik)));
    // only the top geos
    const shown = new Set(geoReport.geoTable.map((r) => r.geo));
    const hidden = geoRun.spec.data.geos.filter((g) => !shown.has(g));
    expect(hidden).toHaveLength(2);
    for (const g of hidden) expect(text).not.toContain(bare(`${g}TV`));
  });

  it("the HTML says the same, and the log-link report names its rule", () => {
    const html = renderReportHtml(runReportV2Document(geoReport));
    expect(html).toContain("conversions per $");
    expect(html).toContain("$ per incremental conversion");
    for (const r of geoReport.geoTable) expect(html).toContain(interval(r.cpik));
    expect(html).not.toMatch(/<script/i);
    const logHtml = renderReportHtml(runReportV2Document(logReport));
    expect(logHtml).toContain("Rule used here (log-share)");
    expect(logHtml).toContain("multiplicative (log link)");
  });

  it("GET /api/v1/runs/{id}/report.pdf serves the v2 report", async () => {
    const reports = await createApiToken(
      db.prisma,
      { userId: ownerId, workspaceId, role: "owner" },
      { name: "reports", scopes: ["reports:read"], expiresInDays: null },
    );
    const res = await handleApiRequest(
      new Request(`http://mixcast.test/api/v1/runs/${logRun.runId}/report.pdf`, {
        headers: { authorization: `Bearer ${reports.token}` },
      }),
      { prisma: db.prisma },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const text = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain(bare(pdfSafe("Rule used here (log-share)")));
    const rf = logReport.channels.find((c) => c.optimalFrequency)!;
    expect(text).toContain(bare(interval(rf.optimalFrequency)));
    expect(text).toContain(bare(interval(logReport.channels[0]!.roi)));
  });
});
