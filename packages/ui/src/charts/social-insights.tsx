"use client";
import { ChartCard, type ChartStatus } from "./chart-card.tsx";
import {
  IntervalBarChart,
  intervalBarCsv,
  type IntervalBarInput,
  type IntervalValue,
} from "./interval-bar-chart.tsx";
import { formatPercent, seriesColor } from "./theme.ts";

export interface SocialChannelView {
  name: string;
  type: string;
  viralShare: IntervalValue | null;
  networkShare: IntervalValue | null;
  authenticityShare: IntervalValue | null;
  consistencyShare: IntervalValue | null;
}

export interface SynergyView {
  a: string;
  b: string;
  contribution: IntervalValue;
  lift: IntervalValue;
}

const pct = (v: IntervalValue) =>
  `${formatPercent(v.mean)} (likely between ${formatPercent(v.q05)} and ${formatPercent(v.q95)})`;
/** "clearly" only when the whole 90% interval is on one side of zero. */
const sure = (v: IntervalValue) => v.q05 > 0 || v.q95 < 0;

/** Plain-language findings for a marketer, one per effect the model estimated. */
export function socialInsightSentences(channels: SocialChannelView[], synergies: SynergyView[]): string[] {
  const out: string[] = [];
  for (const c of channels) {
    if (c.viralShare) {
      out.push(
        `${c.name}: ${pct(c.viralShare)} of its effect comes from people sharing and re-sharing (the viral echo), on top of the paid reach itself.`,
      );
    }
    if (c.networkShare) {
      out.push(
        `${c.name}: ${pct(c.networkShare)} of its effect comes from staying active week after week: consistent spend builds an audience that compounds (network effect).`,
      );
    }
    if (c.authenticityShare) {
      out.push(
        `${c.name}: ${pct(c.authenticityShare)} of its effect comes from moderate, authentic-feeling activity; very heavy weeks lose this bonus.`,
      );
    }
    if (c.consistencyShare) {
      out.push(
        `${c.name}: ${pct(c.consistencyShare)} of its effect comes from running creators consistently rather than in one-off bursts.`,
      );
    }
  }
  for (const s of synergies) {
    const dir = s.lift.mean >= 0 ? "boosts" : "cannibalizes";
    const certainty = sure(s.lift) ? "" : " (not clearly different from zero)";
    out.push(
      `Running ${s.a} and ${s.b} together ${dir} their combined effect by ${formatPercent(Math.abs(s.lift.mean))}${certainty}; 90% interval ${formatPercent(s.lift.q05)} to ${formatPercent(s.lift.q95)}.`,
    );
  }
  return out;
}

const SHARE_SERIES = [
  { key: "viral", name: "Viral echo", color: seriesColor(0) },
  { key: "network", name: "Network effect", color: seriesColor(1) },
  { key: "authenticity", name: "Authenticity", color: seriesColor(2) },
  { key: "consistency", name: "Consistency", color: seriesColor(4) },
];

export function socialShareInput(channels: SocialChannelView[]): IntervalBarInput[] {
  return channels
    .filter((c) => c.viralShare || c.networkShare || c.authenticityShare || c.consistencyShare)
    .map((c) => ({
      label: c.name,
      values: {
        viral: c.viralShare,
        network: c.networkShare,
        authenticity: c.authenticityShare,
        consistency: c.consistencyShare,
      },
    }));
}

export function SocialInsights({
  channels,
  synergies,
  status,
}: {
  channels: SocialChannelView[] | null;
  synergies: SynergyView[] | null;
  status?: ChartStatus;
}) {
  const input = socialShareInput(channels ?? []);
  const usedSeries = SHARE_SERIES.filter((s) => input.some((r) => r.values[s.key]));
  const syn = synergies ?? [];
  const synInput: IntervalBarInput[] = syn.map((s) => ({
    label: `${s.a} × ${s.b}`,
    values: { lift: s.lift },
  }));
  const sentences = socialInsightSentences(channels ?? [], syn);
  const empty = input.length === 0 && syn.length === 0;
  return (
    <ChartCard
      title="Social and influencer effects"
      description="Share of each social or influencer channel's effect that comes from sharing, network, authenticity and consistency, and the lift from running channel pairs together. Error bars: 90% intervals."
      csv={() => {
        const a = intervalBarCsv(input, usedSeries, "channel");
        const b = intervalBarCsv(synInput, [{ key: "lift", name: "Synergy lift" }], "pair");
        return {
          columns: ["section", ...a.columns.slice(0), ...b.columns.slice(1).map((c) => `pair_${c}`)],
          rows: [
            ...a.rows.map((r) => ["channel", ...r]),
            ...b.rows.map((r) => [
              "pair",
              r[0] ?? null,
              ...usedSeries.flatMap(() => [null, null, null]),
              ...r.slice(1),
            ]),
          ],
        };
      }}
      status={
        status ??
        (empty
          ? {
              state: "empty",
              message:
                "This model has no social stages (viral echo, network, authenticity) and no synergy pairs. Enable them in the model config to see these effects.",
            }
          : { state: "ready" })
      }
      testId="social"
    >
      <ul className="mb-4 list-disc space-y-1 pl-5 text-sm text-fg" data-testid="social-sentences">
        {sentences.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      {input.length > 0 ? (
        <IntervalBarChart
          input={input}
          series={usedSeries}
          yLabel="share of the channel's effect"
          format={(v) => formatPercent(v)}
          height={260}
        />
      ) : null}
      {synInput.length > 0 ? (
        <div className="mt-4">
          <p className="mb-1 text-sm font-medium text-fg">Synergy lift between pairs</p>
          <IntervalBarChart
            input={synInput}
            series={[{ key: "lift", name: "Lift of the pair over the two alone", color: seriesColor(5) }]}
            yLabel="lift"
            format={(v) => formatPercent(v)}
            reference={{ y: 0, label: "" }}
            height={220}
          />
        </div>
      ) : null}
    </ChartCard>
  );
}
