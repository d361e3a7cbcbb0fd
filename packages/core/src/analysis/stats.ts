/** Posterior summaries of draw vectors: every number Mixcast reports carries a 90% interval. */

export interface Interval {
  mean: number;
  sd: number;
  q05: number;
  q50: number;
  q95: number;
}

/** Quantile of an already sorted array, linear interpolation between order statistics (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return values.length > 0 ? s / values.length : Number.NaN;
}

/** Mean, sample sd and the 5/50/95% quantiles of the draws. */
export function summarize(values: ArrayLike<number>): Interval {
  const n = values.length;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - m;
    ss += d * d;
  }
  const sorted = Float64Array.from(values).sort();
  return {
    mean: m,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    q05: quantileSorted(sorted, 0.05),
    q50: quantileSorted(sorted, 0.5),
    q95: quantileSorted(sorted, 0.95),
  };
}

/** Compact band for charts: mean with 5% and 95% quantiles. */
export interface Band {
  mean: number;
  lo: number;
  hi: number;
}

/**
 * Per-column bands of a draws x columns matrix (row-major), e.g. a weekly series over draws.
 * Returns three arrays of length `cols` (plain arrays, ready for JSON).
 */
export function columnBands(
  matrix: Float64Array,
  rows: number,
  cols: number,
): { mean: number[]; lo: number[]; hi: number[] } {
  const out = { mean: new Array<number>(cols), lo: new Array<number>(cols), hi: new Array<number>(cols) };
  const col = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) {
      const v = matrix[i * cols + j] as number;
      col[i] = v;
      s += v;
    }
    col.sort();
    out.mean[j] = s / rows;
    out.lo[j] = quantileSorted(col, 0.05);
    out.hi[j] = quantileSorted(col, 0.95);
  }
  return out;
}

/** Probability that a > b, draw by draw (ties count one half). */
export function probabilityGreater(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`draw counts differ: ${a.length} vs ${b.length}`);
  let wins = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x > y) wins += 1;
    else if (x === y) wins += 0.5;
  }
  return a.length > 0 ? wins / a.length : Number.NaN;
}

/** Round for compact JSON without losing meaningful precision. */
export function round(x: number, digits = 6): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

export function roundInterval(i: Interval, digits = 6): Interval {
  return {
    mean: round(i.mean, digits),
    sd: round(i.sd, digits),
    q05: round(i.q05, digits),
    q50: round(i.q50, digits),
    q95: round(i.q95, digits),
  };
}

/** Deterministic small PRNG (mulberry32 over a splitmix-hashed seed): same seed, same stream. */
export function seededRandom(seed: number): () => number {
  let z = (seed >>> 0) + 0x9e3779b9;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  let state = (z ^ (z >>> 16)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Evenly spaced subset of draw indices (deterministic thinning). */
export function thinIndices(total: number, max: number): Int32Array {
  if (total <= max) return Int32Array.from({ length: total }, (_, i) => i);
  const out = new Int32Array(max);
  for (let i = 0; i < max; i++) out[i] = Math.floor((i * total) / max);
  return out;
}
