/**
 * Scaling of v2 data (shared/docs/model-v2.md section 2, SPEC_NOTES_v2 rows 2-6, 12-17; docs/model.md
 * section 9). Every statistic is over the training cells: all geos x the first T weeks (N - holdout).
 *   y_{g,t} = (kpi_{g,t} / pop_g) / m_y,       m_y = mean over training cells of kpi / pop
 *   x_{g,t,c} = (media_{g,t,c} / pop_g) / m_c, m_c = mean over training cells of media / pop
 * media = exposure if given, reach for R&F channels, else spend; R&F frequency stays raw.
 * Numeric controls (v - mean) / sd (sample sd over training cells); categorical controls become raw
 * 0/1 dummies `<column>=<level>` for every level but the reference. Per-cell arrays are [geo][week]
 * over all N weeks (training and holdout).
 */
import { DataScalingError, FOURIER_PERIOD } from "./scale.ts";
import type { ChannelType, DatasetV2 } from "./types.ts";

export interface ScaledChannelV2 {
  name: string;
  type: ChannelType;
  role: "paid" | "rf" | "organic";
  /** The column behind x: exposure, reach (R&F) or spend. */
  effectColumn: string;
  /** Scaled effect input x (per capita, over its training mean). */
  x: Float64Array[];
  /** R&F: raw frequency (0 where reach is 0). */
  frequency?: Float64Array[];
  /** Spend in original currency (paid and R&F); absent for organic channels. */
  spend?: Float64Array[];
}

export type ScaledControlV2 =
  | { name: string; kind: "numeric"; column: string; z: Float64Array[] }
  | { name: string; kind: "dummy"; column: string; level: string; z: Float64Array[] };

export type ControlSpecV2 =
  | { column: string; kind: "numeric" }
  | {
      column: string;
      kind: "categorical";
      levels: string[];
      counts: Record<string, number>;
      reference: string;
      dummies: string[];
    };

export interface ScalingV2 {
  /** m_y: mean of kpi / pop over the training cells. */
  kpiPerCapitaMean: number;
  /** pop_g per geo (geo order). */
  population: number[];
  /** m_c per channel (channel order). */
  mediaPerCapitaMean: number[];
  /** Training spend per channel, summed over geos (0 for organic channels). */
  spendTotal: number[];
  /** Training spend per channel and geo ([channel][geo]; zeros for organic channels). */
  spendByGeo: number[][];
  /** Per numeric control (in `controls` order of the numeric ones): mean and sample sd. */
  controlMean: number[];
  controlSd: number[];
}

/** The model's scaled input (what the v2 model reads), shaped after the conformance vectors' `data`. */
export interface ScaledDataV2 {
  /** All weeks (training + holdout). */
  weeks: number;
  trainingWeeks: number;
  dates: string[];
  geos: string[];
  kpiName: string;
  kpiType: DatasetV2["kpiType"];
  link: "identity" | "log";
  /** Scaled KPI per [geo][week]; logY = log(y) under the log link. */
  y: Float64Array[];
  logY?: Float64Array[];
  channels: ScaledChannelV2[];
  /** Numeric controls standardized, then the dummies of categorical ones (config order). */
  controls: ScaledControlV2[];
  controlSpec: ControlSpecV2[];
  /** 0/1 event dummies, unscaled. */
  events: { name: string; values: Float64Array[] }[];
  /** Public holidays per week (same for all geos), unscaled; present when the config asks. */
  holidays?: Float64Array;
  /** Value per unit per [geo][week] (units KPI with a value column or constant). */
  value?: Float64Array[];
  /** tau_t = (t - 1) / (T - 1), t = 1..N (> 1 in the holdout). */
  tau: Float64Array;
  fourierSin: Float64Array[];
  fourierCos: Float64Array[];
  scaling: ScalingV2;
}

export interface ScaleOptionsV2 {
  holdoutWeeks: number;
  fourierPairs: number;
  link?: "identity" | "log";
}

