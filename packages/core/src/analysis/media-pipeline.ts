/**
 * The per-channel media pipeline of docs/model.md section 2 (adstock -> viral echo -> network ->
 * authenticity/consistency -> Hill), written for analysis: full history series for response
 * curves, and a horizon form that carries the history state forward so that the optimizer and
 * scenarios only recompute the planned weeks. The model's forward pass is the reference; the
 * tests check these against it and against the conformance vectors.
 */
import type { ChannelType } from "../data/types.ts";

export type SaturationKind = "hill" | "logistic" | "power";

/** Which optional stages a channel's pipeline has (model.md: by type, overridable per channel). */
export interface PipelineStages {
  viralEcho: boolean;
  network: boolean;
  authenticity: boolean;
  consistency: boolean;
  saturation: SaturationKind;
}

export function defaultStages(type: ChannelType): PipelineStages {
  return {
    viralEcho: type === "social",
    network: type === "social",
    authenticity: type === "influencer",
    consistency: type === "influencer",
    saturation: "hill",
  };
}

export const NETWORK_WINDOW = 4;
export const CONSISTENCY_WINDOW = 8;

/** Fixed per-channel data: scaled history spend and the training constants used by transforms. */
export interface ChannelHistory {
  name: string;
  type: ChannelType;
  stages: PipelineStages;
  /** Currency per scaled unit: x = spend / spendMean. */
  spendMean: number;
  /** Scaled spend of every data row (training + holdout), oldest first. */
  x: Float64Array;
  /** Training min/max of the 4-week rolling mean (social network index). */
  networkMin: number;
  networkMax: number;
  /** Training max of x (influencer authenticity). */
  maxX: number;
}

/** One draw's parameters of one channel, constrained scale. Absent pieces are 0. */
export interface ChannelDraw {
  beta: number;
  /** Normalized adstock weights w_0..w_{L-1} (sum 1). */
  adstockWeights: Float64Array;
  /** Hill half-saturation and shape; logistic lambda; power rho (unused ones 0). */
  K: number;
  S: number;
  lambda: number;
  rho: number;
  kappa: number;
  delta: number;
  eta: number;
  phi: number;
  psi: number;
}

export function geometricAdstockWeights(alpha: number, lags: number): Float64Array {
  const w = new Float64Array(lags);
  let p = 1;
  let s = 0;
  for (let l = 0; l < lags; l++) {
    w[l] = p;
    s += p;
    p *= alpha;
  }
  for (let l = 0; l < lags; l++) w[l] = (w[l] as number) / s;
  return w;
}

/** Hill as inv_logit(S (log e - log K)), exactly 0 at e <= 0 (model.md conventions). */
export function hill(e: number, logK: number, S: number): number {
  if (e <= 0) return 0;
  return 1 / (1 + Math.exp(-S * (Math.log(e) - logK)));
}

/** Saturation of exposure e and d sat / d e, for the channel's kind. */
export function saturate(
  kind: SaturationKind,
  e: number,
  p: ChannelDraw,
  logK: number,
  out: Float64Array,
): void {
  if (kind === "logistic") {
    const q = Math.exp(-p.lambda * e);
    const s = (1 - q) / (1 + q);
    out[0] = s;
    out[1] = (p.lambda * (1 - s * s)) / 2;
    return;
  }
  if (e <= 0) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  if (kind === "power") {
    const s = Math.exp(p.rho * Math.log(e));
    out[0] = s;
    out[1] = (p.rho * s) / e;
    return;
  }
  const s = 1 / (1 + Math.exp(-p.S * (Math.log(e) - logK)));
  out[0] = s;
  out[1] = (p.S * s * (1 - s)) / e;
}

/** Network index r: min-max scaled rolling mean with the training constants, floored at 0. */
export function networkIndex(roll: number, h: ChannelHistory): number {
  const range = h.networkMax - h.networkMin;
  const r = range > 0 ? (roll - h.networkMin) / range : 0;
  return r > 0 ? r : 0;
}

/** (1 - |2 x / max - 1|)^2, 0 where the inner term is negative (spend above the training max). */
export function authenticity(x: number, maxX: number): number {
  if (!(maxX > 0)) return 0;
  const u = 1 - Math.abs((2 * x) / maxX - 1);
  return u > 0 ? u * u : 0;
}

