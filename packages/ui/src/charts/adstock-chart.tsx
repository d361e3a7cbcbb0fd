"use client";
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { ChartBox, ChartCard, type ChartStatus } from "./chart-card.tsx";
import type { CsvTable } from "./csv.ts";
import { axisProps, formatPercent, gridProps, seriesColor, tokens } from "./theme.ts";
import { TooltipBox, type TooltipProps } from "./tooltip.tsx";

export interface AdstockView {
  channel: string;
  lags: number[];
  weight: { mean: number[]; lo: number[]; hi: number[] };
}

/** Rows by lag: one column per channel with the mean weight (share of the effect carried into week lag). */
export function adstockRows(list: AdstockView[]): Record<string, number>[] {
  const lags = Math.max(0, ...list.map((a) => a.lags.length));
  return Array.from({ length: lags }, (_, l) => {
    const row: Record<string, number> = { lag: l };
    for (const a of list) row[a.channel] = a.weight.mean[l] as number;
    return row;
  });
}

export function adstockCsv(list: AdstockView[]): CsvTable {
  return {
    columns: ["channel", "weeks_after", "weight_mean", "weight_q05", "weight_q95"],
    rows: list.flatMap((a) =>
      a.lags.map((l, k) => [
        a.channel,
        l,
        a.weight.mean[k] as number,
        a.weight.lo[k] as number,
        a.weight.hi[k] as number,
      ]),
    ),
  };
}

/** Weeks until 90% of a unit of spend's effect has happened (from the mean weights). */
export function weeksTo90(a: AdstockView): number {
  const total = a.weight.mean.reduce((s, v) => s + v, 0);
  let acc = 0;
  for (let k = 0; k < a.weight.mean.length; k++) {
    acc += a.weight.mean[k] as number;
    if (total > 0 && acc / total >= 0.9) return k + 1;
  }
  return a.weight.mean.length;
}

export function AdstockChart({ adstock, status }: { adstock: AdstockView[] | null; status?: ChartStatus }) {
  const list = adstock ?? [];
  const rows = adstockRows(list);
  return (
    <ChartCard
      title="How long ads keep working (adstock decay)"
      description="Weight of one week's spend in the weeks after it (week 0 = the week it runs). Slow decay means the effect carries over for longer."
      csv={() => adstockCsv(list)}
      status={
        status ??
        (list.length === 0
          ? { state: "empty", message: "No adstock curves for this run." }
          : { state: "ready" })
      }
      footer={
        list.length > 0 ? (
          <span>
            {list
              .map(
                (a) =>
                  `${a.channel}: 90% of the effect within ${weeksTo90(a)} week${weeksTo90(a) === 1 ? "" : "s"}`,
              )
              .join(" · ")}
          </span>
        ) : null
      }
      testId="adstock"
    >
      <ChartBox height={280}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis
            dataKey="lag"
            {...axisProps}
            label={{
              value: "weeks after the spend",
              position: "insideBottom",
              offset: -8,
              fill: tokens.muted,
              fontSize: 12,
            }}
          />
          <YAxis {...axisProps} tickFormatter={(v: number) => formatPercent(v)} width={52} />
          {list.map((a, i) => (
            <Line
              key={a.channel}
              type="monotone"
              dataKey={a.channel}
              stroke={seriesColor(i)}
              strokeWidth={2}
              dot={{ r: 2 }}
              isAnimationActive={false}
            />
          ))}
          <Tooltip
            content={(p: TooltipProps<Record<string, number>> & { label?: number | string }) => {
              if (!p.active) return null;
              const lag = Number(p.label);
              return (
                <TooltipBox
                  title={`${lag} week${lag === 1 ? "" : "s"} after the spend`}
                  lines={list.map((a, i) => ({
                    name: a.channel,
                    value: `${formatPercent(a.weight.mean[lag], 1)} (${formatPercent(a.weight.lo[lag], 1)}–${formatPercent(a.weight.hi[lag], 1)})`,
                    color: seriesColor(i),
                  }))}
                />
              );
            }}
          />
          <Legend wrapperStyle={{ color: tokens.muted, fontSize: 12, paddingTop: 8 }} />
        </LineChart>
      </ChartBox>
    </ChartCard>
  );
}
