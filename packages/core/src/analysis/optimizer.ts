/**
 * Budget optimizer (docs/model.md section 6). Decision variable: total spend per channel over the
 * planning horizon, spent as a flat weekly amount (spend_c / H each week); carryover from the
 * history enters through the horizon state of each channel. Objective: the KPI over the horizon
 * per posterior draw, aggregated by its mean or a risk-aware functional (a low quantile, or
 * mean - k sd). Hill curves can be S-shaped, so the search uses several starts, projected gradient
 * ascent on {sum = budget, bounds}, and ends with a move check: no transfer of budget between two
 * channels (a single channel gaining or losing, paid for by another) improves the objective.
 */
import type { HorizonResponse, MediaHorizon, PlanLine } from "./horizon-response.ts";
import { type Interval, probabilityGreater, seededRandom, summarize, thinIndices } from "./stats.ts";

export type RiskObjective =
  { kind: "mean" } | { kind: "quantile"; q: number } | { kind: "meanMinusSd"; k: number };

export interface ChannelBound {
  /** Minimum total spend over the horizon (currency). */
  min?: number;
  /** Maximum total spend over the horizon (currency). */
  max?: number;
  /** Keep this channel at exactly this total (true: at the current plan's amount). */
  locked?: boolean | number;
}

export interface OptimizeOptions {
  budget: number;
  bounds?: Record<string, ChannelBound>;
  objective?: RiskObjective;
  /** Current plan's weekly spend per channel (currency); scaled to the budget for the uplift. */
  currentWeekly?: ArrayLike<number>;
  seed?: number;
  /** Number of random starts besides the structured ones (default 2). */
  randomStarts?: number;
  /** Draws used during the multi-start search (the final polish and all reported numbers use all). */
  searchDraws?: number;
}

export interface ChannelAllocation {
  channel: string;
  /** Total over the horizon and the flat weekly amount (currency). */
  total: number;
  weekly: number[];
  share: number;
  /** Which constraint binds, if any. */
  atBound: "min" | "max" | "locked" | null;
  currentTotal: number;
  /** Incremental KPI of the channel's own term versus zero spend over the horizon. */
  contribution: Interval;
  roi: Interval;
  /** d KPI / d spend at the optimum (per currency), mean over draws. */
  marginalRoi: number;
  /** Geo models, national lines: the total split over geos by their historical share. */
  byGeo?: Record<string, number>;
}

export interface BudgetPlan {
  channels: string[];
  weeks: number;
  budget: number;
  objective: RiskObjective;
  weeklyPattern: "flat";
  /** Unit of every KPI figure: the KPI itself, units x value per unit (ROI in money), or units. */
  measure: HorizonResponse["measure"];
  allocation: ChannelAllocation[];
  /** Total KPI over the horizon (base + media incl. carryover). */
  expectedKpi: Interval;
  /** KPI caused by the planned spend (versus spending nothing over the horizon). */
  incrementalKpi: Interval;
  roi: Interval;
  current: {
    allocation: Record<string, number>;
    expectedKpi: Interval;
    incrementalKpi: Interval;
    roi: Interval;
  };
  uplift: { kpi: Interval; relative: Interval; probabilityBetter: number };
  objectiveValue: number;
  search: {
    starts: number;
    searchDraws: number;
    draws: number;
    /** Full-draw-equivalent objective evaluations, and how many of them ran on all draws. */
    evaluations: number;
    fullDrawEvaluations: number;
    moveCheck: { steps: number[]; improvedAtEnd: boolean };
    ms: number;
  };
}

export class InfeasibleBoundsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InfeasibleBoundsError";
  }
}

/**
 * Incremental per-draw evaluation of the horizon KPI under a draw subset. Decision variables are
 * the response's lines (channels, or channel x geo); setting a line recomputes only its channel's
 * response in its geos (flat weekly spend), with the derivative of that response per currency by a
 * central difference through the same pipeline.
 */
export class PlanEvaluator {
  /** Number of lines (decision variables). */
  readonly C: number;
  readonly H: number;
  readonly D: number;
  readonly G: number;
  readonly drawIdx: Int32Array;
  private readonly resp: HorizonResponse;
  private readonly M: number;
  private readonly log: boolean;
  /** per media channel: response r and d r / d (its line's total spend), D x G x H */
  private readonly r: Float64Array[];
  private readonly dr: Float64Array[];
  /** identity link: per media channel, its own term in KPI units per draw; per pair likewise */
  private readonly own: Float64Array[];
  private readonly syn: Float64Array[];
  private readonly pairsOf: number[][];
  /** per draw KPI with every channel's response at zero (base only) */
  private readonly noMedia: Float64Array;
  private readonly baseTotal: Float64Array;
  /** log link: exp(eta + halfVar) per cell at the last kpiTotals() */
  private readonly expEta: Float64Array;
  private readonly tmpP: Float64Array;
  private readonly tmpM: Float64Array;
  readonly spend: Float64Array;
  evaluations = 0;
  // copy-on-write backup of channels changed since the last save(), so a rejected trial costs a copy
  private readonly dirty: Uint8Array;
  private readonly dirtyLine: Uint8Array;
  private readonly bR: Float64Array[];
  private readonly bDr: Float64Array[];
  private readonly bOwn: Float64Array[];
  private readonly bSpend: Float64Array;
  private readonly stale: Uint8Array;
  private readonly bStale: Uint8Array;
  private readonly totals: Float64Array;

