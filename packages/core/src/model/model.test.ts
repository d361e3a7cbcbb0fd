/**
 * Full log density: gradient vs central finite differences at random points for the default
 * model and non-default configs; holdout handling; forward() counterfactual options.
 */
import { describe, expect, it } from "vitest";
import type { ModelConfigInput } from "./config.ts";
import { createModel, type LogDensityParts, type MmmModel } from "./model.ts";
import { buildModelSpec } from "./spec.ts";
import { syntheticDataset } from "./synthetic.ts";
import type { LogDensityTerm } from "./terms.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const ds = syntheticDataset({ weeks: 60, events: 2 });
const base = {
  date: "date",
  kpi: "revenue",
  channels: ds.channels.map((c) => ({ column: c.name, type: c.type })),
  controls: ["price", "temp"],
  holdoutWeeks: 8,
} satisfies ModelConfigInput;

const configs: [string, ModelConfigInput][] = [
  ["default", base],
  [
    "student-t, logistic, power, delayed, weibull, synergies, events",
    {
      ...base,
      likelihood: "studentT",
      nu: 4,
      events: ["event1", "event2"],
      channels: [
        {
          column: "ch1",
          type: "traditional",
          adstock: { kind: "delayed" },
          saturation: { kind: "logistic" },
        },
        { column: "ch2", type: "digital", adstock: { kind: "weibull" }, saturation: { kind: "power" } },
        { column: "ch3", type: "social" },
        {
          column: "ch4",
          type: "social",
          saturation: { kind: "logistic", priors: { lambda: { dist: "gamma", shape: 2, rate: 1 } } },
        },
        { column: "ch5", type: "influencer", network: true, beta: { dist: "logNormal", mu: -1, sigma: 0.5 } },
        { column: "ch6", type: "other", viralEcho: true, adstock: { kind: "delayed" } },
      ],
      synergies: [
        { a: "ch2", b: "ch3" },
        { a: "ch1", b: "ch2", prior: { dist: "normal", mean: -0.1, sd: 0.3 } },
        { a: "ch4", b: "ch5" },
      ],
      fourierPairs: 3,
      adstockLags: 6,
    },
  ],
  [
    "no holdout, no controls, one channel",
    {
      date: "date",
      kpi: "revenue",
      channels: [{ column: "ch3", type: "social" }],
      holdoutWeeks: 0,
      fourierPairs: 0,
    },
  ],
];

function checkGradient(model: MmmModel, theta: Float64Array): void {
  const g = new Float64Array(model.dim);
  const lp = model.logDensityGradient(theta, g);
  expect(Number.isFinite(lp)).toBe(true);
  for (let i = 0; i < model.dim; i++) {
    const h = 1e-5;
    const tp = Float64Array.from(theta);
    const tm = Float64Array.from(theta);
    tp[i]! += h;
    tm[i]! -= h;
    const fd = (model.logDensity(tp) - model.logDensity(tm)) / (2 * h);
    const label = model.parameters[i]!.label;
    expect(Math.abs(g[i]! - fd), `${label}: ${g[i]} vs ${fd}`).toBeLessThan(2e-5 * Math.max(1, Math.abs(fd)));
  }
}

