// Reports and share links on real PostgreSQL: the run report's numbers are the analysis's and
// the PDF (text extracted with pdf.js) says them on one page; the workspace logo is in both
// formats; the REST endpoint needs reports:read; a share link shows its one item and nothing
// else of the workspace, every view is audited, and a revoked or expired link shows nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractText, getDocumentProxy } from "unpdf";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createApiToken } from "../api-token/api-tokens.ts";
import { handleApiRequest } from "../rest/handle-api-request.ts";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { seedFittedRun } from "../../../test/seed-fitted-run.ts";
import { addMember, createUser } from "../../../test/fixtures.ts";
import { renderReportHtml } from "./render-html.ts";
import { renderReportPdf } from "./render-pdf.ts";
import { interval, runReportDocument } from "./report-sections.ts";
import { sharedReportResponse } from "./report-files.ts";
import { runAnalysisFor } from "../insight/get-run-insights.ts";
import type { RunReport } from "./run-report.ts";
import type { RunReportV2 } from "./run-report-v2.ts";

// 1x1 PNG
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

let db: TestDatabase;
let workspaceId: string;
let otherWorkspaceId: string;
let analyst: Context;
let viewer: Context;
let admin: Context;
let outsider: Context;
let runA: { runId: string; modelId: string; channels: string[] };
let runB: { runId: string; modelId: string };
let report: RunReport;

const ctx = (user: { id: string; email: string; name: string }): Context => ({
  prisma: db.prisma,
  user,
  enqueueFitRun: async () => null,
  baseUrl: "http://mixcast.test",
});

async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string[] }> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { totalPages, text } = await extractText(pdf, { mergePages: false });
  return { pages: totalPages, text };
}

const squash = (s: string) => s.replace(/\s+/g, " ");

beforeAll(async () => {
  db = await createTestDatabase();
  const a = await createUser(db.prisma, "Ana Analyst");
  const v = await createUser(db.prisma, "Vera Viewer");
  const d = await createUser(db.prisma, "Adam Admin");
  const o = await createUser(db.prisma, "Otto Outsider");
  analyst = ctx(a);
  viewer = ctx(v);
  admin = ctx(d);
  outsider = ctx(o);
  workspaceId = (await createCaller(analyst).workspace.create({ name: "Report Co" })).id;
  await addMember(db.prisma, workspaceId, v.id, "viewer");
  await addMember(db.prisma, workspaceId, d.id, "admin");
  otherWorkspaceId = (await createCaller(outsider).workspace.create({ name: "Other Co" })).id;
  const seeded = await seedFittedRun(db.prisma, {
    workspaceId,
    userId: a.id,
    weeks: 60,
    channels: 3,
    seed: 8,
  });
  runA = { runId: seeded.runId, modelId: seeded.modelId, channels: seeded.channels };
  const second = await seedFittedRun(db.prisma, {
    workspaceId,
    userId: a.id,
    weeks: 60,
    channels: 2,
    seed: 9,
  });
  runB = { runId: second.runId, modelId: second.modelId };
  await db.prisma.model.update({ where: { id: second.modelId }, data: { name: "Secret second model" } });
  report = v1(await createCaller(viewer).report.run({ workspaceId, runId: runA.runId }));
}, 180_000);

function v1(r: RunReport | RunReportV2): RunReport {
  if (r.kind !== "run") throw new Error(`expected a v1 run report, got ${r.kind}`);
  return r;
}

afterAll(async () => {
  await db?.drop();
});

