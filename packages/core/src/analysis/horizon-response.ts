/**
 * What the optimizer and scenario evaluation need from a posterior (docs/model.md sections 6 and
 * 10.8): for each draw, every channel's response over a planning horizon of H weeks appended
 * after the data, as a function of planned spend, through the model's own channel pipeline
 * (model/channel-pipeline.ts), plus the non-media part of the mean and the link that turns the
 * mean into expected KPI. Built from a fitted v1 model in model-adapter.ts and from a v2 model in
 * model-adapter-v2.ts; tests build small synthetic ones (synthetic-response.ts).
 *
 * Per draw i, geo g and horizon week h:
 *
 *   eta[i,g,h] = base[i,g,h] + sum_c betaGeo[i,c,g] m[i,h]^tv_c r_c[i,g,h] + sum_(a,b) gamma_ab r_a r_b
 *   KPI_i      = sum_(g,h) kpiScale_g F(eta[i,g,h] + halfVar[i,g])     F = identity or exp (log link)
 *
 * A plan sets each *line*'s spend (a line is a channel, or a channel in one geo for per-geo
 * plans); a line's spend reaches its geos as scaled input through `inputPerCurrency` (geo share x
 * input per currency: 1 / spend mean, the historical cost per exposure unit, or per reached person
 * at the planned frequency). Channels without a line (organic) keep a fixed weekly input.
 */
import { ChannelPipeline, type PipelineStage } from "../model/channel-pipeline.ts";

export interface PlanLine {
  /** Key of bounds, allocations and scenario plans: the channel's name, or `channel@geo`. */
  name: string;
  /** Index into HorizonResponse.media. */
  channel: number;
  /** Geos the line's spend goes to, and per entry the scaled input per currency of the line's spend. */
  geos: number[];
  inputPerCurrency: Float64Array;
  /** Share of the line's spend per entry of `geos` (sums to 1). */
  geoShare: Float64Array;
  /** The line's spend per data week (currency), for the "current plan". */
  history: Float64Array;
}

export interface HorizonResponse {
  /** Line names (decision variables), `lines` order. */
  channels: string[];
  lines: PlanLine[];
  /** Planning horizon length H (weeks appended after the history). */
  weeks: number;
  draws: number;
  geos: string[];
  link: "identity" | "log";
  /** What KPI totals measure: the KPI itself (v1, revenue), units x value per unit, or units. */
  measure: "kpi" | "value" | "units";
  /** Model-scale mean -> KPI (measure) units, per geo. */
  kpiScale: Float64Array;
  /** Every model channel (planned or fixed), model order. */
  media: MediaHorizon[];
  /** Synergy pairs over media indices, and gamma per draw (draws x pairs). */
  pairs: { a: number; b: number }[];
  gamma: Float64Array;
  /** Non-media mean per (draw, geo, week), draws x geos x weeks. */
  base: Float64Array;
  /** sigma_g^2 / 2 per (draw, geo) under the log link (zeros for identity). */
  halfVar: Float64Array;
  /** Media effectiveness multiplier exp(f) per (draw, week) (ones without time-varying media). */
  effectiveness: Float64Array;
}

/** Spend of each channel over the horizon: a flat weekly amount or a full weekly plan (currency). */
export type ChannelPlan = { weekly: number } | { perWeek: ArrayLike<number> };

export interface MediaHorizonInit {
  name: string;
  stages: { perGeo: PipelineStage[][] };
  lags: number;
  /** Scaled input per [geo] over the N data weeks (R&F: the reach). */
  history: Float64Array[];
  /** R&F: frequency history per [geo] and the positions of Kf, Sf; the planned frequency. */
  rf?: { frequency: Float64Array[]; kf: number; sf: number; planned: number };
  /** Constrained parameter vector per draw (shared by all channels). */
  values: Float64Array[];
  /** betaGeo per (draw, geo), draws x geos. */
  coefficient: Float64Array;
  /** The effectiveness multiplier applies (time-varying media). */
  timeVarying: boolean;
  weeks: number;
  /** Fixed weekly scaled input per geo for a channel no line plans (organic); else null. */
  fixed?: Float64Array | null;
}

function hillF(f: number, kf: number, sf: number): number {
  return f > 0 ? 1 / (1 + Math.exp(-sf * (Math.log(f) - Math.log(kf)))) : 0;
}

/**
 * One channel over the horizon, per draw and geo: the carry-over of the history through the
 * pipeline's linear stages, the linear stages' response to a unit flat plan, and the evaluation
 * of any plan (flat or weekly) through the remaining stages.
 */
export class MediaHorizon {
  readonly name: string;
  readonly geos: number;
  readonly weeks: number;
  readonly draws: number;
  readonly historyWeeks: number;
  readonly timeVarying: boolean;
  readonly coefficient: Float64Array;
  readonly fixed: Float64Array | null;
  readonly rf: MediaHorizonInit["rf"] | null;
  private readonly pipes: ChannelPipeline[];
  private readonly values: Float64Array[];
  /** history ++ plan per geo (plan part rewritten per call) */
  private readonly series: Float64Array[];
  private readonly carry: Float64Array;
  private readonly unit: Float64Array;
  /** hillF at the planned frequency per draw (1 for other channels) */
  private readonly hf: Float64Array;
  private readonly feats: Float64Array[];
  private readonly lin: Float64Array;
  private readonly inp: Float64Array;
  private readonly tmp: Float64Array;

