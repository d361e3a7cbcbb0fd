"use client";
import type { ReactNode } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { ChartBox, ChartCard, type ChartStatus } from "./chart-card.tsx";
import type { CsvTable } from "./csv.ts";
import {
  axisProps,
  barCursor,
  COMPONENT_COLORS,
  formatCompact,
  formatPercent,
  gridProps,
  legendProps,
  seriesColor,
  tokens,
  yAxisLabel,
  type ChartUnits,
} from "./theme.ts";
import { rowTooltip } from "./tooltip.tsx";
import type { IntervalValue } from "./interval-bar-chart.tsx";

export type ComponentKindView =
  "baseline" | "trend" | "seasonality" | "controls" | "events" | "channel" | "synergy";

export interface DecompositionData {
  dates: string[];
  /** `label`: shown instead of the default name (e.g. "Baseline (knots)"). */
  weekly: { name: string; kind: ComponentKindView; mean: number[]; label?: string }[];
  totals: {
    name: string;
    kind: ComponentKindView;
    total: IntervalValue;
    share: IntervalValue;
    label?: string;
  }[];
}

const LABELS: Record<string, string> = {
  baseline: "Baseline",
  trend: "Trend",
  seasonality: "Seasonality",
  controls: "Controls",
  events: "Events",
};

export function componentLabel(c: { name: string; kind: ComponentKindView; label?: string }): string {
  if (c.label) return c.label;
  if (c.kind === "synergy") return `Synergy ${c.name.replace(":", " × ")}`;
  return c.kind === "channel" ? c.name : (LABELS[c.name] ?? c.name);
}

/** Components worth drawing: every media component, non-media ones only when not all zero. */
export function visibleComponents(d: DecompositionData): DecompositionData["weekly"] {
  return d.weekly.filter(
    (c) => c.kind === "channel" || c.kind === "synergy" || c.mean.some((v) => Math.abs(v) > 1e-9),
  );
}

export function componentColor(c: { name: string; kind: ComponentKindView }, index: number): string {
  if (c.kind === "channel" || c.kind === "synergy") return seriesColor(index);
  return COMPONENT_COLORS[c.name] ?? tokens.muted;
}

export function decompositionRows(d: DecompositionData): Record<string, number | string>[] {
  const comps = visibleComponents(d);
  return d.dates.map((date, t) => {
    const row: Record<string, number | string> = { date };
    for (const c of comps) row[componentLabel(c)] = c.mean[t] as number;
    return row;
  });
}

export function decompositionCsv(d: DecompositionData): CsvTable {
  const comps = visibleComponents(d);
  return {
    columns: ["date", ...comps.map(componentLabel)],
    rows: d.dates.map((date, t) => [date, ...comps.map((c) => c.mean[t] as number)]),
  };
}

export function DecompositionChart({
  data,
  units,
  status,
  description,
  actions,
  footer,
}: {
  data: DecompositionData | null;
  units: ChartUnits;
  status?: ChartStatus;
  /** Replaces the default description (e.g. to say how a multiplicative model is split). */
  description?: ReactNode;
  /** Controls in the header (e.g. a geo filter). */
  actions?: ReactNode;
  footer?: ReactNode;
}) {
  const comps = data ? visibleComponents(data) : [];
  const rows = data ? decompositionRows(data) : [];
  let media = 0;
  return (
    <ChartCard
      title="What drove the KPI each week"
      description={
        description ??
        `Weekly ${units.kpi} split into baseline, trend, seasonality, controls, each channel and synergies (posterior means, stacked).`
      }
      actions={actions}
      footer={footer}
      csv={() => (data ? decompositionCsv(data) : { columns: [], rows: [] })}
      status={
        status ??
        (rows.length === 0
          ? { state: "empty", message: "No decomposition is available for this run." }
          : { state: "ready" })
      }
      testId="decomposition"
    >
      <ChartBox height={340}>
        <AreaChart data={rows} stackOffset="sign" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey="date" {...axisProps} minTickGap={40} />
          <YAxis
            {...axisProps}
            tickFormatter={formatCompact}
            width={64}
            label={yAxisLabel(`${units.kpi} per week`, 50)}
          />
          {comps.map((c) => {
            const color =
              c.kind === "channel" || c.kind === "synergy" ? seriesColor(media++) : componentColor(c, 0);
            return (
              <Area
                key={c.name}
                type="monotone"
                dataKey={componentLabel(c)}
                stackId="1"
                stroke={color}
                fill={color}
                fillOpacity={0.75}
                isAnimationActive={false}
                dot={false}
              />
            );
          })}
          <Tooltip
            content={rowTooltip((r: Record<string, number | string>) => ({
              title: String(r.date),
              lines: comps.map((c) => ({
                name: componentLabel(c),
                value: formatCompact(r[componentLabel(c)] as number),
              })),
            }))}
          />
          <Legend {...legendProps} />
        </AreaChart>
      </ChartBox>
    </ChartCard>
  );
}