export interface ChannelSeries {
  adstock: Float64Array;
  viralEcho: Float64Array;
  exposure: Float64Array;
  saturation: Float64Array;
}

/** Runs the channel pipeline over a whole spend series x (scaled), x = 0 before the first row. */
export function channelSeries(x: Float64Array, h: ChannelHistory, p: ChannelDraw): ChannelSeries {
  const n = x.length;
  const L = p.adstockWeights.length;
  const adstock = new Float64Array(n);
  const viralEcho = new Float64Array(n);
  const exposure = new Float64Array(n);
  const saturation = new Float64Array(n);
  const logK = Math.log(p.K);
  const st = h.stages;
  const tmp = new Float64Array(2);
  for (let t = 0; t < n; t++) {
    let a = 0;
    for (let l = 0; l < L && l <= t; l++) a += (p.adstockWeights[l] as number) * (x[t - l] as number);
    adstock[t] = a;
    let e = a;
    if (st.viralEcho) {
      const o = t === 0 ? 0 : p.kappa * (adstock[t - 1] as number) + p.delta * (viralEcho[t - 1] as number);
      viralEcho[t] = o;
      e += o;
    }
    if (st.network) {
      let roll = 0;
      for (let j = 0; j < NETWORK_WINDOW && j <= t; j++) roll += x[t - j] as number;
      e *= 1 + p.eta * networkIndex(roll / NETWORK_WINDOW, h);
    }
    if (st.authenticity) e *= 1 + p.phi * authenticity(x[t] as number, h.maxX);
    if (st.consistency) {
      let m = 0;
      for (let j = 0; j < CONSISTENCY_WINDOW && j <= t; j++) m += x[t - j] as number;
      e *= 1 + p.psi * (1 - Math.exp(-m / CONSISTENCY_WINDOW));
    }
    exposure[t] = e;
    saturate(st.saturation, e, p, logK, tmp);
    saturation[t] = tmp[0] as number;
  }
  return { adstock, viralEcho, exposure, saturation };
}

/**
 * Per-draw state of one channel for a planning horizon of H weeks appended after the history.
 * Everything the history contributes to the horizon weeks is linear in the history spend, so it
 * is folded into per-week coefficients once; a flat weekly spend x then gives
 *   e_h(x) = (b0_h + b1_h x) (1 + eta (r0_h + r1_h x)) (1 + phi auth(x)) (1 + psi (1 - exp(-(m0_h + m1_h x))))
 * with every factor that does not apply to the channel's type switched off.
 */
export class ChannelHorizon {
  readonly weeks: number;
  readonly draws: number;
  readonly history: ChannelHistory;
  readonly params: ChannelDraw[];
  private readonly logK: Float64Array;
  // flat-spend coefficients, draws x weeks
  private readonly b0: Float64Array;
  private readonly b1: Float64Array;
  private readonly r0: Float64Array; // network index from history part (per week, draw independent)
  private readonly r1: Float64Array;
  private readonly m0: Float64Array;
  private readonly m1: Float64Array;
  /** Echo state at the last history week (a_{T-1}, o_{T-1}) per draw. */
  private readonly lastA: Float64Array;
  private readonly lastO: Float64Array;
  private readonly tmp = new Float64Array(2);
  private readonly one = new Int32Array(1);
  // per-call scratch (network index, consistency factor and their derivatives per horizon week)
  private readonly wr: Float64Array;
  private readonly wdr: Float64Array;
  private readonly wc: Float64Array;
  private readonly wdc: Float64Array;

