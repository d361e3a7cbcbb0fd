/**
 * The figures model health is scored on, computed from a fitted model and its posterior draws
 * (docs/trust.md section 2): posterior predictive p-values of the residuals' mean, sd and lag-1
 * autocorrelation over the training weeks, the probability of a negative baseline, and per channel
 * the contraction of its coefficient (1 - posterior variance / prior variance).
 */
import { drawRow, type PosteriorDraws } from "../analysis/model-adapter.ts";
import { seededRandom, thinIndices } from "../analysis/stats.ts";
import type { FitResult } from "../fit/result.ts";
import type { FitResultV2 } from "../fit/fit-v2.ts";
import type { MmmModel } from "../model/model.ts";
import type { MmmModelV2 } from "../model/model-v2.ts";
import type { Prior } from "../priors/priors.ts";
import type { RoiSummary } from "../analysis/stability.ts";
import { assessModel, type HealthThresholds, type ModelHealth } from "./assess-model.ts";

export interface HealthFigures {
  ppc: { mean: number; sd: number; autocorrelation: number; spreadVsLevel: number; curvature: number };
  /** Posterior means over the thinned draws of the observed level-dependence statistics. */
  residualShape: { spreadVsLevel: number; curvature: number };
  negativeBaselineProbability: number | null;
  /** Per channel name. */
  contraction: Record<string, number | null>;
  /** Draws the predictive check used. */
  draws: number;
}

/** Variance of a prior (null when infinite or unknown). */
export function priorVariance(p: Prior): number | null {
  switch (p.dist) {
    case "normal":
      return p.sd * p.sd;
    case "halfNormal":
      return p.scale * p.scale * (1 - 2 / Math.PI);
    case "gamma":
      return p.shape / (p.rate * p.rate);
    case "beta":
      return (p.a * p.b) / ((p.a + p.b) ** 2 * (p.a + p.b + 1));
    case "logNormal":
      return (Math.exp(p.sigma * p.sigma) - 1) * Math.exp(2 * p.mu + p.sigma * p.sigma);
    default:
      return null;
  }
}

function columnVariance(draws: PosteriorDraws, j: number): number {
  let m = 0;
  for (let d = 0; d < draws.draws; d++) m += draws.values[d * draws.dim + j]!;
  m /= draws.draws;
  let ss = 0;
  for (let d = 0; d < draws.draws; d++) ss += (draws.values[d * draws.dim + j]! - m) ** 2;
  return ss / Math.max(1, draws.draws - 1);
}

function contractionOf(draws: PosteriorDraws, j: number, prior: Prior): number | null {
  const pv = priorVariance(prior);
  if (pv === null || !(pv > 0)) return null;
  return 1 - columnVariance(draws, j) / pv;
}

function stats(r: ArrayLike<number>, n: number): [number, number, number] {
  let m = 0;
  for (let t = 0; t < n; t++) m += r[t]!;
  m /= n;
  let ss = 0;
  let lag = 0;
  for (let t = 0; t < n; t++) {
    const d = r[t]! - m;
    ss += d * d;
    if (t > 0) lag += d * (r[t - 1]! - m);
  }
  return [m, Math.sqrt(ss / Math.max(1, n - 1)), ss > 0 ? lag / ss : 0];
}

/** Pearson correlation of x and z over the first n entries (0 when either is constant). */
function correlation(x: ArrayLike<number>, z: ArrayLike<number>, n: number): number {
  let mx = 0;
  let mz = 0;
  for (let t = 0; t < n; t++) {
    mx += x[t]!;
    mz += z[t]!;
  }
  mx /= n;
  mz /= n;
  let sxz = 0;
  let sxx = 0;
  let szz = 0;
  for (let t = 0; t < n; t++) {
    const a = x[t]! - mx;
    const b = z[t]! - mz;
    sxz += a * b;
    sxx += a * a;
    szz += b * b;
  }
  return sxx > 0 && szz > 0 ? sxz / Math.sqrt(sxx * szz) : 0;
}

/**
 * The level-dependence statistics of residuals r against the fitted level mu (docs/trust.md
 * section 2): spread vs level = corr(|r_t|, mu_t); curvature = corr(r_t, (mu_t - mean mu)^2).
 */
function levelStats(r: ArrayLike<number>, mu: ArrayLike<number>, n: number): [number, number] {
  const abs = new Float64Array(n);
  const sq = new Float64Array(n);
  let m = 0;
  for (let t = 0; t < n; t++) m += mu[t]! / n;
  for (let t = 0; t < n; t++) {
    abs[t] = Math.abs(r[t]!);
    sq[t] = (mu[t]! - m) ** 2;
  }
  return [correlation(abs, mu, n), correlation(r, sq, n)];
}