  constructor(resp: HorizonResponse, drawIdx: Int32Array) {
    this.resp = resp;
    this.drawIdx = drawIdx;
    this.C = resp.lines.length;
    this.H = resp.weeks;
    this.D = drawIdx.length;
    this.G = resp.geos.length;
    this.M = resp.media.length;
    this.log = resp.link === "log";
    const n = this.D * this.G * this.H;
    const M = this.M;
    this.r = Array.from({ length: M }, () => new Float64Array(n));
    this.dr = Array.from({ length: M }, () => new Float64Array(n));
    this.own = Array.from({ length: M }, () => new Float64Array(this.D));
    this.syn = resp.pairs.map(() => new Float64Array(this.D));
    this.pairsOf = Array.from({ length: M }, () => [] as number[]);
    resp.pairs.forEach((p, i) => {
      this.pairsOf[p.a]?.push(i);
      if (p.b !== p.a) this.pairsOf[p.b]?.push(i);
    });
    this.expEta = new Float64Array(this.log ? n : 0);
    this.tmpP = new Float64Array(n);
    this.tmpM = new Float64Array(n);
    this.spend = new Float64Array(this.C).fill(Number.NaN);
    this.dirty = new Uint8Array(M);
    this.dirtyLine = new Uint8Array(this.C);
    this.bR = Array.from({ length: M }, () => new Float64Array(n));
    this.bDr = Array.from({ length: M }, () => new Float64Array(n));
    this.bOwn = Array.from({ length: M }, () => new Float64Array(this.D));
    this.bSpend = new Float64Array(this.C);
    this.stale = new Uint8Array(this.C).fill(1);
    this.bStale = new Uint8Array(this.C);
    this.totals = new Float64Array(this.D);
    this.noMedia = new Float64Array(this.D);
    this.baseTotal = new Float64Array(this.D);
    const { G, H } = this;
    for (let i = 0; i < this.D; i++) {
      const d = drawIdx[i]!;
      let s = 0;
      let b = 0;
      for (let g = 0; g < G; g++) {
        const k = resp.kpiScale[g]!;
        const hv = resp.halfVar[d * G + g]!;
        for (let h = 0; h < H; h++) {
          const eta = resp.base[(d * G + g) * H + h]!;
          s += k * (this.log ? Math.exp(eta + hv) : eta);
          b += k * eta;
        }
      }
      this.noMedia[i] = s;
      this.baseTotal[i] = b;
    }
    // channels no line plans (organic) sit at their fixed input
    resp.media.forEach((m, c) => {
      if (!m.fixed) return;
      for (let g = 0; g < G; g++) m.respondFlat(drawIdx, g, m.fixed[g]!, this.r[c]!);
      this.updateOwn(c);
    });
    for (let p = 0; p < resp.pairs.length; p++) this.updatePair(p);
  }

  /** Sets line l's total horizon spend (currency), recomputing only what depends on it. */
  setChannel(l: number, total: number): void {
    if (this.spend[l] === total) return;
    const line = this.resp.lines[l];
    if (!line) throw new Error(`no plan line ${l}`);
    const c = line.channel;
    if (!this.dirty[c]) {
      this.dirty[c] = 1;
      (this.bR[c] as Float64Array).set(this.r[c] as Float64Array);
      (this.bDr[c] as Float64Array).set(this.dr[c] as Float64Array);
      (this.bOwn[c] as Float64Array).set(this.own[c] as Float64Array);
    }
    if (!this.dirtyLine[l]) {
      this.dirtyLine[l] = 1;
      this.bSpend[l] = this.spend[l] as number;
      this.bStale[l] = this.stale[l] as number;
    }
    this.spend[l] = total;
    const media = this.resp.media[c] as MediaHorizon;
    const r = this.r[c] as Float64Array;
    const dr = this.dr[c] as Float64Array;
    const { D, G, H } = this;
    let exact = true;
    line.geos.forEach((g, j) => {
      const k = line.inputPerCurrency[j] as number;
      if (media.slopeInGeo(g)) {
        // d r / d xw by the stages' own reverse sweeps, then d xw / d total = k / H
        media.respondFlat(this.drawIdx, g, (total / H) * k, r, dr);
        const f = k / H;
        for (let i = 0; i < D; i++) {
          const o = (i * G + g) * H;
          for (let h = 0; h < H; h++) dr[o + h] = (dr[o + h] as number) * f;
        }
      } else {
        media.respondFlat(this.drawIdx, g, (total / H) * k, r);
        exact = false;
      }
    });
    // a channel whose stages read data features: the derivative by central differences, computed
    // when a gradient asks for it (most trial points never need it)
    this.stale[l] = exact ? 0 : 1;
    this.updateOwn(c);
    for (const p of this.pairsOf[c] as number[]) this.updatePair(p);
    this.evaluations += 1 / this.C;
  }

