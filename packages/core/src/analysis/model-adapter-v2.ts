/**
 * HorizonResponse of a v2 model (shared/docs/model-v2.md section 5; docs/model.md section 10.8):
 * plans are in spend per channel, either national (split to geos by each geo's share of the
 * channel's spend in the last `costWeeks` training weeks) or per geo. Spend becomes the model's
 * input at historical rates over the same weeks, per geo:
 *
 *   paid, spend drives the effect   x = spend / (pop_g m_c)                       (exact)
 *   paid with an exposure column    x = spend x sum(x) / sum(spend)               (cost per exposure unit)
 *   reach & frequency at frequency f  x_reach = spend x sum(x f_obs) / (f sum(spend))   (cost per impression)
 *
 * Organic channels are not planned: they stay at a fixed weekly exposure (default: their mean over
 * the same weeks, per geo). Past the data the baseline continues (trend, or the last knot),
 * seasonality continues, controls sit at each geo's training mean, events are off, and the media
 * effectiveness multiplier stays at the last week's. Everything per draw through the model's own
 * forward (betaGeo, geo offsets, sigma) and channel pipeline (model/channel-pipeline.ts).
 */
import type { MmmModel } from "../model/model.ts";
import type { MmmModelV2 } from "../model/model-v2.ts";
import { type HorizonResponse, MediaHorizon, type PlanLine } from "./horizon-response.ts";
import { optimalFrequency } from "./incrementality-v2.ts";
import { drawRow, horizonResponse, type PosteriorDraws } from "./model-adapter.ts";
import { quantile, thinIndices } from "./stats.ts";

export interface HorizonOptionsV2 {
  /** Draws to use (indices into the posterior); default all. */
  drawIdx?: ArrayLike<number>;
  /** "national" (default): one plan line per paid channel, split to geos by historical share;
   *  "perGeo": one line per paid channel and geo, named `channel@geo`. */
  geoPlan?: "national" | "perGeo";
  /** R&F channels: the planned frequency (default: the posterior median of the optimal frequency). */
  frequency?: Record<string, number>;
  /** Organic channels: weekly exposure, national total in the column's units (default: the recent mean). */
  organic?: Record<string, number>;
  /** Training weeks (the last ones) behind cost per unit, geo shares and organic levels (default 13). */
  costWeeks?: number;
}

/** The planning facts of one channel in one geo (currency -> input, share of the national plan). */
export interface PlanningRatesV2 {
  channel: string;
  role: "paid" | "rf" | "organic";
  /** Scaled model input per currency of spend, per geo (R&F: at `frequency`). */
  inputPerCurrency: number[];
  /** Share of the channel's spend per geo over the cost window. */
  geoShare: number[];
  /** R&F: the planned frequency. */
  frequency?: number;
  /** Organic: fixed weekly scaled input per geo. */
  fixedInput?: number[];
}

const sumRange = (a: Float64Array, from: number, to: number): number => {
  let s = 0;
  for (let t = from; t < to; t++) s += a[t]!;
  return s;
};

/** Posterior median of the optimal frequency of R&F channel c over at most 25 evenly thinned draws. */
function medianOptimalFrequency(model: MmmModelV2, draws: PosteriorDraws, idx: number[], c: number): number {
  const sub = thinIndices(idx.length, 25);
  const f = Array.from(sub, (i) => {
    const v = drawRow(draws, idx[i]!);
    return optimalFrequency(model, v, model.forward(v), c, 100);
  });
  return quantile(f, 0.5);
}

