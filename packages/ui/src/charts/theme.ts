// Chart colours and number formats. Axis, grid and tooltip colours are the design tokens
// (CSS variables), so charts follow light and dark mode with the rest of the UI. Series colours
// are mid-tone (Tableau 10 order) and stay readable on both the light and the dark surface.
export const SERIES_COLORS = [
  "#4e79a7",
  "#f28e2b",
  "#59a14f",
  "#e15759",
  "#76b7b2",
  "#b07aa1",
  "#edc948",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
] as const;

export const seriesColor = (i: number): string =>
  SERIES_COLORS[((i % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length] as string;

/** Fixed colours for the non-media components of a decomposition. */
export const COMPONENT_COLORS: Record<string, string> = {
  baseline: "#8c96a6",
  trend: "#6b7a90",
  seasonality: "#a3b1c6",
  controls: "#c9a86b",
  events: "#d4c15a",
};

export const tokens = {
  fg: "var(--mc-fg)",
  muted: "var(--mc-muted)",
  line: "var(--mc-line)",
  surface: "var(--mc-surface)",
  primary: "var(--mc-primary)",
  danger: "var(--mc-danger)",
  success: "var(--mc-success)",
  warning: "var(--mc-warning)",
  holdout: "var(--mc-neutral-soft)",
} as const;

export const axisProps = {
  stroke: tokens.line,
  tick: { fill: tokens.muted, fontSize: 12 },
  tickLine: { stroke: tokens.line },
} as const;

export const gridProps = { stroke: tokens.line, strokeDasharray: "3 3", vertical: false } as const;

/** Legend under a chart, in the muted token colour. */
export const legendProps = { wrapperStyle: { color: tokens.muted, fontSize: 12 } } as const;

/** Shade behind the hovered category of a bar chart. */
export const barCursor = { fill: tokens.holdout, fillOpacity: 0.5 } as const;

/** Title of a vertical axis, read bottom to top; `dy` moves it down to centre a longer title. */
export function yAxisLabel(value: string, dy?: number) {
  return {
    value,
    angle: -90,
    position: "insideLeft",
    fill: tokens.muted,
    fontSize: 12,
    ...(dy !== undefined ? { dy } : {}),
  } as const;
}

/** A vertical axis of money ("Spend (EUR)"), ticks formatted like the tooltips. */
export function moneyYAxisProps(what: string, currency: string, dy: number) {
  return {
    ...axisProps,
    tickFormatter: (v: number) => formatMoney(v, currency),
    width: 64,
    label: yAxisLabel(moneyLabel(what, currency), dy),
  } as const;
}

/** Units shown on axes and in tooltips. `currency` is a symbol or code ("" = the dataset's currency, unnamed). */
export interface ChartUnits {
  currency: string;
  kpi: string;
}

export function formatCompact(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const abs = Math.abs(x);
  if (abs >= 1000)
    return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(x);
  if (abs >= 10) return x.toFixed(0);
  if (abs >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

export function formatMoney(x: number | null | undefined, currency: string): string {
  const v = formatCompact(x);
  if (v === "—" || !currency) return v;
  return currency.length === 1
    ? v.startsWith("-")
      ? `-${currency}${v.slice(1)}`
      : `${currency}${v}`
    : `${v} ${currency}`;
}

export function formatPercent(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return `${(x * 100).toFixed(digits)}%`;
}

/** "Spend (EUR)" or "Spend (dataset currency)". */
export function moneyLabel(what: string, currency: string): string {
  return `${what} (${currency || "dataset currency"})`;
}
