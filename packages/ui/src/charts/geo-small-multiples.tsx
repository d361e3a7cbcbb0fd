"use client";
// Small multiples of KPI and total spend per geo: one small chart per geo on a shared time axis,
// so a broken geo (a gap, a spike, spend with no KPI) stands out before the data is saved.
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from "recharts";
import { ChartBox } from "./chart-card.tsx";
import { axisProps, formatCompact, formatMoney, gridProps, seriesColor, type ChartUnits } from "./theme.ts";
import { rowOf, TooltipBox, type TooltipProps } from "./tooltip.tsx";

export interface GeoPanelView {
  geo: string;
  dates: string[];
  kpi: number[];
  spend: number[];
  totalKpi: number;
  totalSpend: number;
}

export interface GeoPanelRow {
  date: string;
  kpi: number;
  spend: number;
}

export function geoPanelRows(g: GeoPanelView): GeoPanelRow[] {
  return g.dates.map((date, t) => ({ date, kpi: g.kpi[t] ?? 0, spend: g.spend[t] ?? 0 }));
}

const KPI_COLOR = seriesColor(0);
const SPEND_COLOR = seriesColor(1);

export function GeoSmallMultiples({ geos, units }: { geos: readonly GeoPanelView[]; units: ChartUnits }) {
  return (
    <div className="flex flex-col gap-2">
      <p className="flex flex-wrap gap-4 text-xs text-muted">
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-0.5 w-4" style={{ background: KPI_COLOR }} />
          {units.kpi || "KPI"} (left axis)
        </span>
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-2 w-4 opacity-40" style={{ background: SPEND_COLOR }} />
          Total spend (right axis)
        </span>
      </p>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="geo-small-multiples">
        {geos.map((g) => (
          <figure key={g.geo} className="rounded-lg border border-line p-2" data-testid="geo-panel">
            <figcaption className="flex items-baseline justify-between gap-2 text-sm">
              <span className="font-medium">{g.geo}</span>
              <span className="text-xs text-muted tabular-nums">
                {units.kpi || "KPI"} {formatCompact(g.totalKpi)} · spend{" "}
                {formatMoney(g.totalSpend, units.currency)}
              </span>
            </figcaption>
            <ChartBox height={130} initialWidth={300}>
              <ComposedChart data={geoPanelRows(g)} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
                <CartesianGrid {...gridProps} />
                <XAxis
                  dataKey="date"
                  {...axisProps}
                  minTickGap={60}
                  tick={{ ...axisProps.tick, fontSize: 10 }}
                />
                <YAxis
                  yAxisId="kpi"
                  {...axisProps}
                  width={44}
                  tick={{ ...axisProps.tick, fontSize: 10 }}
                  tickFormatter={(v: number) => formatCompact(v)}
                />
                <YAxis
                  yAxisId="spend"
                  orientation="right"
                  {...axisProps}
                  width={44}
                  tick={{ ...axisProps.tick, fontSize: 10 }}
                  tickFormatter={(v: number) => formatMoney(v, units.currency)}
                />
                <Area
                  yAxisId="spend"
                  type="step"
                  dataKey="spend"
                  stroke={SPEND_COLOR}
                  fill={SPEND_COLOR}
                  fillOpacity={0.3}
                  isAnimationActive={false}
                />
                <Line
                  yAxisId="kpi"
                  type="monotone"
                  dataKey="kpi"
                  stroke={KPI_COLOR}
                  dot={false}
                  strokeWidth={1.5}
                  isAnimationActive={false}
                />
                <Tooltip
                  content={(p: TooltipProps<GeoPanelRow>) => {
                    const r = rowOf(p);
                    if (!r) return null;
                    return (
                      <TooltipBox
                        title={`${g.geo} · ${r.date}`}
                        lines={[
                          { name: units.kpi || "KPI", value: formatCompact(r.kpi), color: KPI_COLOR },
                          { name: "Spend", value: formatMoney(r.spend, units.currency), color: SPEND_COLOR },
                        ]}
                      />
                    );
                  }}
                />
              </ComposedChart>
            </ChartBox>
          </figure>
        ))}
      </div>
    </div>
  );
}
