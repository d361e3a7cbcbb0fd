// Draws for the Student-t likelihood's posterior predictive (fit holdout, backtests).
import type { Rng } from "./rng.ts";

/** Student-t draw: Z / sqrt(V / nu), V ~ chi-square(nu) = 2 Gamma(nu / 2). */
export function studentT(rng: Rng, nu: number): number {
  return rng.normal() / Math.sqrt((2 * gammaDraw(rng, nu / 2)) / nu);
}

/** Marsaglia-Tsang gamma(shape, 1) draw. */
function gammaDraw(rng: Rng, shape: number): number {
  if (shape < 1) return gammaDraw(rng, shape + 1) * rng.uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
