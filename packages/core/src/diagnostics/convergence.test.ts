import { describe, expect, it } from "vitest";
import { Rng } from "../inference/rng.ts";
import type { ChainResult } from "../inference/types.ts";
import { assessConvergence } from "./assess.ts";
import {
  ebfmi,
  essBasic,
  essBulk,
  essMean,
  essTail,
  quantiles,
  rankNormalize,
  rhat,
  rhatBasic,
  splitChains,
  summarizeDraws,
} from "./convergence.ts";
import { normalQuantile } from "./normal-quantile.ts";

/** Stationary AR(1) with unit marginal variance. */
function ar1(rng: Rng, n: number, rho: number, mean = 0): Float64Array {
  const x = new Float64Array(n);
  let v = rng.normal();
  const s = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < n; i++) {
    x[i] = v + mean;
    v = rho * v + s * rng.normal();
  }
  return x;
}

describe("normalQuantile", () => {
  it("matches reference values of qnorm", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.5244005127080407, 13);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 11);
    expect(normalQuantile(0.5)).toBe(0);
  });
});

describe("R-hat and ESS", () => {
  it("classic R-hat matches a hand-computed value", () => {
    // means 2.5 and 4.5; B = 4 * var(means) = 8; W = var(1..4) = 5/3
    // rhat = sqrt((B / W + n - 1) / n) = sqrt((4.8 + 3) / 4)
    const r = rhatBasic([new Float64Array([1, 2, 3, 4]), new Float64Array([3, 4, 5, 6])]);
    expect(r).toBeCloseTo(Math.sqrt(1.95), 12);
  });

  it("splits chains and rank-normalizes with Blom offsets", () => {
    const halves = splitChains([new Float64Array([1, 2, 3, 4, 5])]);
    expect(halves.map((h) => Array.from(h))).toEqual([
      [1, 2],
      [4, 5],
    ]);
    const [z] = rankNormalize([new Float64Array([10, 30, 20, 20])]);
    // ranks 1, 4, 2.5, 2.5 of S = 4: z = qnorm((r - 3/8) / 4.25)
    expect(z![0]).toBeCloseTo(normalQuantile(0.625 / 4.25), 12);
    expect(z![1]).toBeCloseTo(normalQuantile(3.625 / 4.25), 12);
    expect(z![2]).toBe(z![3]);
  });

  it("ESS of AR(1) chains is close to N (1 - rho) / (1 + rho)", () => {
    const rng = new Rng(1234);
    for (const [rho, tol] of [
      [0.5, 0.12],
      [0.9, 0.2],
      [-0.3, 0.12],
    ] as const) {
      const chains = Array.from({ length: 4 }, () => ar1(rng, 2000, rho));
      const expected = (8000 * (1 - rho)) / (1 + rho);
      const e = essMean(chains);
      expect(Math.abs(e / expected - 1), `essMean rho=${rho}: ${e} vs ${expected}`).toBeLessThan(tol);
      const b = essBulk(chains);
      expect(Math.abs(b / expected - 1), `essBulk rho=${rho}: ${b} vs ${expected}`).toBeLessThan(tol + 0.05);
      // Quantile indicators of an AR(1) are less autocorrelated than the chain itself.
      const t = essTail(chains);
      expect(t).toBeGreaterThan(0.7 * Math.min(expected, 8000));
    }
  });

  it("ESS of independent draws is about the number of draws", () => {
    const rng = new Rng(5);
    const chains = Array.from({ length: 4 }, () => Float64Array.from({ length: 1000 }, () => rng.normal()));
    const e = essBasic(chains);
    expect(e).toBeGreaterThan(3400);
    expect(e).toBeLessThan(4600);
    expect(essTail(chains)).toBeGreaterThan(3000);
  });

  it("R-hat is ~1 for well-mixed chains and > 1.1 for chains with shifted means", () => {
    const rng = new Rng(77);
    const good = Array.from({ length: 4 }, () => ar1(rng, 1000, 0.3));
    expect(rhat(good)).toBeLessThan(1.01);
    expect(rhat(good)).toBeGreaterThan(0.99);
    const shifted = Array.from({ length: 4 }, (_, c) => ar1(rng, 1000, 0.3, c === 3 ? 2 : 0));
    expect(rhat(shifted)).toBeGreaterThan(1.1);
    // Same location, one chain with 3x the scale: bulk R-hat misses it, the folded one does not.
    const scaled = Array.from({ length: 4 }, (_, c) => ar1(rng, 1000, 0.3).map((v) => (c === 3 ? 3 * v : v)));
    expect(rhatBasic(rankNormalize(splitChains(scaled)))).toBeLessThan(1.02);
    expect(rhat(scaled)).toBeGreaterThan(1.05);
    // A trend inside each chain is caught by splitting.
    const trending = Array.from({ length: 4 }, () => ar1(rng, 1000, 0.3).map((v, i) => v + (3 * i) / 1000));
    expect(rhat(trending)).toBeGreaterThan(1.1);
  });

  it("summarizes draws with type-7 quantiles", () => {
    expect(quantiles(new Float64Array([4, 1, 3, 2]), [0, 0.05, 0.5, 1])).toEqual([1, 1.15, 2.5, 4]);
    const rng = new Rng(8);
    const chains = Array.from({ length: 4 }, () =>
      Float64Array.from({ length: 2000 }, () => 3 + 2 * rng.normal()),
    );
    const s = summarizeDraws(chains);
    expect(s.rhat).toBe(rhat(chains));
    expect(s.essBulk).toBe(essBulk(chains));
    expect(s.essTail).toBe(essTail(chains));
    expect(Math.abs(s.mean - 3)).toBeLessThan(0.1);
    expect(Math.abs(s.sd - 2)).toBeLessThan(0.06);
    expect(Math.abs(s.q05 - (3 - 2 * 1.6449))).toBeLessThan(0.15);
    expect(Math.abs(s.q95 - (3 + 2 * 1.6449))).toBeLessThan(0.15);
    expect(s.rhat).toBeLessThan(1.01);
    expect(s.essBulk).toBeGreaterThan(6000);
  });

  it("E-BFMI is ~2 for independent energies and small for a slowly mixing energy", () => {
    const rng = new Rng(3);
    expect(Math.abs(ebfmi(Float64Array.from({ length: 4000 }, () => rng.normal())) - 2)).toBeLessThan(0.15);
    expect(ebfmi(ar1(rng, 4000, 0.99))).toBeLessThan(0.1);
  });
});