  constructor(o: MediaHorizonInit) {
    const G = o.history.length;
    const N = o.history[0]!.length;
    const H = o.weeks;
    const D = o.values.length;
    this.name = o.name;
    this.geos = G;
    this.weeks = H;
    this.draws = D;
    this.historyWeeks = N;
    this.timeVarying = o.timeVarying;
    this.coefficient = o.coefficient;
    this.fixed = o.fixed ?? null;
    this.rf = o.rf ?? null;
    this.values = o.values;
    this.pipes = o.stages.perGeo.map((st) => new ChannelPipeline(st, o.lags, N + H));
    this.series = o.history.map((x) => {
      const s = new Float64Array(N + H);
      s.set(x);
      return s;
    });
    this.carry = new Float64Array(D * G * H);
    this.unit = new Float64Array(D * H);
    this.hf = new Float64Array(D).fill(1);
    this.feats = this.pipes[0]!.featureBuffers(H);
    this.lin = new Float64Array(H);
    this.inp = new Float64Array(N + H);
    this.tmp = new Float64Array(N + H);
    const ones = new Float64Array(H).fill(1);
    const u = new Float64Array(H);
    for (let d = 0; d < D; d++) {
      const v = o.values[d]!;
      if (this.rf) this.hf[d] = hillF(this.rf.planned, v[this.rf.kf]!, v[this.rf.sf]!);
      for (let g = 0; g < G; g++) {
        const pipe = this.pipes[g]!;
        pipe.setParams(v);
        if (g === 0) {
          pipe.runLinear(ones, H, u);
          this.unit.set(u, d * H);
        }
        // carry-over: the history (R&F: reach x hillF(observed frequency)) followed by H empty weeks
        const inp = this.inp;
        const x = o.history[g]!;
        if (this.rf) {
          const f = this.rf.frequency[g]!;
          const kf = v[this.rf.kf]!;
          const sf = v[this.rf.sf]!;
          for (let t = 0; t < N; t++) inp[t] = x[t]! * hillF(f[t]!, kf, sf);
        } else inp.set(x);
        inp.fill(0, N);
        pipe.runLinear(inp, N + H, this.tmp);
        this.carry.set(this.tmp.subarray(N, N + H), (d * G + g) * H);
      }
    }
  }

  /**
   * Response r per horizon week in geo g under a flat weekly scaled input xw, for draws idx[i]:
   * writes out[(i * G + g) * H + h] (the layout of every per-draw horizon array); with `slope`,
   * also d r / d xw there (only where slopeInGeo(g)).
   */
  respondFlat(idx: Int32Array, g: number, xw: number, out: Float64Array, slope?: Float64Array): void {
    const { weeks: H, historyWeeks: N, geos: G } = this;
    const s = this.series[g]!;
    s.fill(xw, N);
    const pipe = this.pipes[g]!;
    pipe.features(s, N, H, this.feats);
    const lin = this.lin;
    const sl = this.tmp;
    for (let i = 0; i < idx.length; i++) {
      const d = idx[i]!;
      pipe.setParams(this.values[d]!);
      const c0 = (d * G + g) * H;
      const hf = this.hf[d]!;
      const k = xw * hf;
      for (let h = 0; h < H; h++) lin[h] = this.carry[c0 + h]! + k * this.unit[d * H + h]!;
      const o = (i * G + g) * H;
      pipe.runPointwise(lin, H, this.feats, out, o);
      if (slope) {
        pipe.pointwiseSlope(H, sl);
        for (let h = 0; h < H; h++) slope[o + h] = sl[h]! * hf * this.unit[d * H + h]!;
      }
    }
  }

  /** Whether respondFlat can return d r / d xw exactly (no week-by-week stage reads a data feature). */
  slopeInGeo(g: number): boolean {
    return this.pipes[g]!.featureFree;
  }

  /** respondFlat for a weekly plan of scaled input xPlan (H weeks). */
  respondPlan(idx: Int32Array, g: number, xPlan: ArrayLike<number>, out: Float64Array): void {
    const { weeks: H, historyWeeks: N, geos: G } = this;
    const s = this.series[g]!;
    for (let h = 0; h < H; h++) s[N + h] = xPlan[h]!;
    const pipe = this.pipes[g]!;
    pipe.features(s, N, H, this.feats);
    const lin = this.lin;
    const inp = this.inp;
    for (let i = 0; i < idx.length; i++) {
      const d = idx[i]!;
      pipe.setParams(this.values[d]!);
      const hf = this.hf[d]!;
      for (let h = 0; h < H; h++) inp[h] = xPlan[h]! * hf;
      pipe.runLinear(inp, H, lin);
      const c0 = (d * G + g) * H;
      for (let h = 0; h < H; h++) lin[h] = lin[h]! + this.carry[c0 + h]!;
      pipe.runPointwise(lin, H, this.feats, out, (i * G + g) * H);
    }
  }
}

/** All draws 0..D-1. */
export function allDrawIndices(D: number): Int32Array {
  return Int32Array.from({ length: D }, (_, i) => i);
}
