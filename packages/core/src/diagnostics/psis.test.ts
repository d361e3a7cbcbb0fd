import { describe, expect, it } from "vitest";
import { Rng } from "../inference/rng.ts";
import { compareLoo, gpdFit, psis, psisLoo } from "./psis.ts";

describe("generalized Pareto fit (Zhang & Stephens)", () => {
  it("recovers the shape and scale of simulated GPD data", () => {
    const rng = new Rng(10);
    for (const k of [0.2, 0.6, 1.0]) {
      const sigma = 2;
      const x = Float64Array.from(
        { length: 4000 },
        () => (sigma * (Math.pow(1 - rng.uniform(), -k) - 1)) / k,
      );
      const fit = gpdFit(x);
      expect(Math.abs(fit.k - k), `k=${k}`).toBeLessThan(0.08);
      expect(Math.abs(fit.sigma / sigma - 1), `sigma for k=${k}`).toBeLessThan(0.1);
    }
  });
});

describe("PSIS", () => {
  it("gives small k for light-tailed ratios and large k for heavy-tailed ones", () => {
    const rng = new Rng(11);
    const light = Float64Array.from({ length: 4000 }, () => 0.3 * rng.normal());
    expect(psis(light).paretoK).toBeLessThan(0.3);
    // log r = k * Exp(1)  <=>  r is Pareto with tail index 1/k
    for (const k of [0.8, 1.2]) {
      const heavy = Float64Array.from({ length: 4000 }, () => -k * Math.log(1 - rng.uniform()));
      const khat = psis(heavy).paretoK;
      expect(Math.abs(khat - k), `k=${k} khat=${khat}`).toBeLessThan(0.15);
    }
  });

  it("returns normalized weights", () => {
    const rng = new Rng(12);
    const { logWeights } = psis(Float64Array.from({ length: 1000 }, () => 2 * rng.normal()));
    const total = logWeights.reduce((a, b) => a + Math.exp(b), 0);
    expect(total).toBeCloseTo(1, 12);
  });
});

describe("PSIS-LOO", () => {
  // y_i ~ N(mu, sigma^2), mu ~ N(0, tau0^2): exact posterior draws and closed-form LOO.
  const sigma = 1;
  const tau0 = 10;
  const rng = new Rng(13);
  const y = Array.from({ length: 30 }, () => 1.5 + sigma * rng.normal());
  y[0] = 5; // a mild outlier
  const n = y.length;
  const posterior = (obs: number[]): { m: number; v: number } => {
    const prec = 1 / tau0 ** 2 + obs.length / sigma ** 2;
    return { m: obs.reduce((a, b) => a + b, 0) / sigma ** 2 / prec, v: 1 / prec };
  };
  const logNormal = (x: number, m: number, v: number): number =>
    -0.5 * Math.log(2 * Math.PI * v) - (x - m) ** 2 / (2 * v);
  const exactPointwise = y.map((yi, i) => {
    const { m, v } = posterior(y.filter((_, j) => j !== i));
    return logNormal(yi, m, v + sigma ** 2);
  });
  const exactElpd = exactPointwise.reduce((a, b) => a + b, 0);

  function logLikMatrix(draws: number, s: number): Float64Array {
    const { m, v } = posterior(y);
    const ll = new Float64Array(draws * n);
    for (let d = 0; d < draws; d++) {
      const mu = m + Math.sqrt(v) * rng.normal();
      for (let i = 0; i < n; i++) ll[d * n + i] = logNormal(y[i]!, mu, s * s);
    }
    return ll;
  }

  it("matches the closed-form leave-one-out elpd of a conjugate normal model", () => {
    const S = 4000;
    const loo = psisLoo(logLikMatrix(S, sigma), S, n);
    expect(Math.abs(loo.elpd - exactElpd)).toBeLessThan(0.05);
    for (let i = 0; i < n; i++) expect(Math.abs(loo.pointwise[i]! - exactPointwise[i]!)).toBeLessThan(0.02);
    // One location parameter: p_loo ~ 1 (a bit more from the outlier)
    expect(loo.pLoo).toBeGreaterThan(0.8);
    expect(loo.pLoo).toBeLessThan(1.5);
    expect(Math.max(...loo.paretoK)).toBeLessThan(0.5);
    expect(loo.warnings).toEqual([]);
    // se = sqrt(n var(pointwise)) of the exact values, approximately
    const mean = exactElpd / n;
    const seExact = Math.sqrt((n * exactPointwise.reduce((a, b) => a + (b - mean) ** 2, 0)) / (n - 1));
    expect(Math.abs(loo.se / seExact - 1)).toBeLessThan(0.05);
    expect(loo.looic).toBeCloseTo(-2 * loo.elpd, 12);
  });

  it("compares models: the true noise scale wins over a misspecified one", () => {
    const S = 2000;
    const good = psisLoo(logLikMatrix(S, sigma), S, n);
    const bad = psisLoo(logLikMatrix(S, 3), S, n);
    const cmp = compareLoo(good, bad);
    expect(cmp.elpdDiff).toBeCloseTo(good.elpd - bad.elpd, 10);
    expect(cmp.elpdDiff).toBeGreaterThan(2 * cmp.se);
    expect(compareLoo(good, good)).toEqual({ elpdDiff: 0, se: 0 });
  });

  it("flags observations with heavy-tailed importance ratios", () => {
    const S = 2000;
    const ll = logLikMatrix(S, sigma);
    // Observation 1: ratios exp(-ll) Pareto-tailed with k = 1.1; observation 2: k = 0.6
    for (let d = 0; d < S; d++) {
      ll[d * n + 1] = 1.1 * Math.log(1 - rng.uniform());
      ll[d * n + 2] = 0.6 * Math.log(1 - rng.uniform());
    }
    const loo = psisLoo(ll, S, n);
    expect(loo.paretoK[1]!).toBeGreaterThan(0.7);
    // khat from ~134 tail draws has sd ~0.14
    expect(loo.paretoK[2]!).toBeGreaterThan(0.3);
    expect(loo.paretoK[2]!).toBeLessThan(0.9);
    const moderate = Array.from(loo.paretoK).filter((k) => k > 0.5 && k <= 0.7).length;
    expect(loo.warnings.some((w) => /k in \(0.5, 0.7\]/.test(w))).toBe(moderate > 0);
    expect(loo.warnings.some((w) => /k > 0.7/.test(w))).toBe(true);
  });
});
