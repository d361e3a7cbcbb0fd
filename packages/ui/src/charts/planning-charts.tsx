"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { ChartBox, ChartCard, type ChartStatus } from "./chart-card.tsx";
import {
  IntervalBarChart,
  intervalBarCsv,
  type IntervalBarInput,
  type IntervalValue,
} from "./interval-bar-chart.tsx";
import {
  axisProps,
  barCursor,
  formatCompact,
  formatMoney,
  formatPercent,
  gridProps,
  legendProps,
  moneyYAxisProps,
  seriesColor,
  tokens,
  type ChartUnits,
} from "./theme.ts";
import { rowTooltip, stackedMoneyTooltip } from "./tooltip.tsx";

export interface AllocationView {
  channel: string;
  currentTotal: number;
  total: number;
  atBound: "min" | "max" | "locked" | null;
}

export interface AllocationRow {
  channel: string;
  current: number;
  optimal: number;
  change: number;
  atBound: AllocationView["atBound"];
}

export function allocationRows(a: AllocationView[]): AllocationRow[] {
  return a.map((x) => ({
    channel: x.channel,
    current: x.currentTotal,
    optimal: x.total,
    change: x.total - x.currentTotal,
    atBound: x.atBound,
  }));
}

/** Current plan (last quarter's pattern scaled to the budget) vs the optimizer's allocation. */
export function AllocationChart({
  allocation,
  units,
  status,
}: {
  allocation: AllocationView[] | null;
  units: ChartUnits;
  status?: ChartStatus;
}) {
  const rows = allocationRows(allocation ?? []);
  return (
    <ChartCard
      title="Current vs optimal allocation"
      description={`Total spend per channel over the horizon (${units.currency || "dataset currency"}): today's mix scaled to the budget, and the optimizer's.`}
      csv={() => ({
        columns: ["channel", "current_total", "optimal_total", "change", "constraint"],
        rows: rows.map((r) => [r.channel, r.current, r.optimal, r.change, r.atBound]),
      })}
      status={
        status ??
        (rows.length === 0
          ? { state: "empty", message: "Run the optimizer to see an allocation." }
          : { state: "ready" })
      }
      testId="allocation"
    >
      <ChartBox height={300}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey="channel" {...axisProps} interval={0} />
          <YAxis {...moneyYAxisProps("spend", units.currency, 50)} />
          <Bar
            dataKey="current"
            name="Current plan"
            fill={seriesColor(9)}
            isAnimationActive={false}
            maxBarSize={40}
          />
          <Bar
            dataKey="optimal"
            name="Optimal"
            fill={seriesColor(0)}
            isAnimationActive={false}
            maxBarSize={40}
          />
          <Tooltip
            cursor={barCursor}
            content={rowTooltip((r: AllocationRow) => ({
              title: r.channel,
              lines: [
                {
                  name: "Current plan",
                  value: formatMoney(r.current, units.currency),
                  color: seriesColor(9),
                },
                { name: "Optimal", value: formatMoney(r.optimal, units.currency), color: seriesColor(0) },
                {
                  name: "Change",
                  value: `${r.change >= 0 ? "+" : ""}${formatMoney(r.change, units.currency)}`,
                },
                ...(r.atBound ? [{ name: "Constraint", value: r.atBound }] : []),
              ],
            }))}
          />
          <Legend {...legendProps} />
        </BarChart>
      </ChartBox>
    </ChartCard>
  );
}

export interface ScenarioSummaryView {
  label: string;
  totalSpend: number;
  kpi: IntervalValue;
  incrementalKpi: IntervalValue;
  roi: IntervalValue | null;
  channels: Record<string, { spend: number; contribution: IntervalValue; roi: IntervalValue | null }>;
}

