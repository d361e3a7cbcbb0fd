/** Out-of-sample accuracy on the held-out last weeks (docs/model.md section 4, Validation). */

export interface HoldoutMetrics {
  weeks: number;
  /** Mean absolute percentage error as a fraction (0.05 = 5 %); weeks with a zero KPI are skipped. */
  mape: number;
  /** 1 - SS_res / SS_tot around the holdout mean. */
  r2: number;
  /** Root mean squared error divided by the range (max - min) of the actual KPI, as in Robyn. */
  nrmse: number;
  /** Share of weeks whose actual KPI lies inside the 90 % posterior predictive interval. */
  coverage90: number;
}

/**
 * actual and predicted: holdout weeks in original units. lower/upper: the 5 % and 95 % quantiles
 * of the posterior predictive per week.
 */
export function holdoutMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): HoldoutMetrics {
  const n = actual.length;
  if (n === 0) throw new Error("holdoutMetrics needs at least one week");
  let ape = 0;
  let apeN = 0;
  let mean = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let t = 0; t < n; t += 1) {
    const y = actual[t]!;
    mean += y / n;
    min = Math.min(min, y);
    max = Math.max(max, y);
  }
  let ssRes = 0;
  let ssTot = 0;
  let covered = 0;
  for (let t = 0; t < n; t += 1) {
    const y = actual[t]!;
    const e = y - predicted[t]!;
    ssRes += e * e;
    ssTot += (y - mean) ** 2;
    if (y !== 0) {
      ape += Math.abs(e / y);
      apeN += 1;
    }
    if (y >= lower[t]! && y <= upper[t]!) covered += 1;
  }
  const rmse = Math.sqrt(ssRes / n);
  return {
    weeks: n,
    mape: apeN > 0 ? ape / apeN : Number.NaN,
    r2: ssTot > 0 ? 1 - ssRes / ssTot : Number.NaN,
    nrmse: max > min ? rmse / (max - min) : Number.NaN,
    coverage90: covered / n,
  };
}
