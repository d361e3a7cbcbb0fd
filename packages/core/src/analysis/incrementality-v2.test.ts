/**
 * Counterfactual incrementality of v2 models: the conformance vectors' `incrementality` entries
 * (1e-9 relative), v1's beta x sat sum under the identity link without synergy, decompositions
 * that add up under both links, marginal ROI and the optimal frequency of R&F channels.
 */
import { describe, expect, it } from "vitest";
import { scaleDatasetV2 } from "../data/scale-v2.ts";
import { Rng } from "../inference/rng.ts";
import { CASES, datasetAsV2, loadCase } from "../../test/conformance-v2-cases.ts";
import { createModel } from "../model/model.ts";
import { createModelV2 } from "../model/model-v2.ts";
import { buildModelSpec } from "../model/spec.ts";
import { buildModelSpecV2 } from "../model/spec-v2.ts";
import { simulate } from "../simulate/simulate.ts";
import { costPerImpression, counterfactualOff, decomposeV2, incrementalityAt } from "./incrementality-v2.ts";

function rel(got: number, want: number, tol: number, what: string): void {
  if (!(Math.abs(got - want) <= tol * Math.abs(want))) expect.fail(`${what}: got ${got}, want ${want}`);
}

describe.each(CASES)("incrementality v2 vs the conformance vectors: %s", (name) => {
  const { v, model } = loadCase(name);
  const idx = (n: string) => model.spec.channels.findIndex((c) => c.name === n);
  v.incrementality.forEach((want: any, p: number) => {
    it(`at ${want.point}`, () => {
      const point = v.points[p];
      const r = incrementalityAt(model, Float64Array.from(point.constrainedVector), {
        incrementalOnly: true,
      });
      rel(r.expectedKpiTotal, want.expectedKpiTotal, 1e-9, "expectedKpiTotal");
      let n = 0;
      for (const [ch, w] of Object.entries(want.incremental as Record<string, number>)) {
        const c = idx(ch);
        rel(r.incremental[c]!, w, 1e-9, `incremental[${ch}]`);
        rel(r.incrementalShare[c]!, want.incrementalShare[ch], 1e-9, `share[${ch}]`);
        (want.incrementalByGeo[ch] as number[]).forEach((wg, g) =>
          rel(r.incrementalByGeo[c]![g]!, wg, 1e-9, `byGeo[${ch}][${g}]`),
        );
        if (want.incrementalValue)
          rel(r.incrementalValue[c]!, want.incrementalValue[ch], 1e-9, `value[${ch}]`);
        n++;
      }
      expect(n).toBe(model.spec.channels.length);
      for (const [ch, w] of Object.entries((want.roi ?? {}) as Record<string, number>))
        rel(r.roi[idx(ch)]!, w, 1e-9, `roi[${ch}]`);
      for (const [ch, w] of Object.entries((want.cpik ?? {}) as Record<string, number>))
        rel(r.cpik[idx(ch)]!, w, 1e-9, `cpik[${ch}]`);
      // organic channels: no ROI, no CPIK
      model.spec.channels.forEach((ch, c) => {
        if (ch.role === "organic") {
          expect(r.roi[c]).toBeNaN();
          expect(r.cpik[c]).toBeNaN();
        }
      });
      if (name === "geo") expect(Object.keys(want.roi)).toEqual(["TV", "Search", "Instagram", "Influencer"]);
    });
  });
});

describe("identity link without synergy: the counterfactual is v1's beta x sat sum", () => {
  it("equals kpiMean * sum_t beta_c sat_c,t of the v1 model, channel by channel", () => {
    const sim = simulate({ weeks: 104, seed: 3 });
    const v1 = createModel(buildModelSpec(sim.dataset, sim.config));
    const data = scaleDatasetV2(datasetAsV2(sim.dataset), { holdoutWeeks: 13, fourierPairs: 2 });
    const v2 = createModelV2(buildModelSpecV2(data, sim.config));
    const rng = new Rng(2);
    for (let k = 0; k < 3; k++) {
      const theta = Float64Array.from({ length: v1.dim }, () => 0.5 * rng.normal());
      const values = v1.constrain(theta);
      const f = v1.forward(values);
      const r = incrementalityAt(v2, values, { incrementalOnly: true });
      v1.spec.channels.forEach((ch, c) => {
        let sum = 0;
        for (let t = 0; t < v1.spec.trainingWeeks; t++) sum += f.channel[c]![t]!;
        const want = v1.spec.scaling.kpiMean * sum;
        rel(r.incremental[c]!, want, 1e-9, ch.name);
        rel(r.roi[c]!, want / v1.spec.scaling.spendTotal[c]!, 1e-9, `roi ${ch.name}`);
      });
    }
  });
});

