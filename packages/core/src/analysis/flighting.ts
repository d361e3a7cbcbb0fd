/**
 * Flighting: a plan per channel per week instead of a flat weekly amount (docs/analysis.md).
 * The horizon is the plan window of W weeks plus a tail of T weeks with no planned spend: the
 * carry-over of spend before the window enters through each channel's history (as in the flat
 * optimizer), and the carry-over of the window's spend into the T weeks after it counts in the
 * objective. Channel totals come from the flat optimizer or a goal (optimizer-goals.ts); each
 * channel's total is then spread over the window's weeks by projected gradient ascent on the
 * objective (finite-difference gradient per week, steps accepted only when the exact objective
 * rises), so the budget, channel totals (bounds, locks) and per-week bounds hold exactly, and the
 * result is never worse than the flat spread it starts from.
 */
import { allDrawIndices, type HorizonResponse, type MediaHorizon } from "./horizon-response.ts";
import type { RiskObjective } from "./optimizer.ts";
import { projectToBudget } from "./optimizer.ts";
import { type Interval, probabilityGreater, summarize, thinIndices } from "./stats.ts";

export interface WeeklyBound {
  /** Per-week minimum spend (currency). */
  min?: number;
  /** Per-week maximum spend (currency). */
  max?: number;
}

export interface FlightingOptions {
  /** Plan window (weeks); resp.weeks - window is the tail whose carry-over counts. */
  window: number;
  /** Total per line over the window (currency), resp.lines order. */
  totals: ArrayLike<number>;
  weeklyBounds?: Record<string, WeeklyBound>;
  objective?: RiskObjective;
  /** Gradient iterations per channel and sweep (default 25) and sweeps over the channels (default 2). */
  iterations?: number;
  sweeps?: number;
  /** Draws used by the search (default 250, evenly thinned); reported numbers use all draws. */
  searchDraws?: number;
}

export interface FlightingPlan {
  window: number;
  tail: number;
  /** Per line: spend per window week (currency). */
  allocation: { channel: string; total: number; weekly: number[] }[];
  /** KPI over window + tail, base included, and the part caused by the plan. */
  kpi: Interval;
  incrementalKpi: Interval;
  /** The same totals spent flat over the window. */
  flat: { kpi: Interval; incrementalKpi: Interval };
  /** P(flighted KPI > flat KPI), draw by draw. */
  probabilityBeatsFlat: number;
  objectiveValue: number;
  flatObjectiveValue: number;
  search: { evaluations: number; ms: number };
}

/** Per-draw KPI over the horizon for per-week plans of every line. */
export class FlightEvaluator {
  readonly D: number;
  readonly G: number;
  readonly H: number;
  private readonly r: Float64Array[];
  /** identity link: per media channel its own term in KPI units per draw; base total per draw */
  private readonly own: Float64Array[];
  private readonly baseTotal: Float64Array;
  private readonly xPlan: Float64Array;
  evaluations = 0;

  constructor(
    private readonly resp: HorizonResponse,
    readonly drawIdx: Int32Array,
  ) {
    this.D = drawIdx.length;
    this.G = resp.geos.length;
    this.H = resp.weeks;
    const n = this.D * this.G * this.H;
    this.r = resp.media.map(() => new Float64Array(n));
    this.own = resp.media.map(() => new Float64Array(this.D));
    this.baseTotal = new Float64Array(this.D);
    this.xPlan = new Float64Array(this.H);
    for (let i = 0; i < this.D; i++) {
      const d = drawIdx[i]!;
      let s = 0;
      for (let g = 0; g < this.G; g++)
        for (let h = 0; h < this.H; h++) s += resp.kpiScale[g]! * resp.base[(d * this.G + g) * this.H + h]!;
      this.baseTotal[i] = s;
    }
    resp.media.forEach((m, c) => {
      for (let g = 0; g < this.G; g++)
        if (m.fixed) m.respondFlat(drawIdx, g, m.fixed[g]!, this.r[c]!);
        else m.respondPlan(drawIdx, g, this.xPlan, this.r[c]!);
      this.updateOwn(c);
    });
  }

