/**
 * Pareto-smoothed importance sampling and PSIS-LOO (Vehtari, Gelman & Gabry 2017; Vehtari,
 * Simpson, Gelman, Yao & Gabry 2024), following the R package `loo`: the largest
 * M = ceil(min(0.2 S, 3 sqrt(S / r_eff))) importance ratios are replaced by expected order
 * statistics of a generalized Pareto distribution fitted with Zhang & Stephens (2009) plus the
 * weakly informative prior on k used by `loo` (shrinks k towards 0.5 as if from 10 extra
 * observations).
 */

export interface GpdFit {
  k: number;
  sigma: number;
}

/** Fits a generalized Pareto distribution (location 0) to positive exceedances x (any order). */
export function gpdFit(x: Float64Array): GpdFit {
  const xs = Float64Array.from(x).sort();
  const n = xs.length;
  const prior = 3;
  const m = 30 + Math.floor(Math.sqrt(n));
  const xstar = xs[Math.max(0, Math.floor(n / 4 + 0.5) - 1)]!;
  const xmax = xs[n - 1]!;
  const theta = new Float64Array(m);
  const lTheta = new Float64Array(m);
  let lMax = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < m; j++) {
    const th = 1 / xmax + (1 - Math.sqrt(m / (j + 1 - 0.5))) / prior / xstar;
    theta[j] = th;
    // Profile log-likelihood: n * (log(a / k) - k - 1), a = -theta, k = mean(log1p(a x))
    const a = -th;
    let k = 0;
    for (let i = 0; i < n; i++) k += Math.log1p(a * xs[i]!);
    k /= n;
    const l = n * (Math.log(a / k) - k - 1);
    lTheta[j] = l;
    if (l > lMax) lMax = l;
  }
  let wSum = 0;
  let thetaHat = 0;
  for (let j = 0; j < m; j++) {
    const w = Number.isNaN(lTheta[j]!) ? 0 : Math.exp(lTheta[j]! - lMax);
    wSum += w;
    thetaHat += theta[j]! * w;
  }
  thetaHat /= wSum;
  let k = 0;
  for (let i = 0; i < n; i++) k += Math.log1p(-thetaHat * xs[i]!);
  k /= n;
  const sigma = -k / thetaHat;
  // Weakly informative prior: as if 10 extra observations at k = 0.5
  k = (k * n + 0.5 * 10) / (n + 10);
  if (Number.isNaN(k)) k = Number.POSITIVE_INFINITY;
  return { k, sigma };
}

function gpdQuantile(p: number, k: number, sigma: number): number {
  if (Number.isNaN(sigma) || sigma <= 0) return Number.NaN;
  return k === 0 ? -sigma * Math.log1p(-p) : (sigma * Math.expm1(-k * Math.log1p(-p))) / k;
}

function logSumExpArray(x: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) if (x[i]! > max) max = x[i]!;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i]! - max);
  return max + Math.log(s);
}

export interface PsisResult {
  /** Normalized smoothed log weights (logSumExp = 0). */
  logWeights: Float64Array;
  /** Pareto shape estimate of the ratios' right tail; Infinity when it cannot be fitted. */
  paretoK: number;
}

/** Pareto-smoothed importance sampling of log importance ratios. rEff: relative MCMC
 *  efficiency of the ratios (1 for independent draws). */
export function psis(logRatios: Float64Array, rEff = 1): PsisResult {
  const s = logRatios.length;
  const lw = new Float64Array(s);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s; i++) if (logRatios[i]! > max) max = logRatios[i]!;
  for (let i = 0; i < s; i++) lw[i] = logRatios[i]! - max;
  let k = Number.POSITIVE_INFINITY;
  const tailLen = Math.ceil(Math.min(0.2 * s, 3 * Math.sqrt(s / rEff)));
  if (tailLen >= 5 && tailLen < s) {
    // Only the tail needs its positions: a native sort of the values finds the cutoff, then the
    // (few) indices at or above the tail's smallest value are sorted stably by value, which gives
    // the same order as a stable sort of all indices would.
    const sorted = Float64Array.from(lw).sort();
    const first = s - tailLen;
    const tailMin = sorted[first]!;
    const tailMax = sorted[s - 1]!;
    if (Math.abs(tailMax - tailMin) >= Number.EPSILON / 100) {
      const candidates: number[] = [];
      for (let i = 0; i < s; i++) if (lw[i]! >= tailMin) candidates.push(i);
      candidates.sort((a, b) => lw[a]! - lw[b]!);
      const tail = candidates.slice(candidates.length - tailLen);
      const expCutoff = Math.exp(sorted[first - 1]!);
      const exceed = new Float64Array(tailLen);
      for (let i = 0; i < tailLen; i++) exceed[i] = Math.exp(lw[tail[i]!]!) - expCutoff;
      const fit = gpdFit(exceed);
      k = fit.k;
      if (Number.isFinite(k)) {
        for (let i = 0; i < tailLen; i++) {
          const q = gpdQuantile((i + 0.5) / tailLen, k, fit.sigma) + expCutoff;
          if (Number.isFinite(q) && q > 0) lw[tail[i]!] = Math.log(q);
        }
      }
    }
  }
  // Truncate at the largest raw weight (0 after subtracting the max), then normalize.
  for (let i = 0; i < s; i++) if (lw[i]! > 0) lw[i] = 0;
  const norm = logSumExpArray(lw);
  for (let i = 0; i < s; i++) lw[i] = lw[i]! - norm;
  return { logWeights: lw, paretoK: k };
}

