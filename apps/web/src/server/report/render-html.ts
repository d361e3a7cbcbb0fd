// A report as one self-contained HTML page: inline CSS and SVG, the logo as a data: URL, no
// scripts and nothing loaded from elsewhere, so it can be saved, mailed or served on a share link.
import { figureToSvg } from "./figures.ts";
import type { ReportBlock, ReportDocument } from "./report-sections.ts";

export const escapeHtml = (s: string) =>
  s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");

const TONES = { good: "#15803d", warning: "#b45309", danger: "#b91c1c", muted: "#64748b" } as const;

function block(b: ReportBlock): string {
  switch (b.kind) {
    case "table":
      return `<table><thead><tr>${b.table.columns
        .map((c, i) => `<th${b.table.numeric.includes(i) ? ' class="num"' : ""}>${escapeHtml(c)}</th>`)
        .join("")}</tr></thead><tbody>${b.table.rows
        .map(
          (r) =>
            `<tr>${r.map((c, i) => `<td${b.table.numeric.includes(i) ? ' class="num"' : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`,
        )
        .join("")}</tbody></table>`;
    case "figure":
      return `<figure>${figureToSvg(b.figure, b.title)}<figcaption>${escapeHtml(b.title)}</figcaption></figure>`;
    case "paragraph":
      return `<p${b.tone ? ` style="color:${TONES[b.tone]}"` : ""}>${escapeHtml(b.text)}</p>`;
    case "bullets":
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
  }
}

export function renderReportHtml(doc: ReportDocument, opts: { pdfHref?: string } = {}): string {
  const logo = doc.workspace.logo
    ? `<img class="logo" src="${escapeHtml(doc.workspace.logo)}" alt="${escapeHtml(doc.workspace.name)} logo">`
    : "";
  const badge = doc.badge
    ? `<span class="badge" style="border-color:${TONES[doc.badge.tone]};color:${TONES[doc.badge.tone]}">${escapeHtml(doc.badge.text)}</span>`
    : "";
  const pdf = opts.pdfHref ? `<a class="pdf" href="${escapeHtml(opts.pdfHref)}">Download PDF</a>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(doc.title)} · ${escapeHtml(doc.workspace.name)}</title>
<style>
body{font-family:Helvetica,Arial,sans-serif;color:#0f172a;max-width:860px;margin:24px auto;padding:0 16px;line-height:1.45}
header{display:flex;align-items:center;gap:16px;border-bottom:1px solid #e2e8f0;padding-bottom:12px}
.logo{max-height:48px;max-width:160px}
h1{font-size:22px;margin:0}h2{font-size:15px;margin:22px 0 8px}
.sub{color:#64748b;font-size:12px;margin:2px 0 0}.ws{color:#334155;font-size:13px;margin:0}
.badge{border:1px solid;border-radius:999px;padding:2px 10px;font-size:12px;margin-left:auto;white-space:nowrap}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border-bottom:1px solid #e2e8f0;padding:4px 6px;text-align:left}
th{color:#475569;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:10px 0}figcaption{font-size:11px;color:#64748b}ul{padding-left:20px;font-size:13px}p{font-size:13px}
footer{margin-top:28px;color:#64748b;font-size:11px;border-top:1px solid #e2e8f0;padding-top:8px}
.pdf{font-size:13px}
</style></head><body>
<header>${logo}<div><p class="ws">${escapeHtml(doc.workspace.name)}</p><h1>${escapeHtml(doc.title)}</h1><p class="sub">${escapeHtml(doc.subtitle)}</p></div>${badge}</header>
${pdf}
${doc.sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>${s.blocks.map(block).join("\n")}</section>`).join("\n")}
<footer>${escapeHtml(doc.footer)}</footer>
</body></html>`;
}
