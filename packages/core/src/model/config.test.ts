import { describe, expect, it } from "vitest";
import type { ColumnMapping } from "../data/types.ts";
import { ModelConfigError, type ModelConfigInput, modelConfigSchema, parseModelConfig } from "./config.ts";
import { buildModelSpec } from "./spec.ts";
import { syntheticDataset } from "./synthetic.ts";

const ok: ModelConfigInput = {
  date: "date",
  kpi: "revenue",
  channels: [
    { column: "ch1", type: "traditional" },
    { column: "ch3", type: "social" },
  ],
};

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseModelConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelConfigError);
    return (e as ModelConfigError).issues;
  }
  throw new Error("expected the config to be rejected");
}

describe("modelConfigSchema", () => {
  it("fills the documented defaults", () => {
    const c = parseModelConfig(ok);
    expect(c).toMatchObject({
      controls: [],
      events: [],
      synergies: [],
      likelihood: "normal",
      nu: 5,
      holdoutWeeks: 13,
      fourierPairs: 2,
      adstockLags: 8,
      priors: {},
      liftTests: [],
      roiPriors: [],
    });
    const mapping: ColumnMapping = c; // ModelConfig extends the column mapping
    expect(mapping.channels[1]).toEqual({ column: "ch3", type: "social" });
    // JSON round trip: configs are plain data
    expect(parseModelConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it.each([
    [{ ...ok, kpi: undefined }, "kpi", /expected string/],
    [{ ...ok, channels: [] }, "channels", /too small|>=1/i],
    [{ ...ok, channels: [{ column: "ch1", type: "tv" }] }, "channels[0].type", /traditional/],
    [
      { ...ok, channels: [ok.channels[0], { column: "ch3", type: "social", adstock: { kind: "hill" } }] },
      "channels[1].adstock.kind",
      /unknown adstock kind "hill"/,
    ],
    [
      { ...ok, channels: [{ column: "ch1", type: "digital", saturation: { kind: "sigmoid" } }] },
      "channels[0].saturation.kind",
      /hill, logistic, power/,
    ],
    [
      {
        ...ok,
        channels: [
          {
            column: "ch1",
            type: "digital",
            adstock: { kind: "geometric", priors: { theta: { dist: "gamma", shape: 1, rate: 1 } } },
          },
        ],
      },
      "channels[0].adstock.priors.theta",
      /no parameter "theta"/,
    ],
    [
      {
        ...ok,
        channels: [
          {
            column: "ch1",
            type: "digital",
            adstock: { kind: "geometric", priors: { alpha: { dist: "gamma", shape: 1, rate: 1 } } },
          },
        ],
      },
      "channels[0].adstock.priors.alpha",
      /does not fit a unit parameter/,
    ],
    [
      { ...ok, channels: [{ column: "ch1", type: "digital", beta: { dist: "normal", mean: 0, sd: 1 } }] },
      "channels[0].beta",
      /positive/,
    ],
    [
      {
        ...ok,
        channels: [{ column: "ch1", type: "digital", priors: { kappa: { dist: "beta", a: 1, b: 1 } } }],
      },
      "channels[0].priors.kappa",
      /no parameter "kappa"/,
    ],
    [
      {
        ...ok,
        channels: [{ column: "ch1", type: "social", priors: { kappa: { dist: "beta", a: 0, b: 1 } } }],
      },
      "channels[0].priors.kappa.a",
      /too small|>0/i,
    ],
    [{ ...ok, channels: [ok.channels[0], ok.channels[0]] }, "channels[1].column", /duplicate/],
    [{ ...ok, synergies: [{ a: "ch1", b: "nope" }] }, "synergies[0].b", /unknown channel "nope"/],
    [{ ...ok, synergies: [{ a: "ch1", b: "ch1" }] }, "synergies[0].b", /two different/],
    [
      {
        ...ok,
        synergies: [
          { a: "ch1", b: "ch3" },
          { a: "ch3", b: "ch1" },
        ],
      },
      "synergies[1]",
      /duplicate/,
    ],
    [{ ...ok, likelihood: "cauchy" }, "likelihood", /normal/],
    [{ ...ok, nu: -1 }, "nu", /too small|>0/i],
    [{ ...ok, holdoutWeeks: 2.5 }, "holdoutWeeks", /int/i],
    [{ ...ok, priors: { sigma: { dist: "normal", mean: 0, sd: 1 } } }, "priors.sigma", /positive/],
    [{ ...ok, priors: { b0: { dist: "gamma", shape: 1, rate: 1 } } }, "priors.b0", /real/],
    [{ ...ok, controls: ["ch1"] }, "controls[0]", /also a channel/],
    [
      { ...ok, liftTests: [{ channel: "x", start: "2024-01-01", end: "2024-02-01", lift: 1, se: 1 }] },
      "liftTests[0].channel",
      /unknown channel/,
    ],
    [
      { ...ok, roiPriors: [{ channel: "ch1", prior: { dist: "lognormal", mu: 0, sigma: 1 } }] },
      "roiPriors[0].prior.dist",
      /./,
    ],
  ])("rejects bad input %# naming the field", (input, path, message) => {
    const issues = issuesOf(input);
    const hit = issues.find((i) => i.path === path);
    expect(hit, `issues: ${JSON.stringify(issues)}`).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it("puts the field path in the error message", () => {
    expect(() =>
      parseModelConfig({ ...ok, channels: [{ column: "ch1", type: "digital", adstock: { kind: "nope" } }] }),
    ).toThrow(/channels\[0\]\.adstock\.kind: unknown adstock kind "nope"/);
  });

  it("accepts every override the docs describe", () => {
    const r = modelConfigSchema.safeParse({
      ...ok,
      channels: [
        {
          column: "ch1",
          type: "traditional",
          adstock: { kind: "weibull", priors: { wshape: { dist: "gamma", shape: 2, rate: 2 } } },
          saturation: { kind: "power" },
        },
        {
          column: "ch3",
          type: "social",
          network: false,
          priors: { kappa: { dist: "beta", a: 1, b: 9 }, beta: { dist: "halfNormal", scale: 0.5 } },
        },
      ],
      synergies: [{ a: "ch1", b: "ch3" }],
      likelihood: "studentT",
      nu: 7,
      priors: {
        sigma: { dist: "logNormal", mu: -2, sigma: 1 },
        season: { dist: "normal", mean: 0, sd: 0.2 },
      },
    });
    expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
  });
});

describe("seed and sampler", () => {
  it("are part of the config: kept when valid, rejected with their path when not", () => {
    const c = parseModelConfig({ ...ok, seed: 11, sampler: { chains: 2, draws: 300 } });
    expect(c.seed).toBe(11);
    expect(c.sampler).toEqual({ chains: 2, draws: 300 });
    expect(parseModelConfig(ok).sampler).toBeUndefined();
    expect(issuesOf({ ...ok, seed: -1 }).map((i) => i.path)).toEqual(["seed"]);
    expect(issuesOf({ ...ok, sampler: { chains: 0 } }).map((i) => i.path)).toEqual(["sampler.chains"]);
    expect(issuesOf({ ...ok, sampler: { warmup: 1.5 } }).map((i) => i.path)).toEqual(["sampler.warmup"]);
  });

  it("a parsed config is not parsed again; a copy of one is", () => {
    const c = parseModelConfig(ok);
    expect(parseModelConfig(c)).toBe(c);
    const copy = JSON.parse(JSON.stringify(c)) as unknown;
    expect(parseModelConfig(copy)).not.toBe(copy);
    expect(parseModelConfig(copy)).toEqual(c);
  });
});

describe("buildModelSpec data errors", () => {
  const ds = syntheticDataset({ weeks: 30 });
  it("names a missing column", () => {
    expect(() =>
      buildModelSpec(ds, { ...ok, channels: [{ column: "nope", type: "digital" }], holdoutWeeks: 0 }),
    ).toThrow(/"nope"/);
    expect(() => buildModelSpec(ds, { ...ok, controls: ["nope"], holdoutWeeks: 0 })).toThrow(
      /control column "nope"/,
    );
  });
  it("rejects a channel with no training spend and a holdout that eats the data", () => {
    const zero = {
      ...ds,
      channels: ds.channels.map((c, i) => (i === 0 ? { ...c, spend: new Float64Array(30) } : c)),
    };
    expect(() => buildModelSpec(zero, { ...ok, holdoutWeeks: 0 })).toThrow(/"ch1" is all zero/);
    expect(() => buildModelSpec(ds, { ...ok, holdoutWeeks: 28 })).toThrow(/training weeks/);
  });
});