  constructor(history: ChannelHistory, params: ChannelDraw[], weeks: number) {
    this.history = history;
    this.params = params;
    this.weeks = weeks;
    const D = params.length;
    this.draws = D;
    const H = weeks;
    const x = history.x;
    const T = x.length;
    const xAt = (t: number): number => (t >= 0 && t < T ? (x[t] as number) : 0);
    this.logK = Float64Array.from(params, (p) => Math.log(p.K));
    this.b0 = new Float64Array(D * H);
    this.b1 = new Float64Array(D * H);
    this.lastA = new Float64Array(D);
    this.lastO = new Float64Array(D);
    this.r0 = new Float64Array(H);
    this.r1 = new Float64Array(H);
    this.m0 = new Float64Array(H);
    this.m1 = new Float64Array(H);
    this.wr = new Float64Array(H);
    this.wdr = new Float64Array(H);
    this.wc = new Float64Array(H);
    this.wdc = new Float64Array(H);
    const range = history.networkMax - history.networkMin;
    for (let h = 0; h < H; h++) {
      let roll = 0;
      for (let j = h + 1; j < NETWORK_WINDOW; j++) roll += xAt(T + h - j);
      const unit = Math.min(h + 1, NETWORK_WINDOW) / NETWORK_WINDOW;
      this.r0[h] = range > 0 ? (roll / NETWORK_WINDOW - history.networkMin) / range : 0;
      this.r1[h] = range > 0 ? unit / range : 0;
      let m = 0;
      for (let j = h + 1; j < CONSISTENCY_WINDOW; j++) m += xAt(T + h - j);
      this.m0[h] = m / CONSISTENCY_WINDOW;
      this.m1[h] = Math.min(h + 1, CONSISTENCY_WINDOW) / CONSISTENCY_WINDOW;
    }
    const social = history.stages.viralEcho;
    for (let d = 0; d < D; d++) {
      const p = params[d] as ChannelDraw;
      const w = p.adstockWeights;
      const L = w.length;
      if (social) {
        // run the echo recursion over the history once
        let aPrev = 0;
        let oPrev = 0;
        for (let t = 0; t < T; t++) {
          let a = 0;
          for (let l = 0; l < L && l <= t; l++) a += (w[l] as number) * (x[t - l] as number);
          const o = t === 0 ? 0 : p.kappa * aPrev + p.delta * oPrev;
          aPrev = a;
          oPrev = o;
        }
        this.lastA[d] = aPrev;
        this.lastO[d] = oPrev;
      }
      let aH = 0;
      let aU = 0;
      let oH = 0;
      let oU = 0;
      for (let h = 0; h < H; h++) {
        let nh = 0;
        let nu = 0;
        for (let l = 0; l < L; l++) {
          if (l > h) nh += (w[l] as number) * xAt(T + h - l);
          else nu += w[l] as number;
        }
        if (social) {
          if (h === 0) {
            oH = T > 0 ? p.kappa * (this.lastA[d] as number) + p.delta * (this.lastO[d] as number) : 0;
            oU = 0;
          } else {
            oH = p.kappa * aH + p.delta * oH;
            oU = p.kappa * aU + p.delta * oU;
          }
        }
        aH = nh;
        aU = nu;
        this.b0[d * H + h] = aH + (social ? oH : 0);
        this.b1[d * H + h] = aU + (social ? oU : 0);
      }
    }
  }

  /**
   * Saturation per horizon week for flat weekly spend `spend` (currency) under draw d, and its
   * derivative with respect to that weekly spend (per currency unit). Writes sat[off..off+H).
   */
  flat(d: number, spend: number, sat: Float64Array, dsat: Float64Array, off: number): void {
    this.one[0] = d;
    this.flatMany(this.one, spend, sat, dsat, off);
  }

