// The report's charts as plain vector primitives (rectangles, lines, polygons, text), so one
// figure renders the same to SVG (the HTML report and the share page) and to PDF (pdfkit draws
// the same primitives in render-pdf.ts). Recharts draws nothing server-side (it measures the
// DOM), so the report cannot reuse the app's chart components; it uses the same numbers
// (core's RunAnalysis and the optimizer's plan) and the app's colours.

export interface FigureText {
  kind: "text";
  x: number;
  y: number;
  text: string;
  size: number;
  color: string;
  anchor: "start" | "middle" | "end";
  bold?: boolean;
}

export type FigureItem =
  | { kind: "rect"; x: number; y: number; w: number; h: number; fill: string; opacity?: number }
  | {
      kind: "line";
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      stroke: string;
      width: number;
      dash?: boolean;
    }
  | { kind: "polyline"; points: [number, number][]; stroke: string; width: number }
  | { kind: "polygon"; points: [number, number][]; fill: string; opacity: number }
  | FigureText;

export interface Figure {
  width: number;
  height: number;
  items: FigureItem[];
}

/** The app's series colours (packages/ui charts/theme.ts, light theme). */
export const PALETTE = [
  "#2563eb",
  "#f97316",
  "#16a34a",
  "#db2777",
  "#7c3aed",
  "#0891b2",
  "#ca8a04",
  "#64748b",
];
const INK = "#0f172a";
const MUTED = "#64748b";
const GRID = "#e2e8f0";

export const colorOf = (i: number) => PALETTE[i % PALETTE.length]!;

/** Short numbers for axes and labels: 1.2k, 3.4M, 0.85. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (!Number.isFinite(v)) return "–";
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Round numbers for an axis from lo to hi (about `n` ticks). */
export function niceTicks(lo: number, hi: number, n = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

const text = (
  x: number,
  y: number,
  s: string,
  o: Partial<Pick<FigureText, "size" | "color" | "anchor" | "bold">> = {},
): FigureText => ({
  kind: "text",
  x,
  y,
  text: s,
  size: o.size ?? 7,
  color: o.color ?? INK,
  anchor: o.anchor ?? "start",
  ...(o.bold ? { bold: true } : {}),
});

export interface IntervalRow {
  label: string;
  mean: number;
  q05: number;
  q95: number;
}

/**
 * Horizontal interval plot: one row per channel, a bar to the mean and a whisker over the 90%
 * interval; `reference` draws a dashed vertical line (e.g. ROI = 1, break-even).
 */
export function intervalFigure(rows: IntervalRow[], o: { width: number; reference?: number }): Figure {
  const labelW = 90;
  const rowH = 14;
  const top = 4;
  const axisH = 14;
  const plotW = o.width - labelW - 44;
  const height = top + rows.length * rowH + axisH;
  const lo = Math.min(0, ...rows.map((r) => r.q05), o.reference ?? 0);
  const hi = Math.max(...rows.map((r) => r.q95), o.reference ?? 0, 1e-9);
  const ticks = niceTicks(lo, hi);
  const max = Math.max(hi, ticks[ticks.length - 1]!);
  const min = Math.min(lo, ticks[0]!);
  const sx = (v: number) => labelW + ((v - min) / (max - min)) * plotW;
  const items: FigureItem[] = [];
  for (const t of ticks) {
    items.push({
      kind: "line",
      x1: sx(t),
      y1: top,
      x2: sx(t),
      y2: top + rows.length * rowH,
      stroke: GRID,
      width: 0.5,
    });
    items.push(text(sx(t), height - 3, compact(t), { anchor: "middle", color: MUTED, size: 6 }));
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const mid = y + rowH / 2;
    items.push(text(labelW - 4, mid + 2.5, r.label, { anchor: "end" }));
    const x0 = sx(Math.min(0, r.mean));
    items.push({
      kind: "rect",
      x: x0,
      y: y + 3,
      w: Math.abs(sx(r.mean) - sx(0)),
      h: rowH - 6,
      fill: colorOf(i),
      opacity: 0.75,
    });
    items.push({ kind: "line", x1: sx(r.q05), y1: mid, x2: sx(r.q95), y2: mid, stroke: INK, width: 0.8 });
    items.push({
      kind: "line",
      x1: sx(r.q05),
      y1: mid - 3,
      x2: sx(r.q05),
      y2: mid + 3,
      stroke: INK,
      width: 0.8,
    });
    items.push({
      kind: "line",
      x1: sx(r.q95),
      y1: mid - 3,
      x2: sx(r.q95),
      y2: mid + 3,
      stroke: INK,
      width: 0.8,
    });
    items.push(text(sx(Math.max(r.q95, r.mean)) + 3, mid + 2.5, compact(r.mean), { size: 6, color: MUTED }));
  });
  if (o.reference !== undefined)
    items.push({
      kind: "line",
      x1: sx(o.reference),
      y1: top,
      x2: sx(o.reference),
      y2: top + rows.length * rowH,
      stroke: "#dc2626",
      width: 0.8,
      dash: true,
    });
  return { width: o.width, height, items };
}