  /** d r / d total spend of line l in its geos, by a central difference (one-sided at the lower end). */
  private refreshDerivative(l: number): void {
    const line = this.resp.lines[l] as PlanLine;
    const c = line.channel;
    const { H, D, G } = this;
    const media = this.resp.media[c] as MediaHorizon;
    const r = this.r[c] as Float64Array;
    const dr = this.dr[c] as Float64Array;
    const P = this.tmpP;
    const Mn = this.tmpM;
    const total = this.spend[l] as number;
    line.geos.forEach((g, j) => {
      const k = line.inputPerCurrency[j] as number;
      const xw = (total / H) * k;
      const step = 1e-5 * Math.max(xw, 0.01);
      media.respondFlat(this.drawIdx, g, xw + step, P);
      const central = xw > step;
      if (central) media.respondFlat(this.drawIdx, g, xw - step, Mn);
      const f = k / H / (central ? 2 * step : step);
      for (let i = 0; i < D; i++) {
        const o = (i * G + g) * H;
        for (let h = 0; h < H; h++)
          dr[o + h] = ((P[o + h] as number) - (central ? (Mn[o + h] as number) : (r[o + h] as number))) * f;
      }
    });
    this.stale[l] = 0;
  }

  /** Coefficient of channel c's response at (draw row i, geo g, week h). */
  private coef(c: number, i: number, g: number, h: number): number {
    const resp = this.resp;
    const d = this.drawIdx[i] as number;
    const m = resp.media[c] as MediaHorizon;
    const b = m.coefficient[d * this.G + g] as number;
    return m.timeVarying ? b * (resp.effectiveness[d * this.H + h] as number) : b;
  }

  private updateOwn(c: number): void {
    const { D, G, H, resp } = this;
    const r = this.r[c] as Float64Array;
    const own = this.own[c] as Float64Array;
    const m = resp.media[c] as MediaHorizon;
    const coef = m.coefficient;
    const eff = resp.effectiveness;
    for (let i = 0; i < D; i++) {
      const d = this.drawIdx[i] as number;
      let s = 0;
      for (let g = 0; g < G; g++) {
        let sg = 0;
        const o = (i * G + g) * H;
        if (m.timeVarying)
          for (let h = 0; h < H; h++) sg += (eff[d * H + h] as number) * (r[o + h] as number);
        else for (let h = 0; h < H; h++) sg += r[o + h] as number;
        s += (resp.kpiScale[g] as number) * (coef[d * G + g] as number) * sg;
      }
      own[i] = s;
    }
  }

  private updatePair(p: number): void {
    const pair = this.resp.pairs[p] as { a: number; b: number };
    const ra = this.r[pair.a] as Float64Array;
    const rb = this.r[pair.b] as Float64Array;
    const out = this.syn[p] as Float64Array;
    const P = this.resp.pairs.length;
    const { D, G, H, resp } = this;
    for (let i = 0; i < D; i++) {
      const d = this.drawIdx[i] as number;
      let s = 0;
      for (let g = 0; g < G; g++) {
        let sg = 0;
        for (let h = 0; h < H; h++) {
          const o = (i * G + g) * H + h;
          sg += (ra[o] as number) * (rb[o] as number);
        }
        s += (resp.kpiScale[g] as number) * sg;
      }
      out[i] = (resp.gamma[d * P + p] as number) * s;
    }
  }

  /** Marks the current state as the one restore() returns to. */
  save(): void {
    this.dirty.fill(0);
    this.dirtyLine.fill(0);
  }

  /** Returns to the state of the last save() without recomputing any curve. */
  restore(): void {
    for (let c = 0; c < this.M; c++) {
      if (!this.dirty[c]) continue;
      (this.r[c] as Float64Array).set(this.bR[c] as Float64Array);
      (this.dr[c] as Float64Array).set(this.bDr[c] as Float64Array);
      (this.own[c] as Float64Array).set(this.bOwn[c] as Float64Array);
    }
    for (let l = 0; l < this.C; l++)
      if (this.dirtyLine[l]) {
        this.spend[l] = this.bSpend[l] as number;
        this.stale[l] = this.bStale[l] as number;
      }
    for (let p = 0; p < this.resp.pairs.length; p++) {
      const pair = this.resp.pairs[p] as { a: number; b: number };
      if (this.dirty[pair.a] || this.dirty[pair.b]) this.updatePair(p);
    }
    this.save();
  }

  setAll(totals: ArrayLike<number>): void {
    for (let c = 0; c < this.C; c++) this.setChannel(c, totals[c] as number);
  }

