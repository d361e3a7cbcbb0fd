/**
 * Experiment design (docs/trust.md section 3): for each paid channel, the test that would most
 * reduce the uncertainty of its ROI, its minimum detectable effect at 80 % power for 2-12 weeks, the
 * expected reduction of the ROI interval by preposterior simulation, and the value of information:
 * the expected gain in the optimal plan's KPI from running the test (expected regret of today's
 * optimal plan that the test's outcome removes). Everything is computed from a HorizonResponse
 * (the posterior's media response over the planning horizon), so it works on any fitted model and
 * on constructed cases. Browser-safe.
 */
import type { HorizonResponse } from "../analysis/horizon-response.ts";
import { horizonResponse, type PosteriorDraws, recentWeeklySpend } from "../analysis/model-adapter.ts";
import { horizonResponseV2 } from "../analysis/model-adapter-v2.ts";
import { optimizeBudget, PlanEvaluator } from "../analysis/optimizer.ts";
import { seededRandom, thinIndices } from "../analysis/stats.ts";
import type { MmmModel } from "../model/model.ts";
import type { MmmModelV2 } from "../model/model-v2.ts";

/** z(0.975) + z(0.8): two-sided 5 % test, 80 % power. */
export const Z_ALPHA_POWER = 1.959963984540054 + 0.8416212335729143;

export interface ExperimentOptions {
  /** Current weekly spend per channel (the plan the test deviates from), resp.channels order. */
  currentWeekly: number[];
  /** Weekly KPI noise sd of the whole market (KPI units): sigma x KPI mean for a national model. */
  noiseSd: number;
  /** Geos in the data (1: national time test; >= 4: geo test in a share of geos). */
  geos?: number;
  /** Channels to design for (default: all channels of resp). */
  channels?: string[];
  /** Spend changes considered, as fractions of current spend (default -1 = off, -0.5, +0.5, +1). */
  changes?: number[];
  /** Test durations considered, weeks (default 2..12). */
  weeks?: number[];
  /** Share of geos treated in a geo test (default 0.5). */
  treatedShare?: number;
  /** Preposterior simulations per candidate (default 200). */
  simulations?: number;
  /** Relative budget moves for the value of information's plan set (default 0, 0.5, 0.75, 1.25, 1.5, 2). */
  moves?: number[];
  seed?: number;
}

export interface ChannelExperiment {
  name: string;
  rank: number;
  test: {
    kind: "time" | "geo";
    /** Fractional spend change during the test: -1 = switch off, 0.5 = +50 %. */
    change: number;
    /** Share of geos treated (geo tests), else 1. */
    treatedShare: number;
    description: string;
  };
  recommendedWeeks: number;
  /** Minimum detectable ROI (incremental value per money changed) at 80 % power, per duration. */
  mdeByWeeks: { weeks: number; mde: number; mdeKpi: number; power: number }[];
  /** MDE (ROI units) at the recommended duration. */
  mde: number;
  /** 1 - E[90 % ROI interval width after the test] / width now. */
  expectedIntervalReduction: number;
  /** Expected KPI gain (over the planning horizon, KPI units) of the plan chosen after the test. */
  valueOfInformation: number;
  /** ROI now (over the planning horizon at current spend): median and 90 % interval. */
  roi: { q05: number; q50: number; q95: number };
  /** Money moved by the test (|change| x weekly spend x weeks x treated share). */
  spendAtStake: number;
}

export interface ExperimentDesign {
  channels: ChannelExperiment[];
  horizonWeeks: number;
  /** Today's optimal plan (total spend per channel over the horizon) and its expected media KPI. */
  optimalPlan: Record<string, number>;
  expectedKpi: number;
  noiseSd: number;
}

/** Standard error of the measured total lift of a w-week test (KPI units) for the stated design. */
export function testStandardError(
  noiseSd: number,
  weeks: number,
  kind: "time" | "geo",
  treatedShare = 0.5,
): number {
  // time: w test weeks against w comparison weeks (on/off alternation), Var = 2 w sigma^2.
  // geo: treated share s against the rest, scaled to the market: Var = w sigma^2 / (s (1 - s)).
  return kind === "time"
    ? noiseSd * Math.sqrt(2 * weeks)
    : noiseSd * Math.sqrt(weeks / (treatedShare * (1 - treatedShare)));
}

