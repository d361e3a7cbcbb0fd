import { describe, expect, it } from "vitest";
import { priorSchema } from "../model/config.ts";
import { compilePrior, logGamma, type Prior, priorLogDensity } from "./priors.ts";

describe("logGamma", () => {
  it("matches known values", () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 14);
    expect(logGamma(2.5)).toBeCloseTo(Math.log(0.75 * Math.sqrt(Math.PI)), 14);
    expect(logGamma(30)).toBeCloseTo(71.25703896716801, 11);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 13);
  });
});

describe("prior log densities (all normalizing constants)", () => {
  const d = new Float64Array(1);
  const cases: [Prior, number, number][] = [
    [{ dist: "normal", mean: 1, sd: 2 }, 2, -0.5 * Math.log(2 * Math.PI) - Math.log(2) - 0.125],
    [{ dist: "beta", a: 2, b: 2 }, 0.5, Math.log(1.5)],
    [{ dist: "beta", a: 5, b: 3 }, 0.3, Math.log(105 * 0.3 ** 4 * 0.7 ** 2)],
    [{ dist: "gamma", shape: 2, rate: 2 }, 1, Math.log(4 * Math.exp(-2))],
    [{ dist: "halfNormal", scale: 1 }, 0.5, Math.log(2 / Math.sqrt(2 * Math.PI)) - 0.125],
    [{ dist: "logNormal", mu: 0, sigma: 1 }, Math.E, -0.5 * Math.log(2 * Math.PI) - 1 - 0.5],
  ];
  it.each(cases)("%j at %d", (prior, x, want) => {
    const c = compilePrior(prior);
    expect(priorLogDensity(c, x, d, 0)).toBeCloseTo(want, 13);
    const h = 1e-6;
    const fd = (priorLogDensity(c, x + h, null, 0) - priorLogDensity(c, x - h, null, 0)) / (2 * h);
    expect(d[0]).toBeCloseTo(fd, 6);
  });

  it("is -Infinity outside the support", () => {
    expect(priorLogDensity(compilePrior({ dist: "gamma", shape: 2, rate: 1 }), -1, null, 0)).toBe(-Infinity);
    expect(priorLogDensity(compilePrior({ dist: "beta", a: 2, b: 1 }), 1.5, null, 0)).toBe(-Infinity);
    expect(priorLogDensity(compilePrior({ dist: "halfNormal", scale: 1 }), -0.1, null, 0)).toBe(-Infinity);
  });

  it("validates parameters with the field name", () => {
    const r = priorSchema.safeParse({ dist: "gamma", shape: 2, rate: -1 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["rate"]);
  });
});
