import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDatasetCsv } from "../data/parse.ts";
import { buildModelSpec } from "../model/spec.ts";
import { createModel } from "../model/model.ts";
import { ChannelPipeline } from "../model/channel-pipeline.ts";
import { horizonResponse, posteriorDraws } from "./model-adapter.ts";

const dir = new URL("../../test/fixtures/conformance-v1/", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("vectors.json", dir), "utf8"));

function conformanceModel() {
  const csv = readFileSync(new URL("data.csv", dir), "utf8");
  const channels = vectors.data.channels.map((c: string) => ({
    column: c,
    type: vectors.data.channelTypes[c],
  }));
  const mapping = { date: "date", kpi: "revenue", channels, controls: ["price"] };
  const parsed = parseDatasetCsv(csv, mapping);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const spec = buildModelSpec(parsed.dataset, { ...mapping, holdoutWeeks: 0 });
  return createModel(spec);
}

describe("analysis pipeline vs the model", () => {
  const model = conformanceModel();
  const spec = model.spec;

  it("the channel pipeline reproduces the conformance vectors and the model's forward pass", () => {
    for (const point of vectors.points) {
      const v = Float64Array.from(point.constrainedVector as number[]);
      const fw = model.forward(v);
      spec.channels.forEach((ch, c) => {
        const pipe = new ChannelPipeline(ch.stages, spec.adstockLags, spec.weeks);
        pipe.setParams(v);
        const s = pipe.run(ch.x, ch.x, spec.weeks);
        const want = point.saturation[ch.name] as number[];
        for (let t = 0; t < want.length; t++) {
          expect(Math.abs(s[t]! - want[t]!)).toBeLessThanOrEqual(1e-10);
          expect(Math.abs(s[t]! - fw.saturation[c]![t]!)).toBeLessThanOrEqual(1e-12);
        }
      });
    }
  });

  it("horizon plans and flat spend match forward with extended spend, incl. carryover", () => {
    const H = 9;
    const v = Float64Array.from(vectors.points[3].constrainedVector as number[]); // extreme
    const draws = { values: v, draws: 1, dim: v.length };
    const resp = horizonResponse(model, draws, H);
    const N = spec.weeks;
    // a ragged plan: different spend each week, one channel off for a while
    const plans = spec.channels.map((ch, c) =>
      Float64Array.from({ length: H }, (_, h) => (c === 2 && h < 3 ? 0 : 0.4 + 0.3 * ((h * (c + 1)) % 5))),
    );
    const ext = spec.channels.map((ch, c) => {
      const x = new Float64Array(N + H);
      x.set(ch.x);
      x.set(plans[c]!, N);
      return x;
    });
    const fw = model.forward(v, { spend: ext });
    const sat = new Float64Array(H);
    const one = Int32Array.of(0);
    spec.channels.forEach((ch, c) => {
      resp.media[c]!.respondPlan(one, 0, plans[c]!, sat);
      for (let h = 0; h < H; h++)
        expect(Math.abs(sat[h]! - fw.saturation[c]![N + h]!)).toBeLessThanOrEqual(1e-12);
    });
    // flat spend at 1.3 x mean
    const flat = spec.channels.map((ch) => {
      const x = new Float64Array(N + H).fill(1.3);
      x.set(ch.x);
      return x;
    });
    const fw2 = model.forward(v, { spend: flat });
    spec.channels.forEach((ch, c) => {
      resp.media[c]!.respondFlat(one, 0, 1.3, sat);
      expect(resp.lines[c]!.inputPerCurrency[0]! * spec.scaling.spendMean[c]!).toBeCloseTo(1, 14);
      for (let h = 0; h < H; h++)
        expect(Math.abs(sat[h]! - fw2.saturation[c]![N + h]!)).toBeLessThanOrEqual(1e-12);
    });
    // non-media part
    for (let h = 0; h < H; h++) {
      const t = N + h;
      const want = fw2.baseline[t]! + fw2.trend[t]! + fw2.seasonality[t]! + fw2.controls[t]! + fw2.events[t]!;
      // trend and Fourier terms continue past the data; controls sit at their mean, events off
      expect(fw2.controls[t]).toBe(0);
      expect(Math.abs(resp.base[h]! - want)).toBeLessThanOrEqual(1e-12);
    }
  });

  it("posteriorDraws reorders stored columns by label into the model's order", () => {
    const labels = model.parameters.map((p) => p.label);
    const names = [...labels].reverse();
    const rows = 3;
    const values = new Float64Array(rows * names.length);
    for (let i = 0; i < rows; i++)
      names.forEach((n, j) => (values[i * names.length + j] = 100 * i + labels.indexOf(n)));
    const post = posteriorDraws(model, { names, chains: 1, perChain: rows, values });
    expect(post.draws).toBe(rows);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < labels.length; j++) expect(post.values[i * labels.length + j]).toBe(100 * i + j);
    expect(() =>
      posteriorDraws(model, {
        names: names.slice(1),
        chains: 1,
        perChain: rows,
        values: values.subarray(0, rows * (names.length - 1)),
      }),
    ).toThrow(/missing/);
  });
});
