import { describe, expect, it } from "vitest";
import { parseDatasetCsv } from "../data/parse.ts";
import { createModel } from "../model/model.ts";
import { buildModelSpec } from "../model/spec.ts";
import { simulate } from "./simulate.ts";

describe("simulate", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = simulate({ weeks: 104, seed: 7 });
    const b = simulate({ weeks: 104, seed: 7 });
    expect(a.csv).toBe(b.csv);
    expect(a.truth).toEqual(b.truth);
    expect(simulate({ weeks: 104, seed: 8 }).csv).not.toBe(a.csv);
  });

  it("defaults to the demo brand with price and a holiday event", () => {
    const s = simulate({ weeks: 156, seed: 1 });
    expect(s.csv.split("\n")[0]).toBe(
      "date,revenue,TV,Search,Instagram,Facebook,TikTok,X (Twitter),Influencer,price,holiday",
    );
    expect(s.mapping.channels.map((c) => c.type)).toEqual([
      "traditional",
      "digital",
      "social",
      "social",
      "social",
      "social",
      "influencer",
    ]);
    expect(s.dataset.dates[0]).toBe("2023-01-02");
    expect(s.dataset.dates[155]).toBe("2025-12-22");
    // Black Friday 2023 (Nov 24) is in the week of Monday Nov 20; Christmas 2023 in the week of Dec 25
    const flagged = s.dataset.dates.filter((_, t) => s.dataset.events[0]!.values[t] === 1);
    expect(flagged.slice(0, 2)).toEqual(["2023-11-20", "2023-12-25"]);
    expect(flagged).toHaveLength(6);
  });

  it("writes a CSV that the parser accepts and reads back to the same dataset", () => {
    const s = simulate({ weeks: 156, seed: 3, channels: "recovery" });
    const r = parseDatasetCsv(s.csv, s.mapping);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dataset.dates).toEqual(s.dataset.dates);
    expect(Array.from(r.dataset.kpi)).toEqual(Array.from(s.dataset.kpi));
    r.dataset.channels.forEach((c, i) =>
      expect(Array.from(c.spend)).toEqual(Array.from(s.dataset.channels[i]!.spend)),
    );
  });

  it("returns truth consistent with the model fitted to its own KPI", () => {
    const s = simulate({ weeks: 156, seed: 11, channels: "recovery" });
    const spec = buildModelSpec(s.dataset, s.config);
    const model = createModel(spec);
    expect(spec.scaling.kpiMean).toBeCloseTo(s.truth.kpiMean, 6);
    const values = Float64Array.from(spec.parameters, (p) => s.truth.parameters[p.label]!);
    expect(values.every(Number.isFinite)).toBe(true);
    const f = model.forward(values);
    // residuals on the model scale have the truth's sigma
    let ss = 0;
    for (let t = 0; t < spec.trainingWeeks; t += 1) ss += (spec.y[t]! - f.mu[t]!) ** 2;
    const sd = Math.sqrt(ss / spec.trainingWeeks);
    const sigma = s.truth.parameters.sigma!;
    expect(sd).toBeGreaterThan(0.75 * sigma);
    expect(sd).toBeLessThan(1.25 * sigma);
    spec.channels.forEach((ch, c) => {
      const truth = s.truth.channels[ch.name]!;
      let contribution = 0;
      for (let t = 0; t < spec.trainingWeeks; t += 1)
        contribution += spec.scaling.kpiMean * f.channel[c]![t]!;
      expect(contribution / truth.contribution).toBeCloseTo(1, 9);
      expect(truth.roi).toBeCloseTo(contribution / spec.scaling.spendTotal[c]!, 9);
      expect(truth.weekly[20]! / (spec.scaling.kpiMean * f.channel[c]![20]!)).toBeCloseTo(1, 9);
      // realistic ROI range for revenue
      expect(truth.roi).toBeGreaterThan(0.2);
      expect(truth.roi).toBeLessThan(15);
    });
    // the viral social channel has a strong echo
    expect(s.truth.parameters["kappa[Instagram]"]).toBeGreaterThanOrEqual(0.25);
  });

  it("accepts parameter overrides and explicit channel counts", () => {
    const s = simulate({ weeks: 60, seed: 2, channels: 2, parameters: { "beta[TV]": 0.2 } });
    expect(Object.keys(s.truth.channels)).toEqual(["TV", "Search"]);
    // overrides are on the generator scale; the model-scale value is divided by mean(y*)
    const m = s.truth.kpiMean / 500_000;
    expect(s.truth.parameters["beta[TV]"]! * m).toBeCloseTo(0.2, 12);
  });
});
