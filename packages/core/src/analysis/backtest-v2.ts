/**
 * Backtests of v2 models (geo, units KPIs, log link; docs/model.md section "Backtests"): the same
 * score as v1's backtestForecast, on the national KPI (the sum over geos) of the weeks the scored
 * run had not seen.
 *
 * The data as they are now are parsed with the scored run's config so that the rows it was fitted
 * on keep its training range (categorical controls' levels and reference level, and every scaling
 * statistic, are computed on the same training rows as in the scored fit); the unseen weeks are
 * predicted with their actual spend, exposures, controls and holidays. Per draw and geo the
 * predictive is mu + sigma_g eps (identity link) or exp(mu + sigma_g eps) (log link), times the
 * geo's population and the KPI's per-capita mean; the national predictive is the sum over geos,
 * draw by draw, and its mean is the sum of the geos' E[y] (exp(mu + sigma_g^2 / 2) under the log
 * link).
 */
import { parseDatasetV2Csv } from "../data/parse-v2.ts";
import { scaleDatasetV2 } from "../data/scale-v2.ts";
import type { DatasetV2 } from "../data/types.ts";
import { Rng } from "../inference/rng.ts";
import { studentT } from "../inference/student-t.ts";
import type { ModelConfigV2 } from "../model/config-v2.ts";
import { createModelV2, type MmmModelV2 } from "../model/model-v2.ts";
import { buildModelSpecV2 } from "../model/spec-v2.ts";
import { BacktestError, type BacktestScore, scoreForecast } from "./backtest.ts";
import { posteriorDraws } from "./model-adapter.ts";
import { thinIndices } from "./stats.ts";

export interface BacktestInputV2 {
  /** The data as they are now (CSV text), read with the scored run's config (its mapping). */
  csv: string;
  /** The scored run's config. */
  config: ModelConfigV2;
  /** Last date (ISO) of the weeks the scored run was fitted on. */
  seenThrough: string;
  /** The scored run's constrained draws (columns named by parameter label, chain-major). */
  draws: { names: string[]; chains: number; perChain: number; values: ArrayLike<number> };
  /** Score only the first n unseen weeks (default: all of them). */
  horizonWeeks?: number;
  /** Draws used at most (evenly thinned, default 1000). */
  maxDraws?: number;
  seed?: number;
}

/** The first `n` weeks of a v2 dataset (every per-week array cut; geos, columns and levels kept). */
export function sliceDatasetV2(d: DatasetV2, n: number): DatasetV2 {
  const cut = (series: Float64Array[]) => series.map((s) => s.slice(0, n));
  return {
    ...d,
    dates: d.dates.slice(0, n),
    kpi: cut(d.kpi),
    ...(d.value ? { value: cut(d.value) } : {}),
    channels: d.channels.map((c) => ({
      ...c,
      ...(c.spend ? { spend: cut(c.spend) } : {}),
      ...(c.exposure ? { exposure: cut(c.exposure) } : {}),
      ...(c.reach ? { reach: cut(c.reach) } : {}),
      ...(c.frequency ? { frequency: cut(c.frequency) } : {}),
    })),
    controls: d.controls.map((c) =>
      c.kind === "numeric"
        ? { ...c, values: cut(c.values) }
        : { ...c, codes: c.codes.map((s) => s.slice(0, n)) },
    ),
    events: d.events.map((e) => ({ ...e, values: cut(e.values) })),
    ...(d.holidays
      ? {
          holidays: {
            ...d.holidays,
            counts: d.holidays.counts.slice(0, n),
            names: d.holidays.names.slice(0, n),
          },
        }
      : {}),
  };
}

const issueText = (e: { row?: number; column?: string; geo?: string; message: string }) =>
  `${e.row !== undefined ? `row ${e.row}: ` : ""}${e.column ? `${e.column}: ` : ""}${e.geo ? `geo ${e.geo}: ` : ""}${e.message}`;