describe("the counterfactual shortcut is the recomputed pipeline", () => {
  for (const name of CASES) {
    it(`${name}: E[y | channel off] from the full forward equals forward with the input scaled by 0`, () => {
      const { v, model } = loadCase(name);
      const values = Float64Array.from(v.points[2].constrainedVector);
      const full = model.forward(values);
      const G = model.spec.G;
      const mu = Array.from({ length: G }, () => new Float64Array(model.spec.weeks));
      const ey = Array.from({ length: G }, () => new Float64Array(model.spec.weeks));
      model.spec.channels.forEach((_, c) => {
        counterfactualOff(model, values, full, c, mu, ey);
        const scale = model.spec.channels.map((__, k) => (k === c ? 0 : 1));
        const cf = model.forward(values, { scale });
        for (let g = 0; g < G; g++)
          for (let t = 0; t < model.spec.weeks; t++)
            expect(Math.abs(ey[g]![t]! - cf.expectedY[g]![t]!)).toBeLessThanOrEqual(
              1e-12 * Math.max(1, Math.abs(cf.expectedY[g]![t]!)),
            );
      });
    });
  }
});

describe("decomposition v2", () => {
  for (const name of CASES) {
    it(`${name}: components add up to the expected KPI in every cell and say their rule`, () => {
      const { v, model } = loadCase(name);
      const d = decomposeV2(model, Float64Array.from(v.points[1].constrainedVector));
      expect(d.rule).toBe(model.spec.link === "log" ? "log-share" : "additive");
      for (let g = 0; g < model.spec.G; g++)
        for (let t = 0; t < model.spec.weeks; t++) {
          let s = 0;
          for (const comp of Object.values(d.components)) s += comp[g]![t]!;
          expect(Math.abs(s - d.expectedKpi[g]![t]!)).toBeLessThan(1e-9 * Math.abs(d.expectedKpi[g]![t]!));
        }
      for (const ch of model.spec.channels) expect(d.components[ch.name]).toBeDefined();
    });
  }
});

describe("marginal ROI and optimal frequency", () => {
  it("marginal ROI is below ROI for saturating channels and finite for every paid channel", () => {
    const { v, model } = loadCase("geo");
    const r = incrementalityAt(model, Float64Array.from(v.points[0].constrainedVector));
    model.spec.channels.forEach((_, c) => {
      expect(Number.isFinite(r.marginalRoi[c])).toBe(true);
      expect(r.marginalRoi[c]!).toBeLessThan(r.roi[c]!);
    });
  });

  it("optimal frequency of an R&F channel maximizes value per spend over a frequency sweep", () => {
    const { v, model } = loadCase("geo_rf_log");
    const values = Float64Array.from(v.points[0].constrainedVector);
    const c = model.spec.channels.findIndex((ch) => ch.role === "rf");
    const r = incrementalityAt(model, values, { frequencyGrid: 400 });
    const fOpt = r.optimalFrequency[c]!;
    expect(fOpt).toBeGreaterThanOrEqual(1);
    // brute force: set frequency to f where there is reach, through the model's own channelTerm
    const spec = model.spec;
    const d = spec.data.channels[spec.channels[c]!.data]!;
    const cpi = costPerImpression(model, c);
    const f0 = model.forward(values);
    const roiAt = (freq: number) => {
      let gain = 0;
      let spend = 0;
      for (let g = 0; g < spec.G; g++) {
        const pop = spec.data.scaling.population[g]!;
        const fr = Float64Array.from(d.frequency![g]!, (x, t) => (d.x[g]![t]! > 0 ? freq : x));
        const term = new Float64Array(spec.trainingWeeks);
        model.channelTerm(values, c, g, d.x[g]!, spec.trainingWeeks, term, fr);
        for (let t = 0; t < spec.trainingWeeks; t++) {
          const without = f0.mu[g]![t]! - f0.channelTerm[c]![g]![t]!;
          const s2 = 0.5 * f0.sigmaGeo[g]! ** 2;
          gain +=
            pop *
            spec.data.scaling.kpiPerCapitaMean *
            (Math.exp(without + term[t]! + s2) - Math.exp(without + s2)) *
            90;
          spend +=
            d.x[g]![t]! * spec.data.scaling.mediaPerCapitaMean[spec.channels[c]!.data]! * pop * freq * cpi;
        }
      }
      return gain / spend;
    };
    const best = roiAt(fOpt);
    for (const f of [1, 1.5, 2, 3, 4, 6, fOpt * 0.9, fOpt * 1.1])
      if (f >= 1) expect(roiAt(f)).toBeLessThanOrEqual(best * (1 + 1e-9));
  });
});
