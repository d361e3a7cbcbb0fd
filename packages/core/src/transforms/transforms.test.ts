/**
 * Every registered transform: gradient (parameters and input) vs central finite differences at
 * random points, plus closed forms and reference formulas.
 */
import { describe, expect, it } from "vitest";
import { getTransform, transformKinds } from "./registry.ts";
import { synergyBackward, synergyForward } from "./synergy.ts";
import { paramBounds, type Transform, type TransformContext } from "./types.ts";

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

const n = 40;
const lags = 8;

function makeCtx(t: Transform, x: Float64Array, len = n): TransformContext {
  const feature = new Float64Array(t.feature ? len : 0);
  if (t.feature) t.feature(x, len, t.constants ? t.constants(x, len) : {}, feature);
  return { x, lags, feature, ws: new Float64Array(t.workspaceSize(len, lags)) };
}

function randomParams(t: Transform, r: () => number): Float64Array {
  return Float64Array.from(t.params, (p) =>
    p.constraint === "unit" ? 0.1 + 0.8 * r() : p.constraint === "positive" ? 0.3 + 2 * r() : r() - 0.5,
  );
}

/** Spend-like series with zero weeks (a leading zero run and scattered zeros). */
function randomSeries(r: () => number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => (t < 3 || r() < 0.2 ? 0 : 0.2 + 2 * r()));
}

describe.each(transformKinds())("transform %s", (kind) => {
  const t = getTransform(kind);

  it("has a gradient that matches central finite differences", () => {
    for (let trial = 0; trial < 5; trial++) {
      const r = rng(100 * trial + kind.length);
      const x = randomSeries(r);
      // input: the spend for adstock, a positive series otherwise (with zero weeks for saturation)
      const input =
        t.stage === "adstock"
          ? x
          : Float64Array.from(x, (v) => (t.stage === "saturation" ? v : v + 0.1 * r()));
      const p = randomParams(t, r);
      const wts = Float64Array.from({ length: n }, () => r() - 0.3);
      const ctx = makeCtx(t, x);
      const out = new Float64Array(n);
      const target = (pp: Float64Array, inp: Float64Array) => {
        const o = new Float64Array(n);
        t.forward(inp, n, pp, o, makeCtx(t, x));
        let s = 0;
        for (let i = 0; i < n; i++) s += wts[i]! * o[i]!;
        return s;
      };
      t.forward(input, n, p, out, ctx);
      const gp = new Float64Array(p.length);
      const gIn = new Float64Array(n);
      t.backward(input, n, p, out, wts, gp, gIn, ctx);
      for (let j = 0; j < p.length; j++) {
        const h = 1e-6 * Math.max(1, Math.abs(p[j]!));
        const pp = Float64Array.from(p);
        const pm = Float64Array.from(p);
        pp[j]! += h;
        pm[j]! -= h;
        const fd = (target(pp, input) - target(pm, input)) / (2 * h);
        expect(Math.abs(gp[j]! - fd), `${kind} d/d${t.params[j]!.name}: ${gp[j]} vs ${fd}`).toBeLessThan(
          1e-6 * Math.max(1, Math.abs(fd)),
        );
      }
      for (let i = 0; i < n; i++) {
        if (input[i] === 0 && t.stage === "saturation") continue; // not differentiable at e = 0
        // spend is >= 0: at a zero week only the one-sided (right) derivative exists
        const h = input[i] === 0 ? 1e-8 : 1e-6;
        const ip = Float64Array.from(input);
        const im = Float64Array.from(input);
        ip[i]! += h;
        if (input[i] !== 0) im[i]! -= h;
        const fd = (target(p, ip) - target(p, im)) / (input[i] === 0 ? h : 2 * h);
        expect(Math.abs(gIn[i]! - fd), `${kind} d/d input[${i}]: ${gIn[i]} vs ${fd}`).toBeLessThan(
          1e-6 * Math.max(1, Math.abs(fd)),
        );
      }
    }
  });

  it("declares a default prior whose support fits each parameter", () => {
    for (const p of t.params) {
      const [lo, hi] = paramBounds(p.constraint);
      expect(lo).toBeLessThan(hi);
      const prior = p.defaultPrior("social");
      const support = prior.dist === "normal" ? "real" : prior.dist === "beta" ? "unit" : "positive";
      expect(support).toBe(p.constraint);
    }
  });
});

/** Direct evaluation of a normalized weighted adstock. */
function naiveAdstock(x: Float64Array, w: number[]): Float64Array {
  const W = w.reduce((a, b) => a + b, 0);
  return Float64Array.from(x, (_, t) => {
    let s = 0;
    for (let l = 0; l < w.length && l <= t; l++) s += w[l]! * x[t - l]!;
    return s / W;
  });
}

