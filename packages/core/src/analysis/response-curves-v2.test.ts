/**
 * v2 response curves against the model's own forward with the channel's input scaled
 * (model.forward(values, { scale })), every v2 option and every registered transform.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../inference/rng.ts";
import { createModelV2 } from "../model/model-v2.ts";
import { buildModelSpecV2 } from "../model/spec-v2.ts";
import { transformKinds } from "../transforms/registry.ts";
import { loadCase } from "../../test/conformance-v2-cases.ts";
import { responseCurvesV2 } from "./response-curves-v2.ts";

const variants: [string, string, Record<string, unknown>][] = [
  ["geo, knots, exposure, social + influencer", "geo", {}],
  ["national R&F, log link, time-varying media, organic, units with a value", "national_rf_log", {}],
  ["geo R&F, log link, sigma per geo, organic", "geo_rf_log", {}],
  [
    "geo, trend, time-varying media, synergy",
    "geo",
    { baseline: "trend", timeVaryingMedia: true, synergies: [{ a: "Instagram", b: "Influencer" }] },
  ],
  ...transformKinds("adstock").map((k): [string, string, Record<string, unknown>] => [
    `adstock ${k}`,
    "geo",
    { adstock: k },
  ]),
  ...transformKinds("saturation").map((k): [string, string, Record<string, unknown>] => [
    `saturation ${k}`,
    "geo",
    { saturation: k },
  ]),
];

describe("v2 response curves = forward with the input scaled", () => {
  for (const [what, name, extra] of variants) {
    it(what, () => {
      const { data, config } = loadCase(name);
      const { adstock, saturation, ...rest } = extra as { adstock?: string; saturation?: string };
      const cfg = {
        ...config,
        ...rest,
        channels: (config.channels as unknown as Record<string, unknown>[]).map((c) => ({
          ...c,
          ...(adstock ? { adstock: { kind: adstock } } : {}),
          ...(saturation ? { saturation: { kind: saturation } } : {}),
        })),
      } as never;
      const model = createModelV2(buildModelSpecV2(data, cfg));
      const spec = model.spec;
      const rng = new Rng(8);
      const th = new Float64Array(model.dim);
      for (let i = 0; i < model.dim; i++) th[i] = 0.5 * rng.normal();
      const v = model.constrain(th);
      const mults = [0, 0.5, 1, 1.7];
      const curves = responseCurvesV2(model, { values: v, draws: 1, dim: v.length }, { multipliers: mults });
      const total = (scale: number[] | undefined, value: boolean) => {
        const f = model.forward(v, scale ? { scale } : {});
        let s = 0;
        for (let g = 0; g < spec.G; g++)
          for (let t = 0; t < spec.trainingWeeks; t++)
            s +=
              data.scaling.population[g]! *
              data.scaling.kpiPerCapitaMean *
              f.expectedY[g]![t]! *
              (value && data.value ? data.value[g]![t]! : 1);
        return s;
      };
      spec.channels.forEach((ch, c) => {
        const at = (m: number, value: boolean) =>
          total(
            spec.channels.map((_, j) => (j === c ? m : 1)),
            value,
          );
        const zero = at(0, false);
        const zeroV = at(0, true);
        mults.forEach((m, k) => {
          const want = at(m, false) - zero;
          expect(Math.abs(curves[c]!.incremental.mean[k]! - want), `${ch.name} x${m}`).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(zero)),
          );
          if (curves[c]!.value) {
            const wantV = at(m, true) - zeroV;
            expect(Math.abs(curves[c]!.value.mean[k]! - wantV)).toBeLessThanOrEqual(
              1e-9 * Math.max(1, Math.abs(zeroV)),
            );
          }
        });
        // at m = 1 the curve is the channel's counterfactual incremental KPI
        expect(
          Math.abs(curves[c]!.incremental.mean[2]! - (total(undefined, false) - zero)),
        ).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(zero)));
      });
    });
  }
});

describe("v2 response curves per geo", () => {
  it("each geo's curve is the forward's difference in that geo, and the geos add up to the national curve", () => {
    const { model } = loadCase("geo");
    const spec = model.spec;
    expect(spec.G).toBeGreaterThan(1);
    const rng = new Rng(3);
    const th = new Float64Array(model.dim);
    for (let i = 0; i < model.dim; i++) th[i] = 0.5 * rng.normal();
    const v = model.constrain(th);
    const mults = [0, 1, 2];
    const curves = responseCurvesV2(
      model,
      { values: v, draws: 1, dim: v.length },
      { multipliers: mults, byGeo: true },
    );
    spec.channels.forEach((ch, c) => {
      const byGeo = curves[c]!.byGeo!;
      expect(byGeo.map((b) => b.geo)).toEqual(spec.data.geos);
      const kpiIn = (m: number, g: number) => {
        const f = model.forward(v, { scale: spec.channels.map((_, j) => (j === c ? m : 1)) });
        let s = 0;
        for (let t = 0; t < spec.trainingWeeks; t++) s += f.expectedY[g]![t]!;
        return spec.data.scaling.population[g]! * spec.data.scaling.kpiPerCapitaMean * s;
      };
      mults.forEach((m, k) => {
        let sum = 0;
        byGeo.forEach((b, g) => {
          const want = kpiIn(m, g) - kpiIn(0, g);
          expect(Math.abs(b.incremental.mean[k]! - want), `${ch.name}@${b.geo} x${m}`).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(kpiIn(0, g))),
          );
          sum += b.incremental.mean[k]!;
          if (ch.role !== "organic")
            expect(b.spend![k]).toBeCloseTo(m * spec.data.scaling.spendByGeo[ch.data]![g]!, 8);
        });
        expect(sum).toBeCloseTo(curves[c]!.incremental.mean[k]!, 6);
      });
    });
    // without the option there is no per-geo breakdown
    expect(
      responseCurvesV2(model, { values: v, draws: 1, dim: v.length }, { multipliers: mults })[0]!.byGeo,
    ).toBeUndefined();
  });
});
