/**
 * Run analysis for the UI (docs/model.md section 5): decomposition, fit, ROI and marginal ROI,
 * viral/network/authenticity shares, synergy lift, response curves, adstock decay. Compact:
 * summaries (mean + 90% band), per-week bands only where charts need them. Per-draw work runs on
 * an evenly thinned subset of the draws (maxDraws, default 300); `draws` in the output says so.
 */
import type { MmmModel } from "../model/model.ts";
import { ChannelPipeline } from "../model/channel-pipeline.ts";
import { drawRow, type PosteriorDraws } from "./model-adapter.ts";
import {
  type Interval,
  columnBands,
  round,
  roundInterval,
  seededRandom,
  summarize,
  thinIndices,
} from "./stats.ts";

export interface AnalyzeOptions {
  /** Draws used for per-draw computations (evenly thinned). Default 300. */
  maxDraws?: number;
  /** Spend multipliers of the response curves. Default 0, 0.1, ..., 3 (31 points). */
  multipliers?: number[];
  /** Marginal ROI below which a channel counts as saturated. Default 1. */
  saturationThreshold?: number;
  /** Relative spend bump for marginal ROI. Default 0.01. */
  marginalBump?: number;
  seed?: number;
}

export interface WeeklyBand {
  mean: number[];
  lo: number[];
  hi: number[];
}

export type ComponentKind =
  "baseline" | "trend" | "seasonality" | "controls" | "events" | "channel" | "synergy";

export interface ChannelAnalysis {
  name: string;
  type: string;
  /** Spend over the scored (training) weeks. */
  spend: number;
  spendShare: number;
  contribution: Interval;
  /** Share of the total media contribution (channels + synergies). */
  contributionShare: Interval;
  roi: Interval;
  /** d contribution / d spend at current spend (1% bump over the scored weeks). */
  marginalRoi: Interval;
  /** 1 - contribution(no viral echo) / contribution; social channels with a viral echo only. */
  viralShare: Interval | null;
  /** 1 - contribution(eta = 0) / contribution. */
  networkShare: Interval | null;
  /** 1 - contribution(phi = 0) / contribution. */
  authenticityShare: Interval | null;
  /** 1 - contribution(psi = 0) / contribution. */
  consistencyShare: Interval | null;
  /** Posterior of the channel's own parameters by label (all draws). */
  parameters: Record<string, Interval>;
}

export interface ResponseCurve {
  channel: string;
  multipliers: number[];
  /** Spend over the scored weeks at each multiplier. */
  spend: number[];
  /** Incremental KPI over the scored weeks versus no spend on the channel. */
  kpi: WeeklyBand;
  current: { multiplier: 1; spend: number; kpi: number };
  /** Where the mean curve's marginal ROI (between grid points, after its steepest part) drops below
   *  the threshold; multiplier 0 when it never reaches the threshold; null when still above at the max. */
  saturation: { multiplier: number; spend: number; threshold: number } | null;
}

export interface RunAnalysis {
  version: 1;
  draws: { total: number; used: number; thinned: boolean; note: string };
  dates: string[];
  trainingWeeks: number;
  holdoutWeeks: number;
  /** Weeks that totals, ROI and curves sum over: the training rows [0, trainingWeeks). */
  scoredWeeks: number;
  kpiMean: number;
  decomposition: {
    /** Per week, KPI units, every data row. Component means add up to fitted.mean. */
    weekly: { name: string; kind: ComponentKind; mean: number[]; lo: number[]; hi: number[] }[];
    totals: { name: string; kind: ComponentKind; total: Interval; share: Interval }[];
  };
  fit: {
    actual: number[];
    fitted: WeeklyBand;
    predictive: { lo: number[]; hi: number[] };
    holdout: boolean[];
  };
  channels: ChannelAnalysis[];
  synergies: { a: string; b: string; contribution: Interval; lift: Interval }[];
  responseCurves: ResponseCurve[];
  adstock: { channel: string; lags: number[]; weight: WeeklyBand }[];
}

function sumTo(a: Float64Array, n: number): number {
  let s = 0;
  for (let t = 0; t < n; t++) s += a[t] as number;
  return s;
}

function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

const roundArr = (a: number[]) => a.map((v) => round(v));
const band = (b: { mean: number[]; lo: number[]; hi: number[] }): WeeklyBand => ({
  mean: roundArr(b.mean),
  lo: roundArr(b.lo),
  hi: roundArr(b.hi),
});