  /**
   * flat() for many draws at once: draw idx[i] writes sat[off + i*H ..]. The network, authenticity
   * and consistency factors do not depend on the draw's parameters except through eta/phi/psi, so
   * they are computed once per call.
   */
  flatMany(idx: Int32Array, spend: number, sat: Float64Array, dsat: Float64Array, off: number): void {
    const H = this.weeks;
    const hist = this.history;
    const st = hist.stages;
    const scale = 1 / hist.spendMean;
    const x = spend * scale;
    let auth = 0;
    let dauth = 0;
    if (st.authenticity && hist.maxX > 0) {
      const u = (2 * x) / hist.maxX - 1;
      const v = 1 - Math.abs(u);
      if (v > 0) {
        auth = v * v;
        dauth = (-4 * v * Math.sign(u)) / hist.maxX;
      }
    }
    const r = this.wr;
    const dr = this.wdr;
    const cs = this.wc;
    const dcs = this.wdc;
    for (let h = 0; h < H; h++) {
      if (st.network) {
        const v = (this.r0[h] as number) + (this.r1[h] as number) * x;
        r[h] = v > 0 ? v : 0;
        dr[h] = v > 0 ? (this.r1[h] as number) : 0;
      }
      if (st.consistency) {
        const m1 = this.m1[h] as number;
        const ex = Math.exp(-((this.m0[h] as number) + m1 * x));
        cs[h] = 1 - ex;
        dcs[h] = ex * m1;
      }
    }
    const hillFast = st.saturation === "hill";
    const tmp = this.tmp;
    const hasNet = st.network;
    const hasAuth = st.authenticity;
    const hasCons = st.consistency;
    const plain = !hasNet && !hasAuth && !hasCons;
    const B0 = this.b0;
    const B1 = this.b1;
    const LK = this.logK;
    const params = this.params;
    for (let i = 0; i < idx.length; i++) {
      const d = idx[i] as number;
      const p = params[d] as ChannelDraw;
      const logK = LK[d] as number;
      const S = p.S;
      const eta = p.eta;
      const psi = p.psi;
      const o = off + i * H;
      const base = d * H;
      const a = 1 + p.phi * auth;
      const da = p.phi * dauth;
      for (let h = 0; h < H; h++) {
        const b1 = B1[base + h] as number;
        let e = (B0[base + h] as number) + b1 * x;
        let de = b1;
        if (!plain) {
          if (hasNet) {
            const n = 1 + eta * (r[h] as number);
            de = de * n + e * eta * (dr[h] as number);
            e *= n;
          }
          if (hasAuth) {
            de = de * a + e * da;
            e *= a;
          }
          if (hasCons) {
            const c = 1 + psi * (cs[h] as number);
            de = de * c + e * psi * (dcs[h] as number);
            e *= c;
          }
        }
        if (hillFast) {
          if (e <= 0) {
            sat[o + h] = 0;
            dsat[o + h] = 0;
            continue;
          }
          const sv = 1 / (1 + Math.exp(S * (logK - Math.log(e))));
          sat[o + h] = sv;
          dsat[o + h] = ((S * sv * (1 - sv)) / e) * de * scale;
        } else {
          saturate(st.saturation, e, p, logK, tmp);
          sat[o + h] = tmp[0] as number;
          dsat[o + h] = (tmp[1] as number) * de * scale;
        }
      }
    }
  }

  /** Saturation per horizon week for an arbitrary weekly plan (scaled spend, length H) under draw d. */
  plan(d: number, xPlan: ArrayLike<number>, sat: Float64Array, off: number): void {
    this.one[0] = d;
    this.planMany(this.one, xPlan, sat, off);
  }

  /** plan() for many draws: draw idx[i] writes sat[off + i*H ..]. Spend-only factors are computed once. */
  planMany(idx: Int32Array, xPlan: ArrayLike<number>, sat: Float64Array, off: number): void {
    const H = this.weeks;
    const hist = this.history;
    const st = hist.stages;
    const x = hist.x;
    const T = x.length;
    const lags = this.params[0]?.adstockWeights.length ?? 0;
    const back = Math.max(lags, CONSISTENCY_WINDOW, NETWORK_WINDOW);
    // spend from `back` weeks before the horizon through its end
    const xt = new Float64Array(back + H);
    for (let j = 0; j < back; j++) {
      const t = T - back + j;
      xt[j] = t >= 0 ? (x[t] as number) : 0;
    }
    for (let h = 0; h < H; h++) xt[back + h] = xPlan[h] as number;
    const net = new Float64Array(H);
    const auth = new Float64Array(H);
    const cons = new Float64Array(H);
    for (let h = 0; h < H; h++) {
      const j0 = back + h;
      if (st.network) {
        let roll = 0;
        for (let j = 0; j < NETWORK_WINDOW; j++) roll += xt[j0 - j] as number;
        net[h] = networkIndex(roll / NETWORK_WINDOW, hist);
      }
      if (st.authenticity) auth[h] = authenticity(xt[j0] as number, hist.maxX);
      if (st.consistency) {
        let m = 0;
        for (let j = 0; j < CONSISTENCY_WINDOW; j++) m += xt[j0 - j] as number;
        cons[h] = 1 - Math.exp(-m / CONSISTENCY_WINDOW);
      }
    }
    const tmp = this.tmp;
    for (let i = 0; i < idx.length; i++) {
      const d = idx[i] as number;
      const p = this.params[d] as ChannelDraw;
      const w = p.adstockWeights;
      const L = w.length;
      const logK = this.logK[d] as number;
      let aPrev = this.lastA[d] as number;
      let oPrev = this.lastO[d] as number;
      const o0 = off + i * H;
      for (let h = 0; h < H; h++) {
        const j0 = back + h;
        let a = 0;
        for (let l = 0; l < L; l++) a += (w[l] as number) * (xt[j0 - l] as number);
        let e = a;
        if (st.viralEcho) {
          const o = T + h === 0 ? 0 : p.kappa * aPrev + p.delta * oPrev;
          e += o;
          oPrev = o;
        }
        if (st.network) e *= 1 + p.eta * (net[h] as number);
        if (st.authenticity) e *= 1 + p.phi * (auth[h] as number);
        if (st.consistency) e *= 1 + p.psi * (cons[h] as number);
        aPrev = a;
        saturate(st.saturation, e, p, logK, tmp);
        sat[o0 + h] = tmp[0] as number;
      }
    }
  }
}