describe.each(configs)("log density gradient: %s", (_name, config) => {
  const spec = buildModelSpec(ds, config);
  const model = createModel(spec);

  it("matches central finite differences at random points", () => {
    const r = rng(11);
    for (let k = 0; k < 4; k++)
      checkGradient(
        model,
        Float64Array.from({ length: model.dim }, () => 0.7 * gauss(r)),
      );
  });

  it("stays finite, with a finite gradient, far out in the unconstrained space", () => {
    const r = rng(23);
    const g = new Float64Array(model.dim);
    for (let k = 0; k < 200; k++) {
      const theta = Float64Array.from({ length: model.dim }, () => 3 * gauss(r));
      const lp = model.logDensityGradient(theta, g);
      expect(Number.isFinite(lp), `logp ${lp} at ${Array.from(theta).join(",")}`).toBe(true);
      expect(g.every(Number.isFinite), `gradient ${Array.from(g).join(",")}`).toBe(true);
    }
  });

  it("equals the sum of its parts and is unchanged by gradient evaluation", () => {
    const theta = Float64Array.from({ length: model.dim }, (_, i) => 0.2 * Math.sin(3 * i));
    const parts: LogDensityParts = { logPrior: 0, logLikelihood: 0, logJacobian: 0, logTerms: 0, total: 0 };
    const lp = model.evaluate(theta, new Float64Array(model.dim), true, parts);
    expect(lp).toBe(model.logDensity(theta));
    expect(lp).toBeCloseTo(parts.logPrior + parts.logLikelihood + parts.logJacobian, 9);
    const out = new Float64Array(spec.trainingWeeks);
    model.pointwiseLogLik(model.constrain(theta), out);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(parts.logLikelihood, 9);
  });

  describe("centered intercept (the sampler's parameterization)", () => {
    const centered = createModel(spec, { centerIntercept: true });

    it("is the same density at the mapped point (unit Jacobian) and round-trips theta", () => {
      const r = rng(5);
      for (let k = 0; k < 5; k++) {
        const theta = Float64Array.from({ length: model.dim }, () => 0.7 * gauss(r));
        const mapped = centered.modelTheta(theta);
        // theta[0] = b0 becomes m = mean of mu over the training weeks, a different number
        const mu = model.forward(model.constrain(theta)).mu.subarray(0, spec.trainingWeeks);
        expect(mapped[0]).toBeCloseTo(mu.reduce((a, b) => a + b, 0) / spec.trainingWeeks, 12);
        expect(Array.from(mapped.subarray(1))).toEqual(Array.from(theta.subarray(1)));
        expect(centered.logDensity(mapped)).toBeCloseTo(model.logDensity(theta), 9);
        const back = centered.canonicalTheta(mapped);
        for (let i = 0; i < model.dim; i++) expect(back[i]).toBeCloseTo(theta[i]!, 12);
        const values = centered.constrain(mapped);
        const canonical = model.constrain(theta);
        for (let i = 0; i < model.dim; i++) expect(values[i]).toBeCloseTo(canonical[i]!, 12);
        const unconstrained = centered.unconstrain(canonical);
        for (let i = 0; i < model.dim; i++) expect(unconstrained[i]).toBeCloseTo(mapped[i]!, 12);
      }
    });

    it("has a gradient that matches central finite differences at random points", () => {
      const r = rng(13);
      for (let k = 0; k < 4; k++)
        checkGradient(
          centered,
          centered.modelTheta(Float64Array.from({ length: model.dim }, () => 0.7 * gauss(r))),
        );
    });
  });
});

