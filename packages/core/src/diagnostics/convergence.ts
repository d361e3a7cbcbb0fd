/**
 * MCMC convergence diagnostics after Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021),
 * "Rank-normalization, folding, and localization: an improved R-hat", matching the reference
 * implementation in the R package `posterior` (rhat, ess_bulk, ess_tail, ess_mean).
 * Every function takes one scalar quantity as an array of chains (one Float64Array per chain,
 * all of the same length).
 */
import { normalQuantile } from "./normal-quantile.ts";

function checkChains(chains: readonly Float64Array[]): number {
  if (chains.length === 0) throw new Error("need at least one chain");
  const n = chains[0]!.length;
  for (const c of chains) if (c.length !== n) throw new Error("all chains must have the same length");
  return n;
}

/** Splits every chain into two halves (the middle draw of an odd-length chain is dropped). */
export function splitChains(chains: readonly Float64Array[]): Float64Array[] {
  const n = checkChains(chains);
  const half = Math.floor(n / 2);
  const out: Float64Array[] = [];
  for (const c of chains) {
    out.push(c.slice(0, half), c.slice(n - half));
  }
  return out;
}

/** Average ranks (1-based, ties get their mean rank) over the pooled draws: a native numeric sort
 *  of a copy, then for each value the range of equal values by binary search. */
function pooledRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    // lb: first index with sorted >= x; ub: first index with sorted > x
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    const lb = lo;
    hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    ranks[i] = (lb + lo + 1) / 2;
  }
  return ranks;
}

/** Rank-normalizes pooled draws: z = Phi^-1((r - 3/8) / (S + 1/4)) (Blom), keeps chain structure. */
export function rankNormalize(chains: readonly Float64Array[]): Float64Array[] {
  const n = checkChains(chains);
  const pooled = new Float64Array(n * chains.length);
  chains.forEach((c, k) => pooled.set(c, k * n));
  const ranks = pooledRanks(pooled);
  const s = pooled.length;
  return chains.map((_, k) => {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = normalQuantile((ranks[k * n + i]! - 0.375) / (s + 0.25));
    return z;
  });
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

function sampleVariance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - m) ** 2;
  return s / (x.length - 1);
}

function isConstant(chains: readonly Float64Array[]): boolean {
  const first = chains[0]![0]!;
  for (const c of chains) for (let i = 0; i < c.length; i++) if (c[i] !== first) return false;
  return true;
}

/** Classic potential scale reduction on the given (already split / transformed) chains. */
export function rhatBasic(chains: readonly Float64Array[]): number {
  const n = checkChains(chains);
  if (n < 2 || chains.length < 2) return Number.NaN;
  for (const c of chains) for (let i = 0; i < n; i++) if (!Number.isFinite(c[i]!)) return Number.NaN;
  if (isConstant(chains)) return Number.NaN;
  const chainMeans = chains.map((c) => mean(c));
  const varBetween = n * sampleVariance(chainMeans);
  const varWithin = mean(chains.map((c) => sampleVariance(c)));
  return Math.sqrt((varBetween / varWithin + n - 1) / n);
}

/**
 * Effective sample size of the mean of the given chains (no splitting or transformation), with
 * Geyer's initial positive and initial monotone sequences on the combined autocorrelations.
 * Autocovariances are computed lag by lag only as far as the truncation needs.
 */
