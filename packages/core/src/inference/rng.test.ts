import { describe, expect, it } from "vitest";
import { Rng } from "./rng.ts";

describe("Rng (xoshiro128**)", () => {
  it("is deterministic per (seed, stream) and streams differ", () => {
    const a = new Rng(123, 0);
    const b = new Rng(123, 0);
    const c = new Rng(123, 1);
    const d = new Rng(124, 0);
    const xa = Array.from({ length: 50 }, () => a.nextUint32());
    const xb = Array.from({ length: 50 }, () => b.nextUint32());
    const xc = Array.from({ length: 50 }, () => c.nextUint32());
    const xd = Array.from({ length: 50 }, () => d.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(xa).not.toEqual(xd);
    expect(xc).not.toEqual(xd);
    const e = new Rng(123, 0, 1);
    expect(Array.from({ length: 50 }, () => e.nextUint32())).not.toEqual(xa);
  });

  it("produces uniform draws in [0, 1) with the right moments", () => {
    const rng = new Rng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let min = 1;
    let max = 0;
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      s += u;
      s2 += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
      bins[Math.floor(u * 10)]! += 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // mean 1/2 (sd of mean 0.00065), variance 1/12
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.003);
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    // chi-square with 9 df; 99.9% quantile is 27.9
    const chi2 = bins.reduce((acc, o) => acc + (o - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it("produces standard normal draws (mean, variance, kurtosis, tail mass)", () => {
    const rng = new Rng(99, 3);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
      s4 += z ** 4;
      if (Math.abs(z) > 1.959963985) beyond2++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.015);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.08);
    expect(Math.abs(beyond2 / n - 0.05)).toBeLessThan(0.003);
  });
});