export function ScenarioCompareCharts({
  scenarios,
  units,
}: {
  scenarios: ScenarioSummaryView[];
  units: ChartUnits;
}) {
  const kpiInput: IntervalBarInput[] = scenarios.map((s) => ({
    label: s.label,
    values: { incremental: s.incrementalKpi, roi: null },
  }));
  const roiInput: IntervalBarInput[] = scenarios.map((s) => ({ label: s.label, values: { roi: s.roi } }));
  const channels = [...new Set(scenarios.flatMap((s) => Object.keys(s.channels)))];
  const contribSeries = scenarios.map((s, i) => ({ key: `s${i}`, name: s.label, color: seriesColor(i) }));
  const contribInput: IntervalBarInput[] = channels.map((c) => ({
    label: c,
    values: Object.fromEntries(scenarios.map((s, i) => [`s${i}`, s.channels[c]?.contribution ?? null])),
  }));
  const kpiSeries = [{ key: "incremental", name: `incremental ${units.kpi}`, color: seriesColor(0) }];
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard
        title="Incremental KPI by scenario"
        description={`${units.kpi} caused by each plan over its horizon (incl. carryover), 90% intervals.`}
        csv={() => intervalBarCsv(kpiInput, kpiSeries, "scenario")}
        testId="scenario-kpi"
      >
        <IntervalBarChart input={kpiInput} series={kpiSeries} yLabel={`incremental ${units.kpi}`} />
      </ChartCard>
      <ChartCard
        title="ROI by scenario"
        description={`Incremental ${units.kpi} per unit of spend, 90% intervals.`}
        csv={() => intervalBarCsv(roiInput, [{ key: "roi", name: "ROI" }], "scenario")}
        testId="scenario-roi"
      >
        <IntervalBarChart
          input={roiInput}
          series={[{ key: "roi", name: "ROI", color: seriesColor(1) }]}
          yLabel="ROI"
          format={(v) => v.toFixed(2)}
          reference={{ y: 1, label: "1.0" }}
        />
      </ChartCard>
      <div className="lg:col-span-2">
        <ChartCard
          title="Contribution by channel"
          description={`Each channel's own incremental ${units.kpi} in each scenario, 90% intervals.`}
          csv={() => intervalBarCsv(contribInput, contribSeries, "channel")}
          testId="scenario-contribution"
        >
          <IntervalBarChart
            input={contribInput}
            series={contribSeries}
            yLabel={`incremental ${units.kpi}`}
            height={320}
          />
        </ChartCard>
      </div>
    </div>
  );
}

/** Background for a probability cell: neutral at 0.5, stronger towards 0 or 1. */
export function probabilityTone(p: number): string {
  const strength = Math.round(Math.abs(p - 0.5) * 2 * 60);
  return p >= 0.5
    ? `color-mix(in srgb, ${tokens.success} ${strength}%, transparent)`
    : `color-mix(in srgb, ${tokens.danger} ${strength}%, transparent)`;
}

