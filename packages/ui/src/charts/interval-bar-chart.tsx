"use client";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ErrorBar,
  Legend,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { ChartBox } from "./chart-card.tsx";
import type { CsvTable } from "./csv.ts";
import {
  axisProps,
  barCursor,
  formatCompact,
  gridProps,
  legendProps,
  seriesColor,
  tokens,
  yAxisLabel,
} from "./theme.ts";
import { rowTooltip } from "./tooltip.tsx";

export interface IntervalValue {
  mean: number;
  q05: number;
  q95: number;
}

export interface IntervalSeries {
  key: string;
  name: string;
  color?: string;
}

export interface IntervalBarInput {
  label: string;
  values: Record<string, IntervalValue | null | undefined>;
  /** Highlight this row (e.g. a flagged channel). */
  highlight?: boolean;
}

export type IntervalBarRow = { label: string; highlight: boolean } & Record<string, unknown>;

/** Chart rows: per series the mean (bar height) and [mean - q05, q95 - mean] (error bar). */
export function intervalBarRows(input: IntervalBarInput[], series: IntervalSeries[]): IntervalBarRow[] {
  return input.map((r) => {
    const row: IntervalBarRow = { label: r.label, highlight: r.highlight === true };
    for (const s of series) {
      const v = r.values[s.key];
      row[s.key] = v ? v.mean : null;
      row[`${s.key}__err`] = v ? [Math.max(0, v.mean - v.q05), Math.max(0, v.q95 - v.mean)] : null;
      row[`${s.key}__iv`] = v ?? null;
    }
    return row;
  });
}

export function intervalBarCsv(
  input: IntervalBarInput[],
  series: IntervalSeries[],
  labelColumn = "label",
): CsvTable {
  return {
    columns: [labelColumn, ...series.flatMap((s) => [`${s.key}_mean`, `${s.key}_q05`, `${s.key}_q95`])],
    rows: input.map((r) => [
      r.label,
      ...series.flatMap((s) => {
        const v = r.values[s.key];
        return v ? [v.mean, v.q05, v.q95] : [null, null, null];
      }),
    ]),
  };
}

/**
 * Bars of posterior means with 90% intervals as error bars, one bar per series and row.
 * `format` formats values for the axis and tooltip; `reference` draws a horizontal line (e.g. ROI 1).
 */
export function IntervalBarChart({
  input,
  series,
  yLabel,
  format = formatCompact,
  reference,
  height = 300,
}: {
  input: IntervalBarInput[];
  series: IntervalSeries[];
  yLabel: string;
  format?: (v: number) => string;
  reference?: { y: number; label: string };
  height?: number;
}) {
  const rows = intervalBarRows(input, series);
  return (
    <ChartBox height={height}>
      <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid {...gridProps} />
        <XAxis
          dataKey="label"
          {...axisProps}
          interval={0}
          tick={{ ...axisProps.tick, fontSize: rows.length > 6 ? 11 : 12 }}
        />
        <YAxis
          {...axisProps}
          tickFormatter={(v: number) => format(v)}
          width={64}
          label={yAxisLabel(yLabel, 40)}
        />
        {reference ? (
          <ReferenceLine
            y={reference.y}
            stroke={tokens.muted}
            strokeDasharray="4 4"
            label={{ value: reference.label, position: "insideTopLeft", fill: tokens.muted, fontSize: 11 }}
          />
        ) : null}
        {series.map((s, i) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.name}
            fill={s.color ?? seriesColor(i)}
            isAnimationActive={false}
            maxBarSize={48}
          >
            {series.length === 1
              ? rows.map((r) => (
                  <Cell key={r.label} fill={r.highlight ? tokens.warning : (s.color ?? seriesColor(i))} />
                ))
              : null}
            <ErrorBar
              dataKey={`${s.key}__err`}
              stroke={tokens.fg}
              strokeWidth={1.2}
              width={6}
              isAnimationActive={false}
            />
          </Bar>
        ))}
        <Tooltip
          cursor={barCursor}
          content={rowTooltip((r: IntervalBarRow) => ({
            title: r.label,
            lines: series.map((s, i) => {
              const v = r[`${s.key}__iv`] as IntervalValue | null;
              return {
                name: s.name,
                value: v ? `${format(v.mean)} (90%: ${format(v.q05)} to ${format(v.q95)})` : "—",
                color: s.color ?? seriesColor(i),
              };
            }),
          }))}
        />
        {series.length > 1 ? <Legend {...legendProps} /> : null}
      </BarChart>
    </ChartBox>
  );
}