/** One stacked bar of shares (decomposition of the KPI), with a legend under it. */
export function shareBarFigure(parts: { label: string; share: number }[], o: { width: number }): Figure {
  const items: FigureItem[] = [];
  const barH = 16;
  const total = parts.reduce((a, p) => a + Math.max(0, p.share), 0) || 1;
  let x = 0;
  parts.forEach((p, i) => {
    const w = (Math.max(0, p.share) / total) * o.width;
    items.push({ kind: "rect", x, y: 0, w, h: barH, fill: colorOf(i), opacity: 0.85 });
    if (w > 26)
      items.push(
        text(x + w / 2, barH / 2 + 2.5, `${Math.round(p.share * 100)}%`, {
          anchor: "middle",
          color: "#ffffff",
          size: 6.5,
          bold: true,
        }),
      );
    x += w;
  });
  const perRow = 4;
  const colW = o.width / perRow;
  parts.forEach((p, i) => {
    const lx = (i % perRow) * colW;
    const ly = barH + 6 + Math.floor(i / perRow) * 11;
    items.push({ kind: "rect", x: lx, y: ly, w: 7, h: 7, fill: colorOf(i) });
    items.push(text(lx + 10, ly + 6, `${p.label} ${(p.share * 100).toFixed(1)}%`, { size: 6.5 }));
  });
  return { width: o.width, height: barH + 8 + Math.ceil(parts.length / perRow) * 11, items };
}

export interface CurvePanel {
  channel: string;
  spend: number[];
  mean: number[];
  lo: number[];
  hi: number[];
  current: { spend: number; kpi: number };
}

/** Small multiples of response curves: incremental KPI against spend with the 90% band. */
export function curvesFigure(panels: CurvePanel[], o: { width: number; columns?: number }): Figure {
  const cols = Math.max(1, Math.min(o.columns ?? 4, panels.length));
  const gap = 10;
  const panelW = (o.width - gap * (cols - 1)) / cols;
  const panelH = 62;
  const rows = Math.ceil(panels.length / cols);
  const items: FigureItem[] = [];
  panels.forEach((p, i) => {
    const ox = (i % cols) * (panelW + gap);
    const oy = Math.floor(i / cols) * (panelH + 8);
    const plotTop = oy + 10;
    const plotH = panelH - 20;
    const xMax = Math.max(...p.spend, 1e-9);
    const yMax = Math.max(...p.hi, 1e-9);
    const sx = (v: number) => ox + (v / xMax) * panelW;
    const sy = (v: number) => plotTop + plotH - (Math.max(0, v) / yMax) * plotH;
    items.push(text(ox, oy + 6, p.channel, { bold: true, size: 6.5 }));
    items.push({
      kind: "line",
      x1: ox,
      y1: plotTop + plotH,
      x2: ox + panelW,
      y2: plotTop + plotH,
      stroke: GRID,
      width: 0.6,
    });
    const band: [number, number][] = [
      ...p.spend.map((s, k) => [sx(s), sy(p.hi[k] ?? 0)] as [number, number]),
      ...p.spend.map((s, k) => [sx(s), sy(p.lo[k] ?? 0)] as [number, number]).reverse(),
    ];
    items.push({ kind: "polygon", points: band, fill: colorOf(i), opacity: 0.18 });
    items.push({
      kind: "polyline",
      points: p.spend.map((s, k) => [sx(s), sy(p.mean[k] ?? 0)]),
      stroke: colorOf(i),
      width: 1.1,
    });
    items.push({
      kind: "rect",
      x: sx(p.current.spend) - 1.6,
      y: sy(p.current.kpi) - 1.6,
      w: 3.2,
      h: 3.2,
      fill: INK,
    });
    items.push(text(ox, plotTop + plotH + 8, "0", { size: 5.5, color: MUTED }));
    items.push(
      text(ox + panelW, plotTop + plotH + 8, `spend ${compact(xMax)}`, {
        size: 5.5,
        color: MUTED,
        anchor: "end",
      }),
    );
    items.push(
      text(ox + panelW, oy + 6, `max KPI ${compact(yMax)}`, { size: 5.5, color: MUTED, anchor: "end" }),
    );
  });
  return { width: o.width, height: rows * (panelH + 8), items };
}