/** 90 % interval width of weighted values (weights need not sum to 1). */
function weightedWidth(values: Float64Array, order: Int32Array, w: Float64Array): number {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i]!;
  let acc = 0;
  let lo = Number.NaN;
  let hi = Number.NaN;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    acc += w[i]! / total;
    if (Number.isNaN(lo) && acc >= 0.05) lo = values[i]!;
    if (Number.isNaN(hi) && acc >= 0.95) {
      hi = values[i]!;
      break;
    }
  }
  if (Number.isNaN(hi)) hi = values[order[order.length - 1]!]!;
  return hi - lo;
}

function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300))) * Math.cos(2 * Math.PI * rng());
}

function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return (
    sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!)
  );
}

/**
 * Per draw, the weekly lift (KPI units) when line c's weekly spend changes by `change` for the
 * whole horizon: (KPI_H(changed) - KPI_H(current)) / H, the horizon's average weekly effect (ramp-up
 * of the carry-over included on average, carry-over after the horizon not counted). A w-week test's
 * lift is taken as w times it.
 */
function weeklyLift(
  ev: PlanEvaluator,
  base: Float64Array,
  c: number,
  total: number,
  change: number,
): Float64Array {
  ev.save();
  ev.setChannel(c, Math.max(0, total * (1 + change)));
  const k = ev.kpiTotals();
  ev.restore();
  ev.setChannel(c, total);
  return Float64Array.from(k, (v, i) => (v - base[i]!) / ev.H);
}