describe("adstock formulas", () => {
  const r = rng(5);
  const x = randomSeries(r);
  x.fill(0, 10, 20); // a zero run longer than the window

  it("geometric recursion equals the direct sum and is exactly 0 after a full zero window", () => {
    for (const alpha of [0.05, 0.3, 0.7, 0.95, 0.999]) {
      const t = getTransform("geometric");
      const out = new Float64Array(n);
      t.forward(x, n, Float64Array.of(alpha), out, makeCtx(t, x));
      const want = naiveAdstock(
        x,
        Array.from({ length: lags }, (_, l) => alpha ** l),
      );
      for (let i = 0; i < n; i++) expect(Math.abs(out[i]! - want[i]!)).toBeLessThan(1e-14);
      for (let i = 17; i < 20; i++) expect(out[i]).toBe(0);
      expect(out[0]).toBe(0);
      expect(out.every((v) => v >= 0)).toBe(true);
    }
  });

  it("delayed adstock weights alpha^((l - theta)^2)", () => {
    const t = getTransform("delayed");
    const out = new Float64Array(n);
    t.forward(x, n, Float64Array.of(0.6, 2.5), out, makeCtx(t, x));
    const want = naiveAdstock(
      x,
      Array.from({ length: lags }, (_, l) => 0.6 ** ((l - 2.5) ** 2)),
    );
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(want[i]!, 14);
  });

  it("weibull adstock weights exp(-(l / lambda)^k)", () => {
    const t = getTransform("weibull");
    const out = new Float64Array(n);
    t.forward(x, n, Float64Array.of(1.7, 3), out, makeCtx(t, x));
    const want = naiveAdstock(
      x,
      Array.from({ length: lags }, (_, l) => Math.exp(-((l / 3) ** 1.7))),
    );
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(want[i]!, 14);
  });
});

describe("saturation and echo closed forms", () => {
  it("hill is 1/2 at e = K, 0 at e = 0, e^S/(e^S+K^S) elsewhere", () => {
    const t = getTransform("hill");
    const e = Float64Array.of(0, 1.3, 0.2, 5);
    const out = new Float64Array(4);
    t.forward(e, 4, Float64Array.of(1.3, 2.2), out, makeCtx(t, e, 4));
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(0.5, 15);
    expect(out[2]).toBeCloseTo(0.2 ** 2.2 / (0.2 ** 2.2 + 1.3 ** 2.2), 15);
    expect(out[3]).toBeCloseTo(5 ** 2.2 / (5 ** 2.2 + 1.3 ** 2.2), 15);
  });

  it("logistic and power", () => {
    const e = Float64Array.of(0, 0.5, 3);
    const out = new Float64Array(3);
    const lg = getTransform("logistic");
    lg.forward(e, 3, Float64Array.of(1.4), out, makeCtx(lg, e, 3));
    expect(Array.from(out)).toEqual(
      [0, Math.tanh(0.35), Math.tanh(2.1)].map((v, i) => (i === 0 ? 0 : expect.closeTo(v, 15))),
    );
    const pw = getTransform("power");
    pw.forward(e, 3, Float64Array.of(0.4), out, makeCtx(pw, e, 3));
    expect(out[0]).toBe(0);
    expect(out[2]).toBeCloseTo(3 ** 0.4, 15);
  });

  it("viral echo follows o_t = kappa a_{t-1} + delta o_{t-1}", () => {
    const t = getTransform("viralEcho");
    const a = Float64Array.of(1, 0, 0, 2);
    const out = new Float64Array(4);
    t.forward(a, 4, Float64Array.of(0.3, 0.5), out, makeCtx(t, a, 4));
    // o = [0, 0.3, 0.15, 0.075]
    expect(Array.from(out)).toEqual([1, 0.3, 0.15, 2.075].map((v) => expect.closeTo(v, 15)));
  });

  it("network index is the min-max scaled 4-week rolling mean, floored at 0 out of sample", () => {
    const t = getTransform("network");
    const x = Float64Array.of(4, 0, 0, 0, 4, 4, 4, 4);
    const c = t.constants!(x, 8);
    expect(c).toEqual({ rollingMeanMin: 1, rollingMeanMax: 4 }); // rolling means 1,1,1,1,1,2,3,4
    const f = new Float64Array(8);
    t.feature!(x, 8, c, f);
    expect(Array.from(f)).toEqual([0, 0, 0, 0, 0, 1 / 3, 2 / 3, 1]);
    const low = new Float64Array(8);
    t.feature!(new Float64Array(8), 8, c, low);
    expect(low.every((v) => v === 0)).toBe(true);
  });

  it("authenticity peaks at half the training max", () => {
    const t = getTransform("authenticity");
    const x = Float64Array.of(0, 1, 2, 4);
    const c = t.constants!(x, 4);
    const f = new Float64Array(5);
    t.feature!(Float64Array.of(0, 1, 2, 4, 8), 5, c, f);
    expect(Array.from(f)).toEqual([0, 0.25, 1, 0, 0]);
  });

  it("synergy gradient matches finite differences", () => {
    const r = rng(9);
    const si = Float64Array.from({ length: n }, r);
    const sj = Float64Array.from({ length: n }, r);
    const g = Float64Array.from({ length: n }, () => r() - 0.5);
    const gi = new Float64Array(n);
    const gj = new Float64Array(n);
    const gamma = -0.7;
    const gg = synergyBackward(gamma, si, sj, n, g, gi, gj);
    const f = (gm: number, a: Float64Array) => {
      const o = new Float64Array(n);
      synergyForward(gm, a, sj, n, o);
      return o.reduce((s, v, t) => s + v * g[t]!, 0);
    };
    expect(gg).toBeCloseTo((f(gamma + 1e-6, si) - f(gamma - 1e-6, si)) / 2e-6, 8);
    const sp = Float64Array.from(si);
    sp[5]! += 1e-6;
    const sm = Float64Array.from(si);
    sm[5]! -= 1e-6;
    expect(gi[5]).toBeCloseTo((f(gamma, sp) - f(gamma, sm)) / 2e-6, 8);
    expect(gj[5]).toBeCloseTo(g[5]! * gamma * si[5]!, 14);
  });
});