export interface WaterfallRow {
  name: string;
  /** [bottom, top] of the floating bar. */
  range: [number, number];
  delta: number;
  interval: IntervalValue | null;
  share: IntervalValue | null;
  kind: ComponentKindView | "total";
}

/** Running totals: each component floats from the sum before it; the last bar is the fitted total. */
export function waterfallRows(d: DecompositionData): WaterfallRow[] {
  let sum = 0;
  const rows: WaterfallRow[] = d.totals
    .filter((c) => c.kind === "channel" || c.kind === "synergy" || Math.abs(c.total.mean) > 1e-9)
    .map((c) => {
      const start = sum;
      sum += c.total.mean;
      return {
        name: componentLabel(c),
        range: [Math.min(start, sum), Math.max(start, sum)],
        delta: c.total.mean,
        interval: c.total,
        share: c.share,
        kind: c.kind,
      };
    });
  rows.push({
    name: "Total (fitted)",
    range: [Math.min(0, sum), Math.max(0, sum)],
    delta: sum,
    interval: null,
    share: null,
    kind: "total",
  });
  return rows;
}

export function WaterfallChart({
  data,
  units,
  status,
}: {
  data: DecompositionData | null;
  units: ChartUnits;
  status?: ChartStatus;
}) {
  const rows = data ? waterfallRows(data) : [];
  return (
    <ChartCard
      title="Total KPI by driver"
      description={`How the fitted ${units.kpi} over the training weeks adds up, driver by driver (waterfall of totals, 90% intervals in the tooltip).`}
      csv={() => ({
        columns: [
          "driver",
          "total_mean",
          "total_q05",
          "total_q95",
          "share_mean",
          "running_from",
          "running_to",
        ],
        rows: rows.map((r) => [
          r.name,
          r.delta,
          r.interval?.q05 ?? null,
          r.interval?.q95 ?? null,
          r.share?.mean ?? null,
          r.range[0],
          r.range[1],
        ]),
      })}
      status={
        status ??
        (rows.length <= 1
          ? { state: "empty", message: "No totals are available for this run." }
          : { state: "ready" })
      }
      testId="waterfall"
    >
      <ChartBox height={320}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 40, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis
            dataKey="name"
            {...axisProps}
            interval={0}
            angle={-30}
            textAnchor="end"
            height={60}
            tick={{ ...axisProps.tick, fontSize: 11 }}
          />
          <YAxis
            {...axisProps}
            tickFormatter={formatCompact}
            width={64}
            label={yAxisLabel(`total ${units.kpi}`, 40)}
          />
          <Bar dataKey="range" name="Contribution" isAnimationActive={false}>
            {rows.map((r) => (
              <Cell
                key={r.name}
                fill={
                  r.kind === "total"
                    ? tokens.primary
                    : r.delta < 0
                      ? tokens.danger
                      : r.kind === "channel" || r.kind === "synergy"
                        ? seriesColor(0)
                        : COMPONENT_COLORS.baseline
                }
              />
            ))}
          </Bar>
          <Tooltip
            cursor={barCursor}
            content={rowTooltip((r: WaterfallRow) => {
              const lines = [{ name: "Total", value: formatCompact(r.delta) }];
              if (r.interval)
                lines.push({
                  name: "90% interval",
                  value: `${formatCompact(r.interval.q05)} to ${formatCompact(r.interval.q95)}`,
                });
              if (r.share) lines.push({ name: "Share of fitted KPI", value: formatPercent(r.share.mean, 1) });
              return { title: r.name, lines };
            })}
          />
        </BarChart>
      </ChartBox>
    </ChartCard>
  );
}
