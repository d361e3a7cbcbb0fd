import { describe, expect, it } from "vitest";
import { essMean } from "../diagnostics/convergence.ts";
import { parameterChains } from "../diagnostics/assess.ts";
import { gaussianTarget, standardNormalTarget } from "./gaussian-target.ts";
import { cholesky, inverseFromCholesky } from "./linalg.ts";
import { sampleChain } from "./nuts.ts";
import type { ChainResult, LogDensity, NutsOptions } from "./types.ts";

function runChains(target: LogDensity, opts: NutsOptions): ChainResult[] {
  return Array.from({ length: opts.chains }, (_, c) => sampleChain(target, opts, c));
}

/** Checks E[x_j] and Var[x_j] against the truth within 4 Monte Carlo standard errors (ESS-based). */
function expectMoments(results: ChainResult[], mean: ArrayLike<number>, variance: ArrayLike<number>): void {
  const dim = results[0]!.dim;
  for (let j = 0; j < dim; j++) {
    const chains = parameterChains(results, j);
    const all = chains.flatMap((c) => Array.from(c));
    const m = all.reduce((a, b) => a + b, 0) / all.length;
    const v = all.reduce((a, b) => a + (b - m) ** 2, 0) / (all.length - 1);
    const ess = essMean(chains);
    expect(ess).toBeGreaterThan(100);
    const seMean = Math.sqrt(v / ess);
    expect(Math.abs(m - mean[j]!), `mean of x[${j}]`).toBeLessThan(4 * seMean);
    // Variance: MCSE from the ESS of the squared deviations around the true mean.
    const sq = chains.map((c) => c.map((x) => (x - mean[j]!) ** 2));
    const sqAll = sq.flatMap((c) => Array.from(c));
    const vHat = sqAll.reduce((a, b) => a + b, 0) / sqAll.length;
    const vSd = Math.sqrt(sqAll.reduce((a, b) => a + (b - vHat) ** 2, 0) / (sqAll.length - 1));
    const seVar = vSd / Math.sqrt(essMean(sq));
    expect(Math.abs(vHat - variance[j]!), `variance of x[${j}]`).toBeLessThan(4 * seVar);
  }
}

function countDivergences(results: ChainResult[]): number {
  return results.reduce((acc, r) => acc + r.divergent.reduce((a, b) => a + b, 0), 0);
}

/** Like the MMM posterior: a level known to 0.005 next to parameters known to +-2 (sd 0.005 to 2). */
function badlyScaledGaussian() {
  const sds = [0.005, 0.02, 0.06, 0.3, 1, 2, 0.01, 0.5];
  const dim = sds.length;
  const precision = new Float64Array(dim * dim);
  sds.forEach((sd, i) => (precision[i * dim + i] = 1 / (sd * sd)));
  const mean = Float64Array.from(sds, (sd, i) => (i % 2 === 0 ? 1 : -1) * 3 * sd);
  return { sds, mean, target: gaussianTarget({ mean, precision }) };
}

