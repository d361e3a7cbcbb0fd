/**
 * Data scaling (docs/model.md section 1 and "Conventions"): every constant is computed over the
 * training rows (all rows minus the holdout's last N weeks) and applied to all rows.
 *   y = kpi / mean(kpi); x_c = spend_c / mean(spend_c) (zero weeks included);
 *   z_j = (control_j - mean) / sd (sample sd, n - 1); tau_t = (t - 1) / (T_train - 1);
 *   Fourier sin/cos(2 pi k t / 52.18), t = 1.. from the first row.
 */
import type { ChannelType, Dataset } from "./types.ts";

export const FOURIER_PERIOD = 52.18;

export interface Scaling {
  /** mean KPI over the training rows (y = kpi / kpiMean) */
  kpiMean: number;
  /** per channel (spec channel order): mean training spend (x = spend / spendMean) */
  spendMean: number[];
  /** per channel: total training spend (ROI denominator over the scored weeks) */
  spendTotal: number[];
  /** per control: mean and sample sd over the training rows */
  controlMean: number[];
  controlSd: number[];
}

export interface ScaledData {
  /** all rows (training + holdout) */
  weeks: number;
  trainingWeeks: number;
  y: Float64Array;
  tau: Float64Array;
  fourierSin: Float64Array[];
  fourierCos: Float64Array[];
  channels: { name: string; type: ChannelType; x: Float64Array; spend: Float64Array }[];
  controls: { name: string; z: Float64Array }[];
  events: { name: string; values: Float64Array }[];
  scaling: Scaling;
}

export interface ScaleOptions {
  channels: string[];
  controls: string[];
  events: string[];
  holdoutWeeks: number;
  fourierPairs: number;
}

export class DataScalingError extends Error {
  constructor(
    message: string,
    readonly column?: string,
  ) {
    super(message);
    this.name = "DataScalingError";
  }
}

function mean(v: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]!;
  return s / n;
}

export function scaleDataset(dataset: Dataset, opts: ScaleOptions): ScaledData {
  const N = dataset.kpi.length;
  const T = N - opts.holdoutWeeks;
  if (T < 3) {
    throw new DataScalingError(
      `${N} rows leave ${T} training weeks after a ${opts.holdoutWeeks}-week holdout; at least 3 are needed`,
    );
  }
  const kpiMean = mean(dataset.kpi, T);
  if (!(kpiMean > 0))
    throw new DataScalingError(
      `mean of the KPI over the training weeks must be positive (got ${kpiMean})`,
      dataset.kpiName,
    );
  const y = new Float64Array(N);
  for (let t = 0; t < N; t++) y[t] = dataset.kpi[t]! / kpiMean;

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

  const spendMean: number[] = [];
  const spendTotal: number[] = [];
  const channels = opts.channels.map((name) => {
    const ch = dataset.channels.find((c) => c.name === name);
    if (ch === undefined) throw new DataScalingError(`channel column "${name}" is not in the dataset`, name);
    let total = 0;
    for (let t = 0; t < T; t++) {
      const v = ch.spend[t]!;
      if (!(v >= 0)) throw new DataScalingError(`spend of "${name}" must be >= 0 (row ${t + 1}: ${v})`, name);
      total += v;
    }
    if (!(total > 0))
      throw new DataScalingError(`spend of channel "${name}" is all zero in the training weeks`, name);
    const m = total / T;
    spendMean.push(m);
    spendTotal.push(total);
    const x = new Float64Array(N);
    for (let t = 0; t < N; t++) x[t] = ch.spend[t]! / m;
    return { name, type: ch.type, x, spend: Float64Array.from(ch.spend) };
  });

  const controlMean: number[] = [];
  const controlSd: number[] = [];
  const controls = opts.controls.map((name) => {
    const col = dataset.controls.find((c) => c.name === name);
    if (col === undefined) throw new DataScalingError(`control column "${name}" is not in the dataset`, name);
    const m = mean(col.values, T);
    let ss = 0;
    for (let t = 0; t < T; t++) ss += (col.values[t]! - m) ** 2;
    const sd = Math.sqrt(ss / (T - 1));
    if (!(sd > 0)) throw new DataScalingError(`control "${name}" is constant over the training weeks`, name);
    controlMean.push(m);
    controlSd.push(sd);
    const z = new Float64Array(N);
    for (let t = 0; t < N; t++) z[t] = (col.values[t]! - m) / sd;
    return { name, z };
  });

  const events = opts.events.map((name) => {
    const col = dataset.events.find((c) => c.name === name);
    if (col === undefined) throw new DataScalingError(`event column "${name}" is not in the dataset`, name);
    return { name, values: Float64Array.from(col.values) };
  });

  return {
    weeks: N,
    trainingWeeks: T,
    y,
    tau,
    fourierSin,
    fourierCos,
    channels,
    controls,
    events,
    scaling: { kpiMean, spendMean, spendTotal, controlMean, controlSd },
  };
}