function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300))) * Math.cos(2 * Math.PI * rng());
}

/** A draw of the likelihood's standardized noise (normal, or Student-t with nu degrees of freedom). */
function noise(rng: () => number, nu: number | null): number {
  const z = gauss(rng);
  if (nu === null) return z;
  // chi-square(nu) as a sum of squares is fine for the small nu MMMs use; larger nu: Wilson-Hilferty
  let chi: number;
  if (nu <= 30 && Number.isInteger(nu)) {
    chi = 0;
    for (let k = 0; k < nu; k++) chi += gauss(rng) ** 2;
  } else chi = nu * (1 - 2 / (9 * nu) + gauss(rng) * Math.sqrt(2 / (9 * nu))) ** 3;
  return z / Math.sqrt(chi / nu);
}

interface DrawView {
  /** Per geo: observation (y, or log y under the log link) and mu over the training weeks. */
  y: ArrayLike<number>[];
  mu: ArrayLike<number>[];
  sigma: number[];
  /** Per geo: baseline (everything but media) over the training weeks; null when it does not apply. */
  base: ArrayLike<number>[] | null;
}

function figures(
  view: (v: Float64Array) => DrawView,
  draws: PosteriorDraws,
  T: number,
  nu: number | null,
  opts: { maxDraws?: number; seed?: number },
): Omit<HealthFigures, "contraction"> {
  const idx = thinIndices(draws.draws, opts.maxDraws ?? 400);
  const rng = seededRandom(opts.seed ?? 1);
  const exceed = [0, 0, 0, 0, 0];
  const shape = [0, 0];
  let neg = 0;
  let negN = 0;
  let baseApplies = true;
  const rep = new Float64Array(T);
  for (const d of idx) {
    const w = view(drawRow(draws, d));
    const obs = [0, 0, 0, 0, 0];
    const sim = [0, 0, 0, 0, 0];
    const G = w.mu.length;
    for (let g = 0; g < G; g++) {
      const y = w.y[g]!;
      const mu = w.mu[g]!;
      const res = Float64Array.from({ length: T }, (_, t) => y[t]! - mu[t]!);
      for (let t = 0; t < T; t++) rep[t] = w.sigma[g]! * noise(rng, nu);
      const so = [...stats(res, T), ...levelStats(res, mu, T)];
      const ss = [...stats(rep, T), ...levelStats(rep, mu, T)];
      for (let k = 0; k < 5; k++) {
        obs[k]! += so[k]! / G;
        sim[k]! += ss[k]! / G;
      }
      if (w.base) {
        const b = w.base[g]!;
        for (let t = 0; t < T; t++) if (b[t]! < 0) neg += 1;
        negN += T;
      } else baseApplies = false;
    }
    for (let k = 0; k < 5; k++) if (sim[k]! >= obs[k]!) exceed[k]! += 1;
    shape[0]! += obs[3]!;
    shape[1]! += obs[4]!;
  }
  const n = idx.length;
  return {
    ppc: {
      mean: exceed[0]! / n,
      sd: exceed[1]! / n,
      autocorrelation: exceed[2]! / n,
      spreadVsLevel: exceed[3]! / n,
      curvature: exceed[4]! / n,
    },
    residualShape: { spreadVsLevel: shape[0]! / n, curvature: shape[1]! / n },
    negativeBaselineProbability: baseApplies && negN > 0 ? neg / negN : null,
    draws: n,
  };
}

/** Health figures of a v1 model (docs/model.md) from its constrained draws. */
export function healthFigures(
  model: MmmModel,
  draws: PosteriorDraws,
  opts: { maxDraws?: number; seed?: number } = {},
): HealthFigures {
  const spec = model.spec;
  const T = spec.trainingWeeks;
  const nu = spec.likelihood.kind === "studentT" ? spec.likelihood.nu : null;
  const out = figures(
    (v) => {
      const f = model.forward(v);
      const base = Float64Array.from(
        { length: T },
        (_, t) => f.baseline[t]! + f.trend[t]! + f.seasonality[t]! + f.controls[t]! + f.events[t]!,
      );
      return { y: [spec.y], mu: [f.mu], sigma: [v[spec.sigma]!], base: [base] };
    },
    draws,
    T,
    nu,
    opts,
  );
  const contraction: Record<string, number | null> = {};
  for (const ch of spec.channels)
    contraction[ch.name] = contractionOf(draws, ch.beta, spec.parameters[ch.beta]!.prior);
  return { ...out, contraction };
}