describe("model structure", () => {
  const spec = buildModelSpec(ds, configs[1]![1]);
  const model = createModel(spec);

  it("orders parameters: baseline, events, beta, canonical blocks, gamma, extras, sigma last", () => {
    const labels = model.parameters.map((p) => p.label);
    expect(labels.slice(0, 12)).toEqual([
      "b0",
      "b_trend",
      "s_season[1]",
      "s_season[2]",
      "s_season[3]",
      "c_season[1]",
      "c_season[2]",
      "c_season[3]",
      "zeta[price]",
      "zeta[temp]",
      "event[event1]",
      "event[event2]",
    ]);
    expect(labels.slice(12, 18)).toEqual([
      "beta[ch1]",
      "beta[ch2]",
      "beta[ch3]",
      "beta[ch4]",
      "beta[ch5]",
      "beta[ch6]",
    ]);
    // alpha only for the geometric / delayed channels; K, S only for Hill
    expect(labels.filter((l) => l.startsWith("alpha["))).toEqual([
      "alpha[ch1]",
      "alpha[ch3]",
      "alpha[ch4]",
      "alpha[ch5]",
      "alpha[ch6]",
    ]);
    expect(labels.filter((l) => l.startsWith("K["))).toEqual(["K[ch3]", "K[ch5]", "K[ch6]"]);
    expect(labels.filter((l) => l.startsWith("kappa["))).toEqual(["kappa[ch3]", "kappa[ch4]", "kappa[ch6]"]);
    expect(labels.filter((l) => l.startsWith("eta["))).toEqual(["eta[ch3]", "eta[ch4]", "eta[ch5]"]);
    const iGamma = labels.indexOf("gamma[ch2:ch3]");
    expect(labels.slice(iGamma, iGamma + 3)).toEqual(["gamma[ch2:ch3]", "gamma[ch1:ch2]", "gamma[ch4:ch5]"]);
    expect(labels.indexOf("psi[ch5]")).toBeLessThan(iGamma);
    expect(labels.slice(iGamma + 3, -1)).toEqual([
      "theta[ch1]",
      "theta[ch6]",
      "lambda[ch1]",
      "lambda[ch4]",
      "wshape[ch2]",
      "wscale[ch2]",
      "rho[ch2]",
    ]);
    expect(labels.at(-1)).toBe("sigma");
    const p = spec.parameters;
    expect(p.find((x) => x.label === "lambda[ch4]")!.prior).toEqual({ dist: "gamma", shape: 2, rate: 1 });
    expect(p.find((x) => x.label === "beta[ch5]")!.prior).toEqual({ dist: "logNormal", mu: -1, sigma: 0.5 });
    expect(p.find((x) => x.label === "gamma[ch1:ch2]")!.prior).toEqual({
      dist: "normal",
      mean: -0.1,
      sd: 0.3,
    });
    expect(p.find((x) => x.label === "alpha[ch1]")!.prior).toEqual({ dist: "beta", a: 5, b: 3 });
    expect(p.find((x) => x.label === "alpha[ch4]")!.prior).toEqual({ dist: "beta", a: 2, b: 6 });
  });

  it("round-trips constrain / unconstrain", () => {
    const theta = Float64Array.from({ length: model.dim }, (_, i) => Math.cos(i));
    const back = model.unconstrain(model.constrain(theta));
    for (let i = 0; i < model.dim; i++) expect(back[i]).toBeCloseTo(theta[i]!, 12);
  });

  it("is a structured-cloneable spec that rebuilds the same density", () => {
    const clone = createModel(structuredClone(spec));
    const theta = Float64Array.from({ length: model.dim }, (_, i) => 0.1 * Math.sin(i));
    expect(clone.logDensity(theta)).toBe(model.logDensity(theta));
  });
});

describe("Student-t likelihood", () => {
  it("uses the full t density with nu fixed", () => {
    const spec = buildModelSpec(ds, { ...base, likelihood: "studentT", nu: 3 });
    const model = createModel(spec);
    const values = model.constrain(Float64Array.from({ length: model.dim }, (_, i) => 0.3 * Math.sin(i)));
    const out = new Float64Array(spec.trainingWeeks);
    model.pointwiseLogLik(values, out);
    const mu = model.forward(values).mu;
    const sigma = values[spec.sigma]!;
    const nu = 3;
    // Gamma(2) = 1, Gamma(1.5) = sqrt(pi) / 2
    const c = Math.log(1) - Math.log(Math.sqrt(Math.PI) / 2) - 0.5 * Math.log(nu * Math.PI);
    for (const t of [0, 7, 51]) {
      const z = (spec.y[t]! - mu[t]!) / sigma;
      expect(out[t]).toBeCloseTo(c - Math.log(sigma) - 2 * Math.log(1 + (z * z) / nu), 12);
    }
  });
});