export function scaleDatasetV2(d: DatasetV2, opts: ScaleOptionsV2): ScaledDataV2 {
  const N = d.dates.length;
  const G = d.geos.length;
  const T = N - opts.holdoutWeeks;
  const link = opts.link ?? "identity";
  if (T < 3)
    throw new DataScalingError(
      `${N} weeks leave ${T} training weeks after a ${opts.holdoutWeeks}-week holdout; at least 3 are needed`,
    );
  const pop = d.population;
  const cells = G * T;
  /** Mean over training cells of v / pop. */
  const perCapitaMean = (v: Float64Array[]): number => {
    let s = 0;
    for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) s += v[g]![t]! / pop[g]!;
    return s / cells;
  };
  const perCapitaScaled = (v: Float64Array[], m: number): Float64Array[] =>
    v.map((series, g) => Float64Array.from(series, (u) => u / pop[g]! / m));

  const kpiPerCapitaMean = perCapitaMean(d.kpi);
  if (!(kpiPerCapitaMean > 0))
    throw new DataScalingError(
      `mean of the KPI over the training weeks must be positive (got ${kpiPerCapitaMean})`,
      d.kpiName,
    );
  const y = perCapitaScaled(d.kpi, kpiPerCapitaMean);
  let logY: Float64Array[] | undefined;
  if (link === "log") {
    logY = y.map((series, g) =>
      Float64Array.from(series, (v, t) => {
        if (!(v > 0))
          throw new DataScalingError(
            `the log link needs a KPI above 0 (geo "${d.geos[g]}", week ${d.dates[t]}: ${d.kpi[g]![t]})`,
            d.kpiName,
          );
        return Math.log(v);
      }),
    );
  }

  const mediaPerCapitaMean: number[] = [];
  const spendTotal: number[] = [];
  const spendByGeo: number[][] = [];
  const channels: ScaledChannelV2[] = d.channels.map((ch) => {
    const media = ch.role === "rf" ? ch.reach! : (ch.exposure ?? ch.spend!);
    const effectColumn = ch.role === "rf" ? ch.columns.reach! : (ch.columns.exposure ?? ch.columns.spend!);
    const m = perCapitaMean(media);
    if (!(m > 0))
      throw new DataScalingError(
        `${ch.role === "rf" ? "reach" : ch.columns.exposure ? "exposure" : "spend"} of channel "${ch.name}" is all zero in the training weeks`,
        effectColumn,
      );
    mediaPerCapitaMean.push(m);
    const byGeo = d.geos.map((_, g) => {
      let s = 0;
      if (ch.spend) for (let t = 0; t < T; t++) s += ch.spend[g]![t]!;
      return s;
    });
    spendByGeo.push(byGeo);
    spendTotal.push(byGeo.reduce((a, b) => a + b, 0));
    const out: ScaledChannelV2 = {
      name: ch.name,
      type: ch.type,
      role: ch.role,
      effectColumn,
      x: perCapitaScaled(media, m),
    };
    if (ch.frequency) out.frequency = ch.frequency.map((s) => Float64Array.from(s));
    if (ch.spend) out.spend = ch.spend.map((s) => Float64Array.from(s));
    return out;
  });

  const controlMean: number[] = [];
  const controlSd: number[] = [];
  const controls: ScaledControlV2[] = [];
  const controlSpec: ControlSpecV2[] = [];
  for (const c of d.controls) {
    if (c.kind === "numeric") {
      let s = 0;
      for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) s += c.values[g]![t]!;
      const m = s / cells;
      let ss = 0;
      for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) ss += (c.values[g]![t]! - m) ** 2;
      const sd = Math.sqrt(ss / (cells - 1));
      if (!(sd > 0))
        throw new DataScalingError(`control "${c.name}" is constant over the training weeks`, c.name);
      controlMean.push(m);
      controlSd.push(sd);
      controls.push({
        name: c.name,
        kind: "numeric",
        column: c.name,
        z: c.values.map((series) => Float64Array.from(series, (v) => (v - m) / sd)),
      });
      controlSpec.push({ column: c.name, kind: "numeric" });
    } else {
      c.levels.forEach((level, k) => {
        if (level === c.reference) return;
        controls.push({
          name: `${c.name}=${level}`,
          kind: "dummy",
          column: c.name,
          level,
          z: c.codes.map((codes) => Float64Array.from(codes, (code) => (code === k ? 1 : 0))),
        });
      });
      controlSpec.push({
        column: c.name,
        kind: "categorical",
        levels: [...c.levels],
        counts: { ...c.counts },
        reference: c.reference,
        dummies: [...c.dummies],
      });
    }
  }

  const tau = new Float64Array(N);
  for (let t = 0; t < N; t++) tau[t] = t / (T - 1);
  const fourierSin: Float64Array[] = [];
  const fourierCos: Float64Array[] = [];
  for (let k = 1; k <= opts.fourierPairs; k++) {
    const s = new Float64Array(N);
    const c = new Float64Array(N);
    for (let t = 1; t <= N; t++) {
      const a = (2 * Math.PI * k * t) / FOURIER_PERIOD;
      s[t - 1] = Math.sin(a);
      c[t - 1] = Math.cos(a);
    }
    fourierSin.push(s);
    fourierCos.push(c);
  }

  const out: ScaledDataV2 = {
    weeks: N,
    trainingWeeks: T,
    dates: [...d.dates],
    geos: [...d.geos],
    kpiName: d.kpiName,
    kpiType: d.kpiType,
    link,
    y,
    channels,
    controls,
    controlSpec,
    events: d.events.map((e) => ({ name: e.name, values: e.values.map((s) => Float64Array.from(s)) })),
    tau,
    fourierSin,
    fourierCos,
    scaling: {
      kpiPerCapitaMean,
      population: Array.from(pop),
      mediaPerCapitaMean,
      spendTotal,
      spendByGeo,
      controlMean,
      controlSd,
    },
  };
  if (logY) out.logY = logY;
  if (d.value) out.value = d.value.map((s) => Float64Array.from(s));
  if (d.holidays) out.holidays = Float64Array.from(d.holidays.counts);
  return out;
}

