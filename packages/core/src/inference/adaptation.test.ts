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
