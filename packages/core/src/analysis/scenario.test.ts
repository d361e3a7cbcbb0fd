import { describe, expect, it } from "vitest";
import { compareScenarios, evaluateScenario, repeatRecentWeeks, scenarioSchema } from "./scenario.ts";
import { probabilityGreater, seededRandom } from "./stats.ts";
import { type SyntheticChannel, syntheticResponse } from "./synthetic-response.ts";

const channels: SyntheticChannel[] = [
  { name: "TV", spendMean: 50000, beta: 0.3, alpha: 0.6, K: 1.2, S: 2.5 },
  {
    name: "Instagram",
    type: "social",
    spendMean: 10000,
    beta: 0.25,
    alpha: 0.3,
    K: 0.8,
    S: 1.5,
    kappa: 0.2,
    delta: 0.5,
    eta: 0.15,
  },
  {
    name: "Creators",
    type: "influencer",
    spendMean: 5000,
    beta: 0.2,
    alpha: 0.5,
    K: 0.9,
    S: 1.3,
    phi: 0.3,
    psi: 0.2,
  },
];

describe("scenarios", () => {
  const resp = syntheticResponse({ channels, draws: 400, weeks: 10, seed: 4 });

  it("P(A beats B) is 0.5 within Monte Carlo error for equal distributions and 1 for a dominating plan", () => {
    // same plan twice: every draw ties
    const same = compareScenarios(resp, [
      { name: "A", weeks: 8, spend: { TV: 50000, Instagram: 10000 } },
      { name: "B", weeks: 8, spend: { TV: 50000, Instagram: 10000 } },
    ]);
    expect(same.pairs[0]!.probabilityABeatsB).toBe(0.5);
    expect(same.pairs[0]!.kpiDifference.mean).toBe(0);
    // independent samples of one distribution: 0.5 +- 3 MC standard errors
    const rng = seededRandom(3);
    const n = 4000;
    const a = Float64Array.from({ length: n }, () => rng());
    const b = Float64Array.from({ length: n }, () => rng());
    expect(Math.abs(probabilityGreater(a, b) - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / n));
    // more spend on every channel in every week: response is increasing in spend, so A wins every draw
    const dom = compareScenarios(resp, [
      { name: "more", weeks: 8, spend: { TV: 60000, Instagram: 12000, Creators: 4000 } },
      { name: "less", weeks: 8, spend: { TV: 40000, Instagram: 8000, Creators: 2000 } },
    ]);
    expect(dom.pairs[0]!.probabilityABeatsB).toBe(1);
    expect(dom.pairs[0]!.kpiDifference.q05).toBeGreaterThan(0);
    expect(dom.best.name).toBe("more");
  });

  it("carries effectiveness assumptions through, labelled, and scales the covered contribution", () => {
    const base = evaluateScenario(resp, {
      name: "base",
      weeks: 6,
      spend: { Instagram: [10000, 10000, 10000, 0, 0, 0] },
    });
    const video = evaluateScenario(resp, {
      name: "video",
      weeks: 6,
      spend: { Instagram: [10000, 10000, 10000, 0, 0, 0] },
      assumptions: [
        {
          label: "video converts 1.5x (team estimate)",
          kind: "contentType",
          value: "video",
          multiplier: 1.5,
        },
      ],
    });
    expect(video.result.assumptions).toHaveLength(1);
    expect(video.result.assumptions[0]!.appliedTo).toEqual(["Instagram"]);
    expect(video.result.assumptions[0]!.label).toMatch(/team estimate/);
    // the multiplier covers weeks 1-6 of a 10-week horizon; total own term in those weeks scales by 1.5
    expect(video.result.channels.Instagram!.contribution.mean).toBeGreaterThan(
      base.result.channels.Instagram!.contribution.mean * 1.2,
    );
    expect(video.result.channels.TV!.contribution.mean).toBeCloseTo(
      base.result.channels.TV!.contribution.mean,
      9,
    );
    expect(() =>
      scenarioSchema.parse({
        name: "x",
        weeks: 2,
        spend: {},
        assumptions: [{ label: "l", kind: "contentType", value: "podcast", multiplier: 2 }],
      }),
    ).toThrow(/content type must be one of video, image, carousel, story, live/);
  });

  it("validates plans against the horizon and channels", () => {
    expect(() => evaluateScenario(resp, { name: "x", weeks: 3, spend: { Radio: 5 } })).toThrow(
      /unknown channel "Radio"/,
    );
    expect(() => evaluateScenario(resp, { name: "x", weeks: 3, spend: { TV: [1, 2] } })).toThrow(
      /"TV" has 2 weekly amounts, the plan has 3 weeks/,
    );
    expect(() => evaluateScenario(resp, { name: "x", weeks: 11, spend: { TV: 1 } })).toThrow(
      /11 weeks, the horizon only 10/,
    );
  });

  it("compares 5 scenarios over 1000 draws quickly", () => {
    const big = syntheticResponse({
      channels: [...channels, ...channels.map((c) => ({ ...c, name: `${c.name}2` }))],
      draws: 1000,
      weeks: 13,
      seed: 1,
    });
    const sc = Array.from({ length: 5 }, (_, i) => ({
      name: `s${i}`,
      weeks: 13,
      spend: Object.fromEntries(big.channels.map((n, c) => [n, 1000 * (i + 1) * (c + 1)])),
    }));
    compareScenarios(big, sc); // warm up
    const t = performance.now();
    const r = compareScenarios(big, sc);
    const ms = performance.now() - t;
    expect(r.pairs).toHaveLength(10);
    expect(ms).toBeLessThan(1000); // benchmark target is 200 ms; CI machines are shared
  });
});

describe("repeatRecentWeeks", () => {
  it("repeats the last weeks' pattern over the plan, times k, in cents", () => {
    const spend = [9, 9, 1, 2.004, 3];
    expect(repeatRecentWeeks(spend, 3, 7)).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect(repeatRecentWeeks(spend, 3, 2, 1.5)).toEqual([1.5, 3.01]);
    // fewer data weeks than asked for: what there is
    expect(repeatRecentWeeks([4, 5], 13, 3)).toEqual([4, 5, 4]);
  });
});
