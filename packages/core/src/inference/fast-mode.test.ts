import { describe, expect, it } from "vitest";
import { findMap, laplace, negativeHessian } from "./fast-mode.ts";
import { gaussianTarget } from "./gaussian-target.ts";
import { lbfgsMinimize } from "./lbfgs.ts";
import { cholesky, inverseFromCholesky } from "./linalg.ts";
import type { LogDensity } from "./types.ts";

/** Extended Rosenbrock: sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimum 0 at (1, ..., 1). */
function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! ** 2;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i] = g[i]! - 400 * a * x[i]! - 2 * b;
    g[i + 1] = g[i + 1]! + 200 * a;
  }
  return f;
}

function randomSpd(n: number): { cov: Float64Array; precision: Float64Array } {
  // cov = A A^T + n I with a fixed pseudo-random A
  const a = Float64Array.from({ length: n * n }, (_, k) => Math.sin(k * 1.7 + 0.3) * 2);
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * a[j * n + k]!;
      cov[i * n + j] = s;
    }
  }
  return { cov, precision: inverseFromCholesky(cholesky(cov, n)!, n) };
}

describe("L-BFGS", () => {
  it("finds the minimum of the 2-d and 10-d Rosenbrock functions", () => {
    const r2 = lbfgsMinimize(rosenbrock, new Float64Array([-1.2, 1]));
    expect(r2.converged).toBe(true);
    expect(r2.f).toBeLessThan(1e-12);
    for (const v of r2.x) expect(Math.abs(v - 1)).toBeLessThan(1e-5);
    const r10 = lbfgsMinimize(rosenbrock, new Float64Array(10).fill(-1));
    expect(r10.converged).toBe(true);
    for (const v of r10.x) expect(Math.abs(v - 1)).toBeLessThan(1e-5);
    expect(r10.iterations).toBeLessThan(200);
  });

  it("backs off from regions where the objective is NaN or infinite", () => {
    // -log Gamma(3, 1) density: x - 2 log x, minimum at x = 2; NaN for x <= 0.
    const fg = (x: Float64Array, g: Float64Array): number => {
      const v = x[0]!;
      if (v <= 0) {
        g[0] = Number.NaN;
        return Number.NaN;
      }
      g[0] = 1 - 2 / v;
      return v - 2 * Math.log(v);
    };
    for (const start of [0.01, 0.5, 50]) {
      const r = lbfgsMinimize(fg, new Float64Array([start]));
      expect(r.converged).toBe(true);
      expect(Math.abs(r.x[0]! - 2)).toBeLessThan(1e-6);
    }
  });
});

describe("findMap and laplace", () => {
  it("finds the mean of a Gaussian and Laplace recovers its covariance exactly", () => {
    const n = 6;
    const { cov, precision } = randomSpd(n);
    const mean = Float64Array.from({ length: n }, (_, i) => i - 2.5);
    const target = gaussianTarget({ mean, precision });
    const map = findMap(target, { seed: 1, starts: 3 });
    expect(map.converged).toBe(true);
    expect(map.runs).toHaveLength(3);
    for (let i = 0; i < n; i++) expect(Math.abs(map.mode[i]! - mean[i]!)).toBeLessThan(1e-6);
    expect(map.logp).toBeCloseTo(0, 10);
    const lap = laplace(target, map.mode, { draws: 20_000, seed: 2 });
    expect(lap.approximate).toBe(true);
    expect(lap.regularization).toBe(0);
    let maxRel = 0;
    for (let k = 0; k < n * n; k++) {
      maxRel = Math.max(
        maxRel,
        Math.abs(lap.covariance[k]! - cov[k]!) /
          Math.sqrt(cov[Math.floor(k / n) * (n + 1)]! * cov[(k % n) * (n + 1)]!),
      );
    }
    expect(maxRel).toBeLessThan(1e-6);
    // Draws have the Laplace covariance (sd of a sample covariance entry ~ sqrt(2/20000) ~ 0.01)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let d = 0; d < lap.draws; d++)
          s += (lap.samples[d * n + i]! - mean[i]!) * (lap.samples[d * n + j]! - mean[j]!);
        const corrErr = (s / lap.draws - cov[i * n + j]!) / Math.sqrt(cov[i * (n + 1)]! * cov[j * (n + 1)]!);
        expect(Math.abs(corrErr), `cov[${i},${j}]`).toBeLessThan(0.05);
      }
    }
  });

  it("picks the highest of several modes and regularizes an indefinite Hessian", () => {
    // Mixture: 0.3 N(-3, 0.5^2) + 0.7 N(3, 1): the global mode is near 3.
    const target: LogDensity = {
      dim: 1,
      logDensityGradient(theta, grad) {
        const x = theta[0]!;
        const a = Math.log(0.3) - Math.log(0.5) - 0.5 * ((x + 3) / 0.5) ** 2;
        const b = Math.log(0.7) - 0.5 * (x - 3) ** 2;
        const m = Math.max(a, b);
        const lse = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
        const wa = Math.exp(a - lse);
        grad[0] = wa * (-(x + 3) / 0.25) + (1 - wa) * -(x - 3);
        return lse;
      },
    };
    const map = findMap(target, { seed: 4, starts: 6, initRadius: 6 });
    expect(Math.abs(map.mode[0]! - 3)).toBeLessThan(1e-4);
    expect(map.runs.some((r) => Math.abs(r.theta[0]! + 3) < 1e-3)).toBe(true);
    // At the saddle between the modes the negative Hessian is negative: laplace must regularize.
    let lo = -2;
    let hi = 2;
    const g = new Float64Array(1);
    for (let k = 0; k < 100; k++) {
      const mid = 0.5 * (lo + hi);
      target.logDensityGradient(new Float64Array([mid]), g);
      if (g[0]! > 0) hi = mid;
      else lo = mid;
    }
    const saddle = new Float64Array([0.5 * (lo + hi)]);
    expect(negativeHessian(target, saddle)[0]!).toBeLessThan(0);
    const lap = laplace(target, saddle, { draws: 10, seed: 1 });
    expect(lap.regularization).toBeGreaterThan(0);
    expect(lap.covariance[0]!).toBeGreaterThan(0);
  });
});
