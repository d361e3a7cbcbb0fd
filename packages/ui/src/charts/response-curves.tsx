"use client";
import { ReferenceLine } from "recharts";
import { ChartCard, statusOrEmpty, type ChartStatus } from "./chart-card.tsx";
import type { CsvTable } from "./csv.ts";
import { CurveFigure, intervalText } from "./interval-series.tsx";
import { formatMoney, seriesColor, tokens, type ChartUnits } from "./theme.ts";

export interface ResponseCurveView {
  channel: string;
  multipliers: number[];
  spend: number[];
  kpi: { mean: number[]; lo: number[]; hi: number[] };
  current: { spend: number; kpi: number };
  saturation: { multiplier: number; spend: number; threshold: number } | null;
}

export interface CurveRow {
  multiplier: number;
  spend: number;
  kpi: number;
  band: [number, number];
}

export function curveRows(c: ResponseCurveView): CurveRow[] {
  return c.spend.map((spend, k) => ({
    multiplier: c.multipliers[k] as number,
    spend,
    kpi: c.kpi.mean[k] as number,
    band: [c.kpi.lo[k] as number, c.kpi.hi[k] as number],
  }));
}

export function curvesCsv(curves: ResponseCurveView[]): CsvTable {
  return {
    columns: [
      "channel",
      "spend_multiplier",
      "spend",
      "incremental_kpi_mean",
      "incremental_kpi_q05",
      "incremental_kpi_q95",
      "is_current",
      "saturation_spend",
    ],
    rows: curves.flatMap((c) =>
      curveRows(c).map((r) => [
        c.channel,
        r.multiplier,
        r.spend,
        r.kpi,
        r.band[0],
        r.band[1],
        r.multiplier === 1,
        c.saturation?.spend ?? null,
      ]),
    ),
  };
}

/** Sentence under a curve: where the channel is relative to its saturation point. */
export function saturationNote(c: ResponseCurveView, currency: string): string {
  if (!c.saturation) return "Still climbing at 3x today's spend: no saturation point in range.";
  if (c.saturation.multiplier === 0)
    return `Each extra unit of spend returns less than ${c.saturation.threshold} at any level: saturated from the start.`;
  const m = c.saturation.multiplier;
  return m < 1
    ? `Past its saturation point (${formatMoney(c.saturation.spend, currency)}, ${m.toFixed(1)}x): extra spend returns less than ${c.saturation.threshold} per unit.`
    : `Room to grow: saturates around ${formatMoney(c.saturation.spend, currency)} (${m.toFixed(1)}x today's spend).`;
}

function Curve({ curve, color, units }: { curve: ResponseCurveView; color: string; units: ChartUnits }) {
  return (
    <CurveFigure
      channel={curve.channel}
      caption={curve.channel}
      rows={curveRows(curve)}
      xKey="spend"
      xTick={(v) => formatMoney(v, units.currency)}
      color={color}
      today={{ x: curve.current.spend, y: curve.current.kpi }}
      names={{ band: "90% band", line: `incremental ${units.kpi}` }}
      marker={
        curve.saturation && curve.saturation.multiplier > 0 ? (
          <ReferenceLine
            x={curve.saturation.spend}
            stroke={tokens.warning}
            strokeDasharray="4 4"
            label={{ value: "saturation", position: "insideTopRight", fill: tokens.warning, fontSize: 11 }}
          />
        ) : null
      }
      tooltip={(r) => ({
        title: `${curve.channel} at ${r.multiplier.toFixed(1)}x today's spend`,
        lines: [
          { name: "Spend", value: formatMoney(r.spend, units.currency) },
          { name: `Incremental ${units.kpi}`, value: intervalText(r.kpi, r.band), color },
        ],
      })}
      note={saturationNote(curve, units.currency)}
    />
  );
}

export function ResponseCurvesChart({
  curves,
  units,
  status,
}: {
  curves: ResponseCurveView[] | null;
  units: ChartUnits;
  status?: ChartStatus;
}) {
  const list = curves ?? [];
  return (
    <ChartCard
      title="Response curves"
      description={`Incremental ${units.kpi} over the training weeks if a channel's spend were scaled from 0 to 3x (x-axis: total spend in ${units.currency || "the dataset currency"}). Dot: today's spend; dashed line: where the next unit returns less than 1 (saturation). Bands: 90%.`}
      csv={() => curvesCsv(list)}
      status={statusOrEmpty(status, list.length, "No response curves for this run.")}
      testId="response-curves"
    >
      <div className="grid gap-6 sm:grid-cols-2 xl:grid-cols-3">
        {list.map((c, i) => (
          <Curve key={c.channel} curve={c} color={seriesColor(i)} units={units} />
        ))}
      </div>
    </ChartCard>
  );
}