export interface LooResult {
  /** Expected log pointwise predictive density, sum over observations. */
  elpd: number;
  /** Standard error of elpd: sqrt(n * var(pointwise)). */
  se: number;
  /** Effective number of parameters: lpd - elpd_loo. */
  pLoo: number;
  pLooSe: number;
  /** -2 * elpd */
  looic: number;
  /** elpd_loo_i per observation. */
  pointwise: Float64Array;
  paretoK: Float64Array;
  warnings: string[];
}

/**
 * PSIS-LOO from the pointwise log-likelihood matrix (draws x observations, row-major:
 * logLik[s * nObs + i]). rEff: relative efficiencies per observation (default 1).
 */
export function psisLoo(
  logLik: Float64Array,
  nDraws: number,
  nObs: number,
  opts: { rEff?: number | Float64Array } = {},
): LooResult {
  if (logLik.length !== nDraws * nObs)
    throw new Error(`logLik has length ${logLik.length}, expected ${nDraws}*${nObs}`);
  const pointwise = new Float64Array(nObs);
  const pLooI = new Float64Array(nObs);
  const paretoK = new Float64Array(nObs);
  const col = new Float64Array(nDraws);
  const neg = new Float64Array(nDraws);
  for (let i = 0; i < nObs; i++) {
    for (let s = 0; s < nDraws; s++) {
      col[s] = logLik[s * nObs + i]!;
      neg[s] = -col[s]!;
    }
    const rEff = typeof opts.rEff === "number" ? opts.rEff : (opts.rEff?.[i] ?? 1);
    const { logWeights, paretoK: k } = psis(neg, rEff);
    for (let s = 0; s < nDraws; s++) neg[s] = logWeights[s]! + col[s]!;
    const elpdI = logSumExpArray(neg);
    const lpdI = logSumExpArray(col) - Math.log(nDraws);
    pointwise[i] = elpdI;
    pLooI[i] = lpdI - elpdI;
    paretoK[i] = k;
  }
  const sumVar = (x: Float64Array): { sum: number; se: number } => {
    let sum = 0;
    for (const v of x) sum += v;
    const m = sum / x.length;
    let ss = 0;
    for (const v of x) ss += (v - m) ** 2;
    return { sum, se: x.length > 1 ? Math.sqrt(x.length * (ss / (x.length - 1))) : Number.NaN };
  };
  const e = sumVar(pointwise);
  const p = sumVar(pLooI);
  const warnings: string[] = [];
  let high = 0;
  let moderate = 0;
  for (const k of paretoK) {
    if (!(k <= 0.7)) high++;
    else if (k > 0.5) moderate++;
  }
  if (high > 0) {
    warnings.push(
      `${high} of ${nObs} observations have Pareto k > 0.7: their PSIS-LOO estimates are unreliable (the posterior is too sensitive to them)`,
    );
  }
  if (moderate > 0) {
    warnings.push(
      `${moderate} of ${nObs} observations have Pareto k in (0.5, 0.7]: PSIS-LOO is usable but less accurate for them`,
    );
  }
  return {
    elpd: e.sum,
    se: e.se,
    pLoo: p.sum,
    pLooSe: p.se,
    looic: -2 * e.sum,
    pointwise,
    paretoK,
    warnings,
  };
}

/** Difference a.elpd - b.elpd (positive: a predicts better) with the SE of the paired
 *  pointwise differences, sqrt(n * var(a_i - b_i)). Both must cover the same observations. */
export function compareLoo(a: LooResult, b: LooResult): { elpdDiff: number; se: number } {
  const n = a.pointwise.length;
  if (b.pointwise.length !== n)
    throw new Error("compareLoo: results cover different numbers of observations");
  const d = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    d[i] = a.pointwise[i]! - b.pointwise[i]!;
    sum += d[i]!;
  }
  const m = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (d[i]! - m) ** 2;
  return { elpdDiff: sum, se: n > 1 ? Math.sqrt(n * (ss / (n - 1))) : Number.NaN };
}
