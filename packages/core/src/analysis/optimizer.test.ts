import { describe, expect, it } from "vitest";
import type { HorizonResponse } from "./horizon-response.ts";
import { InfeasibleBoundsError, type RiskObjective, optimizeBudget, PlanEvaluator } from "./optimizer.ts";
import { quantile } from "./stats.ts";
import { type SyntheticChannel, syntheticResponse } from "./synthetic-response.ts";

/** Objective computed independently of PlanEvaluator: the general weekly-plan path of each channel. */
function directObjective(resp: HorizonResponse, totals: number[], obj: RiskObjective): number {
  const H = resp.weeks;
  const C = resp.channels.length;
  const per = new Float64Array(resp.draws);
  const P = resp.pairs.length;
  const one = new Int32Array(1);
  for (let d = 0; d < resp.draws; d++) {
    one[0] = d;
    let s = 0;
    const sats: Float64Array[] = [];
    for (let c = 0; c < C; c++) {
      const x = new Float64Array(H).fill((totals[c]! / H) * resp.lines[c]!.inputPerCurrency[0]!);
      const sat = new Float64Array(H);
      resp.media[c]!.respondPlan(one, 0, x, sat);
      sats.push(sat);
      let sum = 0;
      for (const v of sat) sum += v;
      s += resp.media[c]!.coefficient[d]! * sum;
    }
    resp.pairs.forEach((p, k) => {
      for (let h = 0; h < H; h++) s += resp.gamma[d * P + k]! * sats[p.a]![h]! * sats[p.b]![h]!;
    });
    per[d] = s * resp.kpiScale[0]!;
  }
  if (obj.kind === "mean") return per.reduce((a, b) => a + b, 0) / per.length;
  if (obj.kind === "quantile") return quantile(per, obj.q);
  const m = per.reduce((a, b) => a + b, 0) / per.length;
  const sd = Math.sqrt(per.reduce((a, b) => a + (b - m) ** 2, 0) / per.length);
  return m - obj.k * sd;
}

const two: SyntheticChannel[] = [
  { name: "TV", spendMean: 50000, beta: 0.3, alpha: 0.6, K: 1.2, S: 2.5 },
  { name: "Search", spendMean: 20000, beta: 0.15, alpha: 0.2, K: 0.7, S: 1.2 },
];
const three: SyntheticChannel[] = [
  ...two,
  // S-shaped and far from its threshold: gradients at small spend are nearly zero
  {
    name: "Instagram",
    type: "social",
    spendMean: 10000,
    beta: 0.4,
    alpha: 0.3,
    K: 3,
    S: 4,
    kappa: 0.2,
    delta: 0.5,
    eta: 0.15,
  },
];

