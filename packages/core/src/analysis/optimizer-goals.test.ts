import { describe, expect, it } from "vitest";
import { allDrawIndices } from "./horizon-response.ts";
import { optimizeBudget, PlanEvaluator } from "./optimizer.ts";
import { optimizeGoal, optimumMarginalRoi } from "./optimizer-goals.ts";
import { type SyntheticChannel, syntheticResponse } from "./synthetic-response.ts";

const channels: SyntheticChannel[] = [
  { name: "TV", spendMean: 50000, beta: 0.3, alpha: 0.6, K: 1.2, S: 2.5 },
  { name: "Search", spendMean: 20000, beta: 0.15, alpha: 0.2, K: 0.7, S: 1.2 },
];
const resp = syntheticResponse({ channels, draws: 80, weeks: 8, seed: 3, kpiScale: 1e6 });
const currentWeekly = [50000, 20000];
const opts = { currentWeekly, tolerance: 0.002, searchDraws: 40 };

function kpiOf(totals: number[]): Float64Array {
  const ev = new PlanEvaluator(resp, allDrawIndices(resp.draws));
  ev.setAll(totals);
  return Float64Array.from(ev.kpiTotals());
}
const share = (k: Float64Array, target: number) => k.filter((v) => v >= target).length / k.length;

describe("optimizeGoal", () => {
  it("max-kpi is the budget optimizer", () => {
    const g = optimizeGoal(resp, { kind: "max-kpi", budget: 400_000 }, opts);
    const p = optimizeBudget(resp, { budget: 400_000, currentWeekly, searchDraws: 40 });
    expect(g.totalSpend).toBe(400_000);
    expect(g.plan.allocation.map((a) => a.total)).toEqual(p.allocation.map((a) => a.total));
  });

  it("min-spend: the least budget whose plan reaches the KPI target with the probability asked", () => {
    const mid = kpiOf([280_000, 120_000]);
    const target = Float64Array.from(mid).sort()[Math.floor(0.5 * mid.length)]!;
    const g = optimizeGoal(resp, { kind: "min-spend", targetKpi: target, probability: 0.8 }, opts);
    expect(g.feasible).toBe(true);
    const k = kpiOf(g.plan.allocation.map((a) => a.total));
    expect(share(k, target)).toBeGreaterThanOrEqual(0.8);
    expect(g.probabilityOfTarget).toBe(share(k, target));
    // a budget 1% smaller, optimally split for the same quantile, no longer reaches it
    const less = optimizeBudget(resp, {
      budget: g.totalSpend * 0.99,
      currentWeekly,
      searchDraws: 40,
      objective: { kind: "quantile", q: 0.2 },
    });
    expect(share(kpiOf(less.allocation.map((a) => a.total)), target)).toBeLessThan(0.8);
    const sum = g.plan.allocation.reduce((s, a) => s + a.total, 0);
    expect(Math.abs(sum - g.totalSpend) / g.totalSpend).toBeLessThan(1e-9);
  });

  it("min-spend that no budget reaches says why and how close it gets", () => {
    const g = optimizeGoal(
      resp,
      { kind: "min-spend", targetKpi: 1e12, probability: 0.8 },
      { ...opts, maxBudget: 2e6 },
    );
    expect(g.feasible).toBe(false);
    expect(g.closest).toMatchObject({ target: 0.8, atSpend: 2e6 });
    expect(g.closest!.achieved).toBe(0);
    expect(g.reason).toMatch(/even spending 2000000 .* P\(KPI >= 1000000000000\) is only 0%/);
  });

  it("target-mroi: spends until the marginal ROI at the optimum falls to the target", () => {
    const atCurrent = optimumMarginalRoi(
      optimizeBudget(resp, { budget: 560_000, currentWeekly, searchDraws: 40 }),
    );
    const target = atCurrent * 0.8;
    const g = optimizeGoal(resp, { kind: "target-mroi", mroi: target }, opts);
    expect(g.feasible).toBe(true);
    expect(g.marginalRoi).toBeGreaterThanOrEqual(target);
    // more spend has a lower marginal ROI: the target lies between this budget and 1% more
    const more = optimizeBudget(resp, { budget: g.totalSpend * 1.01, currentWeekly, searchDraws: 40 });
    expect(optimumMarginalRoi(more)).toBeLessThan(target);
    expect(g.totalSpend).toBeGreaterThan(560_000);
    // free channels share one marginal ROI at the optimum
    const free = g.plan.allocation.filter((a) => a.atBound === null).map((a) => a.marginalRoi);
    expect(Math.max(...free) - Math.min(...free)).toBeLessThan(0.05 * target);
  });

  it("target-mroi above what the first unit returns is infeasible, with the value reached", () => {
    const g = optimizeGoal(resp, { kind: "target-mroi", mroi: 1e6 }, opts);
    expect(g.feasible).toBe(false);
    expect(g.reason).toMatch(/no budget reaches a marginal ROI of 1000000: the best is/);
    expect(g.closest!.achieved).toBeLessThan(1e6);
  });

  it("target-roi: the largest budget whose overall ROI is at least the target", () => {
    const p = optimizeBudget(resp, { budget: 560_000, currentWeekly, searchDraws: 40 });
    const target = (p.incrementalKpi.mean / p.budget) * 0.7;
    const g = optimizeGoal(resp, { kind: "target-roi", roi: target }, opts);
    expect(g.feasible).toBe(true);
    expect(g.plan.incrementalKpi.mean / g.totalSpend).toBeGreaterThanOrEqual(target);
    const more = optimizeBudget(resp, { budget: g.totalSpend * 1.01, currentWeekly, searchDraws: 40 });
    expect(more.incrementalKpi.mean / more.budget).toBeLessThan(target);
    expect(g.probabilityBeatsCurrent).toBeGreaterThan(0.5);
    const bad = optimizeGoal(resp, { kind: "target-roi", roi: 1e9 }, opts);
    expect(bad.feasible).toBe(false);
    expect(bad.reason).toMatch(/no budget reaches an overall ROI of 1000000000: the best is/);
  });

  it("keeps bounds and locks while seeking", () => {
    const g = optimizeGoal(
      resp,
      {
        kind: "target-roi",
        roi: 0.5 * (optimizeBudget(resp, { budget: 560_000, currentWeekly }).incrementalKpi.mean / 560_000),
      },
      { ...opts, bounds: { TV: { locked: 300_000 }, Search: { max: 900_000 } } },
    );
    const tv = g.plan.allocation.find((a) => a.channel === "TV")!;
    const search = g.plan.allocation.find((a) => a.channel === "Search")!;
    expect(tv.total).toBeCloseTo(300_000, 6);
    expect(search.total).toBeLessThanOrEqual(900_000 + 1e-6);
    expect(g.totalSpend).toBeLessThanOrEqual(1_200_000 + 1e-6);
  });
});
