/**
 * Goal-seeking on top of the budget optimizer (optimizer.ts): instead of a fixed budget, a goal
 * sets the budget and the optimizer splits it.
 *
 *   max-kpi      the most KPI for a budget (optimizeBudget itself)
 *   min-spend    the least spend with P(KPI over the horizon >= target) >= probability, counted
 *                draw by draw; the split at each budget maximizes the (1 - probability) quantile
 *   target-mroi  spend until the marginal ROI at the optimum (d KPI / d spend of the channels not
 *                at a bound) falls to the target: the largest budget whose marginal ROI >= target
 *   target-roi   the largest budget whose expected overall ROI (KPI caused by the plan / spend)
 *                is >= target
 *
 * Each goal searches the budget between the smallest the bounds allow and a ceiling (the sum of
 * the channels' max bounds, else `maxBudget`, default 10x the current plan over the horizon) by
 * bisection on P (min-spend), or a scan of 9 budgets then bisection (marginal and overall ROI,
 * which S-shaped curves make rise before they fall). An infeasible goal says why and how close the
 * best budget gets. The result adds P(beats the current plan at its own spend) and the marginal
 * ROI of each channel at the optimum.
 */
import { allDrawIndices, type HorizonResponse } from "./horizon-response.ts";
import {
  type BudgetPlan,
  type ChannelBound,
  type OptimizeOptions,
  optimizeBudget,
  PlanEvaluator,
  type RiskObjective,
} from "./optimizer.ts";
import { probabilityGreater } from "./stats.ts";

export type OptimizerGoal =
  | { kind: "max-kpi"; budget: number }
  | { kind: "min-spend"; targetKpi: number; probability: number }
  | { kind: "target-mroi"; mroi: number }
  | { kind: "target-roi"; roi: number };

export interface GoalOptions {
  bounds?: Record<string, ChannelBound>;
  /** Objective of the split for max-kpi, target-mroi and target-roi (min-spend sets its own). */
  objective?: RiskObjective;
  /** Current plan's weekly spend per channel (currency). */
  currentWeekly?: ArrayLike<number>;
  /** Ceiling of the budget search when the bounds set none (default 10x the current plan). */
  maxBudget?: number;
  /** Relative precision of the budget found (default 0.002). */
  tolerance?: number;
  seed?: number;
  searchDraws?: number;
}

export interface GoalResult {
  goal: OptimizerGoal;
  feasible: boolean;
  /** Why the goal cannot be met, in words; null when feasible. */
  reason: string | null;
  /** How close the best budget gets to an infeasible goal: the achieved value against the target. */
  closest: { achieved: number; target: number; atSpend: number } | null;
  totalSpend: number;
  /** The plan at the budget found (at the closest budget when infeasible). */
  plan: BudgetPlan;
  /** P(KPI over the horizon >= target) at the plan (min-spend only). */
  probabilityOfTarget: number | null;
  /** Marginal ROI at the optimum: mean over the channels not at a bound (all channels if none). */
  marginalRoi: number;
  /** P(the plan's KPI > the current plan's at its own spend), draw by draw. */
  probabilityBeatsCurrent: number;
  search: { budgets: number[]; ms: number };
}

/** The marginal ROI of the free channels (not at a bound or locked) at the plan's optimum. */
export function optimumMarginalRoi(plan: BudgetPlan): number {
  const free = plan.allocation.filter((a) => a.atBound === null);
  const use = free.length > 0 ? free : plan.allocation;
  let s = 0;
  for (const a of use) s += a.marginalRoi;
  return use.length > 0 ? s / use.length : 0;
}

function boundsRange(resp: HorizonResponse, o: GoalOptions): { lo: number; hi: number; current: number } {
  const H = resp.weeks;
  let current = 0;
  for (let c = 0; c < resp.channels.length; c++)
    current += Math.max(0, Number(o.currentWeekly?.[c] ?? 0)) * H;
  let lo = 0;
  let hiBound = 0;
  let allCapped = true;
  resp.channels.forEach((name, c) => {
    const b = o.bounds?.[name];
    const locked =
      b?.locked === true
        ? Math.max(0, Number(o.currentWeekly?.[c] ?? 0)) * H
        : typeof b?.locked === "number"
          ? b.locked
          : null;
    if (locked !== null) {
      lo += locked;
      hiBound += locked;
      return;
    }
    lo += b?.min ?? 0;
    if (b?.max === undefined) allCapped = false;
    else hiBound += b.max;
  });
  const ceiling = o.maxBudget ?? (current > 0 ? 10 * current : 0);
  const hi = allCapped ? hiBound : Math.max(lo, ceiling);
  if (!(hi > 0))
    throw new Error("goal search needs a ceiling: pass maxBudget, channel max bounds or a current plan");
  return { lo, hi, current };
}

