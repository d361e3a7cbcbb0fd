"use client";
// The pieces every interval chart draws the same way: a 90% band (rows carry it as `band: [lo, hi]`),
// the line through its mean, "mean (lo–hi)" in tooltips, and a response curve with today's point.
// The series are element factories, not components: recharts reads its children as they are.
import type { ReactNode } from "react";
import { Area, CartesianGrid, ComposedChart, Line, ReferenceDot, Tooltip, XAxis, YAxis } from "recharts";
import { ChartBox } from "./chart-card.tsx";
import { axisProps, formatCompact, gridProps, tokens } from "./theme.ts";
import { rowTooltip, type TooltipLine } from "./tooltip.tsx";

/** A value with its interval as every tooltip quotes it: "mean (lo–hi)". */
export function intervalText(
  mean: number,
  band: readonly [number, number],
  f: (x: number) => string = formatCompact,
): string {
  return `${f(mean)} (${f(band[0])}–${f(band[1])})`;
}

const named = (name: string | undefined) => (name === undefined ? {} : { name });

/** The shaded interval of the rows' `dataKey` (default "band"). */
export function bandArea(o: { color: string; opacity: number; dataKey?: string; name?: string }) {
  return (
    <Area
      type="monotone"
      dataKey={o.dataKey ?? "band"}
      {...named(o.name)}
      stroke="none"
      fill={o.color}
      fillOpacity={o.opacity}
      isAnimationActive={false}
    />
  );
}

/** A plain line through the rows' `dataKey`, without dots. */
export function seriesLine(o: { dataKey: string; color: string; width: number; name?: string }) {
  return (
    <Line
      type="monotone"
      dataKey={o.dataKey}
      {...named(o.name)}
      stroke={o.color}
      strokeWidth={o.width}
      dot={false}
      isAnimationActive={false}
    />
  );
}

export interface CurveFigureRow {
  kpi: number;
  band: [number, number];
}

/**
 * One channel's response curve (v1 and v2 insights): incremental KPI with its 90% band against the
 * channel's input, today's point marked, a tooltip per point.
 */
export function CurveFigure<Row extends CurveFigureRow>({
  channel,
  caption,
  rows,
  xKey,
  xTick,
  color,
  today,
  names,
  marker,
  tooltip,
  note,
}: {
  channel: string;
  caption: ReactNode;
  rows: Row[];
  /** The rows' field on the x-axis. */
  xKey: string;
  xTick: (v: number) => string;
  color: string;
  /** Today's input and KPI (no dot when unknown). */
  today: { x: number; y: number } | null;
  /** Series names of the band and the line, where the chart names them. */
  names?: { band: string; line: string };
  /** Drawn over the line, under today's dot (v1: the saturation line). */
  marker?: ReactNode;
  tooltip: (r: Row) => { title: ReactNode; lines: TooltipLine[] };
  note?: ReactNode;
}) {
  return (
    <figure className="min-w-0" data-curve={channel}>
      <figcaption className="mb-1 text-sm font-medium text-fg">{caption}</figcaption>
      <ChartBox height={200} initialWidth={320}>
        <ComposedChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey={xKey} type="number" domain={[0, "dataMax"]} {...axisProps} tickFormatter={xTick} />
          <YAxis {...axisProps} tickFormatter={formatCompact} width={52} />
          {bandArea({ color, opacity: 0.25, ...(names ? { name: names.band } : {}) })}
          {seriesLine({ dataKey: "kpi", color, width: 2, ...(names ? { name: names.line } : {}) })}
          {marker}
          {today ? (
            <ReferenceDot
              x={today.x}
              y={today.y}
              r={5}
              fill={tokens.fg}
              stroke={tokens.surface}
              label={{ value: "today", position: "top", fill: tokens.fg, fontSize: 11 }}
            />
          ) : null}
          <Tooltip content={rowTooltip(tooltip)} />
        </ComposedChart>
      </ChartBox>
      {note === undefined ? null : <p className="mt-1 text-xs text-muted">{note}</p>}
    </figure>
  );
}
