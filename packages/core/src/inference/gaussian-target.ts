/** Multivariate normal log densities: reference targets for sampler tests and benchmarks, and
 *  factory exports usable in a LogDensityFactoryRef. */
import type { LogDensity } from "./types.ts";

/** N(mean, P^-1) given the precision matrix P (row-major dim x dim). */
export function gaussianTarget(args: { mean: Float64Array; precision: Float64Array }): LogDensity {
  const { mean, precision } = args;
  const dim = mean.length;
  if (precision.length !== dim * dim) throw new Error("precision must be dim x dim");
  const diff = new Float64Array(dim);
  return {
    dim,
    logDensityGradient(theta, grad) {
      for (let i = 0; i < dim; i++) diff[i] = theta[i]! - mean[i]!;
      let quad = 0;
      for (let i = 0; i < dim; i++) {
        let s = 0;
        const row = i * dim;
        for (let j = 0; j < dim; j++) s += precision[row + j]! * diff[j]!;
        grad[i] = -s;
        quad += diff[i]! * s;
      }
      return -0.5 * quad;
    },
  };
}

/** Independent N(0, 1) in `dim` dimensions. */
export function standardNormalTarget(args: { dim: number }): LogDensity {
  const { dim } = args;
  return {
    dim,
    logDensityGradient(theta, grad) {
      let s = 0;
      for (let i = 0; i < dim; i++) {
        const x = theta[i]!;
        s += x * x;
        grad[i] = -x;
      }
      return -0.5 * s;
    },
  };
}

/** Standard normal whose every evaluation also spins `work` iterations (cancellation tests). */
export function slowStandardNormalTarget(args: { dim: number; work: number }): LogDensity {
  const inner = standardNormalTarget({ dim: args.dim });
  let sink = 0;
  return {
    dim: args.dim,
    logDensityGradient(theta, grad) {
      for (let i = 0; i < args.work; i++) sink = (sink + i * 1e-9) % 1;
      return inner.logDensityGradient(theta, grad) + sink * 0;
    },
  };
}
