/**
 * Shared form of the exposure multipliers (docs/model.md 2.3-2.4): out_t = in_t (1 + p f_t)
 * with a data feature f computed from the channel's spend.
 */
import type { TransformContext } from "./types.ts";

export function multiplierForward(
  input: Float64Array,
  n: number,
  p: number,
  out: Float64Array,
  ctx: TransformContext,
): void {
  const f = ctx.feature;
  for (let t = 0; t < n; t++) out[t] = input[t]! * (1 + p * f[t]!);
}

export function multiplierBackward(
  input: Float64Array,
  n: number,
  p: number,
  gOut: Float64Array,
  gp: Float64Array,
  gIn: Float64Array | null,
  ctx: TransformContext,
): void {
  const f = ctx.feature;
  let g = 0;
  for (let t = 0; t < n; t++) {
    const go = gOut[t]!;
    const ft = f[t]!;
    g += go * input[t]! * ft;
    if (gIn !== null) gIn[t] = go * (1 + p * ft);
  }
  gp[0] = g;
}

/** Trailing mean over weeks t-w+1..t, zero before the first row, always divided by w. */
export function rollingMean(x: Float64Array, n: number, w: number, out: Float64Array): void {
  let s = 0;
  for (let t = 0; t < n; t++) {
    s += x[t]!;
    if (t >= w) s -= x[t - w]!;
    out[t] = s / w;
  }
}

/** Same, summed exactly per week (no running sum), for values that must match a reference. */
export function rollingMeanExact(x: Float64Array, n: number, w: number, out: Float64Array): void {
  for (let t = 0; t < n; t++) {
    let s = 0;
    const lo = t - w + 1 > 0 ? t - w + 1 : 0;
    for (let i = lo; i <= t; i++) s += x[i]!;
    out[t] = s / w;
  }
}