/** Health figures of a v2 model (model-v2.md): residuals per geo, averaged over geos. */
export function healthFiguresV2(
  model: MmmModelV2,
  draws: PosteriorDraws,
  opts: { maxDraws?: number; seed?: number } = {},
): HealthFigures {
  const spec = model.spec;
  const T = spec.trainingWeeks;
  const G = spec.G;
  const log = spec.link === "log";
  const y = log ? (spec.data.logY ?? spec.data.y.map((g) => g.map(Math.log))) : spec.data.y;
  const nu = spec.likelihood.kind === "studentT" ? spec.likelihood.nu : null;
  const out = figures(
    (v) => {
      const f = model.forward(v);
      const sigma = Array.from({ length: G }, (_, g) => f.sigmaGeo[g] ?? f.sigmaGeo[0]!);
      const base = log
        ? null
        : Array.from({ length: G }, (_, g) =>
            Float64Array.from(
              { length: T },
              (_, t) => f.baseline[t]! + f.seasonality[t]! + (f.tauGeo[g] ?? 0) + f.controls[g]![t]!,
            ),
          );
      return { y, mu: f.mu, sigma, base };
    },
    draws,
    T,
    nu,
    opts,
  );
  const contraction: Record<string, number | null> = {};
  for (const ch of spec.channels)
    contraction[ch.name] = contractionOf(draws, ch.beta, spec.parameters[ch.beta]!.prior);
  return { ...out, contraction };
}

/** What assessFit and assessFitV2 take besides the fit: the approved run to compare with, etc. */
export interface AssessFitOptions {
  approved?: {
    roi: Record<string, RoiSummary>;
    spendShare?: Record<string, number>;
    threshold: number;
  } | null;
  thresholds?: Partial<HealthThresholds>;
  maxDraws?: number;
}

/**
 * Model health of a v1 fit: the fit's diagnostics and holdout, the figures above, and the approved
 * run's ROI when there is one. `marginalRoi`: per channel the median marginal ROI (the analysis).
 */
export function assessFit(
  fit: Pick<FitResult, "diagnostics" | "approximate" | "holdout" | "channels">,
  model: MmmModel,
  draws: PosteriorDraws,
  opts: AssessFitOptions & { marginalRoi?: Record<string, number> } = {},
): ModelHealth & { figures: HealthFigures } {
  const fig = healthFigures(model, draws, {
    ...(opts.maxDraws !== undefined ? { maxDraws: opts.maxDraws } : {}),
  });
  const health = assessModel(
    {
      converged: fit.diagnostics.converged,
      approximate: fit.approximate,
      convergenceReasons: fit.diagnostics.reasons,
      divergences: fit.diagnostics.divergences,
      ppc: fig.ppc,
      holdout: fit.holdout,
      negativeBaselineProbability: fig.negativeBaselineProbability,
      channels: Object.entries(fit.channels).map(([name, ch]) => ({
        name,
        paid: true,
        roi: ch.roi,
        marginalRoi: opts.marginalRoi?.[name] ?? null,
        contraction: fig.contraction[name] ?? null,
      })),
      approved: opts.approved ?? null,
    },
    opts.thresholds,
  );
  return { ...health, figures: fig };
}

/** Model health of a v2 fit (holdout checks on the national KPI when the fit held weeks out). */
export function assessFitV2(
  fit: Pick<FitResultV2, "diagnostics" | "approximate" | "channels"> & Partial<Pick<FitResultV2, "holdout">>,
  model: MmmModelV2,
  draws: PosteriorDraws,
  opts: AssessFitOptions = {},
): ModelHealth & { figures: HealthFigures } {
  const fig = healthFiguresV2(model, draws, {
    ...(opts.maxDraws !== undefined ? { maxDraws: opts.maxDraws } : {}),
  });
  const health = assessModel(
    {
      converged: fit.diagnostics.converged,
      approximate: fit.approximate,
      convergenceReasons: fit.diagnostics.reasons,
      divergences: fit.diagnostics.divergences,
      ppc: fig.ppc,
      holdout: fit.holdout ?? null,
      negativeBaselineProbability: fig.negativeBaselineProbability,
      channels: Object.entries(fit.channels).map(([name, ch]) => ({
        name,
        paid: ch.role !== "organic",
        roi: ch.roi ?? null,
        marginalRoi: ch.marginalRoi?.q50 ?? null,
        contraction: fig.contraction[name] ?? null,
      })),
      approved: opts.approved ?? null,
    },
    opts.thresholds,
  );
  return { ...health, figures: fig };
}