describe("NUTS", () => {
  it("samples a 100-d standard normal with adapted metric near 1 and step size near 0.5", () => {
    const target = standardNormalTarget({ dim: 100 });
    const opts = { chains: 4, warmup: 1000, draws: 1000, seed: 2024 };
    const results = runChains(target, opts);
    expectMoments(results, new Float64Array(100), new Float64Array(100).fill(1));
    expect(countDivergences(results)).toBe(0);
    for (const r of results) {
      const accept = r.acceptStat.reduce((a, b) => a + b, 0) / r.draws;
      expect(accept).toBeGreaterThan(0.7);
      expect(accept).toBeLessThan(0.95);
      expect(r.stepSize).toBeGreaterThan(0.25);
      expect(r.stepSize).toBeLessThan(0.9);
      // Each entry is a variance estimate from the last 500-draw window (sd ~0.1 since NUTS draws
      // of x^2 are autocorrelated); their average over 100 dims is much tighter.
      for (const v of r.invMetric) {
        expect(v).toBeGreaterThan(0.55);
        expect(v).toBeLessThan(1.6);
      }
      const avg = r.invMetric.reduce((a, b) => a + b, 0) / r.dim;
      expect(Math.abs(avg - 1)).toBeLessThan(0.05);
      // energy = -logp + kinetic, so energy >= -logp
      for (let i = 0; i < r.draws; i++) expect(r.energy[i]!).toBeGreaterThanOrEqual(-r.logp[i]!);
    }
  });

  it("with early metric windows samples a badly scaled Gaussian (sd 0.005 to 2) correctly and warms up cheaper", () => {
    const { sds, mean, target } = badlyScaledGaussian();
    const opts = { chains: 4, warmup: 1000, draws: 1000, seed: 7 };
    const early = runChains(target, { ...opts, earlyMetricWindow: 10 });
    expectMoments(
      early,
      mean,
      sds.map((sd) => sd * sd),
    );
    expect(countDivergences(early)).toBe(0);
    const stan = runChains(target, opts);
    const warmupGradients = (rs: ChainResult[]) => rs.reduce((a, r) => a + r.warmupGradients, 0);
    expect(warmupGradients(early)).toBeLessThan(0.6 * warmupGradients(stan));
  });

  it("caps the tree depth in the initial buffer only (initBufferMaxTreeDepth), and still samples correctly", () => {
    const { sds, mean, target: inner } = badlyScaledGaussian();
    const dim = sds.length;
    // counts gradients, and records the count at the end of each warmup iteration
    let count = 0;
    const target: LogDensity = {
      dim,
      logDensityGradient: (theta, grad) => {
        count += 1;
        return inner.logDensityGradient(theta, grad);
      },
    };
    const opts = { chains: 4, warmup: 1000, draws: 1000, seed: 7, initBufferMaxTreeDepth: 2 };
    const results: ChainResult[] = [];
    let maxInBuffer = 0;
    let maxAfter = 0;
    for (let c = 0; c < opts.chains; c++) {
      const marks: number[] = [];
      count = 0;
      results.push(
        sampleChain(target, opts, c, {
          progressIntervalMs: 0,
          onProgress: (p) => {
            if (p.phase === "warmup") marks[p.iteration] = count;
          },
        }),
      );
      // iteration i's gradients: its leapfrogs plus, after a metric update, the step-size search
      for (let i = 2; i <= 75; i++) maxInBuffer = Math.max(maxInBuffer, marks[i]! - marks[i - 1]!);
      for (let i = 76; i <= 1000; i++) maxAfter = Math.max(maxAfter, marks[i]! - marks[i - 1]!);
    }
    // depth 2 is at most 3 leapfrogs; with the unit metric (sd 0.005 to 2) the uncapped trees of
    // the buffer's first iterations run to depth 10 (1023 leapfrogs)
    expect(maxInBuffer).toBeLessThanOrEqual(3);
    // after the buffer the full depth is back (the 8-d Gaussian's trees need more than 3 steps)
    expect(maxAfter).toBeGreaterThan(3);
    expect(Math.max(...results.flatMap((r) => Array.from(r.treeDepth)))).toBeGreaterThan(2);
    expectMoments(
      results,
      mean,
      sds.map((sd) => sd * sd),
    );
    expect(countDivergences(results)).toBe(0);
  });

  it("ends warmup early once the gradient-estimated metric settles, and still samples correctly", () => {
    const { sds, mean, target } = badlyScaledGaussian();
    const opts = { chains: 4, warmup: 1000, draws: 1000, seed: 7, earlyMetricWindow: 10 };
    const settled = runChains(target, { ...opts, metricEstimator: "gradient", warmupSettleTolerance: 0.3 });
    expectMoments(
      settled,
      mean,
      sds.map((sd) => sd * sd),
    );
    // the first two slow windows (ending at iterations 100 and 150) agree on an exact Gaussian:
    // warmup stops after the next 50-iteration terminal buffer
    for (const r of settled) expect(r.warmupIterations).toBe(200);
    for (const r of settled)
      r.invMetric.forEach((m, i) => expect(Math.abs(Math.log(m / sds[i]! ** 2))).toBeLessThan(0.3));
    const full = runChains(target, opts);
    for (const r of full) expect(r.warmupIterations).toBe(1000);
    const warmupGradients = (rs: ChainResult[]) => rs.reduce((a, r) => a + r.warmupGradients, 0);
    expect(warmupGradients(settled)).toBeLessThan(0.4 * warmupGradients(full));
  });

  it("samples a strongly correlated 2-d Gaussian (rho = 0.95, scales 1 and 3)", () => {
    const rho = 0.95;
    const s1 = 1;
    const s2 = 3;
    const cov = new Float64Array([s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2]);
    const precision = inverseFromCholesky(cholesky(cov, 2)!, 2);
    const mean = new Float64Array([1, -2]);
    const target = gaussianTarget({ mean, precision });
    const results = runChains(target, { chains: 4, warmup: 1000, draws: 1000, seed: 11 });
    expectMoments(results, mean, [s1 * s1, s2 * s2]);
    expect(countDivergences(results)).toBe(0);
    // Correlation of the pooled draws (sd of the estimate ~ (1 - rho^2)/sqrt(ess) ~ 0.003)
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (const r of results) {
      for (let i = 0; i < r.draws; i++) {
        const x = r.samples[2 * i]! - 1;
        const y = r.samples[2 * i + 1]! + 2;
        sxy += x * y;
        sxx += x * x;
        syy += y * y;
      }
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy) - rho)).toBeLessThan(0.02);
    // The metric adapts to the marginal variances (about 1 and 9).
    const inv = results[0]!.invMetric;
    expect(inv[1]! / inv[0]!).toBeGreaterThan(5);
    expect(inv[1]! / inv[0]!).toBeLessThan(14);
  });

  it("with metric 'dense' samples a strongly correlated 8-d Gaussian correctly in shorter trees", () => {
    // equicorrelated (rho = 0.97) with scales 0.1 .. 3: a diagonal metric needs tiny steps along
    // the thin directions; the dense metric (opt-in, issue 13) whitens them after the first slow window
    const dim = 8;
    const sds = [0.1, 0.3, 1, 3, 0.2, 2, 0.5, 1.5];
    const cov = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < dim; j++) cov[i * dim + j] = (i === j ? 1 : 0.97) * sds[i]! * sds[j]!;
    const precision = inverseFromCholesky(cholesky(cov, dim)!, dim);
    const mean = Float64Array.from(sds, (sd, i) => (i % 2 === 0 ? 1 : -1) * sd);
    const target = gaussianTarget({ mean, precision });
    const opts = { chains: 4, warmup: 1000, draws: 1000, seed: 5 };
    const dense = runChains(target, { ...opts, metric: "dense" });
    expectMoments(
      dense,
      mean,
      sds.map((sd) => sd * sd),
    );
    expect(countDivergences(dense)).toBe(0);
    const diag = runChains(target, opts);
    const steps = (rs: ChainResult[]) => rs.reduce((a, r) => a + r.nLeapfrog.reduce((x, y) => x + y, 0), 0);
    expect(steps(dense)).toBeLessThan(0.6 * steps(diag)); // measured 25 452 vs 48 908
    // the diagonal of the dense metric is still each coordinate's variance
    for (let i = 0; i < dim; i++) expect(dense[0]!.invMetric[i]! / sds[i]! ** 2).toBeGreaterThan(0.6);
  });

  it("recovers the closed-form posterior of a normal-normal hierarchical model", () => {
    // y_j ~ N(theta_j, sigma_j^2), theta_j ~ N(mu, tau^2), mu ~ N(0, 10^2); tau known.
    const y = [28, 8, -3, 7, -1, 1, 18, 12];
    const sigma = [15, 10, 16, 11, 9, 11, 10, 18];
    const tau = 5;
    const J = y.length;
    const dim = J + 1;
    const target: LogDensity = {
      dim,
      logDensityGradient(theta, grad) {
        const mu = theta[0]!;
        let lp = -0.5 * (mu / 10) ** 2;
        grad[0] = -mu / 100;
        for (let j = 0; j < J; j++) {
          const t = theta[j + 1]!;
          const a = (t - mu) / tau;
          const b = (y[j]! - t) / sigma[j]!;
          lp += -0.5 * a * a - 0.5 * b * b;
          grad[0] = grad[0] + a / tau;
          grad[j + 1] = -a / tau + b / sigma[j]!;
        }
        return lp;
      },
    };
    // Closed form: Gaussian with precision Q and mean Q^-1 b.
    const q = new Float64Array(dim * dim);
    const bvec = new Float64Array(dim);
    q[0] = 1 / 100 + J / tau ** 2;
    for (let j = 0; j < J; j++) {
      q[j + 1] = -1 / tau ** 2;
      q[(j + 1) * dim] = -1 / tau ** 2;
      q[(j + 1) * dim + j + 1] = 1 / tau ** 2 + 1 / sigma[j]! ** 2;
      bvec[j + 1] = y[j]! / sigma[j]! ** 2;
    }
    const cov = inverseFromCholesky(cholesky(q, dim)!, dim);
    const mean = new Float64Array(dim);
    for (let i = 0; i < dim; i++)
      for (let k = 0; k < dim; k++) mean[i] = mean[i]! + cov[i * dim + k]! * bvec[k]!;
    const variance = Array.from({ length: dim }, (_, i) => cov[i * dim + i]!);
    const results = runChains(target, { chains: 4, warmup: 1000, draws: 1000, seed: 5 });
    expectMoments(results, mean, variance);
    expect(countDivergences(results)).toBe(0);
  });

  it("samples skewed and heavy-tailed non-Gaussian targets (log-gamma and Student-t)", () => {
    // x = log y, y ~ Gamma(2, 1): logp = 2x - exp(x); E[x] = digamma(2), Var[x] = trigamma(2).
    // z ~ Student-t with 5 df: logp = -3 log(1 + z^2 / 5); E[z] = 0, Var[z] = 5/3.
    const k = 5;
    const target: LogDensity = {
      dim: 2 * k,
      logDensityGradient(theta, grad) {
        let lp = 0;
        for (let i = 0; i < k; i++) {
          const x = theta[i]!;
          const ex = Math.exp(x);
          lp += 2 * x - ex;
          grad[i] = 2 - ex;
          const z = theta[k + i]!;
          lp += -3 * Math.log1p((z * z) / 5);
          grad[k + i] = (-6 * z) / (5 + z * z);
        }
        return lp;
      },
    };
    const digamma2 = 1 - 0.5772156649015329;
    const trigamma2 = Math.PI ** 2 / 6 - 1;
    const results = runChains(target, { chains: 4, warmup: 1000, draws: 1500, seed: 21 });
    expectMoments(
      results,
      [...new Array<number>(k).fill(digamma2), ...new Array<number>(k).fill(0)],
      [...new Array<number>(k).fill(trigamma2), ...new Array<number>(k).fill(5 / 3)],
    );
    expect(countDivergences(results)).toBe(0);
  });

  it("is deterministic for a seed, and different seeds give different draws", () => {
    const target = standardNormalTarget({ dim: 5 });
    const opts = { chains: 1, warmup: 200, draws: 200, seed: 77 };
    const a = sampleChain(target, opts, 0);
    const b = sampleChain(target, opts, 0);
    const c = sampleChain(target, { ...opts, seed: 78 }, 0);
    const d = sampleChain(target, opts, 1);
    expect(Array.from(a.samples)).toEqual(Array.from(b.samples));
    expect(Array.from(a.energy)).toEqual(Array.from(b.energy));
    expect(a.stepSize).toBe(b.stepSize);
    expect(Array.from(a.samples)).not.toEqual(Array.from(c.samples));
    expect(Array.from(a.samples)).not.toEqual(Array.from(d.samples));
  });

  it("takes the warmup windows from the options (Stan's 75 / 25 / 50 when not given)", () => {
    const target = standardNormalTarget({ dim: 5 });
    const opts = { chains: 1, warmup: 400, draws: 50, seed: 5 };
    const a = sampleChain(target, opts, 0);
    const stan = sampleChain(target, { ...opts, initBuffer: 75, baseWindow: 25, termBuffer: 50 }, 0);
    const longTerm = sampleChain(target, { ...opts, termBuffer: 200 }, 0);
    expect(Array.from(stan.invMetric)).toEqual(Array.from(a.invMetric));
    expect(Array.from(stan.samples)).toEqual(Array.from(a.samples));
    // a 200-iteration terminal window leaves 125 draws for the slow windows (25 + 50, then 50 more
    // in the last one) instead of 275: a different metric
    expect(Array.from(longTerm.invMetric)).not.toEqual(Array.from(a.invMetric));
  });

  it("retries random inits where logp is -Infinity and reports divergences at a hard wall", () => {
    // Half-normal on x > 1 with a hard wall: logp = -Infinity for x <= 1; the wall forces
    // divergent transitions but the draws stay inside the support.
    const target: LogDensity = {
      dim: 1,
      logDensityGradient(theta, grad) {
        const x = theta[0]!;
        if (x <= 1) {
          grad[0] = Number.NaN;
          return Number.NEGATIVE_INFINITY;
        }
        grad[0] = -(x - 1);
        return -0.5 * (x - 1) ** 2;
      },
    };
    const r = sampleChain(target, { chains: 1, warmup: 300, draws: 500, seed: 3 }, 0);
    for (let i = 0; i < r.draws; i++) expect(r.samples[i]!).toBeGreaterThan(1);
    expect(r.divergent.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const mean = r.samples.reduce((a, b) => a + b, 0) / r.draws;
    // E[x] = 1 + sqrt(2/pi) = 1.798
    expect(Math.abs(mean - 1.798)).toBeLessThan(0.2);
  });

  it("uses explicit inits and rejects non-finite ones", () => {
    const target = standardNormalTarget({ dim: 2 });
    const bad: LogDensity = { dim: 1, logDensityGradient: () => Number.NaN };
    expect(() => sampleChain(bad, { chains: 1, warmup: 10, draws: 10, seed: 1 }, 0)).toThrow(
      /no finite log density/,
    );
    const r = sampleChain(
      target,
      { chains: 1, warmup: 0, draws: 1, seed: 1, inits: [new Float64Array([50, 50])] },
      0,
    );
    // Without warmup the first draw stays near the far-away init.
    expect(r.samples[0]!).toBeGreaterThan(30);
  });

  it("respects the maximum tree depth and the doubling structure of trajectories", () => {
    const rho = 0.999;
    const det = 1 - rho * rho;
    const target = gaussianTarget({
      mean: new Float64Array(2),
      precision: new Float64Array([1 / det, -rho / det, -rho / det, 1 / det]),
    });
    const r = sampleChain(target, { chains: 1, warmup: 300, draws: 300, seed: 4, maxTreeDepth: 4 }, 0);
    let hits = 0;
    for (let i = 0; i < r.draws; i++) {
      const d = r.treeDepth[i]!;
      expect(d).toBeLessThanOrEqual(4);
      if (d === 4) hits++;
      // A tree of depth d holds 2^d - 1 leapfrog steps, plus part of a rejected last subtree.
      expect(r.nLeapfrog[i]!).toBeGreaterThanOrEqual(2 ** d - 1);
      expect(r.nLeapfrog[i]!).toBeLessThanOrEqual(2 ** (d + 1) - 1);
    }
    // The long, narrow ridge needs far more than 15 steps per trajectory.
    expect(hits).toBeGreaterThan(r.draws / 2);
  });
});