export function analyzeRun(model: MmmModel, draws: PosteriorDraws, opts: AnalyzeOptions = {}): RunAnalysis {
  const spec = model.spec;
  const N = spec.weeks;
  const n = spec.trainingWeeks;
  const C = spec.channels.length;
  const P = spec.synergies.length;
  const kpi = spec.scaling.kpiMean;
  const idx = thinIndices(draws.draws, opts.maxDraws ?? 300);
  const D = idx.length;
  const mults = opts.multipliers ?? Array.from({ length: 31 }, (_, i) => i / 10);
  const M = mults.length;
  const threshold = opts.saturationThreshold ?? 1;
  const bump = opts.marginalBump ?? 0.01;
  const rng = seededRandom(opts.seed ?? 1);
  // every channel through the model's own pipeline (transform registry); spend multiples scale the
  // linear stages' output (adstock, viral echo are linear) and recompute the data features
  const pipes = spec.channels.map((ch) => new ChannelPipeline(ch.stages, spec.adstockLags, N));
  const adstockPipes = spec.channels.map(
    (ch) =>
      new ChannelPipeline(
        ch.stages.filter((st) => st.stage === "adstock"),
        spec.adstockLags,
        spec.adstockLags,
      ),
  );
  const feats = pipes.map((p) => p.featureBuffers(N));
  const has = (c: number, stage: string) => spec.channels[c]!.stages.some((st) => st.stage === stage);
  const impulse = new Float64Array(spec.adstockLags);
  impulse[0] = 1;
  const lin = new Float64Array(N);
  const linM = new Float64Array(N);
  const xM = new Float64Array(N);
  const spendTotal = spec.scaling.spendTotal;
  const allSpend = spendTotal.reduce((a, b) => a + b, 0);

  const fixedNames: [string, ComponentKind, keyof ReturnType<MmmModel["forward"]>][] = [
    ["baseline", "baseline", "baseline"],
    ["trend", "trend", "trend"],
    ["seasonality", "seasonality", "seasonality"],
    ["controls", "controls", "controls"],
    ["events", "events", "events"],
  ];
  const comps: { name: string; kind: ComponentKind; weekly: Float64Array; total: Float64Array }[] = [
    ...fixedNames.map(([name, kind]) => ({
      name,
      kind,
      weekly: new Float64Array(D * N),
      total: new Float64Array(D),
    })),
    ...spec.channels.map((ch) => ({
      name: ch.name,
      kind: "channel" as const,
      weekly: new Float64Array(D * N),
      total: new Float64Array(D),
    })),
    ...spec.synergies.map((s) => ({
      name: `${spec.channels[s.a]?.name}:${spec.channels[s.b]?.name}`,
      kind: "synergy" as const,
      weekly: new Float64Array(D * N),
      total: new Float64Array(D),
    })),
  ];
  const mu = new Float64Array(D * N);
  const pred = new Float64Array(D * N);
  const roi = Array.from({ length: C }, () => new Float64Array(D));
  const mroi = Array.from({ length: C }, () => new Float64Array(D));
  const shares = (on: boolean) => (on ? new Float64Array(D) : null);
  const viral = spec.channels.map((_, c) => shares(has(c, "viralEcho")));
  const networkS = spec.channels.map((_, c) => shares(has(c, "network")));
  const authS = spec.channels.map((_, c) => shares(has(c, "authenticity")));
  const consS = spec.channels.map((_, c) => shares(has(c, "consistency")));
  const curves = Array.from({ length: C }, () => new Float64Array(D * M));
  const L = spec.adstockLags;
  const adstockW = Array.from({ length: C }, () => new Float64Array(D * L));
  const mediaTotal = new Float64Array(D);
  const synLift = Array.from({ length: P }, () => new Float64Array(D));

  for (let i = 0; i < D; i++) {
    const v = drawRow(draws, idx[i] as number);
    const fw = model.forward(v);
    const sigma = v[spec.sigma] as number;
    for (let t = 0; t < N; t++) {
      mu[i * N + t] = (fw.mu[t] as number) * kpi;
      pred[i * N + t] = ((fw.mu[t] as number) + sigma * normal(rng)) * kpi;
    }
    const series = [
      fw.baseline,
      fw.trend,
      fw.seasonality,
      fw.controls,
      fw.events,
      ...fw.channel,
      ...fw.synergy,
    ];
    series.forEach((s, k) => {
      const comp = comps[k] as (typeof comps)[number];
      for (let t = 0; t < N; t++) comp.weekly[i * N + t] = (s[t] as number) * kpi;
      comp.total[i] = sumTo(s, n) * kpi;
    });
    let media = 0;
    for (let k = 5; k < comps.length; k++) media += (comps[k] as (typeof comps)[number]).total[i] as number;
    mediaTotal[i] = media;
    // synergy partner saturations at current spend, for marginal effects and curves
    const partnerTerm = (c: number, satC: Float64Array): number => {
      let s = 0;
      spec.synergies.forEach((syn) => {
        if (syn.a !== c && syn.b !== c) return;
        const other = fw.saturation[syn.a === c ? syn.b : syn.a] as Float64Array;
        const g = v[syn.gamma] as number;
        for (let t = 0; t < n; t++) s += g * (satC[t] as number) * (other[t] as number);
      });
      return s;
    };
    for (let c = 0; c < C; c++) {
      const ch = spec.channels[c]!;
      const beta = v[ch.beta] as number;
      const pipe = pipes[c] as ChannelPipeline;
      pipe.setParams(v);
      pipe.runLinear(ch.x, N, lin);
      const work = new Float64Array(N);
      /** saturation per week at spend m x (features recomputed from m x, training constants kept) */
      const satAt = (m: number): Float64Array => {
        for (let t = 0; t < N; t++) {
          xM[t] = m * (ch.x[t] as number);
          linM[t] = m * (lin[t] as number);
        }
        pipe.features(xM, 0, N, feats[c] as Float64Array[]);
        pipe.runPointwise(linM, N, feats[c] as Float64Array[], work);
        return work;
      };
      const contribution = (comps[5 + c] as (typeof comps)[number]).total[i] as number;
      (roi[c] as Float64Array)[i] = contribution / (spendTotal[c] as number);
      const satNow = fw.saturation[c] as Float64Array;
      const own = sumTo(satNow, n);
      const valueAt = (sat: Float64Array): number => (beta * sumTo(sat, n) + partnerTerm(c, sat)) * kpi;
      const nowValue = valueAt(satNow);
      (mroi[c] as Float64Array)[i] =
        (valueAt(satAt(1 + bump)) - nowValue) / (bump * (spendTotal[c] as number));
      const share = (
        arr: Float64Array | null,
        stage: "viralEcho" | "network" | "authenticity" | "consistency",
      ) => {
        if (!arr) return;
        const off = pipe.run(ch.x, ch.x, N, stage);
        arr[i] = own > 0 ? 1 - sumTo(off, n) / own : 0;
      };
      share(viral[c] ?? null, "viralEcho");
      share(networkS[c] ?? null, "network");
      share(authS[c] ?? null, "authenticity");
      share(consS[c] ?? null, "consistency");
      const curve = curves[c] as Float64Array;
      for (let k = 0; k < M; k++) {
        const m = mults[k] as number;
        curve[i * M + k] = m === 1 ? nowValue : m === 0 ? 0 : valueAt(satAt(m));
      }
      const ap = adstockPipes[c] as ChannelPipeline;
      ap.setParams(v);
      ap.runLinear(impulse, L, (adstockW[c] as Float64Array).subarray(i * L, (i + 1) * L));
    }
    spec.synergies.forEach((syn, k) => {
      const pair = (comps[5 + C + k] as (typeof comps)[number]).total[i] as number;
      const ca = (comps[5 + syn.a] as (typeof comps)[number]).total[i] as number;
      const cb = (comps[5 + syn.b] as (typeof comps)[number]).total[i] as number;
      (synLift[k] as Float64Array)[i] = pair / (ca + cb);
    });
  }

  const fitted = columnBands(mu, D, N);
  const predB = columnBands(pred, D, N);
  const y = spec.y;
  const iv = (a: Float64Array) => roundInterval(summarize(a));
  const ivOrNull = (a: Float64Array | null | undefined) => (a ? iv(a) : null);

  const channels: ChannelAnalysis[] = spec.channels.map((ch, c) => {
    const contrib = (comps[5 + c] as (typeof comps)[number]).total;
    const parameters: Record<string, Interval> = {};
    spec.parameters.forEach((p, j) => {
      if (!p.label.endsWith(`[${ch.name}]`)) return;
      const col = new Float64Array(draws.draws);
      for (let d = 0; d < draws.draws; d++) col[d] = draws.values[d * draws.dim + j] as number;
      parameters[p.label] = iv(col);
    });
    return {
      name: ch.name,
      type: ch.type,
      spend: spendTotal[c] as number,
      spendShare: round((spendTotal[c] as number) / allSpend),
      contribution: iv(contrib),
      contributionShare: iv(contrib.map((v, i) => v / (mediaTotal[i] as number))),
      roi: iv(roi[c] as Float64Array),
      marginalRoi: iv(mroi[c] as Float64Array),
      viralShare: ivOrNull(viral[c]),
      networkShare: ivOrNull(networkS[c]),
      authenticityShare: ivOrNull(authS[c]),
      consistencyShare: ivOrNull(consS[c]),
      parameters,
    };
  });

  const responseCurves: ResponseCurve[] = spec.channels.map((ch, c) => {
    const b = columnBands(curves[c] as Float64Array, D, M);
    const spend = mults.map((m) => m * (spendTotal[c] as number));
    let saturation: ResponseCurve["saturation"] = null;
    const marginal: number[] = [];
    for (let k = 0; k + 1 < M; k++) {
      const ds = (spend[k + 1] as number) - (spend[k] as number);
      marginal.push(ds > 0 ? ((b.mean[k + 1] as number) - (b.mean[k] as number)) / ds : Number.NaN);
    }
    // an S-curve starts flat: look for the drop only after its steepest part
    let peak = 0;
    for (let k = 1; k < marginal.length; k++)
      if ((marginal[k] as number) > (marginal[peak] as number)) peak = k;
    for (let k = peak; k < marginal.length; k++) {
      if ((marginal[k] as number) < threshold) {
        const at =
          k === peak && (marginal[peak] as number) < threshold
            ? 0
            : 0.5 * ((mults[k] as number) + (mults[k + 1] as number));
        saturation = { multiplier: round(at), spend: round(at * (spendTotal[c] as number)), threshold };
        break;
      }
    }
    const at1 = mults.indexOf(1);
    return {
      channel: ch.name,
      multipliers: mults,
      spend: roundArr(spend),
      kpi: band(b),
      current: {
        multiplier: 1 as const,
        spend: spendTotal[c] as number,
        kpi: round(at1 >= 0 ? (b.mean[at1] as number) : Number.NaN),
      },
      saturation,
    };
  });

  return {
    version: 1,
    draws: {
      total: draws.draws,
      used: D,
      thinned: D < draws.draws,
      note:
        D < draws.draws
          ? `per-draw quantities use ${D} of ${draws.draws} draws (evenly thinned); parameter summaries use all draws`
          : "all draws used",
    },
    dates: spec.dates,
    trainingWeeks: n,
    holdoutWeeks: N - n,
    scoredWeeks: n,
    kpiMean: kpi,
    decomposition: {
      weekly: comps.map((c) => ({ name: c.name, kind: c.kind, ...band(columnBands(c.weekly, D, N)) })),
      totals: comps.map((c) => {
        const share = new Float64Array(D);
        for (let i = 0; i < D; i++) {
          let s = 0;
          for (let t = 0; t < n; t++) s += mu[i * N + t] as number;
          share[i] = (c.total[i] as number) / s;
        }
        return { name: c.name, kind: c.kind, total: iv(c.total), share: iv(share) };
      }),
    },
    fit: {
      actual: Array.from(y, (v) => round(v * kpi)),
      fitted: band(fitted),
      predictive: { lo: roundArr(predB.lo), hi: roundArr(predB.hi) },
      holdout: Array.from({ length: N }, (_, t) => t >= n),
    },
    channels,
    synergies: spec.synergies.map((s, k) => ({
      a: spec.channels[s.a]?.name ?? "",
      b: spec.channels[s.b]?.name ?? "",
      contribution: iv((comps[5 + C + k] as (typeof comps)[number]).total),
      lift: iv(synLift[k] as Float64Array),
    })),
    responseCurves,
    adstock: spec.channels.map((ch, c) => ({
      channel: ch.name,
      lags: Array.from({ length: L }, (_, l) => l),
      weight: band(columnBands(adstockW[c] as Float64Array, D, L)),
    })),
  };
}
