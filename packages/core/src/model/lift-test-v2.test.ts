/**
 * Lift tests on v2 models (docs/model.md section 11.3): the implied lift is the channel's
 * counterfactual lift over the test's weeks and geos (equal to incrementality-v2's, which runs
 * the forward pipeline with the channel off), the term is log Normal(lift | implied, se), and its
 * gradient matches central finite differences under both links, geo subsets, synergy, R&F,
 * time-varying media and sigma per geo.
 */
import { describe, expect, it } from "vitest";
import { incrementalityAt } from "../analysis/incrementality-v2.ts";
import { Rng } from "../inference/rng.ts";
import { loadCase } from "../../test/conformance-v2-cases.ts";
import type { ModelConfigV2Input } from "./config-v2.ts";
import type { ModelDataV2 } from "./data-v2.ts";
import { createModelV2, type LogDensityPartsV2, type MmmModelV2 } from "./model-v2.ts";
import { buildModelSpecV2 } from "./spec-v2.ts";

function fdError(model: MmmModelV2, theta: Float64Array): number {
  const grad = new Float64Array(model.dim);
  model.evaluate(theta, grad, true);
  let worst = 0;
  const th = Float64Array.from(theta);
  for (let i = 0; i < model.dim; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[i]!));
    th[i] = theta[i]! + h;
    const up = model.evaluate(th, null, true);
    th[i] = theta[i]! - h;
    const down = model.evaluate(th, null, true);
    th[i] = theta[i]!;
    const fd = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(grad[i]! - fd) / Math.max(1, Math.abs(fd)));
  }
  return worst;
}

function randomTheta(rng: Rng, dim: number, scale: number): Float64Array {
  const th = new Float64Array(dim);
  for (let i = 0; i < dim; i++) th[i] = scale * rng.normal();
  return th;
}

type Test = { channel: string; start: string; end: string; lift: number; se: number; geos?: string[] };

function withTests(name: string, extra: Record<string, unknown>, tests: (d: ModelDataV2) => Test[]) {
  const { data, config } = loadCase(name);
  const cfg = { ...config, ...extra, liftTests: tests(data) } as ModelConfigV2Input;
  const plain = createModelV2(buildModelSpecV2(data, { ...config, ...extra }));
  return { data, model: createModelV2(buildModelSpecV2(data, cfg)), plain };
}

describe("v2 lift-test term", () => {
  const cases: [string, string, Record<string, unknown>, (d: ModelDataV2) => Test[]][] = [
    [
      "geo, identity link, a subset of geos, synergy with the tested channel, time-varying media",
      "geo",
      { timeVaryingMedia: true, synergies: [{ a: "Instagram", b: "Influencer" }] },
      (d) => [
        {
          channel: "Instagram",
          start: d.dates[10]!,
          end: d.dates[17]!,
          lift: 4e4,
          se: 5e3,
          geos: d.geos.slice(0, 2),
        },
        { channel: "Influencer", start: d.dates[30]!, end: d.dates[33]!, lift: 2e4, se: 4e3 },
      ],
    ],
    [
      "national, log link, R&F channel and a paid channel",
      "national_rf_log",
      {},
      (d) => [
        { channel: "Meta", start: d.dates[20]!, end: d.dates[27]!, lift: 300, se: 60 },
        { channel: "TV", start: d.dates[40]!, end: d.dates[45]!, lift: 200, se: 50 },
      ],
    ],
    [
      "geo, log link, sigma per geo, one geo",
      "geo_rf_log",
      {},
      (d) => [
        { channel: "Radio", start: d.dates[5]!, end: d.dates[12]!, lift: 150, se: 30, geos: [d.geos[1]!] },
      ],
    ],
  ];
  for (const [what, name, extra, tests] of cases) {
    it(`gradient vs central finite differences: ${what}`, () => {
      const rng = new Rng(17);
      for (let k = 0; k < 2; k++) {
        const theta = randomTheta(rng, 100, 0.5);
        // measured lifts 30 % away from the implied ones at theta, se a quarter of them, so the term
        // is neither flat nor astronomically steep there
        const probe = withTests(name, extra, tests).model;
        const th = theta.subarray(0, probe.dim);
        const at = probe.liftTestImplied(probe.constrain(th));
        const { model, plain } = withTests(name, extra, (d) =>
          tests(d).map((t, i) => ({ ...t, lift: 1.3 * at[i]!, se: 0.25 * Math.abs(at[i]!) + 1e-9 })),
        );
        const parts: LogDensityPartsV2 = { logPrior: 0, logLikelihood: 0, logJacobian: 0 };
        const lp = model.evaluate(th, null, true, parts);
        // the term is exactly log Normal(lift | implied, se), summed over the tests
        const implied = model.liftTestImplied(model.constrain(th));
        let want = 0;
        model.spec.liftTests.forEach((t, i) => {
          const r = t.lift - implied[i]!;
          want += -0.5 * Math.log(2 * Math.PI) - Math.log(t.se) - (0.5 * r * r) / (t.se * t.se);
        });
        expect(parts.logTerms).toBeCloseTo(want, 8);
        expect(lp - plain.logDensity(th)).toBeCloseTo(want, 6);
        expect(Math.abs(parts.logTerms!)).toBeGreaterThan(0.1);
        expect(fdError(model, th)).toBeLessThan(2e-6);
      }
    });
  }

  it("over every training week, the implied lift is incrementality-v2's counterfactual lift in those geos", () => {
    for (const [name, extra] of [
      ["geo", { synergies: [{ a: "Instagram", b: "Influencer" }] }],
      ["national_rf_log", {}],
      ["geo_rf_log", {}],
    ] as const) {
      const { model } = withTests(name, extra, (d) => {
        const ch = d.channels.find((c) => c.role !== "organic")!.name;
        return [
          { channel: ch, start: d.dates[0]!, end: d.dates[d.trainingWeeks - 1]!, lift: 1, se: 1 },
          {
            channel: ch,
            start: d.dates[0]!,
            end: d.dates[d.trainingWeeks - 1]!,
            lift: 1,
            se: 1,
            geos: d.geos.slice(-1),
          },
        ];
      });
      const rng = new Rng(3);
      const values = model.constrain(randomTheta(rng, model.dim, 0.4));
      const inc = incrementalityAt(model, values, { incrementalOnly: true });
      const c = model.spec.liftTests[0]!.channel;
      const implied = model.liftTestImplied(values);
      const byGeo = inc.incrementalByGeo[c]!;
      expect(implied[0]! / inc.incremental[c]!).toBeCloseTo(1, 9);
      expect(implied[1]! / byGeo[byGeo.length - 1]!).toBeCloseTo(1, 9);
      expect(Math.abs(implied[0]!)).toBeGreaterThan(0);
    }
  });

  it("refuses organic channels, unknown geos and holdout weeks, naming the test", () => {
    const { data, config } = loadCase("geo_rf_log");
    const build = (t: Test) => buildModelSpecV2(data, { ...config, liftTests: [t] });
    const d = data.dates;
    expect(() => build({ channel: "Gifting", start: d[0]!, end: d[3]!, lift: 1, se: 1 })).toThrow(
      /lift test of "Gifting".*organic/,
    );
    expect(() =>
      build({ channel: "Radio", start: d[0]!, end: d[3]!, lift: 1, se: 1, geos: ["Atlantis"] }),
    ).toThrow(/geo "Atlantis" is not in the data/);
  });
});
