import { describe, expect, it } from "vitest";
import { parseModelConfig } from "../model/config.ts";
import { simulate } from "../simulate/simulate.ts";
import { BacktestError, backtestForecast, sampleCrps } from "./backtest.ts";

/** CRPS of Normal(mu, sigma) at y (Gneiting & Raftery 2007). */
function normalCrps(mu: number, sigma: number, y: number): number {
  const z = (y - mu) / sigma;
  const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  // Phi via erf (Abramowitz-Stegun 7.1.26 is too coarse here; use a series-free identity).
  const Phi = 0.5 * (1 + erf(z / Math.SQRT2));
  return sigma * (z * (2 * Phi - 1) + 2 * phi - 1 / Math.sqrt(Math.PI));
}
function erf(x: number): number {
  // Taylor series; |x| < 3 here.
  let sum = 0;
  let term = x;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe("sampleCrps", () => {
  it("is |x - y| for a point forecast", () => {
    expect(sampleCrps(Float64Array.of(5, 5, 5), 7)).toBeCloseTo(2, 12);
  });
  it("matches the closed form of a Normal predictive", () => {
    // Evenly spaced quantiles of N(10, 2): a deterministic large "sample".
    const n = 20_000;
    const sample = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // inverse CDF by bisection on erf
      const p = (i + 0.5) / n;
      let lo = -8;
      let hi = 8;
      for (let k = 0; k < 60; k++) {
        const mid = (lo + hi) / 2;
        if (0.5 * (1 + erf(mid / Math.SQRT2)) < p) lo = mid;
        else hi = mid;
      }
      sample[i] = 10 + 2 * ((lo + hi) / 2);
    }
    for (const y of [10, 11.5, 15]) {
      expect(sampleCrps(Float64Array.from(sample), y)).toBeCloseTo(normalCrps(10, 2, y), 3);
    }
  });
});

describe("backtestForecast", () => {
  // 117 weeks; the "approved run" saw the first 104 and is scored on the 13 after.
  const sim = simulate({ weeks: 117, seed: 3, holdoutWeeks: 13 });
  const config = parseModelConfig({ ...sim.config, holdoutWeeks: 0 });
  const seenThrough = sim.dataset.dates[103]!;
  const names = Object.keys(sim.truth.parameters);
  const drawsAt = (values: Record<string, number>, n = 400) => ({
    names,
    chains: 1,
    perChain: n,
    values: Float64Array.from({ length: n * names.length }, (_, k) => values[names[k % names.length]!]!),
  });

  it("the true parameters forecast the unseen weeks well: small MAPE, ~90 % coverage", () => {
    const score = backtestForecast({
      dataset: sim.dataset,
      config,
      seenThrough,
      draws: drawsAt(sim.truth.parameters),
    });
    expect(score.weeks).toBe(13);
    expect(score.firstWeek).toBe(sim.dataset.dates[104]);
    expect(score.lastWeek).toBe(sim.dataset.dates[116]);
    expect(score.weekly.map((w) => w.actual)).toEqual(Array.from(sim.dataset.kpi.slice(104)));
    expect(score.coverage90).toBeGreaterThanOrEqual(0.75);
    expect(score.mape).toBeLessThan(0.1);
    for (const w of score.weekly) expect(w.lower).toBeLessThan(w.upper);
  });

  it("a biased posterior scores worse on every measure, and a horizon cuts the weeks", () => {
    const truth = backtestForecast({
      dataset: sim.dataset,
      config,
      seenThrough,
      draws: drawsAt(sim.truth.parameters),
    });
    const biased = backtestForecast({
      dataset: sim.dataset,
      config,
      seenThrough,
      draws: drawsAt({ ...sim.truth.parameters, b0: sim.truth.parameters.b0! + 0.4 }),
    });
    expect(biased.mape).toBeGreaterThan(2 * truth.mape);
    expect(biased.crps).toBeGreaterThan(2 * truth.crps);
    expect(biased.coverage90).toBeLessThan(truth.coverage90);
    const four = backtestForecast({
      dataset: sim.dataset,
      config,
      seenThrough,
      draws: drawsAt(sim.truth.parameters),
      horizonWeeks: 4,
    });
    expect(four.weeks).toBe(4);
    expect(four.lastWeek).toBe(sim.dataset.dates[107]);
  });

  it("refuses when the scored run's last week is gone or nothing is unseen", () => {
    const draws = drawsAt(sim.truth.parameters, 2);
    expect(() =>
      backtestForecast({ dataset: sim.dataset, config, seenThrough: "2020-01-01", draws }),
    ).toThrow(BacktestError);
    expect(() =>
      backtestForecast({ dataset: sim.dataset, config, seenThrough: sim.dataset.dates[116]!, draws }),
    ).toThrow(/no weeks after/);
  });
});
