import { describe, expect, it } from "vitest";
import { buildModelSpec } from "../model/spec.ts";
import { simulate } from "../simulate/simulate.ts";
import { priorsFromPosterior } from "./posterior-priors.ts";

/** A column with exactly mean m and sample sd s (n even: m +- s sqrt((n-1)/n)). */
function column(m: number, s: number, n = 1000): number[] {
  const d = s * Math.sqrt((n - 1) / n);
  return Array.from({ length: n }, (_, i) => (i % 2 ? m + d : m - d));
}
function rows(cols: number[][]): number[] {
  const out: number[] = [];
  for (let i = 0; i < cols[0]!.length; i++) for (const c of cols) out.push(c[i]!);
  return out;
}

describe("priorsFromPosterior", () => {
  const parameters = [
    { label: "b0", constraint: "real" as const },
    { label: "beta[TV]", constraint: "positive" as const },
    { label: "alpha[TV]", constraint: "unit" as const },
    { label: "missing", constraint: "real" as const },
  ];
  const draws = {
    names: ["b0", "beta[TV]", "alpha[TV]"],
    values: rows([column(0.4, 0.05), column(0.3, 0.06), column(0.6, 0.05)]),
  };

  it("matches the mean and the sd widened by 2, in the constraint's family", () => {
    const p = priorsFromPosterior(parameters, draws);
    expect(Object.keys(p)).toEqual(["b0", "beta[TV]", "alpha[TV]"]);
    const normal = p.b0 as { dist: "normal"; mean: number; sd: number };
    expect(normal.dist).toBe("normal");
    expect(normal.mean).toBeCloseTo(0.4, 12);
    expect(normal.sd).toBeCloseTo(0.1, 12);
    const gamma = p["beta[TV]"] as { dist: "gamma"; shape: number; rate: number };
    expect(gamma.dist).toBe("gamma");
    expect(gamma.shape / gamma.rate).toBeCloseTo(0.3, 12);
    expect(Math.sqrt(gamma.shape) / gamma.rate).toBeCloseTo(0.12, 12);
    const beta = p["alpha[TV]"] as { dist: "beta"; a: number; b: number };
    expect(beta.dist).toBe("beta");
    const n = beta.a + beta.b;
    expect(beta.a / n).toBeCloseTo(0.6, 12);
    expect(Math.sqrt((beta.a * beta.b) / (n * n * (n + 1)))).toBeCloseTo(0.1, 12);
  });

  it("widen 1 keeps the posterior sd; a too-wide unit posterior is capped at concentration 2", () => {
    expect((priorsFromPosterior(parameters, draws, { widen: 1 }).b0 as { sd: number }).sd).toBeCloseTo(
      0.05,
      12,
    );
    const wide = priorsFromPosterior([{ label: "a", constraint: "unit" }], {
      names: ["a"],
      values: column(0.5, 0.45),
    });
    expect(wide.a).toEqual({ dist: "beta", a: expect.closeTo(1, 9), b: expect.closeTo(1, 9) });
    expect(() => priorsFromPosterior(parameters, draws, { widen: 0.5 })).toThrow(/widen/);
  });
});

describe("config.parameterPriors in buildModelSpec", () => {
  const sim = simulate({ weeks: 60, seed: 2, channels: 2 });
  it("replaces the prior of the labelled parameters only; unknown labels are ignored", () => {
    const base = buildModelSpec(sim.dataset, sim.config);
    const label = base.parameters.find((p) => p.block === "beta")!.label;
    const spec = buildModelSpec(sim.dataset, {
      ...sim.config,
      parameterPriors: {
        [label]: { dist: "gamma", shape: 9, rate: 30 },
        "beta[Nope]": { dist: "gamma", shape: 1, rate: 1 },
      },
    });
    spec.parameters.forEach((p, j) => {
      if (p.label === label) expect(p.prior).toEqual({ dist: "gamma", shape: 9, rate: 30 });
      else expect(p.prior).toEqual(base.parameters[j]!.prior);
    });
  });
  it("refuses a prior whose support does not fit the parameter", () => {
    expect(() =>
      buildModelSpec(sim.dataset, {
        ...sim.config,
        parameterPriors: { b0: { dist: "gamma", shape: 1, rate: 1 } },
      }),
    ).toThrow(/parameterPriors\["b0"\].*real parameter/);
  });
});
