/**
 * Shared kernel of the weighted adstocks (docs/model.md 2.1): a_t = sum_l w_l x_{t-l} / sum_l w_l,
 * l = 0..L-1, x = 0 before the first row, the full L-term denominator in every week. A kind only
 * supplies its weights and their derivatives with respect to its parameters.
 */
import type { TransformContext } from "./types.ts";

/** Workspace layout: w[L], then dw[nParams * L], then the cross-correlations c[L]. */
export const weightedWorkspaceSize = (nParams: number) => (_n: number, lags: number) => lags * (nParams + 2);

export function weightedAdstockForward(
  x: Float64Array,
  n: number,
  w: Float64Array,
  lags: number,
  out: Float64Array,
): void {
  let sumW = 0;
  for (let l = 0; l < lags; l++) sumW += w[l]!;
  const inv = 1 / sumW;
  for (let t = 0; t < n; t++) {
    const lmax = t < lags - 1 ? t : lags - 1;
    let s = 0;
    for (let l = 0; l <= lmax; l++) s += w[l]! * x[t - l]!;
    out[t] = s * inv;
  }
}

/**
 * d target / d p_j = (sum_l dw_{j,l} C_l - dW_j sum_t g_t a_t) / W with C_l = sum_t g_t x_{t-l};
 * d target / d x_s = sum_l w_l g_{s+l} / W.
 */
export function weightedAdstockBackward(
  x: Float64Array,
  n: number,
  lags: number,
  nParams: number,
  out: Float64Array,
  gOut: Float64Array,
  gp: Float64Array,
  gIn: Float64Array | null,
  ctx: TransformContext,
): void {
  const ws = ctx.ws;
  const cOff = lags * (nParams + 1);
  let sumW = 0;
  for (let l = 0; l < lags; l++) sumW += ws[l]!;
  const inv = 1 / sumW;
  let ga = 0;
  for (let t = 0; t < n; t++) ga += gOut[t]! * out[t]!;
  for (let l = 0; l < lags; l++) {
    let c = 0;
    for (let t = l; t < n; t++) c += gOut[t]! * x[t - l]!;
    ws[cOff + l] = c;
  }
  for (let j = 0; j < nParams; j++) {
    const off = lags * (j + 1);
    let num = 0;
    let dW = 0;
    for (let l = 0; l < lags; l++) {
      const dw = ws[off + l]!;
      num += dw * ws[cOff + l]!;
      dW += dw;
    }
    gp[j] = (num - dW * ga) * inv;
  }
  if (gIn !== null) {
    for (let s = 0; s < n; s++) {
      const lmax = n - 1 - s < lags - 1 ? n - 1 - s : lags - 1;
      let g = 0;
      for (let l = 0; l <= lmax; l++) g += ws[l]! * gOut[s + l]!;
      gIn[s] = g * inv;
    }
  }
}
