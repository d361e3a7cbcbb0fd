"use client";
// Charts of v2 runs (geo, reach & frequency, organic, units KPI, time-varying media;
// shared/docs/model-v2.md): national channel figures with ROI and CPIK, the per-geo table, fit per
// geo as small multiples, response curves (per geo too), ROI versus frequency, organic
// contribution and media effectiveness over time. Each is a pure rows/CSV function plus a
// component inside a ChartCard (units, CSV, states), as the v1 charts.
import { useState, type ReactNode } from "react";
import { CartesianGrid, ComposedChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { Table, TBody, Td, Th, THead, Tr } from "../table.tsx";
import { ChartBox, ChartCard, statusOrEmpty, type ChartStatus } from "./chart-card.tsx";
import type { CsvCell, CsvTable } from "./csv.ts";
import { IntervalBarChart, type IntervalBarInput, type IntervalValue } from "./interval-bar-chart.tsx";
import {
  axisProps,
  formatCompact,
  formatMoney,
  formatPercent,
  gridProps,
  seriesColor,
  tokens,
} from "./theme.ts";
import { bandArea, CurveFigure, intervalText, seriesLine } from "./interval-series.tsx";
import { rowTooltip } from "./tooltip.tsx";

export type ChannelRoleView = "paid" | "rf" | "organic";

/** Units of a v2 run: the KPI's name and kind, a unit word for units KPIs, whether ROI is money. */
export interface V2Units {
  /** Currency symbol or code ("" = unnamed). */
  currency: string;
  /** KPI column name, e.g. "conversions". */
  kpi: string;
  /** Singular unit word of a units KPI, e.g. "conversion". */
  unit: string;
  kpiType: "revenue" | "units";
  /** Units KPI with a value per unit (constant or column), or a revenue KPI: ROI is in money. */
  valueKnown: boolean;
}

export interface ChannelFiguresView {
  name: string;
  type: string;
  role: ChannelRoleView;
  spend: number;
  incremental: IntervalValue | null;
  share: IntervalValue | null;
  roi: IntervalValue | null;
  cpik: IntervalValue | null;
  marginalRoi: IntervalValue | null;
  optimalFrequency: IntervalValue | null;
}

const money = (u: V2Units) => u.currency || "unit of currency";

/** The labels every v2 view uses, so that a number never appears without its unit. */
export function v2Labels(u: V2Units) {
  const c = money(u);
  return {
    roi: u.kpiType === "units" ? `ROI (value of ${u.unit}s per ${c} spent)` : `ROI (${u.kpi} per ${c} spent)`,
    unitsPerMoney: `${u.unit}s per ${c}`,
    cpik: `${c} per incremental ${u.unit}`,
    incremental: u.kpiType === "units" ? `incremental ${u.unit}s` : `incremental ${u.kpi}`,
  };
}

/** Incremental units per unit of spend: the incremental interval over the (fixed) spend, exact per quantile. */
export function unitsPerMoney(c: ChannelFiguresView): IntervalValue | null {
  if (c.role === "organic" || !c.incremental || !(c.spend > 0)) return null;
  return {
    mean: c.incremental.mean / c.spend,
    q05: c.incremental.q05 / c.spend,
    q95: c.incremental.q95 / c.spend,
  };
}

const ivCells = (v: IntervalValue | null | undefined): CsvCell[] =>
  v ? [v.mean, v.q05, v.q95] : [null, null, null];

export function nationalFiguresCsv(channels: ChannelFiguresView[], u: V2Units): CsvTable {
  const units = u.kpiType === "units";
  return {
    columns: [
      "channel",
      "role",
      "spend",
      "incremental_mean",
      "incremental_q05",
      "incremental_q95",
      "share_of_kpi_mean",
      "share_of_kpi_q05",
      "share_of_kpi_q95",
      ...(u.valueKnown ? ["roi_mean", "roi_q05", "roi_q95"] : []),
      ...(units
        ? [
            "units_per_money_mean",
            "units_per_money_q05",
            "units_per_money_q95",
            "cpik_mean",
            "cpik_q05",
            "cpik_q95",
          ]
        : []),
      "marginal_roi_mean",
      "marginal_roi_q05",
      "marginal_roi_q95",
      "optimal_frequency_mean",
      "optimal_frequency_q05",
      "optimal_frequency_q95",
    ],
    rows: channels.map((c) => [
      c.name,
      c.role,
      c.role === "organic" ? null : c.spend,
      ...ivCells(c.incremental),
      ...ivCells(c.share),
      ...(u.valueKnown ? ivCells(c.roi) : []),
      ...(units ? [...ivCells(unitsPerMoney(c)), ...ivCells(c.cpik)] : []),
      ...ivCells(c.marginalRoi),
      ...ivCells(c.optimalFrequency),
    ]),
  };
}

const fmtIv = (v: IntervalValue | null, f: (x: number) => string = formatCompact) =>
  v ? (
    <>
      <span className="font-medium">{f(v.mean)}</span>{" "}
      <span className="text-xs text-muted">
        ({f(v.q05)} – {f(v.q95)})
      </span>
    </>
  ) : (
    <span className="text-muted">—</span>
  );

const ROLE_LABEL: Record<ChannelRoleView, string> = {
  paid: "paid",
  rf: "reach & frequency",
  organic: "organic",
};

/**
 * The national figures per channel (all geos summed): ROI with 90% intervals, and for units KPIs
 * units per money and cost per incremental unit beside it; organic channels without ROI.
 */
export function NationalFiguresV2({
  channels,
  units,
  status,
}: {
  channels: ChannelFiguresView[] | null;
  units: V2Units;
  status?: ChartStatus;
}) {
  const list = channels ?? [];
  const L = v2Labels(units);
  const isUnits = units.kpiType === "units";
  const roiBars: IntervalBarInput[] = list
    .filter((c) => c.role !== "organic")
    .map((c) => ({ label: c.name, values: { v: units.valueKnown ? c.roi : unitsPerMoney(c) } }));
  const cpikBars: IntervalBarInput[] = list
    .filter((c) => c.role !== "organic")
    .map((c) => ({ label: c.name, values: { v: c.cpik } }));
  const st: ChartStatus = statusOrEmpty(status, list.length, "This run has no channels.");
  return (
    <ChartCard
      title="Channel returns, national"
      description={
        isUnits
          ? `All geos together. ${units.valueKnown ? `ROI is the value of the incremental ${units.unit}s per ${money(units)} spent; ` : `No value per ${units.unit} is known, so ROI is given in ${L.unitsPerMoney}; `}cost per incremental ${units.unit} is spend divided by the ${units.unit}s the channel caused. 90% credible intervals in brackets.`
          : `All geos together. ROI is incremental ${units.kpi} per ${money(units)} spent; marginal ROI is what the next ${money(units)} returns. 90% credible intervals in brackets.`
      }
      csv={() => nationalFiguresCsv(list, units)}
      status={st}
      testId="national-figures"
    >
      <Table caption="Channel returns, national">
        <THead>
          <tr>
            <Th>Channel</Th>
            <Th>Role</Th>
            <Th className="text-right">Spend</Th>
            <Th className="text-right">{L.incremental}</Th>
            <Th className="text-right">Share of {units.kpi}</Th>
            {units.valueKnown ? (
              <Th className="text-right">
                ROI ({money(units)} per {money(units)})
              </Th>
            ) : null}
            {isUnits ? <Th className="text-right">{L.unitsPerMoney}</Th> : null}
            {isUnits ? <Th className="text-right">{L.cpik}</Th> : null}
            <Th className="text-right">Marginal ROI</Th>
            <Th className="text-right">Optimal frequency</Th>
          </tr>
        </THead>
        <TBody>
          {list.map((c) => (
            <Tr key={c.name} data-testid="v2-channel-row">
              <Td className="font-medium">{c.name}</Td>
              <Td>{ROLE_LABEL[c.role]}</Td>
              <Td numeric>{c.role === "organic" ? "—" : formatMoney(c.spend, units.currency)}</Td>
              <Td numeric>{fmtIv(c.incremental)}</Td>
              <Td numeric>{fmtIv(c.share, (x) => formatPercent(x, 1))}</Td>
              {units.valueKnown ? (
                <Td numeric>
                  {c.role === "organic" ? (
                    <span className="text-xs text-muted">no spend, no ROI</span>
                  ) : (
                    fmtIv(c.roi)
                  )}
                </Td>
              ) : null}
              {isUnits ? <Td numeric>{c.role === "organic" ? "—" : fmtIv(unitsPerMoney(c))}</Td> : null}
              {isUnits ? (
                <Td numeric>
                  {c.role === "organic" ? "—" : fmtIv(c.cpik, (x) => formatMoney(x, units.currency))}
                </Td>
              ) : null}
              <Td numeric>{fmtIv(c.marginalRoi)}</Td>
              <Td numeric>{c.role === "rf" ? fmtIv(c.optimalFrequency, (x) => x.toFixed(1)) : "—"}</Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      {roiBars.length > 0 ? (
        <div className={`mt-4 grid gap-4 ${isUnits ? "xl:grid-cols-2" : ""}`}>
          <figure className="min-w-0">
            <figcaption className="mb-1 text-sm font-medium text-fg">
              {units.valueKnown ? L.roi : L.unitsPerMoney}
            </figcaption>
            <IntervalBarChart
              input={roiBars}
              series={[{ key: "v", name: units.valueKnown ? "ROI" : L.unitsPerMoney, color: seriesColor(0) }]}
              yLabel={units.valueKnown ? `per ${money(units)}` : L.unitsPerMoney}
              format={formatCompact}
              {...(units.valueKnown ? { reference: { y: 1, label: "break-even" } } : {})}
              height={240}
            />
          </figure>
          {isUnits ? (
            <figure className="min-w-0">
              <figcaption className="mb-1 text-sm font-medium text-fg">
                Cost per incremental {units.unit}
              </figcaption>
              <IntervalBarChart
                input={cpikBars}
                series={[{ key: "v", name: L.cpik, color: seriesColor(1) }]}
                yLabel={L.cpik}
                format={(x) => formatMoney(x, units.currency)}
                height={240}
              />
            </figure>
          ) : null}
        </div>
      ) : null}
    </ChartCard>
  );
}

// ---- geo table --------------------------------------------------------------------------------

export interface GeoRowView {
  geo: string;
  channel: string;
  role: ChannelRoleView;
  spend: number;
  incremental: IntervalValue | null;
  roi: IntervalValue | null;
  cpik: IntervalValue | null;
}

export type GeoSortKey = "geo" | "channel" | "spend" | "incremental" | "roi" | "cpik";
export interface GeoSort {
  key: GeoSortKey;
  dir: "asc" | "desc";
}

/** Rows of one channel (or all), sorted by a column; missing values (organic ROI) always last. */
export function geoTableRows(rows: GeoRowView[], channel: string | null, sort: GeoSort): GeoRowView[] {
  const value = (r: GeoRowView): string | number | null => {
    switch (sort.key) {
      case "geo":
        return r.geo;
      case "channel":
        return r.channel;
      case "spend":
        return r.role === "organic" ? null : r.spend;
      default:
        return r[sort.key]?.mean ?? null;
    }
  };
  const sign = sort.dir === "asc" ? 1 : -1;
  return rows
    .filter((r) => channel === null || r.channel === channel)
    .map((r, i) => ({ r, i, v: value(r) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === null ? (b.v === null ? a.i - b.i : 1) : -1;
      const d = typeof a.v === "string" ? a.v.localeCompare(String(b.v)) : a.v - (b.v as number);
      return d !== 0 ? sign * d : a.i - b.i;
    })
    .map((x) => x.r);
}

export function geoTableCsv(rows: GeoRowView[]): CsvTable {
  return {
    columns: [
      "geo",
      "channel",
      "role",
      "spend",
      "incremental_mean",
      "incremental_q05",
      "incremental_q95",
      "roi_mean",
      "roi_q05",
      "roi_q95",
      "cpik_mean",
      "cpik_q05",
      "cpik_q95",
    ],
    rows: rows.map((r) => [
      r.geo,
      r.channel,
      r.role,
      r.role === "organic" ? null : r.spend,
      ...ivCells(r.incremental),
      ...ivCells(r.roi),
      ...ivCells(r.cpik),
    ]),
  };
}

/** ROI and CPIK per channel per geo with 90% intervals: sortable by any column, one channel or all. */
export function GeoTableV2({
  rows,
  units,
  status,
}: {
  rows: GeoRowView[] | null;
  units: V2Units;
  status?: ChartStatus;
}) {
  const [sort, setSort] = useState<GeoSort>({ key: "geo", dir: "asc" });
  const [channel, setChannel] = useState<string | null>(null);
  const all = rows ?? [];
  const channels = [...new Set(all.map((r) => r.channel))];
  const shown = geoTableRows(all, channel, sort);
  const L = v2Labels(units);
  const isUnits = units.kpiType === "units";
  const header = (key: GeoSortKey, label: ReactNode, numeric = true) => {
    const active = sort.key === key;
    return (
      <Th
        className={numeric ? "text-right" : undefined}
        aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}
      >
        <button
          type="button"
          className="inline-flex items-center gap-1 uppercase hover:text-fg"
          onClick={() =>
            setSort(
              active
                ? { key, dir: sort.dir === "asc" ? "desc" : "asc" }
                : { key, dir: numeric ? "desc" : "asc" },
            )
          }
        >
          {label}
          <span aria-hidden>{active ? (sort.dir === "asc" ? "▲" : "▼") : "↕"}</span>
        </button>
      </Th>
    );
  };
  return (
    <ChartCard
      title="Returns by geo"
      description={`Each channel's ${L.incremental}${units.valueKnown ? ", ROI" : ""}${isUnits ? ` and ${L.cpik}` : ""} in each geo, with 90% credible intervals. Click a column to sort. Geos with little spend have wide intervals: read them as ranges, not rankings.`}
      csv={() => geoTableCsv(shown)}
      status={statusOrEmpty(status, all.length, "This is a national model: there are no geos to compare.")}
      actions={
        <label className="flex items-center gap-2 text-sm text-muted">
          Channel
          <select
            className="h-8 rounded-md border border-line bg-surface px-2 text-sm text-fg"
            value={channel ?? ""}
            onChange={(e) => setChannel(e.target.value === "" ? null : e.target.value)}
            aria-label="Channel shown in the geo table"
          >
            <option value="">All channels</option>
            {channels.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      }
      testId="geo-table"
    >
      <Table caption="Returns by geo">
        <THead>
          <tr>
            {header("geo", "Geo", false)}
            {header("channel", "Channel", false)}
            {header("spend", "Spend")}
            {header("incremental", L.incremental)}
            {units.valueKnown ? header("roi", "ROI") : null}
            {isUnits ? header("cpik", L.cpik) : null}
          </tr>
        </THead>
        <TBody>
          {shown.map((r) => (
            <Tr key={`${r.geo}\u0000${r.channel}`} data-testid="geo-row">
              <Td className="font-medium">{r.geo}</Td>
              <Td>{r.channel}</Td>
              <Td numeric>{r.role === "organic" ? "—" : formatMoney(r.spend, units.currency)}</Td>
              <Td numeric>{fmtIv(r.incremental)}</Td>
              {units.valueKnown ? (
                <Td numeric>
                  {r.role === "organic" ? (
                    <span className="text-xs text-muted">organic: no ROI</span>
                  ) : (
                    fmtIv(r.roi)
                  )}
                </Td>
              ) : null}
              {isUnits ? (
                <Td numeric>
                  {r.role === "organic" ? "—" : fmtIv(r.cpik, (x) => formatMoney(x, units.currency))}
                </Td>
              ) : null}
            </Tr>
          ))}
        </TBody>
      </Table>
    </ChartCard>
  );
}

// ---- fit per geo (small multiples) --------------------------------------------------------------

export interface GeoFitView {
  geo: string;
  actual: number[];
  expected: { mean: number[]; q05: number[]; q95: number[] };
}

export interface GeoFitRow {
  date: string;
  actual: number;
  fitted: number;
  band: [number, number];
}

export function geoFitRows(dates: string[], g: GeoFitView): GeoFitRow[] {
  return dates.map((date, t) => ({
    date,
    actual: g.actual[t] as number,
    fitted: g.expected.mean[t] as number,
    band: [g.expected.q05[t] as number, g.expected.q95[t] as number],
  }));
}

export function geoFitCsv(dates: string[], geos: GeoFitView[], trainingWeeks: number): CsvTable {
  return {
    columns: ["geo", "date", "actual", "fitted_mean", "fitted_q05", "fitted_q95", "holdout"],
    rows: geos.flatMap((g) =>
      geoFitRows(dates, g).map((r, t) => [
        g.geo,
        r.date,
        r.actual,
        r.fitted,
        r.band[0],
        r.band[1],
        t >= trainingWeeks,
      ]),
    ),
  };
}

/** Actual KPI against the fitted mean with its 90% band, one small chart per geo. */
export function GeoFitSmallMultiples({
  dates,
  geos,
  trainingWeeks,
  kpi,
  status,
}: {
  dates: string[];
  geos: GeoFitView[] | null;
  trainingWeeks: number;
  kpi: string;
  status?: ChartStatus;
}) {
  const list = geos ?? [];
  return (
    <ChartCard
      title="Fit by geo"
      description={`Actual ${kpi} per week (dark line) against the model's fitted mean with its 90% credible band, one chart per geo. Weeks after the dashed line were held out of fitting.`}
      csv={() => geoFitCsv(dates, list, trainingWeeks)}
      status={statusOrEmpty(status, list.length, "This is a national model: the fit is in the chart above.")}
      testId="geo-fit"
    >
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {list.map((g) => (
          <figure key={g.geo} className="min-w-0" data-geo={g.geo}>
            <figcaption className="mb-1 text-sm font-medium text-fg">{g.geo}</figcaption>
            <ChartBox height={140} initialWidth={260}>
              <ComposedChart data={geoFitRows(dates, g)} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
                <XAxis dataKey="date" hide />
                <YAxis {...axisProps} tickFormatter={formatCompact} width={44} />
                {trainingWeeks < dates.length ? (
                  <ReferenceLine x={dates[trainingWeeks]} stroke={tokens.muted} strokeDasharray="3 3" />
                ) : null}
                {bandArea({ color: seriesColor(0), opacity: 0.3 })}
                {seriesLine({ dataKey: "fitted", color: seriesColor(0), width: 1.5 })}
                {seriesLine({ dataKey: "actual", color: tokens.fg, width: 1 })}
                <Tooltip
                  content={rowTooltip((r: GeoFitRow) => ({
                    title: `${g.geo} · ${r.date}`,
                    lines: [
                      { name: "Actual", value: formatCompact(r.actual), color: tokens.fg },
                      { name: "Fitted", value: intervalText(r.fitted, r.band), color: seriesColor(0) },
                    ],
                  }))}
                />
              </ComposedChart>
            </ChartBox>
          </figure>
        ))}
      </div>
    </ChartCard>
  );
}

// ---- response curves ------------------------------------------------------------------------------

export interface ResponseCurveV2View {
  channel: string;
  role: ChannelRoleView;
  multipliers: number[];
  /** Spend at each multiplier (null for organic channels). */
  spend: number[] | null;
  incremental: { mean: number[]; lo: number[]; hi: number[] };
}

export interface CurveV2Row {
  multiplier: number;
  x: number;
  kpi: number;
  band: [number, number];
}

/** x is spend for paid and R&F channels (R&F: reach scaled at today's frequency), the multiplier for organic. */
export function curveV2Rows(c: ResponseCurveV2View): CurveV2Row[] {
  return c.multipliers.map((m, k) => ({
    multiplier: m,
    x: c.spend ? (c.spend[k] as number) : m,
    kpi: c.incremental.mean[k] as number,
    band: [c.incremental.lo[k] as number, c.incremental.hi[k] as number],
  }));
}

export function curvesV2Csv(curves: ResponseCurveV2View[], geo: string): CsvTable {
  return {
    columns: [
      "geo",
      "channel",
      "role",
      "multiplier",
      "spend",
      "incremental_mean",
      "incremental_q05",
      "incremental_q95",
    ],
    rows: curves.flatMap((c) =>
      curveV2Rows(c).map((r) => [
        geo,
        c.channel,
        c.role,
        r.multiplier,
        c.spend ? r.x : null,
        r.kpi,
        r.band[0],
        r.band[1],
      ]),
    ),
  };
}

export function curveV2Caption(c: ResponseCurveV2View): string {
  if (c.role === "rf") return `${c.channel}: response to reach, frequency held at today's`;
  if (c.role === "organic") return `${c.channel} (organic): response to its volume`;
  return c.channel;
}

/** Incremental KPI if a channel's input were scaled from 0 to 3x (R&F: reach at fixed frequency). */
export function ResponseCurvesV2Chart({
  curves,
  units,
  geoLabel,
  actions,
  status,
}: {
  curves: ResponseCurveV2View[] | null;
  units: V2Units;
  /** "All geos" or the geo shown. */
  geoLabel: string;
  actions?: ReactNode;
  status?: ChartStatus;
}) {
  const list = curves ?? [];
  const L = v2Labels(units);
  return (
    <ChartCard
      title="Response curves"
      description={`${L.incremental} over the training weeks (${geoLabel}) if a channel's input were scaled from 0 to 3x today's: x-axis is spend for paid channels; for reach & frequency channels the reach grows at today's frequency (spend grows with it); organic channels are scaled by their volume (1 = today). Dot: today. Bands: 90%.`}
      csv={() => curvesV2Csv(list, geoLabel)}
      actions={actions}
      status={statusOrEmpty(status, list.length, "No response curves for this run.")}
      testId="response-curves-v2"
    >
      <div className="grid gap-6 sm:grid-cols-2 xl:grid-cols-3">
        {list.map((c, i) => {
          const rows = curveV2Rows(c);
          const today = rows.find((r) => r.multiplier === 1);
          const color = seriesColor(i);
          return (
            <CurveFigure
              key={c.channel}
              channel={c.channel}
              caption={curveV2Caption(c)}
              rows={rows}
              xKey="x"
              xTick={(v) => (c.spend ? formatMoney(v, units.currency) : `${v}x`)}
              color={color}
              today={today ? { x: today.x, y: today.kpi } : null}
              tooltip={(r) => ({
                title: `${c.channel} at ${r.multiplier.toFixed(2)}x today`,
                lines: [
                  ...(c.spend ? [{ name: "Spend", value: formatMoney(r.x, units.currency) }] : []),
                  { name: L.incremental, value: intervalText(r.kpi, r.band), color },
                ],
              })}
            />
          );
        })}
      </div>
    </ChartCard>
  );
}

// ---- ROI versus frequency ---------------------------------------------------------------------------

export interface FrequencyCurveView {
  channel: string;
  frequencies: number[];
  roi: { mean: number[]; lo: number[]; hi: number[] };
  per: "value" | "units";
  optimal: IntervalValue;
  /** The frequency the channel ran at (null when unknown). */
  observed: number | null;
}

export interface FrequencyRow {
  frequency: number;
  roi: number;
  band: [number, number];
}

export function frequencyRows(c: FrequencyCurveView): FrequencyRow[] {
  return c.frequencies.map((f, k) => ({
    frequency: f,
    roi: c.roi.mean[k] as number,
    band: [c.roi.lo[k] as number, c.roi.hi[k] as number],
  }));
}

export function frequencyCsv(curves: FrequencyCurveView[]): CsvTable {
  return {
    columns: [
      "channel",
      "frequency",
      "roi_mean",
      "roi_q05",
      "roi_q95",
      "per",
      "optimal_frequency_mean",
      "optimal_frequency_q05",
      "optimal_frequency_q95",
      "observed_frequency",
    ],
    rows: curves.flatMap((c) =>
      frequencyRows(c).map((r) => [
        c.channel,
        r.frequency,
        r.roi,
        r.band[0],
        r.band[1],
        c.per,
        c.optimal.mean,
        c.optimal.q05,
        c.optimal.q95,
        c.observed,
      ]),
    ),
  };
}

/** The sentence under an R&F channel's curve: the optimal frequency, its interval, and today's. */
export function frequencySentence(c: FrequencyCurveView): string {
  const o = c.optimal;
  const today =
    c.observed !== null && Number.isFinite(c.observed)
      ? ` It ran at ${c.observed.toFixed(1)} on average.`
      : "";
  return `Best return per ${c.per === "value" ? "unit of spend" : "unit of spend (in units)"} at about ${o.mean.toFixed(1)} exposures per reached person (90%: ${o.q05.toFixed(1)} to ${o.q95.toFixed(1)}).${today}`;
}

/** ROI of each R&F channel as its frequency varies at today's reach, with the optimal frequency. */
export function FrequencyRoiChart({
  curves,
  units,
  status,
}: {
  curves: FrequencyCurveView[] | null;
  units: V2Units;
  status?: ChartStatus;
}) {
  const list = curves ?? [];
  const L = v2Labels(units);
  return (
    <ChartCard
      title="ROI versus frequency"
      description={`For each reach & frequency channel: ${units.valueKnown ? `ROI (${money(units)} of value per ${money(units)})` : L.unitsPerMoney} if every reached person saw the ads f times, at today's reach and cost per impression. Shaded: the 90% interval of the optimal frequency; dashed: the frequency it ran at. Band: 90%.`}
      csv={() => frequencyCsv(list)}
      status={statusOrEmpty(status, list.length, "This model has no reach & frequency channels.")}
      testId="frequency"
    >
      <div className="grid gap-6 lg:grid-cols-2">
        {list.map((c, i) => {
          const color = seriesColor(i + 2);
          return (
            <figure key={c.channel} className="min-w-0" data-frequency={c.channel}>
              <figcaption className="mb-1 text-sm font-medium text-fg">{c.channel}</figcaption>
              <ChartBox height={220} initialWidth={420}>
                <ComposedChart data={frequencyRows(c)} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
                  <CartesianGrid {...gridProps} />
                  <XAxis
                    dataKey="frequency"
                    type="number"
                    domain={["dataMin", "dataMax"]}
                    {...axisProps}
                    tickFormatter={(v: number) => v.toFixed(1)}
                  />
                  <YAxis {...axisProps} tickFormatter={formatCompact} width={52} />
                  <ReferenceArea
                    x1={c.optimal.q05}
                    x2={c.optimal.q95}
                    fill={tokens.holdout}
                    fillOpacity={0.8}
                    stroke="none"
                    ifOverflow="extendDomain"
                  />
                  {bandArea({ color, opacity: 0.25 })}
                  {seriesLine({ dataKey: "roi", color, width: 2 })}
                  <ReferenceLine
                    x={c.optimal.mean}
                    stroke={tokens.success}
                    label={{
                      value: "optimal",
                      position: "insideTopRight",
                      fill: tokens.success,
                      fontSize: 11,
                    }}
                  />
                  {c.observed !== null && Number.isFinite(c.observed) ? (
                    <ReferenceLine
                      x={c.observed}
                      stroke={tokens.muted}
                      strokeDasharray="4 4"
                      label={{
                        value: "today",
                        position: "insideBottomRight",
                        fill: tokens.muted,
                        fontSize: 11,
                      }}
                    />
                  ) : null}
                  <Tooltip
                    content={rowTooltip((r: FrequencyRow) => ({
                      title: `${c.channel} at frequency ${r.frequency.toFixed(2)}`,
                      lines: [
                        {
                          name: c.per === "value" ? "ROI" : L.unitsPerMoney,
                          value: intervalText(r.roi, r.band),
                          color,
                        },
                      ],
                    }))}
                  />
                </ComposedChart>
              </ChartBox>
              <p className="mt-1 text-xs text-muted" data-testid="frequency-sentence">
                {frequencySentence(c)}
              </p>
            </figure>
          );
        })}
      </div>
    </ChartCard>
  );
}

// ---- organic channels ----------------------------------------------------------------------------------

/** Organic channels: their incremental KPI and share of it; no ROI, because they have no spend. */
export function OrganicChannelsChart({
  channels,
  units,
  status,
}: {
  channels: ChannelFiguresView[] | null;
  units: V2Units;
  status?: ChartStatus;
}) {
  const organic = (channels ?? []).filter((c) => c.role === "organic");
  const L = v2Labels(units);
  const input: IntervalBarInput[] = organic.map((c) => ({ label: c.name, values: { share: c.share } }));
  return (
    <ChartCard
      title="Organic channels"
      description={`Share of ${units.kpi} each organic channel (posts, newsletters, unpaid influencers) caused, with 90% intervals. They have no spend, so they have no ROI or cost per ${units.kpiType === "units" ? units.unit : "unit"}: the model measures what they add, not what they cost.`}
      csv={() => ({
        columns: [
          "channel",
          "incremental_mean",
          "incremental_q05",
          "incremental_q95",
          "share_mean",
          "share_q05",
          "share_q95",
        ],
        rows: organic.map((c) => [c.name, ...ivCells(c.incremental), ...ivCells(c.share)]),
      })}
      status={statusOrEmpty(status, organic.length, "This model has no organic channels.")}
      testId="organic"
    >
      <IntervalBarChart
        input={input}
        series={[{ key: "share", name: `Share of ${units.kpi}`, color: seriesColor(4) }]}
        yLabel={`share of ${units.kpi}`}
        format={(x) => formatPercent(x, 1)}
        height={220}
      />
      <ul className="mt-2 text-sm text-muted">
        {organic.map((c) => (
          <li key={c.name}>
            {c.name}: {formatCompact(c.incremental?.mean)} {L.incremental} (90%:{" "}
            {formatCompact(c.incremental?.q05)} to {formatCompact(c.incremental?.q95)}).
          </li>
        ))}
      </ul>
    </ChartCard>
  );
}

// ---- media effectiveness over time ----------------------------------------------------------------------

export interface MediaEffectivenessRow {
  date: string;
  q05: number;
  q50: number;
  q95: number;
}

export function mediaEffectivenessCsv(rows: MediaEffectivenessRow[]): CsvTable {
  return {
    columns: ["date", "multiplier_q50", "multiplier_q05", "multiplier_q95"],
    rows: rows.map((r) => [r.date, r.q50, r.q05, r.q95]),
  };
}

/** exp(f_t): how much more (or less) every paid channel's effect was worth each week, with its band. */
export function MediaEffectivenessChart({
  rows,
  status,
}: {
  rows: MediaEffectivenessRow[] | null;
  status?: ChartStatus;
}) {
  const list = (rows ?? []).map((r) => ({ ...r, band: [r.q05, r.q95] as [number, number] }));
  return (
    <ChartCard
      title="Media effectiveness over time"
      description="How strongly paid media worked each week relative to its average (1 = average; 1.2 = every paid channel's effect 20% larger that week). Line: posterior median; band: 90%."
      csv={() => mediaEffectivenessCsv(rows ?? [])}
      status={statusOrEmpty(
        status,
        list.length,
        "This model keeps media effectiveness constant over time (time-varying media is off).",
      )}
      testId="media-effectiveness"
    >
      <ChartBox height={260}>
        <ComposedChart data={list} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey="date" {...axisProps} minTickGap={40} />
          <YAxis
            {...axisProps}
            tickFormatter={(v: number) => `${v.toFixed(2)}x`}
            width={56}
            domain={["auto", "auto"]}
          />
          <ReferenceLine y={1} stroke={tokens.muted} strokeDasharray="4 4" />
          {bandArea({ color: seriesColor(5), opacity: 0.3 })}
          {seriesLine({ dataKey: "q50", color: seriesColor(5), width: 2 })}
          <Tooltip
            content={rowTooltip((r: MediaEffectivenessRow) => ({
              title: r.date,
              lines: [
                {
                  name: "Effectiveness",
                  value: `${r.q50.toFixed(2)}x (${r.q05.toFixed(2)}–${r.q95.toFixed(2)})`,
                  color: seriesColor(5),
                },
              ],
            }))}
          />
        </ComposedChart>
      </ChartBox>
    </ChartCard>
  );
}
