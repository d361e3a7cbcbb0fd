"use client";
import { Area, AreaChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { ChartBox, ChartCard, type ChartStatus } from "./chart-card.tsx";
import type { CsvTable } from "./csv.ts";
import { axisProps, gridProps, legendProps, moneyYAxisProps, seriesColor, type ChartUnits } from "./theme.ts";
import { stackedMoneyTooltip } from "./tooltip.tsx";

export interface SpendView {
  dates: string[];
  channels: { name: string; weekly: number[] }[];
}

export function spendRows(s: SpendView): Record<string, number | string>[] {
  return s.dates.map((date, t) => {
    const row: Record<string, number | string> = { date };
    for (const c of s.channels) row[c.name] = c.weekly[t] as number;
    return row;
  });
}

export function spendCsv(s: SpendView): CsvTable {
  return {
    columns: ["date", ...s.channels.map((c) => c.name)],
    rows: s.dates.map((d, t) => [d, ...s.channels.map((c) => c.weekly[t] as number)]),
  };
}

export function SpendChart({
  spend,
  units,
  status,
}: {
  spend: SpendView | null;
  units: ChartUnits;
  status?: ChartStatus;
}) {
  const rows = spend ? spendRows(spend) : [];
  const channels = spend?.channels ?? [];
  return (
    <ChartCard
      title="Media spend over time"
      description={`Weekly spend per channel, stacked (${units.currency || "dataset currency"}): flighting, bursts and always-on patterns.`}
      csv={() => (spend ? spendCsv(spend) : { columns: [], rows: [] })}
      status={
        status ??
        (rows.length === 0 ? { state: "empty", message: "No spend data for this run." } : { state: "ready" })
      }
      testId="spend"
    >
      <ChartBox height={300}>
        <AreaChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey="date" {...axisProps} minTickGap={40} />
          <YAxis {...moneyYAxisProps("weekly spend", units.currency, 60)} />
          {channels.map((c, i) => (
            <Area
              key={c.name}
              type="step"
              dataKey={c.name}
              stackId="spend"
              stroke={seriesColor(i)}
              fill={seriesColor(i)}
              fillOpacity={0.7}
              isAnimationActive={false}
            />
          ))}
          <Tooltip
            content={stackedMoneyTooltip(
              "date",
              channels.map((c) => c.name),
              units.currency,
            )}
          />
          <Legend {...legendProps} />
        </AreaChart>
      </ChartBox>
    </ChartCard>
  );
}
