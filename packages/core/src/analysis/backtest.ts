/**
 * Backtests (docs/model.md section "Backtests"): how well an earlier fit predicted the weeks it
 * had not seen. The earlier run's posterior draws are pushed through its own model over the data
 * as it is now: the rows it was fitted on keep its scaling (scaling is computed on the training
 * rows only, so it is unchanged), the weeks after them are predicted with their actual spend,
 * controls and events. Per unseen week the posterior predictive gives a mean and 90 % interval;
 * the score is the MAPE of the mean, the mean CRPS of the predictive sample, and the share of
 * weeks inside the interval.
 */
import type { Dataset } from "../data/types.ts";
import { quantiles } from "../diagnostics/convergence.ts";
import { studentT } from "../inference/student-t.ts";
import { Rng } from "../inference/rng.ts";
import type { ModelConfig } from "../model/config.ts";
import { createModel } from "../model/model.ts";
import { buildModelSpec } from "../model/spec.ts";
import { posteriorDraws } from "./model-adapter.ts";
import { thinIndices } from "./stats.ts";

export interface BacktestWeek {
  date: string;
  actual: number;
  /** Posterior predictive mean and 5 % / 95 % quantiles, KPI units. */
  mean: number;
  lower: number;
  upper: number;
  crps: number;
}

export interface BacktestScore {
  /** Unseen weeks scored. */
  weeks: number;
  firstWeek: string;
  lastWeek: string;
  /** Mean absolute percentage error of the predictive mean, a fraction; weeks with KPI 0 skipped. */
  mape: number;
  /** Mean CRPS per week, KPI units (0 = a point forecast that was exactly right). */
  crps: number;
  /** Share of weeks whose actual KPI is inside the 90 % predictive interval. */
  coverage90: number;
  weekly: BacktestWeek[];
}

export interface BacktestInput {
  /** The data as it is now, parsed with the scored run's config (mapping). */
  dataset: Dataset;
  /** The scored run's config. */
  config: ModelConfig;
  /** Last date (ISO) of the rows the scored run was fitted on. */
  seenThrough: string;
  /** The scored run's constrained draws (columns named by parameter label, chain-major). */
  draws: { names: string[]; chains: number; perChain: number; values: ArrayLike<number> };
  /** Score only the first n unseen weeks (default: all of them). */
  horizonWeeks?: number;
  /** Draws used at most (evenly thinned, default 1000). */
  maxDraws?: number;
  seed?: number;
}

/**
 * CRPS of a predictive sample at y: E|X - y| - E|X - X'| / 2, with E|X - X'| from the sorted
 * sample (2 / n^2) sum_i (2i - n - 1) x_(i). Sorts `sample` in place.
 */
export function sampleCrps(sample: Float64Array, y: number): number {
  const n = sample.length;
  if (n === 0) throw new Error("sampleCrps needs at least one draw");
  sample.sort();
  let absErr = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    const x = sample[i]!;
    absErr += Math.abs(x - y);
    spread += (2 * (i + 1) - n - 1) * x;
  }
  return absErr / n - spread / (n * n);
}

export class BacktestError extends Error {
  override readonly name = "BacktestError";
}

export function backtestForecast(input: BacktestInput): BacktestScore {
  const { dataset, config } = input;
  const seen = dataset.dates.filter((d) => d <= input.seenThrough).length;
  if (seen === 0 || dataset.dates[seen - 1] !== input.seenThrough)
    throw new BacktestError(
      `the data no longer contains the scored run's last week ${input.seenThrough}; it cannot be backtested`,
    );
  const unseen = dataset.dates.length - seen;
  const H = Math.min(unseen, input.horizonWeeks ?? unseen);
  if (H < 1) throw new BacktestError(`no weeks after ${input.seenThrough} to score`);
  const N = seen + H;
  const cut: Dataset = {
    ...dataset,
    dates: dataset.dates.slice(0, N),
    kpi: dataset.kpi.slice(0, N),
    channels: dataset.channels.map((c) => ({ ...c, spend: c.spend.slice(0, N) })),
    controls: dataset.controls.map((c) => ({ ...c, values: c.values.slice(0, N) })),
    events: dataset.events.map((e) => ({ ...e, values: e.values.slice(0, N) })),
  };
  // The scored run trained on its first (seen - holdout) rows; everything after is held out here.
  const spec = buildModelSpec(cut, { ...config, holdoutWeeks: config.holdoutWeeks + H });
  const model = createModel(spec);
  const posterior = posteriorDraws(model, input.draws);
  const idx = thinIndices(posterior.draws, input.maxDraws ?? 1000);
  const D = idx.length;
  const kpiMean = spec.scaling.kpiMean;
  const nu = spec.likelihood.kind === "studentT" ? spec.likelihood.nu : 0;
  const rng = new Rng(input.seed ?? 1, 0, 4049);
  const predictive = Array.from({ length: H }, () => new Float64Array(D));
  const mean = new Float64Array(H);
  for (let k = 0; k < D; k++) {
    const d = idx[k]!;
    const v = posterior.values.subarray(d * posterior.dim, (d + 1) * posterior.dim);
    const mu = model.forward(v).mu;
    const sigma = v[spec.sigma]!;
    for (let h = 0; h < H; h++) {
      const m = mu[seen + h]!;
      mean[h] = mean[h]! + (kpiMean * m) / D;
      const eps = nu > 0 ? studentT(rng, nu) : rng.normal();
      predictive[h]![k] = kpiMean * (m + sigma * eps);
    }
  }
  return scoreForecast(cut.dates.slice(seen, N), cut.kpi.slice(seen, N), predictive, mean);
}

/**
 * The backtest score of a predictive sample per unseen week: `predictive[h]` holds the draws of
 * week h (sorted in place), `mean[h]` their mean, `actual[h]` the KPI that happened.
 */
export function scoreForecast(
  dates: readonly string[],
  actual: ArrayLike<number>,
  predictive: Float64Array[],
  mean: ArrayLike<number>,
): BacktestScore {
  const H = predictive.length;
  const weekly: BacktestWeek[] = [];
  let ape = 0;
  let apeN = 0;
  let crps = 0;
  let covered = 0;
  for (let h = 0; h < H; h++) {
    const y = actual[h]!;
    const [lower, upper] = quantiles(predictive[h]!, [0.05, 0.95]) as [number, number];
    const c = sampleCrps(predictive[h]!, y);
    if (y !== 0) {
      ape += Math.abs((y - mean[h]!) / y);
      apeN += 1;
    }
    crps += c / H;
    if (y >= lower && y <= upper) covered += 1;
    weekly.push({ date: dates[h]!, actual: y, mean: mean[h]!, lower, upper, crps: c });
  }
  return {
    weeks: H,
    firstWeek: weekly[0]!.date,
    lastWeek: weekly[H - 1]!.date,
    mape: apeN > 0 ? ape / apeN : Number.NaN,
    crps,
    coverage90: covered / H,
    weekly,
  };
}