/** Spend -> input rates, geo shares and organic levels of every channel (see the file comment). */
export function planningRatesV2(
  model: MmmModelV2,
  opts: { frequency?: Record<string, number>; organic?: Record<string, number>; costWeeks?: number } = {},
  defaultFrequency?: (c: number) => number,
): PlanningRatesV2[] {
  const spec = model.spec;
  const { data, G, trainingWeeks: T } = spec;
  const W = opts.costWeeks ?? 13;
  const from = Math.max(0, T - W);
  const pop = data.scaling.population;
  return spec.channels.map((ch, c) => {
    const d = data.channels[ch.data]!;
    const mc = data.scaling.mediaPerCapitaMean[ch.data]!;
    const cfg = spec.config.channels[c]!;
    if (ch.role === "organic") {
      const level = opts.organic?.[ch.name];
      if (level !== undefined && !(level >= 0))
        throw new Error(`organic channel "${ch.name}": weekly exposure must be >= 0, got ${level}`);
      const orig = d.x.map((x, g) => sumRange(x, from, T) * mc * pop[g]!);
      const tot = orig.reduce((a, b) => a + b, 0);
      const fixedInput = d.x.map((x, g) =>
        level === undefined
          ? sumRange(x, from, T) / (T - from)
          : tot > 0
            ? (level * orig[g]!) / tot / (mc * pop[g]!)
            : level / G / (mc * pop[g]!),
      );
      return { channel: ch.name, role: ch.role, inputPerCurrency: [], geoShare: [], fixedInput };
    }
    const spend = d.spend!;
    // cost window, falling back to all training weeks where it has no spend
    const windowOf = (g: number): [number, number] => (sumRange(spend[g]!, from, T) > 0 ? [from, T] : [0, T]);
    const geoSpend = spend.map((s) => sumRange(s, from, T));
    let totSpend = geoSpend.reduce((a, b) => a + b, 0);
    const share =
      totSpend > 0
        ? geoSpend.map((s) => s / totSpend)
        : (() => {
            const byGeo = data.scaling.spendByGeo[ch.data]!;
            totSpend = byGeo.reduce((a, b) => a + b, 0);
            return byGeo.map((s) => (totSpend > 0 ? s / totSpend : 1 / G));
          })();
    let frequency: number | undefined;
    if (ch.role === "rf") {
      frequency = opts.frequency?.[ch.name] ?? defaultFrequency?.(c);
      if (frequency === undefined || !(frequency > 0))
        throw new Error(
          `reach & frequency channel "${ch.name}": planned frequency must be > 0, got ${frequency}`,
        );
    }
    // national rate (all geos, whole training window) for geos without spend
    let natX = 0;
    let natS = 0;
    for (let g = 0; g < G; g++) {
      natS += sumRange(spend[g]!, 0, T);
      for (let t = 0; t < T; t++)
        natX += d.x[g]![t]! * (ch.role === "rf" ? d.frequency![g]![t]! : 1) * mc * pop[g]!;
    }
    const inputPerCurrency = d.x.map((x, g) => {
      if (ch.role === "paid" && cfg.exposure === undefined) return 1 / (pop[g]! * mc);
      const [a, b] = windowOf(g);
      let sx = 0;
      for (let t = a; t < b; t++) sx += x[t]! * (ch.role === "rf" ? d.frequency![g]![t]! : 1);
      const ss = sumRange(spend[g]!, a, b);
      // units per currency in this geo, else the national rate moved to this geo's scale
      const rate = ss > 0 && sx > 0 ? sx / ss : natS > 0 ? natX / natS / (mc * pop[g]!) : 0;
      return ch.role === "rf" ? rate / frequency! : rate;
    });
    return { channel: ch.name, role: ch.role, inputPerCurrency, geoShare: share, frequency };
  });
}

