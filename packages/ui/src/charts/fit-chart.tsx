"use client";
import { CartesianGrid, ComposedChart, Legend, ReferenceArea, Tooltip, XAxis, YAxis } from "recharts";
import { ChartBox, ChartCard, statusOrEmpty, type ChartStatus } from "./chart-card.tsx";
import type { CsvTable } from "./csv.ts";
import {
  axisProps,
  formatCompact,
  formatPercent,
  gridProps,
  legendProps,
  seriesColor,
  tokens,
  yAxisLabel,
  type ChartUnits,
} from "./theme.ts";
import { bandArea, intervalText, seriesLine } from "./interval-series.tsx";
import { rowTooltip } from "./tooltip.tsx";

export interface FitData {
  dates: string[];
  actual: number[];
  fitted: { mean: number[]; lo: number[]; hi: number[] };
  /** Posterior predictive band; absent when the run stores only the credible band (v2 runs). */
  predictive?: { lo: number[]; hi: number[] };
  holdout: boolean[];
}

/** Holdout metrics as stored (a metric that could not be computed is null). */
export interface HoldoutMetricsView {
  weeks: number;
  mape: number | null;
  r2: number | null;
  nrmse?: number | null;
  coverage90?: number | null;
}

const fixed = (x: number | null | undefined, digits: number) =>
  x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits);

export interface FitRow {
  date: string;
  actual: number;
  fitted: number;
  band: [number, number];
  predictive: [number, number] | null;
  holdout: boolean;
}

export function fitRows(d: FitData): FitRow[] {
  return d.dates.map((date, t) => ({
    date,
    actual: d.actual[t] as number,
    fitted: d.fitted.mean[t] as number,
    band: [d.fitted.lo[t] as number, d.fitted.hi[t] as number],
    predictive: d.predictive ? [d.predictive.lo[t] as number, d.predictive.hi[t] as number] : null,
    holdout: d.holdout[t] === true,
  }));
}

export function fitCsv(rows: FitRow[]): CsvTable {
  return {
    columns: [
      "date",
      "actual",
      "fitted_mean",
      "fitted_q05",
      "fitted_q95",
      "predictive_q05",
      "predictive_q95",
      "holdout",
    ],
    rows: rows.map((r) => [
      r.date,
      r.actual,
      r.fitted,
      r.band[0],
      r.band[1],
      r.predictive?.[0] ?? null,
      r.predictive?.[1] ?? null,
      r.holdout,
    ]),
  };
}

/** First and last date of the holdout block (the held-out weeks are the last ones). */
export function holdoutRange(rows: FitRow[]): [string, string] | null {
  const first = rows.findIndex((r) => r.holdout);
  if (first < 0) return null;
  return [rows[first]!.date, rows[rows.length - 1]!.date];
}

export function FitChart({
  data,
  units,
  metrics,
  status,
}: {
  data: FitData | null;
  units: ChartUnits;
  metrics?: HoldoutMetricsView | null;
  status?: ChartStatus;
}) {
  const rows = data ? fitRows(data) : [];
  const range = holdoutRange(rows);
  const st: ChartStatus = statusOrEmpty(status, rows.length, "This run has no fitted weeks.");
  const footer = metrics ? (
    <dl className="flex flex-wrap gap-x-6 gap-y-1" data-testid="holdout-metrics">
      <div>
        <dt className="inline">Holdout weeks: </dt>
        <dd className="inline font-medium text-fg">{metrics.weeks}</dd>
      </div>
      <div>
        <dt className="inline">MAPE: </dt>
        <dd className="inline font-medium text-fg">{formatPercent(metrics.mape, 1)}</dd>
      </div>
      <div>
        <dt className="inline">R²: </dt>
        <dd className="inline font-medium text-fg">{fixed(metrics.r2, 2)}</dd>
      </div>
      <div>
        <dt className="inline">NRMSE: </dt>
        <dd className="inline font-medium text-fg">{fixed(metrics.nrmse, 3)}</dd>
      </div>
      <div>
        <dt className="inline">Actuals inside 90% interval: </dt>
        <dd className="inline font-medium text-fg">{formatPercent(metrics.coverage90)}</dd>
      </div>
    </dl>
  ) : range ? null : (
    <span>No weeks were held out, so there is no out-of-sample check.</span>
  );
  return (
    <ChartCard
      title="Model fit"
      description={`Actual ${units.kpi} per week against the model's fit, with its 90% credible band. Shaded weeks were held out of fitting.`}
      csv={() => fitCsv(rows)}
      status={st}
      footer={footer}
      testId="fit"
    >
      <ChartBox height={320}>
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey="date" {...axisProps} minTickGap={40} />
          <YAxis
            {...axisProps}
            tickFormatter={formatCompact}
            width={64}
            label={yAxisLabel(`${units.kpi} per week`, 50)}
          />
          {range ? (
            <ReferenceArea
              x1={range[0]}
              x2={range[1]}
              fill={tokens.holdout}
              fillOpacity={0.8}
              stroke="none"
              ifOverflow="extendDomain"
              label={{ value: "Holdout", position: "insideTop", fill: tokens.muted, fontSize: 12 }}
            />
          ) : null}
          {data?.predictive
            ? bandArea({
                dataKey: "predictive",
                name: "90% predictive interval",
                color: seriesColor(0),
                opacity: 0.12,
              })
            : null}
          {bandArea({ name: "90% credible band", color: seriesColor(0), opacity: 0.3 })}
          {seriesLine({ dataKey: "fitted", name: "Fitted", color: seriesColor(0), width: 2 })}
          {seriesLine({ dataKey: "actual", name: "Actual", color: tokens.fg, width: 1.5 })}
          <Tooltip
            content={rowTooltip((r: FitRow) => ({
              title: `${r.date}${r.holdout ? " (holdout)" : ""}`,
              lines: [
                { name: "Actual", value: formatCompact(r.actual), color: tokens.fg },
                { name: "Fitted", value: intervalText(r.fitted, r.band), color: seriesColor(0) },
              ],
            }))}
          />
          <Legend {...legendProps} />
        </ComposedChart>
      </ChartBox>
    </ChartCard>
  );
}