describe("run report", () => {
  it("carries the analysis' ROI with intervals, CPIK = spend / contribution, a plan and a verdict", async () => {
    const actor = { userId: "t", workspaceId, role: "viewer" as const };
    const { analysis } = await runAnalysisFor(db.prisma, actor, runA.runId);
    expect(report.channels.map((c) => c.name)).toEqual(runA.channels);
    for (const c of report.channels) {
      const a = analysis.channels.find((x) => x.name === c.name)!;
      expect(c.roi).toEqual({ mean: a.roi.mean, q05: a.roi.q05, q95: a.roi.q95 });
      if (c.cpik) {
        expect(c.cpik.mean).toBeCloseTo(a.spend / a.contribution.mean, 8);
        expect(c.cpik.q05).toBeLessThanOrEqual(c.cpik.mean);
        expect(c.cpik.q95).toBeGreaterThanOrEqual(c.cpik.mean);
      }
    }
    expect(report.decomposition.reduce((s, d) => s + d.share, 0)).toBeCloseTo(1, 1);
    expect(report.curves).toHaveLength(3);
    if ("error" in report.plan) throw new Error(`no plan: ${report.plan.error}`);
    // the recommended plan spends exactly today's budget
    const total = report.plan.channels.reduce((s, c) => s + c.recommended, 0);
    expect(Math.abs(total - report.plan.budget) / report.plan.budget).toBeLessThan(1e-6);
    expect(report.plan.probabilityBetter).toBeGreaterThanOrEqual(0);
    // a fast fit is approximate: never "reliable"
    expect(report.health.verdict).not.toBe("reliable");
    expect(report.explanations.length).toBeGreaterThanOrEqual(4);
  });

  it("the PDF is one page with the headline numbers, sections and plain words", async () => {
    const bytes = await renderReportPdf(runReportDocument(report), { now: new Date(report.generatedAt) });
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe("%PDF-");
    const { pages, text } = await pdfText(bytes);
    expect(pages).toBe(1);
    const page = squash(text[0]!);
    for (const title of [
      "In plain words",
      "Return by channel",
      "What drove",
      "Response curves",
      "Recommended plan",
      "Health:",
    ])
      expect(page).toContain(title);
    for (const c of report.channels) {
      expect(page).toContain(c.name);
      expect(page).toContain(interval(c.roi));
    }
    expect(page).toContain(squash(report.explanations[0]!).slice(0, 60));
    expect(page).toContain(report.health.verdict);
  });

  it("the HTML has the same numbers, inline SVG charts and no script", () => {
    const html = renderReportHtml(runReportDocument(report));
    for (const c of report.channels) expect(html).toContain(interval(c.roi));
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).not.toMatch(/<script/i);
  });

  it("admins set the workspace logo; it is on the PDF and the HTML; a non-image is refused", async () => {
    await expect(createCaller(viewer).workspace.setLogo({ workspaceId, logo: PNG })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      createCaller(admin).workspace.setLogo({
        workspaceId,
        logo: `data:image/png;base64,${Buffer.from("<svg>not a png</svg>").toString("base64")}`,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await createCaller(admin).workspace.setLogo({ workspaceId, logo: PNG });
    const withLogo = v1(await createCaller(viewer).report.run({ workspaceId, runId: runA.runId }));
    expect(withLogo.workspace.logo).toBe(PNG);
    const pdf = Buffer.from(await renderReportPdf(runReportDocument(withLogo)));
    expect(pdf.toString("latin1")).toMatch(/\/Subtype \/Image/);
    expect(renderReportHtml(runReportDocument(withLogo))).toContain(`src="${PNG}"`);
    const audit = await db.prisma.auditEvent.findMany({
      where: { workspaceId, action: "workspace.logo.set" },
    });
    expect(audit).toHaveLength(1);
  });

  it("GET /api/v1/runs/{id}/report.pdf needs reports:read and the token's own workspace", async () => {
    const owner = { userId: analyst.user!.id, workspaceId, role: "owner" as const };
    const reports = await createApiToken(db.prisma, owner, {
      name: "reports",
      scopes: ["reports:read"],
      expiresInDays: null,
    });
    const runs = await createApiToken(db.prisma, owner, {
      name: "runs",
      scopes: ["runs:read"],
      expiresInDays: null,
    });
    const get = (runId: string, token: string) =>
      handleApiRequest(
        new Request(`http://mixcast.test/api/v1/runs/${runId}/report.pdf`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        { prisma: db.prisma },
      );
    const ok = await get(runA.runId, reports.token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/pdf");
    const { pages, text } = await pdfText(new Uint8Array(await ok.arrayBuffer()));
    expect(pages).toBe(1);
    expect(squash(text[0]!)).toContain(interval(report.channels[0]!.roi));
    expect((await get(runA.runId, runs.token)).status).toBe(403);
    const foreign = await createApiToken(
      db.prisma,
      { userId: outsider.user!.id, workspaceId: otherWorkspaceId, role: "owner" },
      { name: "foreign", scopes: ["reports:read"], expiresInDays: null },
    );
    expect((await get(runA.runId, foreign.token)).status).toBe(403);
    expect((await get("no-such-run", reports.token)).status).toBe(404);
  });
});

describe("share links", () => {
  it("a run share link shows that run's report, nothing else of the workspace, and audits each view", async () => {
    await expect(
      createCaller(viewer).share.create({ workspaceId, kind: "run_report", runId: runA.runId }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      createCaller(outsider).share.create({
        workspaceId: otherWorkspaceId,
        kind: "run_report",
        runId: runA.runId,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const link = await createCaller(analyst).share.create({
      workspaceId,
      kind: "run_report",
      runId: runA.runId,
    });
    expect(link.token).toMatch(/^mxs_[A-Za-z0-9_-]{43}$/);
    const stored = await db.prisma.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(stored.tokenHash).not.toContain(link.token);

    const html = await sharedReportResponse(db.prisma, link.token, "html");
    expect(html.status).toBe(200);
    expect(html.headers.get("referrer-policy")).toBe("no-referrer");
    expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await html.text();
    expect(page).toContain(interval(report.channels[0]!.roi));
    // nothing of the rest of the workspace: not the other model, its run, the workspace id, members
    for (const secret of [
      "Secret second model",
      runB.runId,
      runB.modelId,
      workspaceId,
      "Vera Viewer",
      "Ana Analyst",
    ])
      expect(page).not.toContain(secret);
    // the only link on the page is its own PDF
    expect([...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      `/share/${link.token}/report.pdf`,
    ]);

    const pdf = await sharedReportResponse(db.prisma, link.token, "pdf");
    expect(pdf.status).toBe(200);
    const text = squash((await pdfText(new Uint8Array(await pdf.arrayBuffer()))).text.join(" "));
    expect(text).toContain(report.channels[0]!.name);
    expect(text).not.toContain("Secret second model");

    const views = await db.prisma.auditEvent.findMany({
      where: { workspaceId, action: "share.view", targetId: link.id },
      orderBy: { at: "asc" },
    });
    expect(views.map((v) => (v.details as { format: string }).format)).toEqual(["html", "pdf"]);
    const listed = await createCaller(viewer).share.list({ workspaceId });
    expect(listed.find((l) => l.id === link.id)).toMatchObject({
      views: 2,
      state: "active",
      createdBy: "Ana Analyst",
    });
    expect(JSON.stringify(listed)).not.toContain(link.token);
  });

  it("a revoked link, an expired link, a wrong token and a deleted item give nothing", async () => {
    const link = await createCaller(analyst).share.create({
      workspaceId,
      kind: "run_report",
      runId: runA.runId,
      expiresInDays: 1,
    });
    expect((await sharedReportResponse(db.prisma, link.token, "pdf")).status).toBe(200);
    // expired: a day and a second later
    const later = new Date(Date.now() + 86_401_000);
    const expired = await sharedReportResponse(db.prisma, link.token, "html", later);
    expect(expired.status).toBe(404);
    expect(await expired.text()).not.toContain(report.channels[0]!.name);
    // revoked (outsiders cannot revoke it)
    await expect(
      createCaller(outsider).share.revoke({ workspaceId: otherWorkspaceId, shareLinkId: link.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await createCaller(analyst).share.revoke({ workspaceId, shareLinkId: link.id });
    for (const format of ["html", "pdf"] as const)
      expect((await sharedReportResponse(db.prisma, link.token, format)).status).toBe(404);
    expect((await sharedReportResponse(db.prisma, `${link.token.slice(0, -1)}x`, "html")).status).toBe(404);
    expect((await sharedReportResponse(db.prisma, "../../api/v1/runs", "html")).status).toBe(404);
    // refused views are not counted as views
    const views = await db.prisma.auditEvent.count({ where: { action: "share.view", targetId: link.id } });
    expect(views).toBe(1);
    const actions = (
      await db.prisma.auditEvent.findMany({ where: { targetId: link.id }, orderBy: { at: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(["share.create", "share.view", "share.revoke"]);

    // a link to a run that was deleted since shows nothing either
    const gone = await createCaller(analyst).share.create({
      workspaceId,
      kind: "run_report",
      runId: runB.runId,
    });
    await db.prisma.run.delete({ where: { id: runB.runId } });
    expect((await sharedReportResponse(db.prisma, gone.token, "html")).status).toBe(404);
  });

  it("a comparison share link shows its scenarios and not the others", async () => {
    const api = createCaller(analyst);
    const weeks = 8;
    const flat = (amounts: number[]) =>
      Object.fromEntries(
        runA.channels.map((c, i) => [c, Array.from({ length: weeks }, () => amounts[i] ?? 0)]),
      );
    const a = await api.scenario.create({
      workspaceId,
      runId: runA.runId,
      name: "Steady plan",
      plan: { weeks, spend: flat([100, 100, 100]) },
    });
    const b = await api.scenario.create({
      workspaceId,
      runId: runA.runId,
      name: "Heavy first channel",
      plan: { weeks, spend: flat([250, 25, 25]) },
    });
    await api.scenario.create({
      workspaceId,
      runId: runA.runId,
      name: "Unshared idea",
      plan: { weeks, spend: flat([0, 0, 300]) },
    });
    const link = await api.share.create({
      workspaceId,
      kind: "scenario_comparison",
      scenarioIds: [a.id, b.id],
    });
    const res = await sharedReportResponse(db.prisma, link.token, "pdf");
    expect(res.status).toBe(200);
    const { pages, text } = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(pages).toBe(1);
    const all = squash(text.join(" "));
    expect(all).toContain("Steady plan");
    expect(all).toContain("Heavy first channel");
    expect(all).toContain("P(row beats column)");
    expect(all).not.toContain("Unshared idea");
  });
});