function fakeChain(
  chain: number,
  draws: Float64Array[],
  opts: { divergent?: number; depthHits?: number; energyRho?: number } = {},
): ChainResult {
  const dim = draws.length;
  const n = draws[0]!.length;
  const samples = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) samples[i * dim + j] = draws[j]![i]!;
  const rng = new Rng(1000 + chain);
  const divergent = new Uint8Array(n);
  for (let i = 0; i < (opts.divergent ?? 0); i++) divergent[i * 7] = 1;
  const treeDepth = new Uint8Array(n).fill(3);
  for (let i = 0; i < (opts.depthHits ?? 0); i++) treeDepth[i * 5] = 10;
  return {
    chain,
    dim,
    draws: n,
    samples,
    logp: new Float64Array(n),
    energy: ar1(rng, n, opts.energyRho ?? 0),
    treeDepth,
    divergent,
    acceptStat: new Float64Array(n).fill(0.8),
    nLeapfrog: new Uint32Array(n).fill(7),
    stepSize: 0.5,
    invMetric: new Float64Array(dim).fill(1),
    warmupGradients: 0,
    warmupMs: 0,
    samplingMs: 0,
  };
}

describe("assessConvergence", () => {
  const rng = new Rng(42);
  const good = () =>
    Array.from({ length: 4 }, (_, c) => fakeChain(c, [ar1(rng, 1000, 0.2), ar1(rng, 1000, 0.5)]));

  it("accepts well-mixed chains, reporting tree-depth hits and rare divergences as warnings", () => {
    const chains = good();
    chains[0] = fakeChain(0, [ar1(rng, 1000, 0.2), ar1(rng, 1000, 0.5)], { divergent: 3, depthHits: 4 });
    const a = assessConvergence(chains);
    expect(a.reasons).toEqual([]);
    expect(a.converged).toBe(true);
    expect(a.divergences).toBe(3);
    expect(a.treedepthHits).toBe(4);
    expect(a.warnings.join(" ")).toMatch(/3 divergent/);
    expect(a.warnings.join(" ")).toMatch(/maximum tree depth/);
    expect(a.rhatMax).toBeLessThan(1.01);
    expect(a.essBulkMin).toBeGreaterThan(400);
    expect(a.ebfmiMin).toBeGreaterThan(1.5);
  });

  it("rejects shifted chains, low ESS, many divergences and low E-BFMI with reasons", () => {
    const chains = good();
    chains[3] = fakeChain(3, [ar1(rng, 1000, 0.2, 1.5), ar1(rng, 1000, 0.5)], { divergent: 30 });
    chains[2] = fakeChain(2, [ar1(rng, 1000, 0.2), ar1(rng, 1000, 0.5)], { energyRho: 0.95 });
    const a = assessConvergence(chains, { parameterNames: ["alpha", "beta"] });
    expect(a.converged).toBe(false);
    const text = a.reasons.join("\n");
    expect(text).toMatch(/R-hat .* alpha/);
    expect(text).toMatch(/30 divergent transitions/);
    expect(text).toMatch(/E-BFMI .* chain\(s\) 2/);
    expect(a.ebfmiPerChain).toHaveLength(4);
    expect(a.ebfmiPerChain[2]!).toBeLessThan(0.3);
    expect(a.ebfmiMin).toBe(Math.min(...a.ebfmiPerChain));
    const slow = Array.from({ length: 4 }, (_, c) => fakeChain(c, [ar1(rng, 1000, 0.995)]));
    const b = assessConvergence(slow);
    expect(b.converged).toBe(false);
    expect(b.reasons.join("\n")).toMatch(/bulk ESS \d+ < 400/);
    // Chains stuck at their inits (constant draws) cannot be certified.
    const stuck = Array.from({ length: 4 }, (_, c) => fakeChain(c, [new Float64Array(1000).fill(0.5)]));
    const st = assessConvergence(stuck);
    expect(st.converged).toBe(false);
    expect(st.reasons[0]).toMatch(/R-hat could not be computed/);
  });
});