  /** Per-draw KPI over the horizon (measure units), base included. */
  kpiTotals(out: Float64Array = new Float64Array(this.D)): Float64Array {
    const { D, G, H, M, resp } = this;
    if (!this.log) {
      for (let i = 0; i < D; i++) {
        let s = this.baseTotal[i] as number;
        for (let c = 0; c < M; c++) s += (this.own[c] as Float64Array)[i] as number;
        for (const syn of this.syn) s += syn[i] as number;
        out[i] = s;
      }
      return out;
    }
    const P = resp.pairs.length;
    const ex = this.expEta;
    for (let i = 0; i < D; i++) {
      const d = this.drawIdx[i] as number;
      let s = 0;
      for (let g = 0; g < G; g++) {
        const hv = resp.halfVar[d * G + g] as number;
        let sg = 0;
        for (let h = 0; h < H; h++) {
          const o = (i * G + g) * H + h;
          let eta = resp.base[(d * G + g) * H + h] as number;
          for (let c = 0; c < M; c++)
            eta += this.coef(c, i, g, h) * ((this.r[c] as Float64Array)[o] as number);
          for (let p = 0; p < P; p++) {
            const pair = resp.pairs[p] as { a: number; b: number };
            eta +=
              (resp.gamma[d * P + p] as number) *
              ((this.r[pair.a] as Float64Array)[o] as number) *
              ((this.r[pair.b] as Float64Array)[o] as number);
          }
          const e = Math.exp(eta + hv);
          ex[o] = e;
          sg += e;
        }
        s += (resp.kpiScale[g] as number) * sg;
      }
      out[i] = s;
    }
    return out;
  }

  /** Per-draw KPI caused by all media over the horizon (versus every response at zero). */
  mediaTotals(out: Float64Array = new Float64Array(this.D)): Float64Array {
    this.kpiTotals(out);
    for (let i = 0; i < this.D; i++) out[i] = (out[i] as number) - (this.noMedia[i] as number);
    return out;
  }

  /**
   * Per-draw KPI of line l at the current plan versus the same plan with the line at zero: its own
   * term (identity link; synergies are reported apart) or the counterfactual difference (log link).
   */
  channelTotals(l: number): Float64Array {
    const line = this.resp.lines[l] as PlanLine;
    const D = this.D;
    const at = (): Float64Array => {
      if (this.log) return this.kpiTotals();
      const out = new Float64Array(D);
      const r = this.r[line.channel] as Float64Array;
      for (let i = 0; i < D; i++) {
        let s = 0;
        for (const g of line.geos) {
          let sg = 0;
          for (let h = 0; h < this.H; h++)
            sg += this.coef(line.channel, i, g, h) * (r[(i * this.G + g) * this.H + h] as number);
          s += (this.resp.kpiScale[g] as number) * sg;
        }
        out[i] = s;
      }
      return out;
    };
    const now = at();
    const total = this.spend[l] as number;
    this.save();
    this.setChannel(l, 0);
    const zero = at();
    this.restore();
    this.spend[l] = total;
    for (let i = 0; i < D; i++) now[i] = (now[i] as number) - (zero[i] as number);
    return now;
  }

  /** Objective value and, optionally, its gradient per line (KPI per currency of total spend). */
  objective(obj: RiskObjective, grad?: Float64Array): number {
    const t = this.mediaTotals(this.totals);
    const D = this.D;
    let value: number;
    // weights w_i such that d value = sum_i w_i d total_i
    let weights: (i: number) => number;
    if (obj.kind === "mean") {
      let s = 0;
      for (let i = 0; i < D; i++) s += t[i] as number;
      value = s / D;
      weights = () => 1 / D;
    } else if (obj.kind === "meanMinusSd") {
      let s = 0;
      for (let i = 0; i < D; i++) s += t[i] as number;
      const m = s / D;
      let ss = 0;
      for (let i = 0; i < D; i++) ss += ((t[i] as number) - m) ** 2;
      const sd = Math.sqrt(ss / D);
      value = m - obj.k * sd;
      weights = (i) => 1 / D - (sd > 0 ? (obj.k * ((t[i] as number) - m)) / (D * sd) : 0);
    } else {
      // quantile: the value interpolates two order statistics; its ascent direction uses a kernel
      // over neighbouring order statistics (the exact quantile's gradient flows through one or two
      // draws and jumps as they swap; every step is still accepted only if the exact value rises)
      const order = Int32Array.from({ length: D }, (_, i) => i).sort(
        (a, b) => (t[a] as number) - (t[b] as number) || a - b,
      );
      const h = (D - 1) * obj.q;
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, D - 1);
      const f = h - lo;
      value = (1 - f) * (t[order[lo] as number] as number) + f * (t[order[hi] as number] as number);
      const band = Math.max(1, Math.round(0.03 * D));
      const w = new Float64Array(D);
      let ws = 0;
      for (let r = Math.max(0, lo - band); r <= Math.min(D - 1, hi + band); r++) {
        const k = Math.max(0, 1 - Math.abs(r - h) / (band + 1));
        w[order[r] as number] = k;
        ws += k;
      }
      weights = (i) => (w[i] as number) / ws;
    }
    if (grad) this.gradient(weights, grad);
    return value;
  }

  /** grad_l = sum_i w_i d total_i / d spend_l (mediaTotals() must have run at this state). */
  private gradient(weight: (i: number) => number, grad: Float64Array): void {
    const { D, G, H, resp } = this;
    const P = resp.pairs.length;
    const w = new Float64Array(D);
    for (let i = 0; i < D; i++) w[i] = weight(i);
    for (let l = 0; l < this.C; l++) {
      if (this.stale[l]) this.refreshDerivative(l);
      const line = resp.lines[l] as PlanLine;
      const c = line.channel;
      const dr = this.dr[c] as Float64Array;
      const pairs = this.pairsOf[c] as number[];
      let gl = 0;
      for (let i = 0; i < D; i++) {
        const wi = w[i] as number;
        if (wi === 0) continue;
        const d = this.drawIdx[i] as number;
        let s = 0;
        for (const g of line.geos) {
          let sg = 0;
          for (let h = 0; h < H; h++) {
            const o = (i * G + g) * H + h;
            let m = this.coef(c, i, g, h);
            for (const p of pairs) {
              const pair = resp.pairs[p] as { a: number; b: number };
              const other = (pair.a === c ? this.r[pair.b] : this.r[pair.a]) as Float64Array;
              m += (resp.gamma[d * P + p] as number) * (other[o] as number);
            }
            if (this.log) m *= this.expEta[o] as number;
            sg += (dr[o] as number) * m;
          }
          s += (resp.kpiScale[g] as number) * sg;
        }
        gl += wi * s;
      }
      grad[l] = gl;
    }
  }
}

