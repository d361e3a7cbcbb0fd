"use client";
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Tooltip, XAxis, YAxis } from "recharts";
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
  formatPercent,
  gridProps,
  legendProps,
  seriesColor,
  tokens,
  yAxisLabel,
  type ChartUnits,
} from "./theme.ts";
import { rowTooltip } from "./tooltip.tsx";

export interface ChannelRoiView {
  name: string;
  spend: number;
  spendShare: number;
  roi: IntervalValue;
  marginalRoi: IntervalValue;
  contributionShare: IntervalValue;
}

const roiFormat = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "—");

export function roiInput(channels: ChannelRoiView[]): IntervalBarInput[] {
  return channels.map((c) => ({ label: c.name, values: { roi: c.roi, marginalRoi: c.marginalRoi } }));
}

export const ROI_SERIES = [
  { key: "roi", name: "ROI (average return)", color: seriesColor(0) },
  { key: "marginalRoi", name: "Marginal ROI (next unit of spend)", color: seriesColor(1) },
];

export function RoiChart({
  channels,
  units,
  status,
}: {
  channels: ChannelRoiView[] | null;
  units: ChartUnits;
  status?: ChartStatus;
}) {
  const input = roiInput(channels ?? []);
  const per = `${units.kpi} per ${units.currency || "unit"} spent`;
  return (
    <ChartCard
      title="Return on investment by channel"
      description={`ROI is ${per} on average; marginal ROI is what the next unit of spend returns. Error bars: 90% credible intervals. Below the dashed line a channel returns less than it costs (when the KPI is revenue).`}
      csv={() => intervalBarCsv(input, ROI_SERIES, "channel")}
      status={
        status ??
        (input.length === 0 ? { state: "empty", message: "This run has no channels." } : { state: "ready" })
      }
      testId="roi"
    >
      <IntervalBarChart
        input={input}
        series={ROI_SERIES}
        yLabel={per}
        format={roiFormat}
        reference={{ y: 1, label: "1.0" }}
      />
    </ChartCard>
  );
}

export interface ShareRow {
  label: string;
  spendShare: number;
  contributionShare: number;
  contributionErr: [number, number];
  contribution: IntervalValue;
}

export function shareRows(channels: ChannelRoiView[]): ShareRow[] {
  return channels.map((c) => ({
    label: c.name,
    spendShare: c.spendShare,
    contributionShare: c.contributionShare.mean,
    contributionErr: [
      Math.max(0, c.contributionShare.mean - c.contributionShare.q05),
      Math.max(0, c.contributionShare.q95 - c.contributionShare.mean),
    ],
    contribution: c.contributionShare,
  }));
}

export function ShareChart({
  channels,
  status,
}: {
  channels: ChannelRoiView[] | null;
  status?: ChartStatus;
}) {
  const rows = shareRows(channels ?? []);
  return (
    <ChartCard
      title="Share of spend vs share of effect"
      description="Each channel's share of media spend next to its share of the media-driven KPI (90% interval on the effect). A channel whose effect share beats its spend share earns more than its keep."
      csv={() => ({
        columns: [
          "channel",
          "spend_share",
          "contribution_share_mean",
          "contribution_share_q05",
          "contribution_share_q95",
        ],
        rows: rows.map((r) => [
          r.label,
          r.spendShare,
          r.contribution.mean,
          r.contribution.q05,
          r.contribution.q95,
        ]),
      })}
      status={
        status ??
        (rows.length === 0 ? { state: "empty", message: "This run has no channels." } : { state: "ready" })
      }
      testId="share"
    >
      <ChartBox height={300}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey="label" {...axisProps} interval={0} />
          <YAxis
            {...axisProps}
            tickFormatter={(v: number) => formatPercent(v)}
            width={56}
            label={yAxisLabel("share")}
          />
          <Bar
            dataKey="spendShare"
            name="Share of spend"
            fill={seriesColor(9)}
            isAnimationActive={false}
            maxBarSize={40}
          />
          <Bar
            dataKey="contributionShare"
            name="Share of media effect"
            fill={seriesColor(0)}
            isAnimationActive={false}
            maxBarSize={40}
          >
            <ErrorBar dataKey="contributionErr" stroke={tokens.fg} width={6} isAnimationActive={false} />
          </Bar>
          <Tooltip
            cursor={barCursor}
            content={rowTooltip((r: ShareRow) => ({
              title: r.label,
              lines: [
                { name: "Share of spend", value: formatPercent(r.spendShare, 1), color: seriesColor(9) },
                {
                  name: "Share of media effect",
                  value: `${formatPercent(r.contribution.mean, 1)} (${formatPercent(r.contribution.q05, 1)}–${formatPercent(r.contribution.q95, 1)})`,
                  color: seriesColor(0),
                },
              ],
            }))}
          />
          <Legend {...legendProps} />
        </BarChart>
      </ChartBox>
    </ChartCard>
  );
}
