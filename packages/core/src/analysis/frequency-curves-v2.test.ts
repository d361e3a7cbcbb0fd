/**
 * ROI versus frequency of R&F channels: each grid point against the brute-force value per spend
 * with the frequency set through the model's own channelTerm, the per-draw argmax against
 * optimalFrequency, and the observed frequency against the data.
 */
import { describe, expect, it } from "vitest";
import { loadCase } from "../../test/conformance-v2-cases.ts";
import { frequencyCurvesV2 } from "./frequency-curves-v2.ts";
import { costPerImpression, optimalFrequency, valuePerSpendByFrequency } from "./incrementality-v2.ts";

describe("frequencyCurvesV2", () => {
  const { v, model } = loadCase("geo_rf_log");
  const spec = model.spec;
  const c = spec.channels.findIndex((ch) => ch.role === "rf");
  const points = (v.points as { constrainedVector: number[] }[]).map((p) =>
    Float64Array.from(p.constrainedVector),
  );
  const dim = model.dim;
  const values = new Float64Array(points.length * dim);
  points.forEach((p, i) => values.set(p, i * dim));
  const draws = { values, draws: points.length, dim };

  it("a grid point is the value per spend at that frequency (brute force through channelTerm)", () => {
    const vals = points[0]!;
    const f0 = model.forward(vals);
    const { frequencies, ratio } = valuePerSpendByFrequency(model, vals, f0, c, 20);
    const d = spec.data.channels[spec.channels[c]!.data]!;
    const cpi = costPerImpression(model, c);
    const value = spec.data.value;
    for (const k of [0, 7, 20]) {
      const freq = frequencies[k]!;
      let gain = 0;
      let spend = 0;
      for (let g = 0; g < spec.G; g++) {
        const pop = spec.data.scaling.population[g]!;
        const fr = Float64Array.from(d.frequency![g]!, (x, t) => (d.x[g]![t]! > 0 ? freq : x));
        const term = new Float64Array(spec.trainingWeeks);
        model.channelTerm(vals, c, g, d.x[g]!, spec.trainingWeeks, term, fr);
        const s2 = 0.5 * f0.sigmaGeo[g]! ** 2;
        for (let t = 0; t < spec.trainingWeeks; t++) {
          const without = f0.mu[g]![t]! - f0.channelTerm[c]![g]![t]!;
          gain +=
            pop *
            spec.data.scaling.kpiPerCapitaMean *
            (Math.exp(without + term[t]! + s2) - Math.exp(without + s2)) *
            (value ? value[g]![t]! : 1);
          spend +=
            d.x[g]![t]! * spec.data.scaling.mediaPerCapitaMean[spec.channels[c]!.data]! * pop * freq * cpi;
        }
      }
      expect(Math.abs(ratio[k]! - gain / spend)).toBeLessThan(1e-9 * Math.abs(gain / spend));
    }
  });

  it("curves over draws: mean within the band, per-draw argmax = optimalFrequency, observed frequency", () => {
    const grid = 50;
    const [curve] = frequencyCurvesV2(model, draws, { grid });
    expect(curve!.channel).toBe(spec.channels[c]!.name);
    expect(curve!.frequencies).toHaveLength(grid + 1);
    expect(curve!.frequencies[0]).toBe(1);
    expect(curve!.drawsUsed).toBe(points.length);
    curve!.roi.mean.forEach((m, k) => {
      expect(curve!.roi.lo[k]!).toBeLessThanOrEqual(m + 1e-12);
      expect(m).toBeLessThanOrEqual(curve!.roi.hi[k]! + 1e-12);
    });
    const opt = points.map((p) => optimalFrequency(model, p, model.forward(p), c, grid));
    const mean = opt.reduce((a, b) => a + b, 0) / opt.length;
    expect(curve!.optimal.mean).toBeCloseTo(mean, 12);
    expect(curve!.optimal.q05).toBeGreaterThanOrEqual(Math.min(...opt));
    expect(curve!.optimal.q95).toBeLessThanOrEqual(Math.max(...opt));
    // impressions / reach over the scored cells
    const d = spec.data.channels[spec.channels[c]!.data]!;
    let reach = 0;
    let imps = 0;
    for (let g = 0; g < spec.G; g++)
      for (let t = 0; t < spec.trainingWeeks; t++) {
        reach += d.x[g]![t]! * spec.data.scaling.population[g]!;
        imps += d.x[g]![t]! * spec.data.scaling.population[g]! * d.frequency![g]![t]!;
      }
    expect(curve!.observed).toBeCloseTo(imps / reach, 10);
  });

  it("a model without R&F channels has no frequency curves", () => {
    const geo = loadCase("geo");
    const p = Float64Array.from(geo.v.points[0].constrainedVector);
    expect(frequencyCurvesV2(geo.model, { values: p, draws: 1, dim: p.length })).toEqual([]);
  });
});