interface ResolvedBounds {
  lo: Float64Array;
  hi: Float64Array;
  locked: Uint8Array;
}

export function resolveBounds(
  channels: string[],
  budget: number,
  bounds: Record<string, ChannelBound> | undefined,
  currentTotals: Float64Array,
): ResolvedBounds {
  if (!(budget > 0) || !Number.isFinite(budget))
    throw new InfeasibleBoundsError(`budget must be a positive number, got ${budget}`);
  const C = channels.length;
  const lo = new Float64Array(C);
  const hi = new Float64Array(C).fill(budget);
  const locked = new Uint8Array(C);
  for (const name of Object.keys(bounds ?? {})) {
    if (!channels.includes(name))
      throw new InfeasibleBoundsError(
        `bounds name unknown channel "${name}" (channels: ${channels.join(", ")})`,
      );
  }
  channels.forEach((name, c) => {
    const b = bounds?.[name];
    if (!b) return;
    if (b.locked !== undefined && b.locked !== false) {
      const v = b.locked === true ? (currentTotals[c] as number) : b.locked;
      if (!(v >= 0))
        throw new InfeasibleBoundsError(`channel "${name}": locked amount must be >= 0, got ${v}`);
      lo[c] = v;
      hi[c] = v;
      locked[c] = 1;
      return;
    }
    if (b.min !== undefined) {
      if (!(b.min >= 0)) throw new InfeasibleBoundsError(`channel "${name}": min must be >= 0, got ${b.min}`);
      lo[c] = b.min;
    }
    if (b.max !== undefined) {
      if (!(b.max >= 0)) throw new InfeasibleBoundsError(`channel "${name}": max must be >= 0, got ${b.max}`);
      hi[c] = Math.min(b.max, budget);
    }
    if ((lo[c] as number) > (hi[c] as number)) {
      throw new InfeasibleBoundsError(
        b.max !== undefined && b.max < (lo[c] as number)
          ? `channel "${name}": min ${lo[c]} exceeds max ${b.max}`
          : `channel "${name}": min ${lo[c]} exceeds the total budget ${budget}`,
      );
    }
  });
  let sumLo = 0;
  let sumHi = 0;
  for (let c = 0; c < C; c++) {
    sumLo += lo[c] as number;
    sumHi += hi[c] as number;
  }
  const tol = 1e-9 * budget;
  if (sumLo > budget + tol) {
    const parts = channels.map((n, c) => [n, lo[c] as number] as const).filter(([, v]) => v > 0);
    throw new InfeasibleBoundsError(
      `bounds are infeasible: minimum and locked spends add up to ${sumLo}, more than the budget ${budget} (${parts.map(([n, v]) => `${n} ${v}`).join(", ")})`,
    );
  }
  if (sumHi < budget - tol) {
    const parts = channels.map((n, c) => [n, hi[c] as number] as const);
    throw new InfeasibleBoundsError(
      `bounds are infeasible: maximum and locked spends add up to ${sumHi}, less than the budget ${budget} (${parts.map(([n, v]) => `${n} ${v}`).join(", ")})`,
    );
  }
  return { lo, hi, locked };
}

