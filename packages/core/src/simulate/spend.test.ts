import { describe, expect, it } from "vitest";
import { Rng } from "../inference/rng.ts";
import { generateSpend } from "./spend.ts";

const mean = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i += 1) s += a[i]!;
  return s / (to - from);
};

describe("generateSpend", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const plan = { pattern: "flighted", level: 1000 } as const;
    expect(generateSpend(156, plan, new Rng(3))).toEqual(generateSpend(156, plan, new Rng(3)));
    expect(generateSpend(156, plan, new Rng(3))).not.toEqual(generateSpend(156, plan, new Rng(4)));
  });

  it("always-on spends every week near its level, in cents", () => {
    const x = generateSpend(520, { pattern: "always-on", level: 2000, noise: 0.1 }, new Rng(1));
    expect(x.every((v) => v > 0)).toBe(true);
    expect(mean(x)).toBeGreaterThan(1900);
    expect(mean(x)).toBeLessThan(2100);
    expect(x.every((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6)).toBe(true);
  });

  it("flighted alternates live runs and dark weeks", () => {
    const x = generateSpend(156, { pattern: "flighted", level: 5000, onWeeks: 4, offWeeks: 5 }, new Rng(2));
    const zeros = x.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(156 * 0.35);
    expect(zeros).toBeLessThan(156 * 0.75);
    let runs = 0;
    for (let t = 1; t < x.length; t += 1) if (x[t]! > 0 && x[t - 1] === 0) runs += 1;
    expect(runs).toBeGreaterThan(10);
    const live = x.filter((v) => v > 0);
    expect(mean(live)).toBeGreaterThan(4000);
    expect(mean(live)).toBeLessThan(6000);
  });

  it("bursts are rare and dark between, with at least two in the first half", () => {
    for (let seed = 0; seed < 20; seed += 1) {
      const x = generateSpend(
        156,
        { pattern: "burst", level: 8000, burstRate: 0.01, burstWeeks: 3 },
        new Rng(seed),
      );
      expect(x.subarray(0, 78).filter((v) => v > 0).length).toBeGreaterThanOrEqual(3);
    }
    const x = generateSpend(
      156,
      { pattern: "burst", level: 8000, burstRate: 0.06, burstWeeks: 2 },
      new Rng(9),
    );
    expect(x.filter((v) => v === 0).length).toBeGreaterThan(100);
  });

  it("applies trend, seasonality and a late start", () => {
    const x = generateSpend(156, { pattern: "always-on", level: 1000, trend: 1, noise: 0.05 }, new Rng(5));
    expect(mean(x, 104, 156) / mean(x, 0, 52)).toBeGreaterThan(1.5);
    const s = generateSpend(
      156,
      { pattern: "always-on", level: 1000, seasonality: 0.6, seasonPeak: 47, noise: 0.05 },
      new Rng(5),
    );
    expect(s[47]!).toBeGreaterThan(1.3 * s[21]!);
    const late = generateSpend(100, { pattern: "pulsing", level: 1000, start: 30 }, new Rng(6));
    expect(late.subarray(0, 30).every((v) => v === 0)).toBe(true);
    expect(late.subarray(30).every((v) => v > 0)).toBe(true);
  });
});