/** Grouped bars: current versus recommended spend per channel. */
export function planFigure(
  rows: { label: string; current: number; recommended: number }[],
  o: { width: number },
): Figure {
  const labelW = 90;
  const rowH = 16;
  const plotW = o.width - labelW - 50;
  const max = Math.max(...rows.flatMap((r) => [r.current, r.recommended]), 1e-9);
  const items: FigureItem[] = [];
  rows.forEach((r, i) => {
    const y = i * rowH;
    items.push(text(labelW - 4, y + rowH / 2 + 2.5, r.label, { anchor: "end" }));
    items.push({ kind: "rect", x: labelW, y: y + 2, w: (r.current / max) * plotW, h: 5, fill: "#94a3b8" });
    items.push({
      kind: "rect",
      x: labelW,
      y: y + 8,
      w: (r.recommended / max) * plotW,
      h: 5,
      fill: colorOf(0),
    });
    items.push(
      text(
        labelW + (Math.max(r.current, r.recommended) / max) * plotW + 3,
        y + rowH / 2 + 2.5,
        `${compact(r.current)} → ${compact(r.recommended)}`,
        { size: 6, color: MUTED },
      ),
    );
  });
  return { width: o.width, height: rows.length * rowH + 2, items };
}

const esc = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const n2 = (v: number) => Number(v.toFixed(2));
const pts = (p: [number, number][]) => p.map(([x, y]) => `${n2(x)},${n2(y)}`).join(" ");

/** The figure as an SVG element (no scripts, no external references). */
export function figureToSvg(fig: Figure, title: string): string {
  const body = fig.items
    .map((it) => {
      switch (it.kind) {
        case "rect":
          return `<rect x="${n2(it.x)}" y="${n2(it.y)}" width="${n2(Math.max(0, it.w))}" height="${n2(it.h)}" fill="${it.fill}"${it.opacity !== undefined ? ` fill-opacity="${it.opacity}"` : ""}/>`;
        case "line":
          return `<line x1="${n2(it.x1)}" y1="${n2(it.y1)}" x2="${n2(it.x2)}" y2="${n2(it.y2)}" stroke="${it.stroke}" stroke-width="${it.width}"${it.dash ? ' stroke-dasharray="3 2"' : ""}/>`;
        case "polyline":
          return `<polyline points="${pts(it.points)}" fill="none" stroke="${it.stroke}" stroke-width="${it.width}"/>`;
        case "polygon":
          return `<polygon points="${pts(it.points)}" fill="${it.fill}" fill-opacity="${it.opacity}"/>`;
        case "text":
          return `<text x="${n2(it.x)}" y="${n2(it.y)}" font-size="${it.size}" fill="${it.color}" text-anchor="${it.anchor}"${it.bold ? ' font-weight="bold"' : ""}>${esc(it.text)}</text>`;
      }
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${n2(fig.width)} ${n2(fig.height)}" width="100%" style="max-width:${Math.round(fig.width * 1.6)}px;font-family:Helvetica,Arial,sans-serif">${body}</svg>`;
}
