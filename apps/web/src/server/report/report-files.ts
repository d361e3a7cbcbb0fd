// Reports as HTTP responses (PDF or HTML), for the app's download links, the REST API and share
// links. Every response is no-store, not indexed, and sends no referrer (a share link's token
// must not leak through a click out of the page).
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { DomainError } from "../errors.ts";
import { openShareLink, shareActor } from "../share/share-links.ts";
import { buildComparisonReport, type ComparisonReport } from "./comparison-report.ts";
import { renderReportHtml } from "./render-html.ts";
import { renderReportPdf } from "./render-pdf.ts";
import {
  comparisonReportDocument,
  runReportDocument,
  runReportV2Document,
  type ReportDocument,
} from "./report-sections.ts";
import { buildRunReport, type RunReport } from "./run-report.ts";
import type { RunReportV2 } from "./run-report-v2.ts";

export type ReportFormat = "pdf" | "html";

export const REPORT_HEADERS = {
  "cache-control": "no-store",
  "x-robots-tag": "noindex, nofollow",
  "referrer-policy": "no-referrer",
} as const;

export type AnyReport = RunReport | RunReportV2 | ComparisonReport;

export function documentOf(report: AnyReport): ReportDocument {
  if (report.kind === "run") return runReportDocument(report);
  if (report.kind === "run_v2") return runReportV2Document(report);
  return comparisonReportDocument(report);
}

export async function reportResponse(
  report: AnyReport,
  format: ReportFormat,
  opts: { fileName: string; pdfHref?: string; inline?: boolean },
): Promise<Response> {
  const doc = documentOf(report);
  if (format === "pdf") {
    const bytes = await renderReportPdf(doc, { now: new Date(report.generatedAt) });
    return new Response(Buffer.from(bytes), {
      headers: {
        ...REPORT_HEADERS,
        "content-type": "application/pdf",
        "content-disposition": `${opts.inline ? "inline" : "attachment"}; filename="${opts.fileName}.pdf"`,
      },
    });
  }
  return new Response(renderReportHtml(doc, opts.pdfHref ? { pdfHref: opts.pdfHref } : {}), {
    headers: {
      ...REPORT_HEADERS,
      "content-type": "text/html; charset=utf-8",
      ...(opts.inline ? {} : { "content-disposition": `attachment; filename="${opts.fileName}.html"` }),
      // The page is self-contained: no scripts, no fetches; images only inline.
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    },
  });
}

export const runReportFileName = (runId: string) => `mixcast-run-report-${runId}`;

export async function runReportResponse(
  db: PrismaClient,
  actor: Actor,
  runId: string,
  format: ReportFormat,
): Promise<Response> {
  const report = await buildRunReport(db, actor, runId);
  return reportResponse(report, format, { fileName: runReportFileName(runId) });
}

const NOT_FOUND_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Link not available</title></head><body style="font-family:Helvetica,Arial,sans-serif;max-width:560px;margin:64px auto;padding:0 16px"><h1 style="font-size:20px">This link is not available</h1><p>It may have expired or been revoked, or it was typed incorrectly. Ask the person who shared it for a new one.</p></body></html>`;

/** GET /share/<token>[/report.pdf]: the shared report, or one 404 for every kind of refusal. */
export async function sharedReportResponse(
  db: PrismaClient,
  token: string,
  format: ReportFormat,
  now = new Date(),
): Promise<Response> {
  const unavailable = () =>
    new Response(format === "pdf" ? "This link is not available." : NOT_FOUND_HTML, {
      status: 404,
      headers: {
        ...REPORT_HEADERS,
        "content-type": format === "pdf" ? "text/plain; charset=utf-8" : "text/html; charset=utf-8",
      },
    });
  const link = await openShareLink(db, token, { format, now });
  if (!link) return unavailable();
  const actor = shareActor(link);
  let report: AnyReport;
  try {
    report =
      link.kind === "run_report"
        ? await buildRunReport(db, actor, link.runId, { now })
        : await buildComparisonReport(
            db,
            actor,
            { scenarioIds: link.scenarioIds, runId: link.runId },
            { now },
          );
  } catch (error) {
    // The shared run or scenarios were deleted since: the link shows nothing.
    if (error instanceof DomainError) return unavailable();
    throw error;
  }
  return reportResponse(report, format, {
    fileName: `mixcast-shared-report-${link.prefix.slice(4)}`,
    pdfHref: `/share/${token}/report.pdf`,
    inline: true,
  });
}