/** P(row beats column) matrix, draw by draw. */
export function ProbabilityMatrix({ labels, matrix }: { labels: string[]; matrix: (number | null)[][] }) {
  return (
    <ChartCard
      title="Chance that one scenario beats another"
      description="Each cell: the probability that the row's scenario delivers more KPI than the column's, over the posterior draws. 50% means a coin flip; above 90% is a confident call."
      csv={() => ({
        columns: ["scenario", ...labels],
        rows: labels.map((l, i) => [l, ...(matrix[i] ?? []).map((v) => v)]),
      })}
      status={
        labels.length < 2 ? { state: "empty", message: "Pick at least two scenarios." } : { state: "ready" }
      }
      testId="probability-matrix"
    >
      <div className="overflow-x-auto">
        <table className="border-collapse text-sm" data-testid="p-matrix">
          <thead>
            <tr>
              <th className="px-2 py-1 text-left text-xs font-medium text-muted">row beats column</th>
              {labels.map((l) => (
                <th key={l} scope="col" className="px-2 py-1 text-left text-xs font-medium text-muted">
                  {l}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((l, i) => (
              <tr key={l}>
                <th scope="row" className="px-2 py-1 text-left text-xs font-medium text-fg">
                  {l}
                </th>
                {labels.map((c, j) => {
                  const p = matrix[i]?.[j] ?? null;
                  return (
                    <td
                      key={c}
                      className="border border-line px-3 py-2 text-center tabular-nums text-fg"
                      style={p === null ? undefined : { background: probabilityTone(p) }}
                      title={p === null ? undefined : `P(${l} beats ${c}) = ${formatPercent(p, 1)}`}
                    >
                      {p === null ? "—" : formatPercent(p)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ChartCard>
  );
}

export function upliftSentence(
  u: { kpi: IntervalValue; relative: IntervalValue; probabilityBetter: number },
  kpi: string,
): string {
  return `Expected uplift: ${u.kpi.mean >= 0 ? "+" : ""}${formatCompact(u.kpi.mean)} ${kpi} (${formatPercent(u.relative.mean, 1)}), 90% interval ${formatCompact(u.kpi.q05)} to ${formatCompact(u.kpi.q95)}; the optimal plan beats the current one in ${formatPercent(u.probabilityBetter)} of posterior draws.`;
}

export interface FlightingView {
  /** Plan weeks (1-based labels W1..Wn). */
  weeks: number;
  channels: { channel: string; weekly: number[] }[];
}

/** One row per plan week: week label and each channel's spend that week. */
export function flightingRows(f: FlightingView): Record<string, number | string>[] {
  return Array.from({ length: f.weeks }, (_, w) => {
    const row: Record<string, number | string> = { week: `W${w + 1}` };
    for (const c of f.channels) row[c.channel] = c.weekly[w] ?? 0;
    return row;
  });
}

/** The flighting plan as a table: one row per channel, its total, then one column per week. */
export function flightingCsv(f: FlightingView): { columns: string[]; rows: (string | number)[][] } {
  return {
    columns: ["channel", "total", ...Array.from({ length: f.weeks }, (_, w) => `week ${w + 1}`)],
    rows: f.channels.map((c) => [c.channel, c.weekly.reduce((a, b) => a + b, 0), ...c.weekly]),
  };
}

/** Per-channel per-week plan (flighting), stacked bars per week. */
export function FlightingChart({
  plan,
  units,
  tailWeeks,
  status,
}: {
  plan: FlightingView | null;
  units: ChartUnits;
  /** Weeks after the plan whose carry-over counts in its KPI (stated under the chart). */
  tailWeeks?: number;
  status?: ChartStatus;
}) {
  const rows = plan ? flightingRows(plan) : [];
  const channels = plan?.channels ?? [];
  return (
    <ChartCard
      title="Weekly plan per channel"
      description={`Spend per channel in each plan week, stacked (${units.currency || "dataset currency"}).${
        tailWeeks !== undefined
          ? ` The KPI counts the plan weeks and the ${tailWeeks} week${tailWeeks === 1 ? "" : "s"} after them, where this spend still works (carry-over).`
          : ""
      }`}
      csv={() => (plan ? flightingCsv(plan) : { columns: [], rows: [] })}
      status={
        status ??
        (rows.length === 0 ? { state: "empty", message: "No weekly plan yet." } : { state: "ready" })
      }
      testId="flighting"
    >
      <ChartBox height={300}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey="week" {...axisProps} />
          <YAxis {...moneyYAxisProps("weekly spend", units.currency, 60)} />
          {channels.map((c, i) => (
            <Bar
              key={c.channel}
              dataKey={c.channel}
              stackId="plan"
              fill={seriesColor(i)}
              isAnimationActive={false}
              maxBarSize={48}
            />
          ))}
          <Tooltip
            cursor={barCursor}
            content={stackedMoneyTooltip(
              "week",
              channels.map((c) => c.channel),
              units.currency,
            )}
          />
          <Legend {...legendProps} />
        </BarChart>
      </ChartBox>
    </ChartCard>
  );
}