/**
 * A channel's history pipeline under spend scaled by a multiplier m (response curves, marginal
 * ROI, counterfactuals). Adstock, viral echo and the rolling means are linear in spend, so they are
 * computed once; each multiplier then costs one pass over the weeks.
 */
export class ScaledChannel {
  private readonly h: ChannelHistory;
  private readonly p: ChannelDraw;
  private readonly a: Float64Array;
  private readonly o: Float64Array;
  private readonly roll: Float64Array;
  private readonly cm: Float64Array;
  private readonly logK: number;
  private readonly tmp = new Float64Array(2);

  constructor(h: ChannelHistory, p: ChannelDraw) {
    this.h = h;
    this.p = p;
    this.logK = Math.log(p.K);
    const s = channelSeries(h.x, h, p);
    this.a = s.adstock;
    this.o = s.viralEcho;
    const n = h.x.length;
    this.roll = new Float64Array(n);
    this.cm = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      let r = 0;
      for (let j = 0; j < NETWORK_WINDOW && j <= t; j++) r += h.x[t - j] as number;
      this.roll[t] = r / NETWORK_WINDOW;
      let m = 0;
      for (let j = 0; j < CONSISTENCY_WINDOW && j <= t; j++) m += h.x[t - j] as number;
      this.cm[t] = m / CONSISTENCY_WINDOW;
    }
  }

  /** Saturation per week at spend m * x; `off` switches single stages off (counterfactuals). */
  saturation(
    m: number,
    out: Float64Array,
    off: { viralEcho?: boolean; network?: boolean; authenticity?: boolean; consistency?: boolean } = {},
  ): Float64Array {
    const { h, p } = this;
    const st = h.stages;
    const n = h.x.length;
    const echo = st.viralEcho && !off.viralEcho;
    const net = st.network && !off.network;
    const auth = st.authenticity && !off.authenticity;
    const cons = st.consistency && !off.consistency;
    const hillFast = st.saturation === "hill";
    const A = this.a;
    const O = this.o;
    const logK = this.logK;
    const S = p.S;
    for (let t = 0; t < n; t++) {
      let e = m * ((A[t] as number) + (echo ? (O[t] as number) : 0));
      if (net) e *= 1 + p.eta * networkIndex(m * (this.roll[t] as number), h);
      if (auth) e *= 1 + p.phi * authenticity(m * (h.x[t] as number), h.maxX);
      if (cons) e *= 1 + p.psi * (1 - Math.exp(-m * (this.cm[t] as number)));
      if (hillFast) out[t] = e > 0 ? 1 / (1 + Math.exp(S * (logK - Math.log(e)))) : 0;
      else {
        saturate(st.saturation, e, p, logK, this.tmp);
        out[t] = this.tmp[0] as number;
      }
    }
    return out;
  }
}