/** Euclidean projection of v onto {sum s = budget, lo <= s <= hi} (bisection on the shift). */
export function projectToBudget(
  v: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  budget: number,
  out = new Float64Array(v.length),
): Float64Array {
  const C = v.length;
  const total = (lambda: number): number => {
    let s = 0;
    for (let c = 0; c < C; c++)
      s += Math.min(hi[c] as number, Math.max(lo[c] as number, (v[c] as number) - lambda));
    return s;
  };
  let a = Number.POSITIVE_INFINITY;
  let b = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < C; c++) {
    a = Math.min(a, (v[c] as number) - (hi[c] as number));
    b = Math.max(b, (v[c] as number) - (lo[c] as number));
  }
  // total(a) = sum hi >= budget >= sum lo = total(b); total is non-increasing
  for (let it = 0; it < 200 && b - a > 1e-13 * Math.max(1, Math.abs(a), Math.abs(b)); it++) {
    const m = 0.5 * (a + b);
    if (total(m) > budget) a = m;
    else b = m;
  }
  const lambda = 0.5 * (a + b);
  for (let c = 0; c < C; c++)
    out[c] = Math.min(hi[c] as number, Math.max(lo[c] as number, (v[c] as number) - lambda));
  return exactBudget(out, lo, hi, budget);
}

/** Removes the rounding residual so the allocation sums to the budget exactly (up to one ulp). */
function exactBudget(s: Float64Array, lo: Float64Array, hi: Float64Array, budget: number): Float64Array {
  for (let pass = 0; pass < 3; pass++) {
    let sum = 0;
    for (let c = 0; c < s.length; c++) sum += s[c] as number;
    let r = budget - sum;
    if (r === 0) break;
    for (let c = 0; c < s.length && r !== 0; c++) {
      const room = r > 0 ? (hi[c] as number) - (s[c] as number) : (lo[c] as number) - (s[c] as number);
      const step = r > 0 ? Math.min(r, room) : Math.max(r, room);
      s[c] = (s[c] as number) + step;
      r -= step;
    }
  }
  return s;
}

function ascend(
  ev: PlanEvaluator,
  s: Float64Array,
  b: ResolvedBounds,
  budget: number,
  obj: RiskObjective,
  maxIter: number,
  initialStep = 0.1,
): number {
  const C = s.length;
  const grad = new Float64Array(C);
  const trial = new Float64Array(C);
  const v = new Float64Array(C);
  ev.setAll(s);
  ev.save();
  let f = ev.objective(obj, grad);
  let stepFrac = initialStep;
  for (let it = 0; it < maxIter && stepFrac > 1e-7; it++) {
    let gmax = 0;
    for (let c = 0; c < C; c++) if (!b.locked[c]) gmax = Math.max(gmax, Math.abs(grad[c] as number));
    if (!(gmax > 0)) break;
    const eta = (stepFrac * budget) / gmax;
    for (let c = 0; c < C; c++) v[c] = (s[c] as number) + (b.locked[c] ? 0 : eta * (grad[c] as number));
    projectToBudget(v, b.lo, b.hi, budget, trial);
    let moved = 0;
    for (let c = 0; c < C; c++) moved = Math.max(moved, Math.abs((trial[c] as number) - (s[c] as number)));
    if (moved <= 1e-12 * budget) break;
    ev.setAll(trial);
    const ft = ev.objective(obj);
    if (ft > f) {
      s.set(trial);
      ev.save();
      f = ev.objective(obj, grad);
      stepFrac = Math.min(0.5, stepFrac * 1.6);
    } else {
      ev.restore();
      stepFrac *= 0.35;
    }
  }
  return f;
}

/**
 * Budget transfers between pairs of channels at decreasing step sizes; accepts any improvement.
 * mode "all" tries every ordered pair; "each" each channel against its best partner by gradient
 * (cheapest donor, most valuable receiver); "extremes" only lowest -> highest marginal ROI. Returns the final objective and whether the last full sweep still improved.
 */
