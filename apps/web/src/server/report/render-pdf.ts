// A report as PDF (A4), drawn with pdfkit and its built-in Helvetica (no font or browser
// download): the same sections, tables and figures as the HTML page. The figures' primitives
// are drawn as vectors, so numbers in charts are real text a reader (or a test) can extract.
import PDFDocument from "pdfkit";
import type { Figure } from "./figures.ts";
import type { ReportBlock, ReportDocument, ReportTable } from "./report-sections.ts";

type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 36;
const PAGE = { width: 595.28, height: 841.89 };
const CONTENT = PAGE.width - 2 * MARGIN;
const TONES = { good: "#15803d", warning: "#b45309", danger: "#b91c1c", muted: "#64748b" } as const;

/** Helvetica (WinAnsi) has no arrows and no CJK: replace what it cannot draw. */
export function pdfSafe(s: string): string {
  return s
    .replaceAll("→", "->")
    .replaceAll("·", "\u00b7")
    .replace(/[^\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/g, "?");
}

function ensureRoom(doc: Doc, y: number, need: number): number {
  if (y + need <= PAGE.height - MARGIN - 14) return y;
  doc.addPage();
  return MARGIN;
}

function drawFigure(doc: Doc, fig: Figure, x: number, y: number): void {
  const scale = CONTENT / fig.width;
  doc.save();
  doc.translate(x, y).scale(scale);
  for (const it of fig.items) {
    switch (it.kind) {
      case "rect":
        if (it.w > 0 && it.h > 0)
          doc
            .rect(it.x, it.y, it.w, it.h)
            .fillOpacity(it.opacity ?? 1)
            .fill(it.fill);
        doc.fillOpacity(1);
        break;
      case "line":
        doc.moveTo(it.x1, it.y1).lineTo(it.x2, it.y2).lineWidth(it.width);
        if (it.dash) doc.dash(3, { space: 2 });
        doc.stroke(it.stroke);
        doc.undash();
        break;
      case "polyline": {
        const [first, ...rest] = it.points;
        if (!first) break;
        doc.moveTo(first[0], first[1]);
        for (const [px, py] of rest) doc.lineTo(px, py);
        doc.lineWidth(it.width).stroke(it.stroke);
        break;
      }
      case "polygon":
        if (it.points.length > 2)
          doc
            .polygon(...it.points)
            .fillOpacity(it.opacity)
            .fill(it.fill);
        doc.fillOpacity(1);
        break;
      case "text": {
        const s = pdfSafe(it.text);
        doc
          .font(it.bold ? "Helvetica-Bold" : "Helvetica")
          .fontSize(it.size)
          .fillColor(it.color);
        const w = doc.widthOfString(s);
        const tx = it.anchor === "middle" ? it.x - w / 2 : it.anchor === "end" ? it.x - w : it.x;
        // SVG places text by its baseline; pdfkit by the top of the line box.
        doc.text(s, tx, it.y - it.size * 0.78, { lineBreak: false });
        break;
      }
    }
  }
  doc.restore();
}

function drawTable(doc: Doc, t: ReportTable, y0: number): number {
  const size = 7;
  doc.fontSize(size);
  const cells = [t.columns, ...t.rows].map((r) => r.map(pdfSafe));
  const widths = t.columns.map(
    (_, i) =>
      Math.max(
        ...cells.map((r, k) => {
          doc.font(k === 0 ? "Helvetica-Bold" : "Helvetica");
          return doc.widthOfString(r[i] ?? "");
        }),
      ) + 8,
  );
  const total = widths.reduce((a, b) => a + b, 0);
  const scale = total > CONTENT ? CONTENT / total : 1;
  const w = widths.map((x) => x * scale);
  let y = y0;
  cells.forEach((r, k) => {
    y = ensureRoom(doc, y, 11);
    let x = MARGIN;
    doc
      .font(k === 0 ? "Helvetica-Bold" : "Helvetica")
      .fontSize(size * Math.min(1, scale + 0.1))
      .fillColor(k === 0 ? "#475569" : "#0f172a");
    r.forEach((c, i) => {
      const cw = w[i]!;
      doc.text(c, x + 3, y + 2, {
        width: cw - 6,
        align: t.numeric.includes(i) ? "right" : "left",
        lineBreak: false,
        ellipsis: true,
      });
      x += cw;
    });
    y += 11;
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + w.reduce((a, b) => a + b, 0), y)
      .lineWidth(0.4)
      .stroke("#e2e8f0");
  });
  return y + 4;
}

