"use client";
import { ChartCard, type ChartStatus } from "./chart-card.tsx";
import {
  IntervalBarChart,
  intervalBarCsv,
  type IntervalBarInput,
  type IntervalValue,
} from "./interval-bar-chart.tsx";
import { formatPercent, seriesColor, type ChartUnits } from "./theme.ts";

export interface RoiMoveView {
  channel: string;
  previous: IntervalValue;
  current: IntervalValue;
  delta: number;
  relativeDelta: number | null;
  flagged: boolean;
}

const roiFormat = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "—");

export function roiMoveSentence(m: RoiMoveView): string {
  const dir = m.delta >= 0 ? "up" : "down";
  const rel =
    m.relativeDelta === null
      ? ""
      : ` (${m.delta >= 0 ? "+" : "−"}${formatPercent(Math.abs(m.relativeDelta))})`;
  const tail = m.flagged
    ? " — outside the previous run's 90% interval: a real shift worth a look."
    : " — within the previous run's interval: normal refit noise.";
  return `${m.channel}: ROI ${dir} from ${roiFormat(m.previous.mean)} to ${roiFormat(m.current.mean)}${rel}${tail}`;
}

/** Refresh view: ROI per channel in the previous run vs this one. */
export function RoiMoveChart({
  moves,
  units,
  status,
  previousLabel = "Previous run",
  currentLabel = "This run",
}: {
  moves: RoiMoveView[] | null;
  units: ChartUnits;
  status?: ChartStatus;
  previousLabel?: string;
  currentLabel?: string;
}) {
  const list = moves ?? [];
  const series = [
    { key: "previous", name: previousLabel, color: seriesColor(9) },
    { key: "current", name: currentLabel, color: seriesColor(0) },
  ];
  const input: IntervalBarInput[] = list.map((m) => ({
    label: m.flagged ? `${m.channel} ⚑` : m.channel,
    values: { previous: m.previous, current: m.current },
  }));
  return (
    <ChartCard
      title="How ROI moved since the previous run"
      description={`ROI (${units.kpi} per unit of spend) per channel in the previous succeeded run of this model and in this one, with 90% intervals. ⚑ marks a channel whose new ROI is outside the previous interval.`}
      csv={() => {
        const t = intervalBarCsv(
          list.map((m) => ({ label: m.channel, values: { previous: m.previous, current: m.current } })),
          series,
          "channel",
        );
        return {
          columns: [...t.columns, "delta", "relative_delta", "flagged"],
          rows: t.rows.map((r, i) => [...r, list[i]!.delta, list[i]!.relativeDelta, list[i]!.flagged]),
        };
      }}
      status={
        status ??
        (list.length === 0
          ? {
              state: "empty",
              message:
                "This is the first succeeded run of this model, so there is nothing to compare with yet. Refits (manual or scheduled) will show here.",
            }
          : { state: "ready" })
      }
      testId="refresh"
    >
      <IntervalBarChart
        input={input}
        series={series}
        yLabel="ROI"
        format={roiFormat}
        reference={{ y: 1, label: "1.0" }}
      />
      <ul className="mt-3 space-y-1 text-sm text-fg" data-testid="refresh-sentences">
        {list.map((m) => (
          <li key={m.channel} className={m.flagged ? "text-warning" : undefined}>
            {roiMoveSentence(m)}
          </li>
        ))}
      </ul>
    </ChartCard>
  );
}

export interface RunRoiPair {
  channel: string;
  a: IntervalValue | null;
  b: IntervalValue | null;
}

export function RunRoiCompareChart({
  roi,
  labels,
  units,
}: {
  roi: RunRoiPair[];
  labels: [string, string];
  units: ChartUnits;
}) {
  const series = [
    { key: "a", name: labels[0], color: seriesColor(0) },
    { key: "b", name: labels[1], color: seriesColor(1) },
  ];
  const input: IntervalBarInput[] = roi.map((r) => ({ label: r.channel, values: { a: r.a, b: r.b } }));
  return (
    <ChartCard
      title="ROI per channel, side by side"
      description={`${units.kpi} per unit of spend in each run, with 90% intervals.`}
      csv={() => intervalBarCsv(input, series, "channel")}
      status={
        input.length === 0
          ? { state: "empty", message: "Neither run reports channel ROI." }
          : { state: "ready" }
      }
      testId="run-roi-compare"
    >
      <IntervalBarChart
        input={input}
        series={series}
        yLabel="ROI"
        format={roiFormat}
        reference={{ y: 1, label: "1.0" }}
      />
    </ChartCard>
  );
}