  /** Channel c's own term per draw (identity link): sum over geos and weeks of coef x response. */
  private updateOwn(c: number): void {
    const { D, G, H, resp } = this;
    const m = resp.media[c]!;
    const r = this.r[c]!;
    const own = this.own[c]!;
    for (let i = 0; i < D; i++) {
      const d = this.drawIdx[i]!;
      let s = 0;
      for (let g = 0; g < G; g++) {
        const b = m.coefficient[d * G + g]!;
        let sg = 0;
        const o = (i * G + g) * H;
        if (m.timeVarying) for (let h = 0; h < H; h++) sg += resp.effectiveness[d * H + h]! * r[o + h]!;
        else for (let h = 0; h < H; h++) sg += r[o + h]!;
        s += resp.kpiScale[g]! * b * sg;
      }
      own[i] = s;
    }
  }

  /** Sets line l's spend per horizon week (currency; weeks past the array are zero). */
  setLine(l: number, weekly: ArrayLike<number>): void {
    const line = this.resp.lines[l]!;
    const media = this.resp.media[line.channel] as MediaHorizon;
    line.geos.forEach((g, j) => {
      const k = line.inputPerCurrency[j]!;
      for (let h = 0; h < this.H; h++) this.xPlan[h] = h < weekly.length ? weekly[h]! * k : 0;
      media.respondPlan(this.drawIdx, g, this.xPlan, this.r[line.channel]!);
    });
    this.updateOwn(line.channel);
    this.evaluations += 1 / this.resp.lines.length;
  }

  /** Per-draw KPI over the horizon (measure units), base included; `noMedia`: every response at 0. */
  kpiTotals(out: Float64Array = new Float64Array(this.D), noMedia = false): Float64Array {
    const { D, G, H, resp } = this;
    const log = resp.link === "log";
    const P = resp.pairs.length;
    const M = resp.media.length;
    if (!log && P === 0) {
      // separable: base plus each channel's own term, kept up to date by setLine
      for (let i = 0; i < D; i++) {
        let s = this.baseTotal[i]!;
        if (!noMedia) for (let c = 0; c < M; c++) s += this.own[c]![i]!;
        out[i] = s;
      }
      return out;
    }
    for (let i = 0; i < D; i++) {
      const d = this.drawIdx[i]!;
      let s = 0;
      for (let g = 0; g < G; g++) {
        const hv = log ? resp.halfVar[d * G + g]! : 0;
        let sg = 0;
        for (let h = 0; h < H; h++) {
          const o = (i * G + g) * H + h;
          let eta = resp.base[(d * G + g) * H + h]!;
          if (!noMedia) {
            const eff = resp.effectiveness[d * H + h]!;
            for (let c = 0; c < M; c++) {
              const m = resp.media[c]!;
              const b = m.coefficient[d * G + g]!;
              eta += (m.timeVarying ? b * eff : b) * this.r[c]![o]!;
            }
            for (let p = 0; p < P; p++) {
              const pair = resp.pairs[p]!;
              eta += resp.gamma[d * P + p]! * this.r[pair.a]![o]! * this.r[pair.b]![o]!;
            }
          }
          sg += log ? Math.exp(eta + hv) : eta;
        }
        s += resp.kpiScale[g]! * sg;
      }
      out[i] = s;
    }
    return out;
  }
}

function objectiveOf(t: Float64Array, obj: RiskObjective): number {
  const D = t.length;
  let s = 0;
  for (const v of t) s += v;
  const m = s / D;
  if (obj.kind === "mean") return m;
  if (obj.kind === "meanMinusSd") {
    let ss = 0;
    for (const v of t) ss += (v - m) ** 2;
    return m - obj.k * Math.sqrt(ss / D);
  }
  const a = Float64Array.from(t).sort();
  const h = (D - 1) * obj.q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, D - 1);
  return (1 - (h - lo)) * a[lo]! + (h - lo) * a[hi]!;
}