describe("holdout", () => {
  it("scales with training rows only and ignores holdout KPI in the likelihood", () => {
    const spec = buildModelSpec(ds, base);
    expect(spec.trainingWeeks).toBe(52);
    expect(spec.weeks).toBe(60);
    let kpi = 0;
    for (let t = 0; t < 52; t++) kpi += ds.kpi[t]!;
    expect(spec.scaling.kpiMean).toBeCloseTo(kpi / 52, 9);
    expect(spec.tau[51]).toBe(1);
    expect(spec.tau[59]).toBeCloseTo(59 / 51, 15);
    const changed = { ...ds, kpi: Float64Array.from(ds.kpi, (v, t) => (t >= 52 ? v * 3 : v)) };
    const a = createModel(spec);
    const b = createModel(buildModelSpec(changed, base));
    const theta = Float64Array.from({ length: a.dim }, (_, i) => 0.3 * Math.cos(i));
    expect(b.logDensity(theta)).toBe(a.logDensity(theta));
    const changedTrain = { ...ds, kpi: Float64Array.from(ds.kpi, (v, t) => (t === 10 ? v * 3 : v)) };
    expect(createModel(buildModelSpec(changedTrain, base)).logDensity(theta)).not.toBe(a.logDensity(theta));
  });
});

describe("drawQuantities (the per-draw summary path)", () => {
  it.each(configs)("equals forward() and pointwiseLogLik: %s", (_name, config) => {
    const spec = buildModelSpec(ds, config);
    const model = createModel(spec);
    const r = rng(3);
    const mu = new Float64Array(spec.weeks);
    const sums = new Float64Array(spec.channels.length);
    const ll = new Float64Array(spec.trainingWeeks);
    const expected = new Float64Array(spec.trainingWeeks);
    for (let k = 0; k < 3; k++) {
      const v = model.constrain(Float64Array.from({ length: model.dim }, () => 0.7 * gauss(r)));
      model.drawQuantities(v, mu, sums, ll);
      const f = model.forward(v);
      for (let t = 0; t < spec.weeks; t++) expect(mu[t]).toBeCloseTo(f.mu[t]!, 12);
      f.channel.forEach((ch, c) =>
        expect(sums[c]).toBeCloseTo(
          ch.subarray(0, spec.trainingWeeks).reduce((a, b) => a + b, 0),
          12,
        ),
      );
      model.pointwiseLogLik(v, expected);
      for (let t = 0; t < spec.trainingWeeks; t++) expect(ll[t]).toBeCloseTo(expected[t]!, 12);
    }
  });
});