/**
 * The posterior predictive of the national KPI (the sum over geos, KPI units) in weeks
 * from..from+H-1, over the draws `idx` of `values` (constrained, the model's parameter order, one
 * row per draw): per draw and geo mu + sigma_g eps (identity link) or exp(mu + sigma_g eps) (log
 * link), times the geo's population and the KPI's per-capita mean, summed over geos; `mean` is
 * the sum of the geos' E[y] averaged over the draws. Student-t eps for a Student-t likelihood.
 */
export function nationalPredictiveV2(
  model: MmmModelV2,
  values: Float64Array,
  idx: ArrayLike<number>,
  from: number,
  H: number,
  seed: number,
): { predictive: Float64Array[]; mean: Float64Array } {
  const spec = model.spec;
  const dim = model.dim;
  const D = idx.length;
  const G = spec.G;
  const perCapita = spec.data.scaling.kpiPerCapitaMean;
  const unit = Float64Array.from(spec.data.scaling.population, (p) => p * perCapita);
  const isLog = spec.link === "log";
  const nu = spec.likelihood.kind === "studentT" ? spec.likelihood.nu : 0;
  const rng = new Rng(seed, 0, 4051);
  const predictive = Array.from({ length: H }, () => new Float64Array(D));
  const mean = new Float64Array(H);
  for (let k = 0; k < D; k++) {
    const d = idx[k]!;
    const f = model.forward(values.subarray(d * dim, (d + 1) * dim));
    for (let h = 0; h < H; h++) {
      const t = from + h;
      let y = 0;
      let e = 0;
      for (let g = 0; g < G; g++) {
        const eps = nu > 0 ? studentT(rng, nu) : rng.normal();
        const z = f.mu[g]![t]! + f.sigmaGeo[g]! * eps;
        y += unit[g]! * (isLog ? Math.exp(z) : z);
        e += unit[g]! * f.expectedY[g]![t]!;
      }
      predictive[h]![k] = y;
      mean[h] = mean[h]! + e / D;
    }
  }
  return { predictive, mean };
}

export function backtestForecastV2(input: BacktestInputV2): BacktestScore {
  const { config } = input;
  const first = parseDatasetV2Csv(input.csv, config, { holdoutWeeks: 0 });
  if (!first.ok)
    throw new BacktestError(
      `the data do not fit the scored run's columns: ${first.errors.slice(0, 3).map(issueText).join("; ")}`,
    );
  const dates = first.dataset.dates;
  const seen = dates.filter((d) => d <= input.seenThrough).length;
  if (seen === 0 || dates[seen - 1] !== input.seenThrough)
    throw new BacktestError(
      `the data no longer contain the scored run's last week ${input.seenThrough}; it cannot be backtested`,
    );
  const unseen = dates.length - seen;
  const H = Math.min(unseen, input.horizonWeeks ?? unseen);
  if (H < 1) throw new BacktestError(`no weeks after ${input.seenThrough} to score`);
  // The scored run trained on its first T = seen - holdout weeks; parse again with the same
  // training range so that categorical levels, reference levels and data checks match its fit.
  const T = seen - config.holdoutWeeks;
  const parsed = parseDatasetV2Csv(input.csv, config, { holdoutWeeks: dates.length - T });
  if (!parsed.ok)
    throw new BacktestError(
      `the data do not fit the scored run's columns: ${parsed.errors.slice(0, 3).map(issueText).join("; ")}`,
    );
  const N = seen + H;
  const cut = sliceDatasetV2(parsed.dataset, N);
  const data = scaleDatasetV2(cut, {
    holdoutWeeks: N - T,
    fourierPairs: config.fourierPairs,
    link: config.link,
  });
  const spec = buildModelSpecV2(data, config);
  const model = createModelV2(spec);
  const posterior = posteriorDraws(model, input.draws);
  const idx = thinIndices(posterior.draws, input.maxDraws ?? 1000);
  const { predictive, mean } = nationalPredictiveV2(model, posterior.values, idx, seen, H, input.seed ?? 1);
  const G = data.geos.length;
  const actual = Float64Array.from({ length: H }, (_, h) => {
    let s = 0;
    for (let g = 0; g < G; g++) s += cut.kpi[g]![seen + h]!;
    return s;
  });
  return scoreForecast(cut.dates.slice(seen, N), actual, predictive, mean);
}
