import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDatasetCsv } from "../data/parse.ts";
import { buildModelSpec } from "../model/spec.ts";
import { createModel } from "../model/model.ts";
import { ChannelPipeline } from "../model/channel-pipeline.ts";
import { Rng } from "../inference/rng.ts";
import { simulate } from "../simulate/simulate.ts";
import { transformKinds } from "../transforms/registry.ts";
import { analyzeRun } from "./analyze.ts";
import { horizonResponse, posteriorDraws } from "./model-adapter.ts";
import { evaluateScenario } from "./scenario.ts";

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

describe("v1: analysis and planning through the model's pipeline, every registered transform", () => {
  const sim = simulate({ weeks: 60, seed: 5, holdoutWeeks: 8 });
  const base = sim.config as { channels: Record<string, unknown>[] } & Record<string, unknown>;
  const variants: [string, Record<string, unknown>][] = [
    ["the simulator's pipelines (social echo + network, influencer authenticity + consistency)", {}],
    ...transformKinds("adstock").map((k): [string, Record<string, unknown>] => [
      `adstock ${k}`,
      { adstock: { kind: k } },
    ]),
    ...transformKinds("saturation").map((k): [string, Record<string, unknown>] => [
      `saturation ${k}`,
      { saturation: { kind: k } },
    ]),
  ];
  for (const [what, extra] of variants) {
    it(what, () => {
      const names = sim.dataset.channels.map((c) => c.name);
      const config = {
        ...base,
        channels: base.channels.map((c) => ({ ...c, ...extra })),
        synergies: [{ a: names[0]!, b: names[2]! }],
      };
      const model = createModel(buildModelSpec(sim.dataset, config as never));
      const spec = model.spec;
      const rng = new Rng(4);
      const th = new Float64Array(model.dim);
      for (let i = 0; i < model.dim; i++) th[i] = 0.4 * rng.normal();
      const v = model.constrain(th);
      const draws = { values: v, draws: 1, dim: v.length };
      // planning: a ragged plan after the data against forward with the extended spend
      const H = 7;
      const N = spec.weeks;
      const resp = horizonResponse(model, draws, H);
      const plan = spec.channels.map((_, c) =>
        Array.from({ length: H }, (__, h) =>
          c === 1 && h < 2 ? 0 : (0.3 + 0.4 * ((h + c) % 4)) * spec.scaling.spendMean[c]!,
        ),
      );
      const ev = evaluateScenario(resp, {
        name: "ragged",
        weeks: H,
        spend: Object.fromEntries(spec.channels.map((ch, c) => [ch.name, plan[c]!])),
      });
      const ext = spec.channels.map((ch, c) => {
        const x = new Float64Array(N + H);
        x.set(ch.x);
        for (let h = 0; h < H; h++) x[N + h] = plan[c]![h]! / spec.scaling.spendMean[c]!;
        return x;
      });
      const fw = model.forward(v, { spend: ext });
      let want = 0;
      for (let h = 0; h < H; h++) want += fw.mu[N + h]! * spec.scaling.kpiMean;
      expect(Math.abs(ev.kpi[0]! - want)).toBeLessThanOrEqual(1e-10 * Math.abs(want));
      // analysis: response curve points and marginal ROI against forward with scaled spend
      const a = analyzeRun(model, draws, { multipliers: [0, 0.5, 1, 2.5], marginalBump: 0.01 });
      const n = spec.trainingWeeks;
      const now = model.forward(v);
      spec.channels.forEach((ch, c) => {
        const valueAt = (m: number) => {
          const spend = spec.channels.map((o, j) => (j === c ? o.x.map((x) => m * x) : o.x));
          const f = model.forward(v, { spend });
          let s = 0;
          for (let t = 0; t < n; t++) {
            s += f.channel[c]![t]!;
            for (const syn of f.synergy) s += syn[t]!;
          }
          let s0 = 0;
          for (let t = 0; t < n; t++) for (const syn of now.synergy) s0 += syn[t]!;
          // the synergy pair's value with this channel at m, its partner at the data's spend
          return (s - (spec.synergies.some((p) => p.a === c || p.b === c) ? 0 : s0)) * spec.scaling.kpiMean;
        };
        const curve = a.responseCurves[c]!;
        for (const [k, m] of [0.5, 2.5].entries()) {
          const got = curve.kpi.mean[k === 0 ? 1 : 3]!;
          const ref = valueAt(m);
          expect(Math.abs(got - ref), `${ch.name} at ${m}`).toBeLessThanOrEqual(
            1e-5 * Math.max(1, Math.abs(ref)),
          );
        }
        const mroi = (valueAt(1.01) - valueAt(1)) / (0.01 * spec.scaling.spendTotal[c]!);
        expect(Math.abs(a.channels[c]!.marginalRoi.mean - mroi)).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(mroi)),
        );
      });
    });
  }
});
