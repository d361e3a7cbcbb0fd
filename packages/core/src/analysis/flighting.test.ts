import { describe, expect, it } from "vitest";
import { optimizeFlighting } from "./flighting.ts";
import { optimizeBudget } from "./optimizer.ts";
import { type SyntheticChannel, syntheticResponse } from "./synthetic-response.ts";

const channel = (alpha: number): SyntheticChannel[] => [
  { name: "TV", spendMean: 50000, beta: 0.3, alpha, K: 0.8, S: 2 },
  { name: "Search", spendMean: 20000, beta: 0.15, alpha, K: 0.6, S: 1.5 },
];
const W = 8;
const T = 8;

function plan(alpha: number) {
  const resp = syntheticResponse({
    channels: channel(alpha),
    draws: 60,
    weeks: W + T,
    seed: 4,
    spread: 0.1,
    lags: T,
  });
  // half the history's spend level: the carry-over from before the window dominates its first weeks
  const totals = [0.5 * 50000 * W, 0.5 * 20000 * W];
  return { resp, totals, f: optimizeFlighting(resp, { window: W, totals }) };
}

describe("optimizeFlighting", () => {
  it("beats a flat plan when the response has carry-over, spending later in the window", () => {
    const { f, totals } = plan(0.7);
    const gain = (f.objectiveValue - f.flatObjectiveValue) / f.flat.incrementalKpi.mean;
    expect(gain).toBeGreaterThan(0.005);
    expect(f.probabilityBeatsFlat).toBeGreaterThan(0.9);
    expect(f.tail).toBe(T);
    for (const [l, a] of f.allocation.entries()) {
      expect(a.weekly).toHaveLength(W);
      expect(Math.abs(a.weekly.reduce((s, v) => s + v, 0) - totals[l]!)).toBeLessThan(1e-6 * totals[l]!);
      expect(Math.min(...a.weekly)).toBeGreaterThanOrEqual(0);
      // the stock left by the history is largest at the window's start: less is spent there
      expect(a.weekly[0]!).toBeLessThan(0.5 * (totals[l]! / W));
    }
  });

  it("gains next to nothing without carry-over (flat is optimal for a concave stationary response)", () => {
    const { f } = plan(0);
    const gain = (f.objectiveValue - f.flatObjectiveValue) / f.flat.incrementalKpi.mean;
    expect(gain).toBeGreaterThanOrEqual(0);
    expect(gain).toBeLessThan(0.002);
  });

  it("keeps per-week bounds and channel totals from the flat optimizer", () => {
    const resp = syntheticResponse({ channels: channel(0.7), draws: 40, weeks: W + T, seed: 5, lags: T });
    const flat = optimizeBudget(
      syntheticResponse({ channels: channel(0.7), draws: 40, weeks: W, seed: 5, lags: T }),
      {
        budget: 300_000,
        bounds: { TV: { locked: 160_000 } },
      },
    );
    const totals = flat.allocation.map((a) => a.total);
    const f = optimizeFlighting(resp, { window: W, totals, weeklyBounds: { TV: { min: 5000, max: 30000 } } });
    const tv = f.allocation[0]!;
    expect(tv.total).toBeCloseTo(160_000, 6);
    expect(tv.weekly.reduce((s, v) => s + v, 0)).toBeCloseTo(160_000, 4);
    for (const v of tv.weekly) {
      expect(v).toBeGreaterThanOrEqual(5000 - 1e-6);
      expect(v).toBeLessThanOrEqual(30000 + 1e-6);
    }
    expect(() => optimizeFlighting(resp, { window: W, totals, weeklyBounds: { TV: { max: 1000 } } })).toThrow(
      /does not fit its weekly bounds/,
    );
  });
});
