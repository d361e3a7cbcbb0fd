import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDatasetCsv } from "../data/parse.ts";
import { createModel } from "../model/model.ts";
import { buildModelSpec } from "../model/spec.ts";
import { analyzeRun } from "./analyze.ts";

const dir = new URL("../../test/fixtures/conformance-v1/", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("vectors.json", dir), "utf8"));

function conformanceModel(synergy = false) {
  const csv = readFileSync(new URL("data.csv", dir), "utf8");
  const channels = vectors.data.channels.map((c: string) => ({
    column: c,
    type: vectors.data.channelTypes[c],
  }));
  const mapping = { date: "date", kpi: "revenue", channels, controls: ["price"] };
  const parsed = parseDatasetCsv(csv, mapping);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const config = {
    ...mapping,
    holdoutWeeks: synergy ? 13 : 0,
    synergies: synergy ? [{ a: "Search", b: "Instagram" }] : [],
  };
  return createModel(buildModelSpec(parsed.dataset, config));
}

describe("analyzeRun", () => {
  it("decomposition adds up to the fitted mean at every week and draw; ROI matches the reference", () => {
    const model = conformanceModel();
    const spec = model.spec;
    for (const [k, point] of vectors.points.entries()) {
      const v = Float64Array.from(point.constrainedVector as number[]);
      // per draw: components from the forward pass sum to mu exactly
      const fw = model.forward(v);
      for (let t = 0; t < spec.weeks; t++) {
        let s = fw.baseline[t]! + fw.trend[t]! + fw.seasonality[t]! + fw.controls[t]! + fw.events[t]!;
        for (const c of fw.channel) s += c[t]!;
        for (const c of fw.synergy) s += c[t]!;
        expect(Math.abs(s - fw.mu[t]!)).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(fw.mu[t]! - point.mu[t])).toBeLessThanOrEqual(1e-10);
      }
      const a = analyzeRun(model, { values: v, draws: 1, dim: v.length });
      for (const ch of a.channels) {
        const want = vectors.roi[k].roi[ch.name];
        expect(Math.abs(ch.roi.mean - want) / want).toBeLessThan(1e-5); // output rounded to 6 digits
        expect(
          Math.abs(ch.contribution.mean - vectors.roi[k].contribution[ch.name]) /
            vectors.roi[k].contribution[ch.name],
        ).toBeLessThan(1e-5);
      }
    }
  });

  it("summaries over several draws: component means sum to the fitted mean; marginal ROI, viral share and curves agree with forward counterfactuals", () => {
    const model = conformanceModel(true);
    const spec = model.spec;
    const dim = spec.parameters.length;
    // four draws: the conformance points, with a synergy coefficient inserted at its position
    const gammaIdx = spec.synergies[0]!.gamma;
    const rows = vectors.points.map((p: { constrainedVector: number[] }, k: number) => {
      const base = p.constrainedVector;
      const row = new Float64Array(dim);
      row.set(base.slice(0, gammaIdx), 0);
      row[gammaIdx] = 0.05 * (k - 1);
      row.set(base.slice(gammaIdx), gammaIdx + 1);
      return row;
    });
    const values = new Float64Array(rows.length * dim);
    rows.forEach((r: Float64Array, i: number) => values.set(r, i * dim));
    const a = analyzeRun(model, { values, draws: rows.length, dim });
    const N = spec.weeks;
    for (let t = 0; t < N; t++) {
      let s = 0;
      for (const c of a.decomposition.weekly) s += c.mean[t]!;
      expect(Math.abs(s - a.fit.fitted.mean[t]!)).toBeLessThanOrEqual(1e-5 * Math.abs(a.fit.fitted.mean[t]!));
    }
    expect(a.fit.holdout.filter(Boolean)).toHaveLength(13);
    expect(a.synergies).toHaveLength(1);
    // independent counterfactuals with model.forward for draw 0
    const v = rows[0]!;
    const n = spec.trainingWeeks;
    const kpi = spec.scaling.kpiMean;
    const sumMu = (spend?: Float64Array[], viralOff = false) => {
      const f = model.forward(v, { spend, viralOff, weeks: N });
      let s = 0;
      for (let t = 0; t < n; t++) s += f.mu[t]!;
      return s * kpi;
    };
    const a0 = analyzeRun(model, { values: v, draws: 1, dim });
    const base = sumMu();
    spec.channels.forEach((ch, c) => {
      const scaled = (m: number) => spec.channels.map((o, j) => (j === c ? o.x.map((x) => x * m) : o.x));
      const mroi = (sumMu(scaled(1.01)) - base) / (0.01 * spec.scaling.spendTotal[c]!);
      const got = a0.channels[c]!.marginalRoi.mean;
      expect(Math.abs(got - mroi)).toBeLessThanOrEqual(1e-5 * Math.abs(mroi));
      const curve = a0.responseCurves[c]!;
      const at2 = curve.multipliers.indexOf(2);
      const want2 = sumMu(scaled(2)) - sumMu(scaled(0));
      expect(Math.abs(curve.kpi.mean[at2]! - want2)).toBeLessThanOrEqual(1e-5 * Math.abs(want2));
      expect(curve.kpi.mean[0]).toBe(0);
    });
    // viral share of Instagram from the forward pass with the echo off (own term only)
    const ig = spec.channels.findIndex((c) => c.name === "Instagram");
    const on = model.forward(v).channel[ig]!;
    const off = model.forward(v, { viralOff: true }).channel[ig]!;
    let sOn = 0;
    let sOff = 0;
    for (let t = 0; t < n; t++) {
      sOn += on[t]!;
      sOff += off[t]!;
    }
    expect(a0.channels[ig]!.viralShare!.mean).toBeCloseTo(1 - sOff / sOn, 5);
    expect(a0.channels[ig]!.viralShare!.mean).toBeGreaterThan(0);
    expect(a0.channels.find((c) => c.name === "TV")!.viralShare).toBeNull();
    // adstock weights sum to 1 per draw
    for (const ad of a.adstock) expect(ad.weight.mean.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    // saturation point: the mean curve's marginal ROI is >= threshold on the interval before it
    // (after the steepest part) and < threshold on the interval containing it
    let saturated = 0;
    for (const curve of a.responseCurves) {
      const m = curve.kpi.mean;
      const marg = m.slice(1).map((v, k) => (v - m[k]!) / (curve.spend[k + 1]! - curve.spend[k]!));
      if (curve.saturation === null) {
        expect(marg[marg.length - 1]!).toBeGreaterThanOrEqual(1 - 1e-4);
        continue;
      }
      const k = curve.multipliers.findIndex((x) => x > curve.saturation!.multiplier) - 1;
      if (curve.saturation.multiplier === 0) expect(Math.max(...marg)).toBeLessThan(1 + 1e-4);
      else {
        // the point is the middle of the first interval past the steepest one whose marginal ROI
        // drops below 1, so an interval lies before it and that one is still at or above 1
        expect(marg[k]!).toBeLessThan(1 + 1e-4);
        expect(k).toBeGreaterThan(0);
        expect(marg[k - 1]!).toBeGreaterThanOrEqual(1 - 1e-4);
        saturated++;
      }
    }
    // two of the fixture's channels saturate within the curve: the checks above did run
    expect(saturated).toBe(2);
    // JSON stays compact
    expect(JSON.stringify(a).length).toBeLessThan(200_000);
  });
});