/** Default knot count (model-v2 section 3): ceil(T / 13) over the training weeks. */
export function defaultKnotCount(trainingWeeks: number): number {
  return Math.ceil(trainingWeeks / 13);
}

/** Knot i (1-based) at week 1 + (i - 1)(T - 1)/(K - 1) (SPEC_NOTES_v2 row 16); K = 1: week 1. */
export function knotPositions(trainingWeeks: number, knots: number): number[] {
  if (knots === 1) return [1];
  return Array.from({ length: knots }, (_, i) => 1 + (i * (trainingWeeks - 1)) / (knots - 1));
}

/**
 * Linear interpolation weights B[t][i] over the knot grid (SPEC_NOTES_v2 row 17) for weeks
 * t = 1..weeks: s_t = (t - 1)(K - 1)/(T - 1), i = floor(s_t), f = s_t - i; weight 1 - f on knot
 * i + 1 and f on knot i + 2. Weeks from T on (holdout included) put weight 1 on the last knot.
 */
export function knotWeights(trainingWeeks: number, knots: number, weeks = trainingWeeks): Float64Array[] {
  const T = trainingWeeks;
  const K = knots;
  const out: Float64Array[] = [];
  for (let t = 1; t <= weeks; t++) {
    const row = new Float64Array(K);
    if (K === 1) row[0] = 1;
    else if (t >= T) row[K - 1] = 1;
    else {
      const s = ((t - 1) * (K - 1)) / (T - 1);
      const i = Math.floor(s);
      const f = s - i;
      row[i] = 1 - f;
      if (f > 0) row[i + 1] = f;
    }
    out.push(row);
  }
  return out;
}