export function designExperiments(resp: HorizonResponse, opts: ExperimentOptions): ExperimentDesign {
  const C = resp.channels.length;
  const D = resp.draws;
  const H = resp.weeks;
  const geos = opts.geos ?? 1;
  const kind: "time" | "geo" = geos >= 4 ? "geo" : "time";
  const s = kind === "geo" ? (opts.treatedShare ?? 0.5) : 1;
  const changes = opts.changes ?? [-1, -0.5, 0.5, 1];
  const weeksGrid = (opts.weeks ?? [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).filter((w) => w <= H);
  if (weeksGrid.length === 0)
    throw new Error(`the planning horizon (${H} weeks) is shorter than every test duration`);
  const S = opts.simulations ?? 200;
  const moves = opts.moves ?? [0, 0.5, 0.75, 1.25, 1.5, 2];
  const wanted = new Set(opts.channels ?? resp.channels);
  const current = opts.currentWeekly;
  const budget = current.reduce((a, b) => a + b, 0) * H;

  // ROI per draw of each line at current spend over the horizon (vs. the line at zero)
  const all = Int32Array.from({ length: D }, (_, i) => i);
  const evalCur = new PlanEvaluator(resp, all);
  evalCur.setAll(current.map((w) => w * H));
  const baseKpi = evalCur.kpiTotals();
  const roi = resp.channels.map((_, c) => {
    const contrib = evalCur.channelTotals(c);
    const spend = (current[c] ?? 0) * H;
    return Float64Array.from(contrib, (v) => (spend > 0 ? v / spend : 0));
  });

  // today's optimal plan, and the plan set for the value of information: the optimum and, per
  // channel, its total scaled by each move with the difference spread over the others pro rata
  const plan = optimizeBudget(resp, { budget, currentWeekly: current, seed: opts.seed ?? 1 });
  const opt = resp.channels.map((n) => plan.allocation.find((a) => a.channel === n)!.total);
  const plans: number[][] = [opt];
  for (let c = 0; c < C; c++)
    for (const m of moves) {
      const p = opt.slice();
      const target = opt[c]! * m;
      const rest = budget - opt[c]!;
      const delta = target - opt[c]!;
      if (rest <= 0 && delta > 0) continue;
      for (let k = 0; k < C; k++) p[k] = k === c ? target : rest > 0 ? opt[k]! * (1 - delta / rest) : opt[k]!;
      if (p.every((v) => v >= 0)) plans.push(p);
    }
  const evPlans = new PlanEvaluator(resp, all);
  const utility = plans.map((p) => {
    evPlans.setAll(p);
    return evPlans.kpiTotals();
  });
  const meanU = utility.map((u) => u.reduce((a, b) => a + b, 0) / D);
  const a0 = meanU.indexOf(Math.max(...meanU));

  const rng = seededRandom(opts.seed ?? 1);
  const out: Omit<ChannelExperiment, "rank">[] = [];
  for (let c = 0; c < C; c++) {
    const name = resp.channels[c]!;
    if (!wanted.has(name) || !((current[c] ?? 0) > 0)) continue;
    const weekly = current[c]!;
    const r = roi[c]!;
    const rSorted = Float64Array.from(r).sort();
    const order = Int32Array.from({ length: D }, (_, i) => i).sort((a, b) => r[a]! - r[b]!);
    const widthNow = quantile(rSorted, 0.95) - quantile(rSorted, 0.05);

    let best: { change: number; weeks: number; reduction: number; lift: Float64Array; se: number } | null =
      null;
    const mdeTables = new Map<number, ChannelExperiment["mdeByWeeks"]>();
    for (const change of changes) {
      const perWeek = weeklyLift(evalCur, baseKpi, c, weekly * H, change);
      const table: ChannelExperiment["mdeByWeeks"] = [];
      let recommended = weeksGrid[weeksGrid.length - 1]!;
      let found = false;
      for (const w of weeksGrid) {
        const lift = Float64Array.from(perWeek, (v) => v * w);
        const se = testStandardError(opts.noiseSd, w, kind, s);
        // the measured lift is s x the market lift in a geo test; per unit of market lift, se / s
        const seMarket = se / s;
        const mdeKpi = Z_ALPHA_POWER * seMarket;
        const moved = Math.abs(change) * weekly * w;
        let meanAbs = 0;
        for (const v of lift) meanAbs += Math.abs(v) / D;
        // power against the posterior's expected lift (normal approximation, two-sided)
        const power = normalCdf(meanAbs / seMarket - 1.959963984540054);
        table.push({ weeks: w, mde: moved > 0 ? mdeKpi / moved : Number.POSITIVE_INFINITY, mdeKpi, power });
        if (!found && meanAbs >= mdeKpi) {
          recommended = w;
          found = true;
        }
      }
      mdeTables.set(change, table);
      const lift = Float64Array.from(perWeek, (v) => v * recommended);
      const seMarket = testStandardError(opts.noiseSd, recommended, kind, s) / s;
      // preposterior: outcome y = L_j + se z for a draw j, update the draws' weights, measure the width
      let widthAfter = 0;
      const wts = new Float64Array(D);
      for (let k = 0; k < S; k++) {
        const j = Math.floor(rng() * D);
        const y = lift[j]! + seMarket * gauss(rng);
        let maxLog = Number.NEGATIVE_INFINITY;
        for (let d = 0; d < D; d++) {
          const l = -0.5 * ((y - lift[d]!) / seMarket) ** 2;
          wts[d] = l;
          if (l > maxLog) maxLog = l;
        }
        for (let d = 0; d < D; d++) wts[d] = Math.exp(wts[d]! - maxLog);
        widthAfter += weightedWidth(r, order, wts) / S;
      }
      const reduction = widthNow > 0 ? 1 - widthAfter / widthNow : 0;
      if (!best || reduction > best.reduction)
        best = { change, weeks: recommended, reduction, lift, se: seMarket };
    }
    const b = best!;

    // value of information of the best test: E_y[max_a E[U_a | y]] - max_a E[U_a]
    let voi = 0;
    const wts = new Float64Array(D);
    for (let k = 0; k < S; k++) {
      const j = Math.floor(rng() * D);
      const y = b.lift[j]! + b.se * gauss(rng);
      let maxLog = Number.NEGATIVE_INFINITY;
      for (let d = 0; d < D; d++) {
        const l = -0.5 * ((y - b.lift[d]!) / b.se) ** 2;
        wts[d] = l;
        if (l > maxLog) maxLog = l;
      }
      let wsum = 0;
      for (let d = 0; d < D; d++) {
        wts[d] = Math.exp(wts[d]! - maxLog);
        wsum += wts[d]!;
      }
      let bestU = Number.NEGATIVE_INFINITY;
      let u0 = 0;
      utility.forEach((u, a) => {
        let e = 0;
        for (let d = 0; d < D; d++) e += wts[d]! * u[d]!;
        e /= wsum;
        if (e > bestU) bestU = e;
        if (a === a0) u0 = e;
      });
      voi += (bestU - u0) / S;
    }

    const table = mdeTables.get(b.change)!;
    const at = table.find((t) => t.weeks === b.weeks)!;
    const verb =
      b.change === -1
        ? "switch off"
        : b.change < 0
          ? `cut spend by ${Math.round(-100 * b.change)}%`
          : `raise spend by ${Math.round(100 * b.change)}%`;
    out.push({
      name,
      test: {
        kind,
        change: b.change,
        treatedShare: s,
        description:
          kind === "geo"
            ? `${verb} in ${Math.round(100 * s)}% of geos (randomly chosen) for ${b.weeks} weeks; compare with the other geos`
            : `${verb} nationally for ${b.weeks} weeks, alternating with ${b.weeks} weeks at the usual level; compare the two periods`,
      },
      recommendedWeeks: b.weeks,
      mdeByWeeks: table,
      mde: at.mde,
      expectedIntervalReduction: Math.max(0, b.reduction),
      valueOfInformation: Math.max(0, voi),
      roi: { q05: quantile(rSorted, 0.05), q50: quantile(rSorted, 0.5), q95: quantile(rSorted, 0.95) },
      spendAtStake: Math.abs(b.change) * weekly * b.weeks * s,
    });
  }
  out.sort(
    (a, b) =>
      b.valueOfInformation - a.valueOfInformation ||
      b.expectedIntervalReduction - a.expectedIntervalReduction,
  );
  return {
    channels: out.map((c, i) => ({ ...c, rank: i + 1 })),
    horizonWeeks: H,
    optimalPlan: Object.fromEntries(resp.channels.map((n, c) => [n, opt[c]!])),
    expectedKpi: meanU[a0]!,
    noiseSd: opts.noiseSd,
  };
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 on erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * designExperiments for a fitted v1 or v2 model: a planning horizon of `horizonWeeks` (default 13)
 * after the data over up to `maxDraws` draws (default 300), the current plan = mean weekly spend of
 * the last 13 weeks, and the weekly noise sd = sqrt(sum_g (kpiScale_g x median sigma_g)^2).
 */
export function designExperimentsForModel(
  model: MmmModel | MmmModelV2,
  draws: PosteriorDraws,
  opts: Omit<ExperimentOptions, "currentWeekly" | "noiseSd" | "geos"> & {
    horizonWeeks?: number;
    maxDraws?: number;
  } = {},
): ExperimentDesign {
  const H = opts.horizonWeeks ?? 13;
  const idx = thinIndices(draws.draws, opts.maxDraws ?? 300);
  const v2 = model.spec.version === 2;
  const resp = v2
    ? horizonResponseV2(model as MmmModelV2, draws, H, { drawIdx: idx })
    : horizonResponse(model as MmmModel, draws, H, idx);
  const G = resp.geos.length;
  const sigmaCols: number[] = v2
    ? Array.from({ length: G }, (_, g) => {
        const ix = (model as MmmModelV2).spec.index;
        return ix.sigma + (ix.sigmaCount > 1 ? g : 0);
      })
    : [(model as MmmModel).spec.sigma];
  let v = 0;
  for (let g = 0; g < G; g++) {
    const col = sigmaCols[Math.min(g, sigmaCols.length - 1)]!;
    const s = Float64Array.from(idx, (d) => draws.values[d * draws.dim + col]!).sort();
    const med = s[Math.floor(s.length / 2)]!;
    v += (resp.kpiScale[g]! * med) ** 2;
  }
  return designExperiments(resp, {
    ...opts,
    currentWeekly: recentWeeklySpend(resp, 13),
    noiseSd: Math.sqrt(v),
    geos: G,
  });
}
