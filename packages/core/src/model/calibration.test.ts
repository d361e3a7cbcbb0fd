import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDatasetCsv } from "../data/parse.ts";
import { createModel } from "./model.ts";
import { buildModelSpec } from "./spec.ts";
import { liftTestTerm, roiPriorTerm } from "./calibration.ts";

const dir = new URL("../../test/fixtures/conformance-v1/", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("vectors.json", dir), "utf8"));

function conformanceSpec() {
  const csv = readFileSync(new URL("data.csv", dir), "utf8");
  const channels = vectors.data.channels.map((c: string) => ({
    column: c,
    type: vectors.data.channelTypes[c],
  }));
  const mapping = { date: "date", kpi: "revenue", channels, controls: ["price"] };
  const parsed = parseDatasetCsv(csv, mapping);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return buildModelSpec(parsed.dataset, { ...mapping, holdoutWeeks: 0 });
}

describe("calibration terms", () => {
  const spec = conformanceSpec();
  const plain = createModel(spec, { terms: [] });
  const terms = [
    liftTestTerm(spec, { channel: "Instagram", start: "2023-03-06", end: "2023-04-24", lift: 3e6, se: 4e5 }),
    liftTestTerm(spec, { channel: "TV", start: "2023-09-04", end: "2023-10-02", lift: 1e6, se: 2e5 }),
    roiPriorTerm(spec, { channel: "Influencer", prior: { dist: "logNormal", mu: Math.log(3), sigma: 0.3 } }),
    roiPriorTerm(spec, { channel: "Search", prior: { dist: "logNormal", mu: Math.log(2), sigma: 0.5 } }),
  ];
  const calibrated = createModel(spec, { terms });

  it("has exact gradients (central finite differences) at every conformance point", () => {
    for (const point of vectors.points) {
      const theta = Float64Array.from(point.unconstrained as number[]);
      const g = new Float64Array(theta.length);
      const g0 = new Float64Array(theta.length);
      const lp = calibrated.logDensityGradient(theta, g);
      const lp0 = plain.logDensityGradient(theta, g0);
      expect(Number.isFinite(lp)).toBe(true);
      expect(lp).not.toBe(lp0);
      for (let i = 0; i < theta.length; i++) {
        const h = 1e-5 * Math.max(1, Math.abs(theta[i]!));
        const up = Float64Array.from(theta);
        up[i]! += h;
        const dn = Float64Array.from(theta);
        dn[i]! -= h;
        // differentiate the terms' share only, so the tolerance is not swamped by the likelihood
        const fd =
          (calibrated.logDensity(up) -
            plain.logDensity(up) -
            (calibrated.logDensity(dn) - plain.logDensity(dn))) /
          (2 * h);
        const got = g[i]! - g0[i]!;
        expect(Math.abs(got - fd)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it("lift term equals the Normal log density of the measured lift around the implied contribution", () => {
    const v = Float64Array.from(vectors.points[0].constrainedVector as number[]);
    const theta = Float64Array.from(vectors.points[0].unconstrained as number[]);
    const test = { channel: "Instagram", start: "2023-03-06", end: "2023-04-24", lift: 3e6, se: 4e5 };
    const one = createModel(spec, { terms: [liftTestTerm(spec, test)] });
    const fw = plain.forward(v);
    const c = spec.channels.findIndex((ch) => ch.name === "Instagram");
    let implied = 0;
    spec.dates.forEach((d, t) => {
      if (d >= test.start && d <= test.end) implied += fw.channel[c]![t]! * spec.scaling.kpiMean;
    });
    const want =
      -0.5 * Math.log(2 * Math.PI) - Math.log(test.se) - 0.5 * ((test.lift - implied) / test.se) ** 2;
    expect(one.logDensity(theta) - plain.logDensity(theta)).toBeCloseTo(want, 8);
  });

  it("rejects tests outside the data or the training weeks, and unknown channels", () => {
    expect(() =>
      liftTestTerm(spec, { channel: "Radio", start: "2023-03-06", end: "2023-04-24", lift: 1, se: 1 }),
    ).toThrow(/unknown channel "Radio"/);
    expect(() =>
      liftTestTerm(spec, { channel: "TV", start: "2030-01-01", end: "2030-02-01", lift: 1, se: 1 }),
    ).toThrow(/no data week/);
  });
});