function drawBlock(doc: Doc, b: ReportBlock, y: number): number {
  switch (b.kind) {
    case "table":
      return drawTable(doc, b.table, y);
    case "figure": {
      const h = b.figure.height * (CONTENT / b.figure.width);
      y = ensureRoom(doc, y, h + 4);
      drawFigure(doc, b.figure, MARGIN, y);
      return y + h + 4;
    }
    case "paragraph": {
      doc
        .font("Helvetica")
        .fontSize(7.5)
        .fillColor(b.tone ? TONES[b.tone] : "#0f172a");
      const s = pdfSafe(b.text);
      const h = doc.heightOfString(s, { width: CONTENT });
      y = ensureRoom(doc, y, h);
      doc.text(s, MARGIN, y, { width: CONTENT });
      return y + h + 3;
    }
    case "bullets": {
      doc.font("Helvetica").fontSize(7.5).fillColor("#0f172a");
      for (const item of b.items) {
        const s = pdfSafe(item);
        const h = doc.heightOfString(s, { width: CONTENT - 10 });
        y = ensureRoom(doc, y, h);
        doc.text("\u2022", MARGIN, y, { lineBreak: false });
        doc.text(s, MARGIN + 10, y, { width: CONTENT - 10 });
        y += h + 1.5;
      }
      return y + 2;
    }
  }
}

function logoBytes(dataUrl: string | null): Buffer | null {
  const m = dataUrl?.match(/^data:image\/(png|jpeg);base64,([A-Za-z0-9+/=]+)$/);
  return m ? Buffer.from(m[2]!, "base64") : null;
}

/** The report as PDF bytes. `now` fixes the document's dates (reproducible output in tests). */
export async function renderReportPdf(
  report: ReportDocument,
  opts: { now?: Date } = {},
): Promise<Uint8Array> {
  const now = opts.now ?? new Date();
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    info: {
      Title: pdfSafe(report.title),
      Author: pdfSafe(report.workspace.name),
      Creator: "Mixcast",
      Producer: "Mixcast",
      CreationDate: now,
      ModDate: now,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  let x = MARGIN;
  const logo = logoBytes(report.workspace.logo);
  if (logo) {
    try {
      doc.image(logo, MARGIN, MARGIN, { fit: [90, 36] });
      x = MARGIN + 100;
    } catch {
      // An image pdfkit cannot read is left out rather than failing the report.
    }
  }
  doc
    .font("Helvetica")
    .fontSize(8)
    .fillColor("#334155")
    .text(pdfSafe(report.workspace.name), x, MARGIN, { lineBreak: false });
  doc
    .font("Helvetica-Bold")
    .fontSize(15)
    .fillColor("#0f172a")
    .text(pdfSafe(report.title), x, MARGIN + 10, { lineBreak: false });
  doc
    .font("Helvetica")
    .fontSize(7)
    .fillColor("#64748b")
    .text(pdfSafe(report.subtitle), x, MARGIN + 28, {
      width: PAGE.width - MARGIN - x - 80,
      lineBreak: false,
      ellipsis: true,
    });
  if (report.badge) {
    const tone = TONES[report.badge.tone];
    doc.font("Helvetica-Bold").fontSize(8);
    const w = doc.widthOfString(report.badge.text) + 14;
    doc
      .roundedRect(PAGE.width - MARGIN - w, MARGIN + 4, w, 14, 7)
      .lineWidth(0.8)
      .stroke(tone);
    doc
      .fillColor(tone)
      .text(report.badge.text, PAGE.width - MARGIN - w + 7, MARGIN + 7.5, { lineBreak: false });
  }
  let y = MARGIN + 44;
  doc
    .moveTo(MARGIN, y - 4)
    .lineTo(PAGE.width - MARGIN, y - 4)
    .lineWidth(0.5)
    .stroke("#e2e8f0");
  for (const section of report.sections) {
    y = ensureRoom(doc, y, 30);
    doc
      .font("Helvetica-Bold")
      .fontSize(9)
      .fillColor("#0f172a")
      .text(pdfSafe(section.title), MARGIN, y, { width: CONTENT });
    y += 12;
    for (const b of section.blocks) y = drawBlock(doc, b, y);
    y += 4;
  }
  doc.font("Helvetica").fontSize(6).fillColor("#64748b");
  doc.text(pdfSafe(report.footer), MARGIN, PAGE.height - MARGIN - 12, { lineBreak: false, width: CONTENT });
  doc.end();
  return new Uint8Array(await done);
}
