import { describe, expect, it } from "vitest";
import { posteriorDraws } from "../analysis/model-adapter.ts";
import { seededRandom } from "../analysis/stats.ts";
import { fitModel } from "../fit/fit-model.ts";
import { createModel } from "../model/model.ts";
import { buildModelSpec } from "../model/spec.ts";
import { simulate } from "../simulate/simulate.ts";
import { assessModel, channelVerdict, type ModelHealthInput } from "./assess-model.ts";
import { assessFit, assessFitV2, priorVariance } from "./health-figures.ts";
import { scaleDatasetV2 } from "../data/scale-v2.ts";
import { fitModelV2 } from "../fit/fit-v2.ts";
import { createModelV2 } from "../model/model-v2.ts";
import { buildModelSpecV2 } from "../model/spec-v2.ts";
import { simulateV2 } from "../simulate/simulate-v2.ts";

const good: ModelHealthInput = {
  converged: true,
  ppc: { mean: 0.5, sd: 0.4, autocorrelation: 0.6, spreadVsLevel: 0.45, curvature: 0.55 },
  holdout: { weeks: 13, mape: 0.06, coverage90: 0.92 },
  negativeBaselineProbability: 0,
  channels: [
    { name: "TV", paid: true, roi: { mean: 2, q05: 1.5, q95: 2.6 }, contraction: 0.8 },
    { name: "Search", paid: true, roi: { mean: 0.6, q05: 0.4, q95: 0.8 }, contraction: 0.7 },
  ],
};