function moveCheck(
  ev: PlanEvaluator,
  s: Float64Array,
  b: ResolvedBounds,
  budget: number,
  obj: RiskObjective,
  steps: number[],
  mode: "all" | "each" | "extremes",
  maxRounds = 50,
): { f: number; improvedAtEnd: boolean } {
  const C = s.length;
  const grad = new Float64Array(C);
  ev.setAll(s);
  let f = ev.objective(obj, grad);
  let improvedAtEnd = false;
  const rel = 1e-10;
  const tryMove = (i: number, j: number, step: number): boolean => {
    const delta = Math.min(
      step,
      (s[i] as number) - (b.lo[i] as number),
      (b.hi[j] as number) - (s[j] as number),
    );
    if (!(delta > 1e-12 * budget)) return false;
    const si = s[i] as number;
    const sj = s[j] as number;
    ev.save();
    ev.setChannel(i, si - delta);
    ev.setChannel(j, sj + delta);
    const ft = ev.objective(obj);
    if (ft > f + rel * Math.abs(f)) {
      s[i] = si - delta;
      s[j] = sj + delta;
      f = ft;
      return true;
    }
    ev.restore();
    return false;
  };
  for (let k = 0; k < steps.length; k++) {
    const step = (steps[k] as number) * budget;
    for (let round = 0; round < maxRounds; round++) {
      let improved = false;
      if (mode === "all") {
        for (let i = 0; i < C; i++) {
          if (b.locked[i]) continue;
          for (let j = 0; j < C; j++) if (j !== i && !b.locked[j] && tryMove(i, j, step)) improved = true;
        }
      } else {
        ev.objective(obj, grad);
        const best = (pick: (i: number) => boolean, sign: number, skip: number) => {
          let k = -1;
          for (let i = 0; i < C; i++) {
            if (i === skip || b.locked[i] || !pick(i)) continue;
            if (k < 0 || sign * ((grad[i] as number) - (grad[k] as number)) > 0) k = i;
          }
          return k;
        };
        const canGive = (i: number) => (s[i] as number) > (b.lo[i] as number);
        const canTake = (i: number) => (s[i] as number) < (b.hi[i] as number);
        if (mode === "extremes") {
          const donor = best(canGive, -1, -1);
          const recv = donor >= 0 ? best(canTake, 1, donor) : -1;
          // the reverse direction too: a quantile's (smoothed) gradient can point the wrong way at a kink
          if (donor >= 0 && recv >= 0 && (tryMove(donor, recv, step) || tryMove(recv, donor, step)))
            improved = true;
        } else {
          for (let j = 0; j < C; j++) {
            if (b.locked[j]) continue;
            // cheapest donor for j, and the most valuable receiver of j's money
            const donor = best(canGive, -1, j);
            const recv = best(canTake, 1, j);
            if (donor >= 0 && tryMove(donor, j, step)) improved = true;
            if (recv >= 0 && tryMove(j, recv, step)) improved = true;
          }
        }
      }
      // still improving in the last round allowed at the finest step: the check did not settle
      if (k === steps.length - 1) improvedAtEnd = improved;
      if (!improved) break;
    }
  }
  exactBudget(s, b.lo, b.hi, budget);
  ev.setAll(s);
  f = ev.objective(obj);
  return { f, improvedAtEnd };
}

function interval(x: Float64Array): Interval {
  return summarize(x);
}