describe("forward", () => {
  const spec = buildModelSpec(ds, configs[1]![1]);
  const model = createModel(spec);
  const values = model.constrain(
    Float64Array.from({ length: model.dim }, (_, i) => 0.5 * Math.sin(2 * i + 1)),
  );

  it("decomposes mu into its parts", () => {
    const f = model.forward(values);
    expect(f.mu.length).toBe(60);
    for (let t = 0; t < 60; t++) {
      let s = f.baseline[t]! + f.trend[t]! + f.seasonality[t]! + f.controls[t]! + f.events[t]!;
      for (const c of f.channel) s += c[t]!;
      for (const c of f.synergy) s += c[t]!;
      expect(f.mu[t]).toBeCloseTo(s, 12);
    }
    expect(f.synergy.length).toBe(3);
    expect(f.events.some((v) => v !== 0)).toBe(true);
  });

  it("gives the same result for an explicit copy of the data spend", () => {
    const f = model.forward(values);
    const g = model.forward(values, { spend: spec.channels.map((c) => Float64Array.from(c.x)) });
    for (let c = 0; c < 6; c++) expect(Array.from(g.saturation[c]!)).toEqual(Array.from(f.saturation[c]!));
  });

  it("viralOff equals kappa = 0 and leaves non-viral channels alone", () => {
    const off = model.forward(values, { viralOff: true });
    const v0 = Float64Array.from(values);
    for (const p of model.parameters) if (p.block === "kappa") v0[model.parameters.indexOf(p)] = 0;
    const k0 = model.forward(v0);
    const on = model.forward(values);
    for (let c = 0; c < 6; c++) {
      for (let t = 0; t < 60; t++) expect(off.saturation[c]![t]).toBeCloseTo(k0.saturation[c]![t]!, 14);
      expect(off.viralEcho[c]!.every((v) => v === 0)).toBe(true);
    }
    expect(Array.from(off.saturation[0]!)).toEqual(Array.from(on.saturation[0]!));
    expect(on.viralEcho[2]!.some((v) => v > 0)).toBe(true);
    expect(off.saturation[2]![30]!).toBeLessThan(on.saturation[2]![30]!);
  });

  it("runs a planning horizon past the data with training network constants and carryover", () => {
    const W = 72;
    const spend = spec.channels.map((c) => {
      const x = new Float64Array(W);
      x.set(c.x);
      x.fill(1, 60); // mean spend per week in the horizon
      return x;
    });
    const f = model.forward(values, { spend });
    expect(f.mu.length).toBe(W);
    const base = model.forward(values);
    for (let t = 0; t < 60; t++) expect(f.mu[t]).toBeCloseTo(base.mu[t]!, 12);
    // seasonality keeps its phase: period 52.18 weeks from the first row
    const K = spec.fourierPairs;
    const s1 = values[2]!;
    const c1 = values[2 + K]!;
    let want = 0;
    for (let k = 1; k <= K; k++) {
      const a = (2 * Math.PI * k * 70) / 52.18;
      want += values[1 + k]! * Math.sin(a) + values[1 + K + k]! * Math.cos(a);
    }
    expect(f.seasonality[69]).toBeCloseTo(want, 12);
    expect(s1 + c1).not.toBe(0);
    expect(f.trend[65]).toBeCloseTo(values[1]! * (65 / 51), 12);
    expect(f.controls[65]).toBe(0);
    // carryover: with zero spend after the data the adstock decays from the last weeks
    const zero = spec.channels.map((c) => {
      const x = new Float64Array(W);
      x.set(c.x);
      return x;
    });
    const z = model.forward(values, { spend: zero });
    expect(z.adstock[0]![60]).toBeGreaterThan(0);
    expect(z.adstock[0]![60 + 8]).toBe(0);
    // the network index uses the training min/max: a doubled plan gives a bigger multiplier
    const ch3 = 2;
    const dbl = spec.channels.map((c) => Float64Array.from(c.x, (v) => 2 * v));
    const d = model.forward(values, { spend: dbl });
    expect(d.exposure[ch3]![40]! / (d.adstock[ch3]![40]! + d.viralEcho[ch3]![40]!)).toBeGreaterThan(
      base.exposure[ch3]![40]! / (base.adstock[ch3]![40]! + base.viralEcho[ch3]![40]!),
    );
  });

  it("rejects a spend override shorter than the requested weeks", () => {
    expect(() => model.forward(values, { weeks: 80, spend: spec.channels.map((c) => c.x) })).toThrow(/ch1/);
  });
});

describe("extra log-density terms", () => {
  it("adds a term's value and back-propagates its saturation gradient", () => {
    const spec = buildModelSpec(ds, base);
    // a smooth stand-in for an ROI prior: -0.5 * (sum_t beta_0 sat_0,t - 10)^2
    const term: LogDensityTerm = {
      name: "test",
      evaluate(ctx, grad) {
        const b = ctx.values[spec.channels[0]!.beta]!;
        let s = 0;
        for (let t = 0; t < ctx.n; t++) s += ctx.saturation[0]![t]!;
        const r = b * s - 10;
        if (grad) {
          grad.values[spec.channels[0]!.beta]! += -r * s;
          for (let t = 0; t < ctx.n; t++) grad.saturation[0]![t]! += -r * b;
        }
        return -0.5 * r * r;
      },
    };
    const plain = createModel(spec);
    const withTerm = createModel(spec, { terms: [term] });
    const theta = Float64Array.from({ length: plain.dim }, (_, i) => 0.4 * Math.cos(i));
    expect(withTerm.logDensity(theta)).not.toBeCloseTo(plain.logDensity(theta), 3);
    checkGradient(withTerm, theta);
  });

  it("applies calibration inputs from the config (terms in analysis/calibration.ts)", () => {
    const spec = buildModelSpec(ds, {
      ...base,
      roiPriors: [{ channel: "ch1", prior: { dist: "logNormal", mu: 0, sigma: 1 } }],
    });
    const theta = new Float64Array(spec.parameters.length).fill(0.1);
    expect(createModel(spec).logDensity(theta)).not.toBe(createModel(spec, { terms: [] }).logDensity(theta));
  });
});