export function optimizeFlighting(resp: HorizonResponse, o: FlightingOptions): FlightingPlan {
  const t0 = performance.now();
  const W = o.window;
  const H = resp.weeks;
  if (!(Number.isInteger(W) && W >= 1 && W <= H))
    throw new Error(`the plan window must be 1..${H} weeks (the horizon), got ${W}`);
  const C = resp.lines.length;
  const obj = o.objective ?? { kind: "mean" };
  const idx = thinIndices(resp.draws, Math.min(resp.draws, o.searchDraws ?? 250));
  const ev = new FlightEvaluator(resp, idx);
  const lo: Float64Array[] = [];
  const hi: Float64Array[] = [];
  const plans: Float64Array[] = [];
  for (let l = 0; l < C; l++) {
    const name = resp.channels[l]!;
    const total = Math.max(0, Number(o.totals[l] ?? 0));
    const b = o.weeklyBounds?.[name];
    const wl = new Float64Array(W).fill(b?.min ?? 0);
    const wh = new Float64Array(W).fill(b?.max ?? total);
    if (wl[0]! * W > total * (1 + 1e-12) || wh[0]! * W < total * (1 - 1e-12))
      throw new Error(
        `channel "${name}": its total ${total} over ${W} weeks does not fit its weekly bounds (${b?.min ?? 0} to ${b?.max ?? "no max"} a week)`,
      );
    lo.push(wl);
    hi.push(wh);
    plans.push(projectToBudget(new Float64Array(W).fill(total / W), wl, wh, total));
    ev.setLine(l, plans[l]!);
  }
  const buf = new Float64Array(ev.D);
  const value = () => objectiveOf(ev.kpiTotals(buf), obj);
  let f = value();
  const flatF = f;
  const iterations = o.iterations ?? 25;
  const sweeps = o.sweeps ?? 2;
  const grad = new Float64Array(W);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let l = 0; l < C; l++) {
      const total = Math.max(0, Number(o.totals[l] ?? 0));
      if (total <= 0 || W === 1) continue;
      const x = plans[l]!;
      let stepSize = 0.25 * (total / W);
      for (let it = 0; it < iterations && stepSize > 1e-6 * (total / W); it++) {
        // forward differences per week, normalized to a direction
        const eps = 1e-4 * Math.max(total / W, 1e-9);
        let norm = 0;
        for (let w = 0; w < W; w++) {
          const keep = x[w]!;
          x[w] = keep + eps;
          ev.setLine(l, x);
          grad[w] = (value() - f) / eps;
          x[w] = keep;
        }
        let mean = 0;
        for (let w = 0; w < W; w++) mean += grad[w]! / W;
        for (let w = 0; w < W; w++) {
          grad[w] = grad[w]! - mean;
          norm += grad[w]! ** 2;
        }
        norm = Math.sqrt(norm);
        if (!(norm > 0)) {
          ev.setLine(l, x);
          break;
        }
        // backtracking: accept the first step that raises the exact objective
        let accepted = false;
        while (stepSize > 1e-6 * (total / W)) {
          const trial = Float64Array.from(x, (v, w) => v + (stepSize * grad[w]!) / norm);
          const y = projectToBudget(trial, lo[l]!, hi[l]!, total);
          ev.setLine(l, y);
          const fy = value();
          if (fy > f + 1e-12 * Math.abs(f)) {
            x.set(y);
            f = fy;
            accepted = true;
            stepSize *= 1.5;
            break;
          }
          stepSize *= 0.5;
        }
        ev.setLine(l, x);
        if (!accepted) break;
      }
    }
  }

  // reporting on all draws: the plan, the same totals flat, and no planned spend
  const all = new FlightEvaluator(resp, allDrawIndices(resp.draws));
  for (let l = 0; l < C; l++) all.setLine(l, plans[l]!);
  const kpi = Float64Array.from(all.kpiTotals());
  for (let l = 0; l < C; l++)
    all.setLine(l, new Float64Array(W).fill(Math.max(0, Number(o.totals[l] ?? 0)) / W));
  const kpiFlat = Float64Array.from(all.kpiTotals());
  for (let l = 0; l < C; l++) all.setLine(l, new Float64Array(W));
  const kpiZero = Float64Array.from(all.kpiTotals());
  const incr = kpi.map((v, i) => v - kpiZero[i]!);
  const incrFlat = kpiFlat.map((v, i) => v - kpiZero[i]!);
  return {
    window: W,
    tail: H - W,
    allocation: resp.channels.map((channel, l) => ({
      channel,
      total: Math.max(0, Number(o.totals[l] ?? 0)),
      weekly: Array.from(plans[l]!),
    })),
    kpi: summarize(kpi),
    incrementalKpi: summarize(incr),
    flat: { kpi: summarize(kpiFlat), incrementalKpi: summarize(incrFlat) },
    probabilityBeatsFlat: probabilityGreater(kpi, kpiFlat),
    objectiveValue: f,
    flatObjectiveValue: flatF,
    search: { evaluations: Math.round(ev.evaluations), ms: performance.now() - t0 },
  };
}