export function optimizeGoal(resp: HorizonResponse, goal: OptimizerGoal, o: GoalOptions = {}): GoalResult {
  const t0 = performance.now();
  const budgets: number[] = [];
  const tol = o.tolerance ?? 0.002;
  const objective: RiskObjective =
    goal.kind === "min-spend"
      ? { kind: "quantile", q: 1 - goal.probability }
      : (o.objective ?? { kind: "mean" });
  if (goal.kind === "min-spend" && !(goal.probability > 0 && goal.probability < 1))
    throw new Error(`probability must be between 0 and 1, got ${goal.probability}`);
  const full = new PlanEvaluator(resp, allDrawIndices(resp.draws));
  const kpiAt = (plan: BudgetPlan) => {
    full.setAll(plan.allocation.map((a) => a.total));
    return full.kpiTotals();
  };
  const solve = (budget: number): BudgetPlan => {
    budgets.push(budget);
    const opts: OptimizeOptions = {
      budget,
      objective,
      seed: o.seed ?? 1,
      ...(o.bounds ? { bounds: o.bounds } : {}),
      ...(o.currentWeekly ? { currentWeekly: o.currentWeekly } : {}),
      ...(o.searchDraws ? { searchDraws: o.searchDraws } : {}),
    };
    return optimizeBudget(resp, opts);
  };
  const { lo: rawLo, hi, current } = boundsRange(resp, o);
  // the optimizer needs a positive budget: start just above the bounds' minimum
  const lo = Math.max(rawLo, hi * 1e-4);

  let plan: BudgetPlan;
  let feasible = true;
  let reason: string | null = null;
  let closest: GoalResult["closest"] = null;
  let probabilityOfTarget: number | null = null;

  /** Largest budget in [a, b] with ok(budget) true, given ok(a) true and ok(b) false. */
  const largestOk = (a: number, pa: BudgetPlan, b: number, ok: (p: BudgetPlan) => boolean): BudgetPlan => {
    let best = pa;
    while (b - a > tol * b) {
      const m = (a + b) / 2;
      const pm = solve(m);
      if (ok(pm)) {
        a = m;
        best = pm;
      } else b = m;
    }
    return best;
  };

  if (goal.kind === "max-kpi") {
    plan = solve(goal.budget);
  } else if (goal.kind === "min-spend") {
    const pOf = (p: BudgetPlan) => {
      const k = kpiAt(p);
      let n = 0;
      for (const v of k) if (v >= goal.targetKpi) n++;
      return n / k.length;
    };
    const top = solve(hi);
    const pTop = pOf(top);
    if (pTop < goal.probability) {
      feasible = false;
      plan = top;
      probabilityOfTarget = pTop;
      const q = quantileOf(kpiAt(top), 1 - goal.probability);
      reason = `even spending ${round(hi)} (the search ceiling${o.maxBudget === undefined ? "" : ", maxBudget"}), P(KPI >= ${goal.targetKpi}) is only ${pct(pTop)}, below ${pct(goal.probability)}: the KPI reached with ${pct(goal.probability)} probability is ${round(q)} (${pct(q / goal.targetKpi)} of the target)`;
      closest = { achieved: pTop, target: goal.probability, atSpend: hi };
    } else {
      const bottom = solve(lo);
      const pBottom = pOf(bottom);
      if (pBottom >= goal.probability) {
        plan = bottom;
        probabilityOfTarget = pBottom;
      } else {
        // smallest budget with P >= probability: bisection on "not yet reached"
        let a = lo;
        let b = hi;
        let best = top;
        while (b - a > tol * b) {
          const m = (a + b) / 2;
          const pm = solve(m);
          if (pOf(pm) >= goal.probability) {
            b = m;
            best = pm;
          } else a = m;
        }
        plan = best;
        probabilityOfTarget = pOf(best);
      }
    }
  } else {
    // marginal ROI and overall ROI fall with the budget once past the steep part of S-shaped
    // curves, but can rise before it: scan budgets, then bisect after the last one on target
    const mroi = goal.kind === "target-mroi";
    const target = mroi ? goal.mroi : goal.roi;
    const valueOf = (p: BudgetPlan) => (mroi ? optimumMarginalRoi(p) : p.incrementalKpi.mean / p.budget);
    const grid = Array.from({ length: 9 }, (_, k) => lo * (hi / lo) ** (k / 8));
    const plans = grid.map((g) => solve(g));
    let last = -1;
    plans.forEach((p, k) => {
      if (valueOf(p) >= target) last = k;
    });
    if (last < 0) {
      feasible = false;
      let k = 0;
      plans.forEach((p, j) => {
        if (valueOf(p) > valueOf(plans[k]!)) k = j;
      });
      plan = plans[k]!;
      reason = `no budget reaches ${mroi ? "a marginal" : "an overall"} ROI of ${target}: the best is ${round(valueOf(plan))} at a spend of ${round(plan.budget)}`;
      closest = { achieved: valueOf(plan), target, atSpend: plan.budget };
    } else if (last === plans.length - 1) plan = plans[last]!;
    else plan = largestOk(grid[last]!, plans[last]!, grid[last + 1]!, (p) => valueOf(p) >= target);
  }

  // against the current plan at its own spend
  const kpiPlan = Float64Array.from(kpiAt(plan));
  let probabilityBeatsCurrent = Number.NaN;
  if (current > 0) {
    full.setAll(
      Array.from(resp.channels, (_, c) => Math.max(0, Number(o.currentWeekly?.[c] ?? 0)) * resp.weeks),
    );
    probabilityBeatsCurrent = probabilityGreater(kpiPlan, full.kpiTotals());
  }
  return {
    goal,
    feasible,
    reason,
    closest,
    totalSpend: plan.budget,
    plan,
    probabilityOfTarget,
    marginalRoi: optimumMarginalRoi(plan),
    probabilityBeatsCurrent,
    search: { budgets, ms: performance.now() - t0 },
  };
}

/** Quantile q of the per-draw values (linear interpolation between order statistics). */
function quantileOf(values: Float64Array, q: number): number {
  const a = Float64Array.from(values).sort();
  const h = (a.length - 1) * q;
  const l = Math.floor(h);
  const u = Math.min(l + 1, a.length - 1);
  return (1 - (h - l)) * a[l]! + (h - l) * a[u]!;
}

const round = (v: number) => Number(v.toPrecision(6));
const pct = (p: number) => `${Math.round(p * 1000) / 10}%`;