describe("assessModel", () => {
  it("scores a model passing every check 100, reliable", () => {
    const h = assessModel(good);
    expect(h.score).toBe(100);
    expect(h.verdict).toBe("reliable for budget decisions");
    expect(h.checks.map((c) => [c.name, c.status])).toEqual([
      ["convergence", "pass"],
      ["ppc-mean", "pass"],
      ["ppc-sd", "pass"],
      ["ppc-autocorrelation", "pass"],
      ["ppc-level-spread", "pass"],
      ["ppc-level-curvature", "pass"],
      ["holdout-accuracy", "pass"],
      ["holdout-coverage", "pass"],
      ["prior-posterior-shift", "pass"],
      ["implausible-roi", "pass"],
      ["negative-baseline", "pass"],
      ["stability", "skipped"],
    ]);
    expect(h.channels.map((c) => c.verdict)).toEqual(["scale up", "pull back"]);
  });

  it("not converged means 0 and do not use, whatever else passes", () => {
    const h = assessModel({ ...good, converged: false, convergenceReasons: ["R-hat 1.2 > 1.01"] });
    expect(h.score).toBe(0);
    expect(h.verdict).toBe("do not use");
    expect(h.checks[0]!.detail).toContain("R-hat 1.2");
  });

  it("takes the stated points off at each threshold", () => {
    // autocorrelation p = 0.004 < 0.01: fail (10); MAPE 0.2 in (0.15, 0.3]: warn (8);
    // P(negative baseline) 0.3 > 0.2: fail (15)
    const h = assessModel({
      ...good,
      ppc: { mean: 0.5, sd: 0.5, autocorrelation: 0.004 },
      holdout: { weeks: 13, mape: 0.2, coverage90: 0.92 },
      negativeBaselineProbability: 0.3,
    });
    expect(h.score).toBe(100 - 10 - 8 - 15);
    expect(h.verdict).toBe("use with care");
    const byName = Object.fromEntries(h.checks.map((c) => [c.name, c]));
    expect(byName["ppc-autocorrelation"]).toMatchObject({ status: "fail", figure: 0.004, penalty: 10 });
    expect(byName["holdout-accuracy"]).toMatchObject({ status: "warn", figure: 0.2, penalty: 8 });
    expect(byName["negative-baseline"]).toMatchObject({ status: "fail", figure: 0.3, penalty: 15 });
    // the link checks: spread growing with the level (p = 0.003) fails for 10, a curvature the
    // model overshoots (p = 0.97) warns for 5; without them (older inputs) they are skipped
    const link = assessModel({
      ...good,
      ppc: { mean: 0.5, sd: 0.5, autocorrelation: 0.5, spreadVsLevel: 0.003, curvature: 0.97 },
    });
    expect(link.score).toBe(100 - 10 - 5);
    const linkBy = Object.fromEntries(link.checks.map((c) => [c.name, c]));
    expect(linkBy["ppc-level-spread"]).toMatchObject({ status: "fail", figure: 0.003, penalty: 10 });
    expect(linkBy["ppc-level-spread"]!.detail).toContain("try the log link");
    expect(linkBy["ppc-level-curvature"]).toMatchObject({ status: "warn", figure: 0.97, penalty: 5 });
    expect(linkBy["ppc-level-curvature"]!.detail).toContain("try the identity link");
    expect(
      assessModel({
        ...good,
        ppc: { mean: 0.5, sd: 0.5, autocorrelation: 0.5, curvature: 0.002 },
      }).checks.find((c) => c.name === "ppc-level-curvature"),
    ).toMatchObject({ status: "fail", penalty: 15 });
    expect(
      assessModel({ ...good, ppc: { mean: 0.5, sd: 0.5, autocorrelation: 0.5 } }).checks.find(
        (c) => c.name === "ppc-level-spread",
      )!.status,
    ).toBe("skipped");
    // a p-value near 1 is as bad as one near 0 (two-sided)
    expect(
      assessModel({ ...good, ppc: { mean: 0.995, sd: 0.5, autocorrelation: 0.5 } }).checks[1]!.status,
    ).toBe("fail");
  });

  it("flags prior-dominated channels, implausible ROIs and instability against the approved run", () => {
    const h = assessModel({
      ...good,
      channels: [
        { name: "TV", paid: true, roi: { mean: 2, q05: 1.5, q95: 2.6 }, contraction: 0.05 },
        { name: "Search", paid: true, roi: { mean: 45, q05: 30, q95: 60 }, contraction: 0.7 },
      ],
      approved: {
        roi: { TV: { mean: 2, q05: 1.5, q95: 2.6 }, Search: { mean: 3, q05: 2, q95: 4 } },
        threshold: 0.7,
      },
    });
    const byName = Object.fromEntries(h.checks.map((c) => [c.name, c]));
    expect(byName["prior-posterior-shift"]).toMatchObject({ status: "fail", figure: 0.5 });
    expect(byName["implausible-roi"]).toMatchObject({ status: "warn", figure: 1 });
    expect(byName.stability!.status).toBe("warn");
    expect(byName.stability!.detail).toContain("Search");
    expect(h.channels[0]!.verdict).toBe("test");
  });

  it("channel verdicts: scale up, hold when saturated, pull back, test when wide across break-even", () => {
    const v = (roi: { mean: number; q05: number; q95: number }, marginalRoi?: number) =>
      channelVerdict({ name: "x", paid: true, roi, contraction: 0.6, marginalRoi: marginalRoi ?? null })
        .verdict;
    expect(v({ mean: 2, q05: 1.2, q95: 3 })).toBe("scale up");
    expect(v({ mean: 2, q05: 1.2, q95: 3 }, 0.7)).toBe("hold");
    expect(v({ mean: 0.5, q05: 0.2, q95: 0.9 })).toBe("pull back");
    expect(v({ mean: 1.1, q05: 0.3, q95: 2.5 })).toBe("test");
    expect(v({ mean: 1.05, q05: 0.9, q95: 1.2 })).toBe("hold");
  });

  it("prior variances match the closed forms", () => {
    expect(priorVariance({ dist: "halfNormal", scale: 1 })).toBeCloseTo(1 - 2 / Math.PI, 12);
    expect(priorVariance({ dist: "gamma", shape: 2, rate: 2 })).toBeCloseTo(0.5, 12);
    expect(priorVariance({ dist: "beta", a: 2, b: 4 })).toBeCloseTo(8 / (36 * 7), 12);
  });
});

