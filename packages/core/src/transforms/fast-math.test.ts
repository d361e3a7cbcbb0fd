import { describe, expect, it } from "vitest";
import { fastExp, fastLog } from "./fast-math.ts";

/** Deterministic uniform(0, 1) stream (LCG), so the inputs are the same on every run. */
function uniform(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Relative error and error in units of the last place of the reference. */
function errors(got: number, ref: number): { rel: number; ulps: number } {
  if (got === ref) return { rel: 0, ulps: 0 };
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(ref))) - 52);
  return { rel: Math.abs(got - ref) / Math.abs(ref), ulps: Math.abs(got - ref) / ulp };
}

describe("fastExp / fastLog (Hill saturation's inner loop)", () => {
  it("fastExp is within 1 ulp (relative 2.2e-16) of Math.exp on 2 million inputs", () => {
    const u = uniform(1);
    let rel = 0;
    let ulps = 0;
    for (let n = 0; n < 2_000_000; n++) {
      // the whole fast range, and the Hill's usual range |S (log e - log K)| < 30
      const x = n % 2 === 0 ? (u() - 0.5) * 1416 : (u() - 0.5) * 60;
      const e = errors(fastExp(x), Math.exp(x));
      rel = Math.max(rel, e.rel);
      ulps = Math.max(ulps, e.ulps);
    }
    expect(rel).toBeLessThan(2.3e-16);
    expect(ulps).toBeLessThanOrEqual(1);
  });

  it("fastLog is within 1 ulp (relative 2.3e-16) of Math.log on 2 million inputs, near 1 included", () => {
    const u = uniform(2);
    let rel = 0;
    let ulps = 0;
    for (let n = 0; n < 2_000_000; n++) {
      const k = n % 4;
      // wide range; the scaled spends 0.001..100; around 1 (log1p path and its neighbours)
      const x =
        k === 0
          ? Math.exp((u() - 0.5) * 1400)
          : k === 1
            ? 10 ** (5 * u() - 3)
            : k === 2
              ? 1 + (u() - 0.5) * 0.06
              : 1 + (u() - 0.5) * 1e-6;
      if (x === 1) continue;
      const e = errors(fastLog(x), Math.log(x));
      rel = Math.max(rel, e.rel);
      ulps = Math.max(ulps, e.ulps);
    }
    expect(rel).toBeLessThan(2.3e-16);
    expect(ulps).toBeLessThanOrEqual(1);
  });

  it("agrees with Math.exp / Math.log on edge cases", () => {
    const cases = [
      0,
      -0,
      1,
      -1,
      0.5,
      2,
      Infinity,
      -Infinity,
      NaN,
      5e-324,
      2.2250738585072014e-308,
      1.7976931348623157e308,
      708,
      -708,
      708.0000001,
      -708.0000001,
      709.78,
      709.8,
      -745.1,
      -746,
      1 + 2 ** -52,
      1 - 2 ** -53,
      0.9730000001,
      1.0159,
    ];
    for (const x of cases) {
      const e = fastExp(x);
      const m = Math.exp(x);
      if (Number.isNaN(m)) expect(e).toBeNaN();
      else expect(errors(e, m).ulps).toBeLessThanOrEqual(1);
      const l = fastLog(x);
      const ml = Math.log(x);
      if (Number.isNaN(ml)) expect(l).toBeNaN();
      else if (!Number.isFinite(ml) || ml === 0) expect(l).toBe(ml);
      else expect(errors(l, ml).ulps).toBeLessThanOrEqual(1);
    }
    expect(fastLog(1)).toBe(0);
    expect(fastExp(0)).toBe(1);
  });
});
