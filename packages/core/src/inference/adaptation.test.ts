import { describe, expect, it } from "vitest";
import { DualAveraging, WindowedVarianceAdaptation } from "./adaptation.ts";

function windowEnds(warmup: number): number[] {
  const w = new WindowedVarianceAdaptation(1, warmup);
  const inv = new Float64Array(1);
  const ends: number[] = [];
  for (let i = 0; i < warmup; i++) if (w.learn(new Float64Array([i % 2]), inv)) ends.push(i);
  return ends;
}

describe("windowed variance adaptation (Stan's schedule)", () => {
  it("uses 75 / 25, 50, 100, 200, 500 / 50 windows for 1000 warmup iterations", () => {
    // Window k ends at iteration (0-based) 75 + 25 + 50 + ... - 1; the last one stretches to 949.
    expect(windowEnds(1000)).toEqual([99, 149, 249, 449, 949]);
  });

  it("stretches the last window when the next doubling would not fit", () => {
    // ... 449 | 400 -> 849 | the next (800) would end at 1649, leaving 300 < 1600: stretch to 1949
    expect(windowEnds(2000)).toEqual([99, 149, 249, 449, 849, 1949]);
    // 75 + 25 | 50 | 100 ends exactly at 300 - 50 - 1
    expect(windowEnds(300)).toEqual([99, 149, 249]);
  });

  it("shrinks buffers to 15% / 10% for short warmups and skips adaptation below 20", () => {
    // 150 = 75 + 25 + 50 still fits the default buffers: one window ending at 99
    expect(windowEnds(150)).toEqual([99]);
    // 100 < 150: init 15, term 10, one window of 75 ending at 89
    expect(windowEnds(100)).toEqual([89]);
    expect(windowEnds(19)).toEqual([]);
  });

  it("regularizes the variance estimate towards 1e-3 with weight 5 / (n + 5)", () => {
    const w = new WindowedVarianceAdaptation(2, 1000);
    const inv = new Float64Array(2);
    let first = -1;
    for (let i = 0; i < 100 && first < 0; i++) {
      // Draws 75..99 go into the first window: x alternates +-1, y = 3 * x
      const x = i % 2 === 0 ? 1 : -1;
      if (w.learn(new Float64Array([x, 3 * x]), inv)) first = i;
    }
    expect(first).toBe(99);
    const n = 25;
    // Sample variance (n - 1 denominator) of the 25 draws in the window
    const xs = Array.from({ length: n }, (_, k) => ((75 + k) % 2 === 0 ? 1 : -1));
    const m = xs.reduce((a, b) => a + b, 0) / n;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
    expect(inv[0]).toBeCloseTo((n / (n + 5)) * v + 1e-3 * (5 / (n + 5)), 12);
    expect(inv[1]).toBeCloseTo((n / (n + 5)) * 9 * v + 1e-3 * (5 / (n + 5)), 12);
  });
});

describe("Mixcast's refinements of the metric adaptation", () => {
  it("re-estimates every earlyWindow draws inside the initial buffer, then follows Stan's windows", () => {
    const w = new WindowedVarianceAdaptation(1, 1000, undefined, undefined, undefined, { earlyWindow: 10 });
    const inv = new Float64Array(1);
    const ends: number[] = [];
    for (let i = 0; i < 1000; i++) if (w.learn(new Float64Array([i % 3]), inv)) ends.push(i);
    // 7 early windows (the 5 draws left in the 75-draw buffer are dropped), then 99, 149, ...
    expect(ends).toEqual([9, 19, 29, 39, 49, 59, 69, 99, 149, 249, 449, 949]);
  });

  it("early windows use only their own draws", () => {
    const w = new WindowedVarianceAdaptation(1, 1000, undefined, undefined, undefined, { earlyWindow: 10 });
    const inv = new Float64Array(1);
    // draws 0..9 are constant, draws 10..19 alternate +-2: the second estimate sees variance ~4.2
    for (let i = 0; i < 20; i++) w.learn(new Float64Array([i < 10 ? 5 : i % 2 === 0 ? 2 : -2]), inv);
    const n = 10;
    const v = (n * 4) / (n - 1); // sample variance of five +2 and five -2
    expect(inv[0]).toBeCloseTo((n / (n + 5)) * v + 1e-3 * (5 / (n + 5)), 12);
  });

  it("the gradient estimator recovers a diagonal Gaussian's variances from a few draws", () => {
    // logp = -sum q_i^2 / (2 v_i): grad_i = -q_i / v_i, so sqrt(var(q) / var(grad)) = v_i exactly
    const variances = [1e-4, 0.3, 25];
    const w = new WindowedVarianceAdaptation(3, 1000, undefined, undefined, undefined, {
      estimator: "gradient",
      earlyWindow: 10,
    });
    const inv = new Float64Array(3).fill(1);
    let s = 1;
    for (let i = 0; i < 10; i++) {
      const q = Float64Array.from(variances, (v) => {
        s = (s * 16807) % 2147483647;
        return Math.sqrt(v) * (s / 2147483647 - 0.5);
      });
      const g = Float64Array.from(q, (x, j) => -x / variances[j]!);
      w.learn(q, inv, g);
    }
    variances.forEach((v, j) => expect(inv[j]! / v).toBeCloseTo(1, 10));
    // without the gradient of a draw it refuses rather than guess
    expect(() => w.learn(new Float64Array(3), inv)).toThrow(/needs the gradient/);
  });
});

describe("dual averaging of the step size", () => {
  it("stays at exp(mu) when the accept statistic equals the target", () => {
    const da = new DualAveraging(0.8);
    da.setMu(Math.log(10 * 0.1));
    let eps = 0;
    for (let i = 0; i < 50; i++) eps = da.learn(0.8);
    expect(eps).toBeCloseTo(1, 12);
    expect(da.final()).toBeCloseTo(1, 12);
  });

  it("shrinks the step size when acceptance is too low and grows it when too high", () => {
    const low = new DualAveraging(0.8);
    low.setMu(0);
    let eps = 1;
    for (let i = 0; i < 20; i++) eps = low.learn(0.3);
    expect(eps).toBeLessThan(0.1);
    const high = new DualAveraging(0.8);
    high.setMu(0);
    for (let i = 0; i < 20; i++) eps = high.learn(1.5); // clipped to 1
    expect(eps).toBeGreaterThan(2);
    // Hoffman & Gelman's iterate after one step: x = mu - sqrt(1) / gamma * (delta - a) / (1 + t0)
    const one = new DualAveraging(0.8);
    one.setMu(0.5);
    expect(Math.log(one.learn(0.6))).toBeCloseTo(0.5 - (1 / 0.05) * ((0.8 - 0.6) / 11), 12);
  });
});