describe("assessFit on real fits (fast mode)", () => {
  it("the score drops when a strong, autocorrelated driver is left out of the model", async () => {
    const sim = simulate({ weeks: 104, seed: 5, channels: 3, holdoutWeeks: 8 });
    const rng = seededRandom(21);
    // an AR(1) driver (distribution, weather) worth ~15 % of the KPI's level
    const T = sim.dataset.dates.length;
    const driver = new Float64Array(T);
    for (let t = 1; t < T; t++)
      driver[t] = 0.9 * driver[t - 1]! + Math.sqrt(-2 * Math.log(rng())) * Math.cos(6.283 * rng());
    let kpiMean = 0;
    for (const v of sim.dataset.kpi) kpiMean += v / T;
    const dataset = {
      ...sim.dataset,
      kpi: Float64Array.from(sim.dataset.kpi, (v, t) => v + 0.06 * kpiMean * driver[t]!),
      controls: [{ name: "distribution", values: driver }],
    };
    const health = async (controls: string[]) => {
      const config = { ...sim.config, controls };
      const fit = await fitModel(dataset, config, { mode: "fast", seed: 2, draws: 300 });
      const model = createModel(buildModelSpec(dataset, config));
      return assessFit(fit, model, posteriorDraws(model, fit.draws));
    };
    const withDriver = await health(["distribution"]);
    const without = await health([]);
    const ac = (h: typeof without) => h.checks.find((c) => c.name === "ppc-autocorrelation")!;
    expect(ac(withDriver).status).toBe("pass");
    expect(ac(without).status).toBe("fail");
    expect(without.figures.ppc.autocorrelation).toBeLessThan(0.01);
    expect(withDriver.score - without.score).toBeGreaterThanOrEqual(10);
    // fast mode is approximate: never 100
    expect(withDriver.score).toBeLessThanOrEqual(95);
  }, 60_000);
});

describe("the link checks on real v2 fits (fast mode)", () => {
  // A growing brand with a strong season: b_trend 0.6 (the KPI grows x1.8 over the training weeks)
  // and 4x the drawn seasonality (about +-25 %). Under the simulator's defaults (level within
  // about +-10 %) both links fit the same and no residual statistic can tell them apart.
  const healthOf = async (gen: "log" | "identity", fitLink: "log" | "identity", seed: number) => {
    const sim = simulateV2({
      weeks: 104,
      seed,
      channels: 3,
      link: gen,
      holdoutWeeks: 8,
      trend: 0.6,
      seasonalityScale: 4,
    });
    const data = scaleDatasetV2(sim.dataset, { holdoutWeeks: 8, fourierPairs: 2, link: fitLink });
    const config = { ...sim.config, link: fitLink };
    const fit = await fitModelV2(data, config, { mode: "fast", seed: 2, draws: 300 });
    const spec = buildModelSpecV2(data, config);
    return assessFitV2(fit, createModelV2(spec), posteriorDraws(spec, fit.draws));
  };
  const byName = (h: Awaited<ReturnType<typeof healthOf>>) =>
    Object.fromEntries(h.checks.map((c) => [c.name, c]));

  it("an identity-link fit of log-link data fails the curvature check and scores clearly lower", async () => {
    for (const seed of [1, 2]) {
      const right = await healthOf("log", "log", seed);
      const wrong = await healthOf("log", "identity", seed);
      // the right link is not flagged
      expect(byName(right)["ppc-level-curvature"]!.status).toBe("pass");
      expect(byName(right)["ppc-level-spread"]!.status).toBe("pass");
      // the wrong one: residuals bend up at both ends of the fitted level (p < 0.01)
      expect(wrong.figures.ppc.curvature).toBeLessThan(0.01);
      expect(wrong.figures.residualShape.curvature).toBeGreaterThan(0.25);
      expect(byName(wrong)["ppc-level-curvature"]).toMatchObject({ status: "fail", penalty: 15 });
      expect(right.score - wrong.score).toBeGreaterThanOrEqual(10);
    }
  }, 60_000);

  it("a log-link fit of identity-link data fails it the other way; the identity fit passes", async () => {
    const right = await healthOf("identity", "identity", 1);
    const wrong = await healthOf("identity", "log", 1);
    expect(byName(right)["ppc-level-curvature"]!.status).toBe("pass");
    expect(wrong.figures.ppc.curvature).toBeGreaterThan(0.99);
    expect(byName(wrong)["ppc-level-curvature"]!.status).toBe("fail");
    expect(byName(wrong)["ppc-level-curvature"]!.detail).toContain("try the identity link");
  }, 60_000);
});