export function essBasic(chains: readonly Float64Array[]): number {
  const n = checkChains(chains);
  const m = chains.length;
  if (n < 3) return Number.NaN;
  for (const c of chains) for (let i = 0; i < n; i++) if (!Number.isFinite(c[i]!)) return Number.NaN;
  if (isConstant(chains)) return Number.NaN;
  const centered = chains.map((c) => {
    const mu = mean(c);
    return c.map((v) => v - mu);
  });
  const chainMeans = chains.map((c) => mean(c));
  // Biased autocovariance at lag t, averaged over chains.
  const meanAcov = (t: number): number => {
    let total = 0;
    for (const x of centered) {
      let s = 0;
      for (let i = 0; i + t < n; i++) s += x[i]! * x[i + t]!;
      total += s / n;
    }
    return total / m;
  };
  const acov0 = meanAcov(0);
  const meanVar = (acov0 * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) varPlus += sampleVariance(chainMeans);

  const rhoHat = new Float64Array(n);
  let rhoEven = 1;
  rhoHat[0] = 1;
  let rhoOdd = 1 - (meanVar - meanAcov(1)) / varPlus;
  rhoHat[1] = rhoOdd;
  let t = 0;
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    rhoEven = 1 - (meanVar - meanAcov(t)) / varPlus;
    rhoOdd = 1 - (meanVar - meanAcov(t + 1)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rhoHat[t] = rhoEven;
      rhoHat[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  if (rhoEven > 0) rhoHat[maxT] = rhoEven;
  // Initial monotone sequence
  t = 0;
  while (t <= maxT - 4) {
    t += 2;
    if (rhoHat[t]! + rhoHat[t + 1]! > rhoHat[t - 2]! + rhoHat[t - 1]!) {
      rhoHat[t] = (rhoHat[t - 2]! + rhoHat[t - 1]!) / 2;
      rhoHat[t + 1] = rhoHat[t]!;
    }
  }
  const total = m * n;
  let tau = -1;
  for (let i = 0; i < maxT; i++) tau += 2 * rhoHat[i]!;
  tau += rhoHat[maxT]!;
  // Floor that reduces variance in the antithetic case
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

function fold(chains: readonly Float64Array[], median = quantile(chains, 0.5)): Float64Array[] {
  return chains.map((c) => c.map((v) => Math.abs(v - median)));
}

function rhatFromBulk(
  chains: readonly Float64Array[],
  bulkZ: readonly Float64Array[],
  median?: number,
): number {
  const bulk = rhatBasic(bulkZ);
  const tail = rhatBasic(rankNormalize(splitChains(fold(chains, median))));
  if (Number.isNaN(bulk)) return tail;
  if (Number.isNaN(tail)) return bulk;
  return Math.max(bulk, tail);
}

/** Rank-normalized split R-hat: max of bulk R-hat and folded (tail) R-hat. */
export function rhat(chains: readonly Float64Array[]): number {
  return rhatFromBulk(chains, rankNormalize(splitChains(chains)));
}

/** Bulk effective sample size: ESS of the rank-normalized split chains. */
export function essBulk(chains: readonly Float64Array[]): number {
  return essBasic(rankNormalize(splitChains(chains)));
}

/** ESS of the mean (split chains, no rank normalization). */
export function essMean(chains: readonly Float64Array[]): number {
  return essBasic(splitChains(chains));
}

/** ESS of the quantile `prob` via the indicator I(x <= q_prob) on split chains. */
export function essQuantile(
  chains: readonly Float64Array[],
  prob: number,
  q = quantile(chains, prob),
): number {
  return essBasic(splitChains(chains.map((c) => c.map((v) => (v <= q ? 1 : 0)))));
}

/** Tail effective sample size: min of the ESS of the 5% and 95% quantiles. */
export function essTail(chains: readonly Float64Array[], q05?: number, q95?: number): number {
  const a = essQuantile(chains, 0.05, q05);
  const b = essQuantile(chains, 0.95, q95);
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.min(a, b);
}

/** Quantile of the pooled draws (R type 7: linear interpolation between order statistics). */
export function quantile(chains: readonly Float64Array[] | Float64Array, prob: number): number {
  return quantiles(chains, [prob])[0]!;
}

export function quantiles(
  chains: readonly Float64Array[] | Float64Array,
  probs: readonly number[],
): number[] {
  const list = chains instanceof Float64Array ? [chains] : chains;
  let total = 0;
  for (const c of list) total += c.length;
  const sorted = new Float64Array(total);
  let off = 0;
  for (const c of list) {
    sorted.set(c, off);
    off += c.length;
  }
  sorted.sort();
  return probs.map((p) => {
    if (total === 0) return Number.NaN;
    const h = (total - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, total - 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  });
}

export interface DrawSummary {
  mean: number;
  sd: number;
  q05: number;
  q50: number;
  q95: number;
  rhat: number;
  essBulk: number;
  essTail: number;
}

/** Posterior summary of one scalar quantity given as chains. */
export function summarizeDraws(chains: readonly Float64Array[]): DrawSummary {
  checkChains(chains);
  let total = 0;
  let s = 0;
  for (const c of chains)
    for (let i = 0; i < c.length; i++) {
      s += c[i]!;
      total++;
    }
  const mu = s / total;
  let ss = 0;
  for (const c of chains) for (let i = 0; i < c.length; i++) ss += (c[i]! - mu) ** 2;
  const [q05, q50, q95] = quantiles(chains, [0.05, 0.5, 0.95]) as [number, number, number];
  const bulkZ = rankNormalize(splitChains(chains));
  return {
    mean: mu,
    sd: total > 1 ? Math.sqrt(ss / (total - 1)) : Number.NaN,
    q05,
    q50,
    q95,
    rhat: rhatFromBulk(chains, bulkZ, q50),
    essBulk: essBasic(bulkZ),
    essTail: essTail(chains, q05, q95),
  };
}

/** Energy Bayesian fraction of missing information for one chain (Betancourt 2016): mean squared
 *  energy change over the variance of the energy. Values below 0.3 indicate poor exploration. */
export function ebfmi(energy: Float64Array): number {
  const n = energy.length;
  if (n < 2) return Number.NaN;
  let num = 0;
  for (let i = 1; i < n; i++) num += (energy[i]! - energy[i - 1]!) ** 2;
  num /= n - 1;
  const mu = mean(energy);
  let den = 0;
  for (let i = 0; i < n; i++) den += (energy[i]! - mu) ** 2;
  den /= n;
  return num / den;
}