/** Planning horizon of `weeks` weeks after the data for a v2 model; see the file comment. */
export function horizonResponseV2(
  model: MmmModelV2,
  draws: PosteriorDraws,
  weeks: number,
  opts: HorizonOptionsV2 = {},
): HorizonResponse {
  const spec = model.spec;
  const { data, G, weeks: N, trainingWeeks: T } = spec;
  if (draws.dim !== spec.parameters.length)
    throw new Error(`draws have ${draws.dim} columns, the model has ${spec.parameters.length} parameters`);
  if (!(weeks >= 1 && Number.isInteger(weeks)))
    throw new Error(`planning horizon must be a whole number of weeks >= 1, got ${weeks}`);
  const H = weeks;
  const idx = opts.drawIdx ? Array.from(opts.drawIdx) : Array.from({ length: draws.draws }, (_, i) => i);
  const D = idx.length;
  const C = spec.channels.length;
  const P = spec.synergies.length;
  const F = spec.fourierPairs;
  const ix = spec.index;
  const W = opts.costWeeks ?? 13;
  const from = Math.max(0, T - W);
  for (const name of Object.keys(opts.frequency ?? {}))
    if (!spec.channels.some((c) => c.name === name && c.role === "rf"))
      throw new Error(`frequency given for "${name}", which is not a reach & frequency channel`);
  for (const name of Object.keys(opts.organic ?? {}))
    if (!spec.channels.some((c) => c.name === name && c.role === "organic"))
      throw new Error(`organic level given for "${name}", which is not an organic channel`);
  const rates = planningRatesV2(model, opts, (c) => medianOptimalFrequency(model, draws, idx, c));

  const values = idx.map((d) => Float64Array.from(drawRow(draws, d)));
  const coefficient = spec.channels.map(() => new Float64Array(D * G));
  const base = new Float64Array(D * G * H);
  const halfVar = new Float64Array(D * G);
  const effectiveness = new Float64Array(D * H).fill(1);
  const gamma = new Float64Array(D * P);
  // each geo's training mean of every control (numeric, dummies, holidays)
  const controlMean = spec.controls.map((ctl) => ctl.z.map((z) => sumRange(z, 0, T) / T));
  values.forEach((v, d) => {
    const fw = model.forward(v);
    for (let c = 0; c < C; c++) for (let g = 0; g < G; g++) coefficient[c]![d * G + g] = fw.betaGeo[c]![g]!;
    spec.synergies.forEach((s, k) => {
      gamma[d * P + k] = v[s.gamma]!;
    });
    const lastM = Math.exp(fw.mediaEffectiveness[N - 1]!);
    for (let h = 0; h < H; h++) effectiveness[d * H + h] = lastM;
    for (let g = 0; g < G; g++) {
      const sg = fw.sigmaGeo[g]!;
      halfVar[d * G + g] = spec.link === "log" ? 0.5 * sg * sg : 0;
      let ctl = fw.tauGeo[g]!;
      spec.controls.forEach((_, j) => {
        ctl += v[ix.zeta + j]! * controlMean[j]![g]!;
      });
      for (let h = 0; h < H; h++) {
        const t = N + h; // 0-based week index; Fourier terms use t + 1
        let b =
          spec.baseline === "trend"
            ? v[ix.b0]! + v[ix.bTrend]! * (t / (T - 1))
            : fw.knots[spec.knotCount - 1]!;
        for (let k = 1; k <= F; k++) {
          const a = (2 * Math.PI * k * (t + 1)) / spec.fourierPeriod;
          b += v[ix.sSeason + k - 1]! * Math.sin(a) + v[ix.cSeason + k - 1]! * Math.cos(a);
        }
        base[(d * G + g) * H + h] = b + ctl;
      }
    }
  });

  const media = spec.channels.map((ch, c) => {
    const d = data.channels[ch.data]!;
    const r = rates[c]!;
    return new MediaHorizon({
      name: ch.name,
      stages: {
        perGeo: Array.from({ length: G }, (_, g) =>
          ch.stages.map((st) => ({
            stage: st.stage,
            kind: st.kind,
            params: st.params,
            constants: st.constants[g]!,
          })),
        ),
      },
      lags: spec.adstockLags,
      history: d.x,
      rf:
        ch.role === "rf"
          ? { frequency: d.frequency!, kf: ch.kf, sf: ch.sf, planned: r.frequency! }
          : undefined,
      values,
      coefficient: coefficient[c]!,
      timeVarying: ch.timeVarying,
      weeks: H,
      fixed: ch.role === "organic" ? Float64Array.from(r.fixedInput!) : null,
    });
  });

  const national = (opts.geoPlan ?? "national") === "national";
  const lines: PlanLine[] = [];
  spec.channels.forEach((ch, c) => {
    if (ch.role === "organic") return;
    const r = rates[c]!;
    const spend = data.channels[ch.data]!.spend!;
    if (national) {
      const geos = Array.from({ length: G }, (_, g) => g);
      const history = new Float64Array(N);
      for (const s of spend) for (let t = 0; t < N; t++) history[t] = history[t]! + s[t]!;
      lines.push({
        name: ch.name,
        channel: c,
        geos,
        inputPerCurrency: Float64Array.from(geos, (g) => r.geoShare[g]! * r.inputPerCurrency[g]!),
        geoShare: Float64Array.from(r.geoShare),
        history,
      });
    } else {
      for (let g = 0; g < G; g++)
        lines.push({
          name: G > 1 ? `${ch.name}@${data.geos[g]}` : ch.name,
          channel: c,
          geos: [g],
          inputPerCurrency: Float64Array.of(r.inputPerCurrency[g]!),
          geoShare: Float64Array.of(1),
          history: Float64Array.from(spend[g]!),
        });
    }
  });
  if (lines.length === 0) throw new Error("the model has no paid channel to plan");

  const units = data.kpiType === "units";
  const measure: HorizonResponse["measure"] = !units ? "kpi" : data.value ? "value" : "units";
  const my = data.scaling.kpiPerCapitaMean;
  const kpiScale = Float64Array.from(data.scaling.population, (p, g) => {
    const value = data.value ? sumRange(data.value[g]!, from, T) / (T - from) : 1;
    return p * my * value;
  });
  return {
    channels: lines.map((l) => l.name),
    lines,
    weeks: H,
    draws: D,
    geos: [...data.geos],
    link: spec.link,
    measure,
    kpiScale,
    media,
    pairs: spec.synergies.map((s) => ({ a: s.a, b: s.b })),
    gamma,
    base,
    halfVar,
    effectiveness,
  };
}

/**
 * The planning horizon of any fitted model: v1 models as before (horizonResponse), v2 models with
 * the options above (horizonResponseV2). What the optimizer, scenarios, CLI and platform call.
 */
export function planningHorizon(
  model: MmmModel | MmmModelV2,
  draws: PosteriorDraws,
  weeks: number,
  opts: HorizonOptionsV2 = {},
): HorizonResponse {
  if (model.spec.version === 2) return horizonResponseV2(model as MmmModelV2, draws, weeks, opts);
  return horizonResponse(model as MmmModel, draws, weeks, opts.drawIdx);
}