describe("optimizeBudget", () => {
  it("matches an exhaustive grid search on two channels (mean and q10 objectives)", () => {
    const resp = syntheticResponse({ channels: two, draws: 60, weeks: 8, seed: 3 });
    const budget = 8 * 70000;
    for (const objective of [{ kind: "mean" }, { kind: "quantile", q: 0.1 }] as RiskObjective[]) {
      const plan = optimizeBudget(resp, { budget, objective, seed: 1 });
      let best = Number.NEGATIVE_INFINITY;
      let arg = 0;
      const n = 400;
      for (let i = 0; i <= n; i++) {
        const a = (budget * i) / n;
        const f = directObjective(resp, [a, budget - a], objective);
        if (f > best) {
          best = f;
          arg = a;
        }
      }
      const got = directObjective(
        resp,
        plan.allocation.map((a) => a.total),
        objective,
      );
      expect(got).toBeGreaterThanOrEqual(best - 1e-9 * Math.abs(best));
      expect(Math.abs(plan.allocation[0]!.total - arg)).toBeLessThanOrEqual((1.5 * budget) / n);
      expect(plan.objectiveValue).toBeCloseTo(got, 6);
    }
  });

  it("matches a grid search on three channels with an S-shaped one, under bounds", () => {
    const resp = syntheticResponse({ channels: three, draws: 40, weeks: 6, seed: 5 });
    const budget = 6 * 90000;
    const bounds = { Search: { max: 200000 } };
    const plan = optimizeBudget(resp, { budget, bounds, seed: 2 });
    let best = Number.NEGATIVE_INFINITY;
    const n = 90;
    for (let i = 0; i <= n; i++) {
      for (let j = 0; i + j <= n; j++) {
        const a = (budget * i) / n;
        const b = (budget * j) / n;
        if (b > 200000) continue;
        const f = directObjective(resp, [a, b, budget - a - b], { kind: "mean" });
        if (f > best) best = f;
      }
    }
    const got = directObjective(
      resp,
      plan.allocation.map((a) => a.total),
      { kind: "mean" },
    );
    expect(got).toBeGreaterThanOrEqual(best - 1e-9 * Math.abs(best));
    expect(plan.allocation[1]!.total).toBeLessThanOrEqual(200000 + 1e-6);
    // the S-shaped channel is worth funding past its threshold here
    expect(plan.allocation[2]!.total).toBeGreaterThan(0.05 * budget);
  });

  it("equalizes marginal ROI across channels not at a bound; budget exact; bounds and locks hold", () => {
    const channels: SyntheticChannel[] = Array.from({ length: 6 }, (_, i) => ({
      name: `c${i}`,
      spendMean: 10000 * (i + 1),
      beta: 0.1 + 0.03 * i,
      alpha: 0.4,
      K: 0.8 + 0.2 * i,
      S: 1 + 0.3 * i,
      type: i === 4 ? ("influencer" as const) : i === 5 ? ("social" as const) : ("digital" as const),
      kappa: 0.1,
      delta: 0.4,
      eta: 0.1,
      phi: 0.2,
      psi: 0.1,
    }));
    const resp = syntheticResponse({ channels, draws: 200, weeks: 13, seed: 11 });
    const budget = 13 * 150000;
    const bounds = { c0: { locked: 13 * 5000 }, c1: { min: 13 * 30000 }, c3: { max: 13 * 10000 } };
    const plan = optimizeBudget(resp, { budget, bounds, seed: 4 });
    const totals = plan.allocation.map((a) => a.total);
    expect(Math.abs(totals.reduce((a, b) => a + b, 0) - budget)).toBeLessThanOrEqual(1e-9 * budget);
    expect(totals[0]).toBeCloseTo(13 * 5000, 6);
    expect(plan.allocation[0]!.atBound).toBe("locked");
    expect(totals[1]).toBeGreaterThanOrEqual(13 * 30000 - 1e-6);
    expect(totals[3]).toBeLessThanOrEqual(13 * 10000 + 1e-6);
    const interior = plan.allocation.filter((a) => a.atBound === null);
    expect(interior.length).toBeGreaterThanOrEqual(2);
    const m = interior.map((a) => a.marginalRoi);
    const avg = m.reduce((a, b) => a + b, 0) / m.length;
    for (const v of m) expect(Math.abs(v - avg) / avg).toBeLessThan(2e-3);
    // channels at their max must have marginal ROI >= the interior level, at min <= it
    for (const a of plan.allocation) {
      if (a.atBound === "max") expect(a.marginalRoi).toBeGreaterThanOrEqual(avg * (1 - 2e-3));
      if (a.atBound === "min") expect(a.marginalRoi).toBeLessThanOrEqual(avg * (1 + 2e-3));
    }
    expect(plan.uplift.kpi.mean).toBeGreaterThanOrEqual(-1e-6);
    expect(plan.search.moveCheck.improvedAtEnd).toBe(false);
  });

  it("matches a grid search with a synergy pair (negative: cannibalization)", () => {
    const resp = syntheticResponse({
      channels: two,
      draws: 50,
      weeks: 6,
      seed: 12,
      pairs: [{ a: 0, b: 1, gamma: -0.12 }],
    });
    const budget = 6 * 60000;
    const plan = optimizeBudget(resp, { budget, seed: 3 });
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i <= 600; i++) {
      const a = (budget * i) / 600;
      best = Math.max(best, directObjective(resp, [a, budget - a], { kind: "mean" }));
    }
    const got = directObjective(
      resp,
      plan.allocation.map((a) => a.total),
      { kind: "mean" },
    );
    expect(got).toBeGreaterThanOrEqual(best - 1e-9 * Math.abs(best));
    expect(plan.objectiveValue).toBeCloseTo(got, 6);
  });

  it("risk-aware plans trade expected KPI for a better low quantile", () => {
    // a channel with a wide posterior (spread 0.6) next to safe ones: q10 should shy away from it
    const resp = syntheticResponse({
      channels: [
        { name: "Safe", spendMean: 30000, beta: 0.25, alpha: 0.4, K: 1, S: 1.5 },
        { name: "Risky", spendMean: 30000, beta: 0.3, alpha: 0.4, K: 1, S: 1.5 },
      ],
      draws: 300,
      weeks: 8,
      seed: 21,
      spread: 0.2,
    });
    // widen Risky's uncertainty: scale its beta per draw around the same mean
    const riskyBeta = resp.media[1]!.coefficient;
    for (let d = 0; d < resp.draws; d++) riskyBeta[d] = riskyBeta[d]! * (d % 2 === 0 ? 0.4 : 1.6);
    const budget = 8 * 50000;
    const mean = optimizeBudget(resp, { budget, seed: 1 });
    const q10 = optimizeBudget(resp, { budget, seed: 1, objective: { kind: "quantile", q: 0.1 } });
    const meanOf = (p: typeof mean) =>
      directObjective(
        resp,
        p.allocation.map((a) => a.total),
        { kind: "mean" },
      );
    const q10Of = (p: typeof mean) =>
      directObjective(
        resp,
        p.allocation.map((a) => a.total),
        { kind: "quantile", q: 0.1 },
      );
    expect(q10Of(q10)).toBeGreaterThan(q10Of(mean));
    expect(meanOf(mean)).toBeGreaterThan(meanOf(q10));
    expect(q10.allocation[1]!.total).toBeLessThan(mean.allocation[1]!.total);
  });

  it("is deterministic for a seed", () => {
    const resp = syntheticResponse({ channels: three, draws: 80, weeks: 5, seed: 9 });
    const a = optimizeBudget(resp, { budget: 400000, seed: 42, objective: { kind: "meanMinusSd", k: 1 } });
    const b = optimizeBudget(resp, { budget: 400000, seed: 42, objective: { kind: "meanMinusSd", k: 1 } });
    const strip = (p: typeof a) => JSON.stringify({ ...p, search: { ...p.search, ms: 0 } });
    expect(strip(a)).toBe(strip(b));
  });

  it("keeps locked channels at the current plan's amount (locked: true) and handles a fully locked plan", () => {
    const resp = syntheticResponse({ channels: three, draws: 20, weeks: 4, seed: 6 });
    const budget = 300000;
    const current = [30000, 20000, 25000]; // weekly; scaled to the budget: 120000, 80000, 100000
    const plan = optimizeBudget(resp, {
      budget,
      currentWeekly: current,
      bounds: { Search: { locked: true } },
    });
    expect(plan.allocation[1]!.total).toBeCloseTo(80000, 6);
    expect(plan.current.allocation.Search).toBeCloseTo(80000, 6);
    const all = optimizeBudget(resp, {
      budget,
      currentWeekly: current,
      bounds: { TV: { locked: true }, Search: { locked: true }, Instagram: { locked: true } },
    });
    expect(all.allocation.map((a) => a.total)).toEqual(
      [120000, 80000, 100000].map((v) => expect.closeTo(v, 6)),
    );
    expect(all.uplift.kpi.mean).toBeCloseTo(0, 6);
  });

  it("names the channel and bound when bounds are infeasible", () => {
    const resp = syntheticResponse({ channels: three, draws: 10, weeks: 4, seed: 1 });
    expect(() =>
      optimizeBudget(resp, { budget: 100000, bounds: { TV: { min: 80000 }, Search: { min: 40000 } } }),
    ).toThrow(
      /minimum and locked spends add up to 120000, more than the budget 100000 \(TV 80000, Search 40000\)/,
    );
    expect(() => optimizeBudget(resp, { budget: 100000, bounds: { TV: { min: 5000, max: 1000 } } })).toThrow(
      /channel "TV": min 5000 exceeds max 1000/,
    );
    expect(() =>
      optimizeBudget(resp, {
        budget: 100000,
        bounds: { TV: { max: 1 }, Search: { max: 1 }, Instagram: { max: 1 } },
      }),
    ).toThrow(InfeasibleBoundsError);
    expect(() => optimizeBudget(resp, { budget: 100000, bounds: { Radio: { max: 1 } } })).toThrow(
      /unknown channel "Radio"/,
    );
  });

  it("has accurate flat-spend derivatives (finite differences) and flat = plan paths", () => {
    const resp = syntheticResponse({
      channels: [
        ...three,
        {
          name: "Creator",
          type: "influencer",
          spendMean: 3000,
          beta: 0.2,
          alpha: 0.5,
          K: 0.9,
          S: 1.5,
          phi: 0.3,
          psi: 0.4,
        },
      ],
      draws: 3,
      weeks: 7,
      seed: 2,
    });
    const H = 7;
    const sat = new Float64Array(H);
    const satP = new Float64Array(H);
    const one = Int32Array.of(1);
    resp.media.forEach((m, c) => {
      const k = resp.lines[c]!.inputPerCurrency[0]!;
      for (const w of [0.3, 1, 1.7, 2.9]) {
        m.respondFlat(one, 0, w, sat);
        m.respondPlan(one, 0, new Float64Array(H).fill(w), satP);
        for (let h = 0; h < H; h++) expect(sat[h]).toBeCloseTo(satP[h]!, 12);
      }
      // the evaluator's d response / d total spend against a central difference of the responses
      const ev = new PlanEvaluator(resp, one);
      const total = (1.3 * H) / k;
      const grad = new Float64Array(resp.lines.length);
      ev.setAll(resp.lines.map(() => total));
      ev.objective({ kind: "mean" }, grad);
      const hstep = 1e-4 * total;
      const f = (t: number) => {
        ev.setAll(resp.lines.map((_, j) => (j === c ? t : total)));
        return ev.mediaTotals()[0]!;
      };
      const fd = (f(total + hstep) - f(total - hstep)) / (2 * hstep);
      expect(Math.abs(grad[c]! - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-12);
    });
  });

  it("gradient of every objective matches finite differences", () => {
    const resp = syntheticResponse({
      channels: three,
      draws: 30,
      weeks: 4,
      seed: 8,
      pairs: [{ a: 0, b: 2, gamma: 0.05 }],
    });
    const ev = new PlanEvaluator(
      resp,
      Int32Array.from({ length: 30 }, (_, i) => i),
    );
    const s = [120000, 80000, 60000];
    for (const obj of [{ kind: "mean" }, { kind: "meanMinusSd", k: 1.5 }] as RiskObjective[]) {
      const g = new Float64Array(3);
      ev.setAll(s);
      ev.objective(obj, g);
      for (let c = 0; c < 3; c++) {
        const h = 1;
        const up = [...s];
        up[c]! += h;
        const dn = [...s];
        dn[c]! -= h;
        ev.setAll(up);
        const fu = ev.objective(obj);
        ev.setAll(dn);
        const fd = ev.objective(obj);
        expect(g[c]).toBeCloseTo((fu - fd) / (2 * h), 6);
      }
    }
  });
});