/** Maximizes the horizon KPI objective over channel totals; see the file comment. */
export function optimizeBudget(resp: HorizonResponse, opts: OptimizeOptions): BudgetPlan {
  const t0 = performance.now();
  const C = resp.channels.length;
  const H = resp.weeks;
  const budget = opts.budget;
  const obj: RiskObjective = opts.objective ?? { kind: "mean" };
  if (obj.kind === "quantile" && !(obj.q > 0 && obj.q < 1))
    throw new Error(`quantile objective needs 0 < q < 1, got ${obj.q}`);
  const seed = opts.seed ?? 1;
  const rng = seededRandom(seed);

  // current plan: its weekly pattern scaled to the budget
  const cur = new Float64Array(C);
  let curSum = 0;
  for (let c = 0; c < C; c++) curSum += Math.max(0, Number(opts.currentWeekly?.[c] ?? 1));
  for (let c = 0; c < C; c++)
    cur[c] = curSum > 0 ? (budget * Math.max(0, Number(opts.currentWeekly?.[c] ?? 1))) / curSum : budget / C;
  const b = resolveBounds(resp.channels, budget, opts.bounds, cur);

  const all = thinIndices(resp.draws, resp.draws);
  const searchIdx = thinIndices(resp.draws, Math.max(1, Math.min(resp.draws, opts.searchDraws ?? 64)));
  const search = new PlanEvaluator(resp, searchIdx);
  const full = new PlanEvaluator(resp, all);

  // starts: current plan, equal split, greedy marginal allocation, random (all projected)
  const starts: Float64Array[] = [];
  starts.push(projectToBudget(cur, b.lo, b.hi, budget));
  starts.push(projectToBudget(new Float64Array(C).fill(budget / C), b.lo, b.hi, budget));
  starts.push(greedyStart(search, b, budget, obj));
  const nRandom = opts.randomStarts ?? 2;
  for (let r = 0; r < nRandom; r++) {
    const v = new Float64Array(C);
    let sum = 0;
    for (let c = 0; c < C; c++) {
      v[c] = -Math.log(1 - rng());
      sum += v[c] as number;
    }
    for (let c = 0; c < C; c++) v[c] = ((v[c] as number) / sum) * budget;
    starts.push(projectToBudget(v, b.lo, b.hi, budget));
  }
  let best: Float64Array | null = null;
  let bestF = Number.NEGATIVE_INFINITY;
  for (const s of starts) {
    const f = ascend(search, s, b, budget, obj, 15);
    if (f > bestF) {
      bestF = f;
      best = s;
    }
  }
  const sol = best as Float64Array;
  // non-concave curves: transfers between every pair on the search draws, big ones first
  // (many lines, e.g. per-geo plans: each line against its best partners instead of every pair)
  moveCheck(search, sol, b, budget, obj, [0.2, 0.05], C > 12 ? "each" : "all", 3);
  moveCheck(search, sol, b, budget, obj, [0.01, 0.002], "each", 3);
  ascend(search, sol, b, budget, obj, 15);
  // polish on all draws: gradient steps, then transfers from the lowest to the highest marginal ROI
  ascend(full, sol, b, budget, obj, 6, 0.01);
  moveCheck(full, sol, b, budget, obj, [0.01, 0.002, 0.0005, 0.0001], "extremes", 6);
  // final check on all draws: no single channel gains from taking (or giving) a tenth of the
  // budget paid by (given to) its best partner; small moves were exhausted by the polish above
  const steps = [0.1];
  const check = moveCheck(full, sol, b, budget, obj, steps, "each", 4);
  const objectiveValue = check.f;

  // reporting on all draws
  full.setAll(sol);
  const grad = new Float64Array(C);
  full.objective({ kind: "mean" }, grad);
  const media = full.mediaTotals();
  const kpi = full.kpiTotals();
  const contributions = Array.from({ length: C }, (_, c) => full.channelTotals(c));
  full.setAll(new Float64Array(C));
  const mediaZero = full.mediaTotals();
  full.setAll(cur);
  const mediaCur = full.mediaTotals();
  const kpiCur = full.kpiTotals();

  const D = resp.draws;
  const incr = new Float64Array(D);
  const incrCur = new Float64Array(D);
  const rel = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    incr[i] = (media[i] as number) - (mediaZero[i] as number);
    incrCur[i] = (mediaCur[i] as number) - (mediaZero[i] as number);
    rel[i] = (kpi[i] as number) / (kpiCur[i] as number) - 1;
  }
  const upl = Float64Array.from(kpi, (v, i) => v - (kpiCur[i] as number));
  const eps = 1e-9 * budget;
  const allocation: ChannelAllocation[] = resp.channels.map((name, c) => {
    const total = sol[c] as number;
    const contrib = contributions[c] as Float64Array;
    const line = resp.lines[c] as PlanLine;
    return {
      channel: name,
      total,
      weekly: Array.from({ length: H }, () => total / H),
      share: total / budget,
      atBound: b.locked[c]
        ? "locked"
        : total <= (b.lo[c] as number) + eps
          ? "min"
          : total >= (b.hi[c] as number) - eps
            ? "max"
            : null,
      currentTotal: cur[c] as number,
      contribution: interval(contrib),
      roi: total > 0 ? interval(contrib.map((v) => v / total)) : { mean: 0, sd: 0, q05: 0, q50: 0, q95: 0 },
      marginalRoi: grad[c] as number,
      ...(line.geos.length > 1
        ? {
            byGeo: Object.fromEntries(
              line.geos.map((g, j) => [resp.geos[g] as string, total * (line.geoShare[j] as number)]),
            ),
          }
        : {}),
    };
  });
  return {
    channels: resp.channels,
    weeks: H,
    budget,
    objective: obj,
    weeklyPattern: "flat",
    measure: resp.measure,
    allocation,
    expectedKpi: interval(kpi),
    incrementalKpi: interval(incr),
    roi: interval(incr.map((v) => v / budget)),
    current: {
      allocation: Object.fromEntries(resp.channels.map((n, c) => [n, cur[c] as number])),
      expectedKpi: interval(kpiCur),
      incrementalKpi: interval(incrCur),
      roi: interval(incrCur.map((v) => v / budget)),
    },
    uplift: {
      kpi: interval(upl),
      relative: interval(rel),
      probabilityBetter: probabilityGreater(kpi, kpiCur),
    },
    objectiveValue,
    search: {
      starts: starts.length,
      searchDraws: searchIdx.length,
      draws: D,
      evaluations: Math.round((search.evaluations * searchIdx.length) / D + full.evaluations),
      fullDrawEvaluations: Math.round(full.evaluations),
      moveCheck: { steps, improvedAtEnd: check.improvedAtEnd },
      ms: performance.now() - t0,
    },
  };
}

/** Greedy marginal allocation from the lower bounds in 40 increments (handles S-curves' thresholds
 *  better than gradients: each increment goes where the finite gain is largest). */
function greedyStart(ev: PlanEvaluator, b: ResolvedBounds, budget: number, obj: RiskObjective): Float64Array {
  const C = b.lo.length;
  const s = Float64Array.from(b.lo);
  let rest = budget;
  for (let c = 0; c < C; c++) rest -= s[c] as number;
  const n = 20;
  const inc = rest / n;
  ev.setAll(s);
  let f = ev.objective(obj);
  for (let k = 0; k < n && rest > 1e-12 * budget; k++) {
    let bestC = -1;
    let bestF = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) {
      if (b.locked[c]) continue;
      const room = Math.min(inc, (b.hi[c] as number) - (s[c] as number));
      if (!(room > 0)) continue;
      ev.save();
      ev.setChannel(c, (s[c] as number) + room);
      const ft = ev.objective(obj);
      ev.restore();
      if (ft - f > bestF) {
        bestF = ft - f;
        bestC = c;
      }
    }
    if (bestC < 0) break;
    const room = Math.min(inc, (b.hi[bestC] as number) - (s[bestC] as number));
    s[bestC] = (s[bestC] as number) + room;
    rest -= room;
    ev.setChannel(bestC, s[bestC] as number);
    f = ev.objective(obj);
  }
  return projectToBudget(s, b.lo, b.hi, budget);
}
