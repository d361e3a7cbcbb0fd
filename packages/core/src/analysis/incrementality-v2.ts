/**
 * Counterfactual incrementality of v2 models (shared/docs/model-v2.md section 4; docs/model.md
 * section 10.6), one posterior draw at a time, through the model's own forward pipeline:
 *
 *   Delta_{g,t} = pop_g m_y (E[y_{g,t}] - E[y_{g,t} | channel c's input 0 in every week and geo])
 *
 * over the scored (training) weeks, E[y] = mu (identity link) or exp(mu + sigma_g^2 / 2) (log).
 * Incremental value = sum value_{g,t} Delta_{g,t} (value 1 for a revenue KPI); ROI = value / spend
 * (paid, value known); CPIK = spend / incremental units (paid, units KPI); marginal ROI from a 1 %
 * larger input (spend, exposure or reach at fixed frequency) in every week and geo; optimal
 * frequency of an R&F channel = argmax over f in [1, max observed] of value per spend with the
 * frequency held at f where the channel has reach (at the current reach). The data indices
 * (network, authenticity, consistency) stay as computed from the data.
 */
import type { ForwardV2, MmmModelV2 } from "../model/model-v2.ts";

export interface IncrementalityDraw {
  /** per channel: incremental KPI (original units), summed over geos */
  incremental: Float64Array;
  /** [channel][geo] */
  incrementalByGeo: Float64Array[];
  /** per channel: incremental value (money); NaN when no value is known */
  incrementalValue: Float64Array;
  /** [channel][geo] incremental value */
  incrementalValueByGeo: Float64Array[];
  /** share of the model's expected KPI total */
  incrementalShare: Float64Array;
  /** sum over geos and scored weeks of pop m_y E[y] */
  expectedKpiTotal: number;
  /** per channel (NaN where not defined: organic, no value, no units) */
  roi: Float64Array;
  cpik: Float64Array;
  /** [channel][geo] */
  roiByGeo: Float64Array[];
  cpikByGeo: Float64Array[];
  marginalRoi: Float64Array;
  /** R&F channels: optimal frequency (NaN for other channels) */
  optimalFrequency: Float64Array;
  /** f_t per week (zeros without time-varying media), from the same forward pass */
  mediaEffectiveness: Float64Array;
}

export interface IncrementalityOptions {
  /** skip marginal ROI and optimal frequency (each costs extra forward passes) */
  incrementalOnly?: boolean;
  /** marginal step (default 0.01: a 1 % larger input) */
  marginalStep?: number;
  /** grid points of the optimal-frequency search (default 200) */
  frequencyGrid?: number;
}

/** Per-cell E[y] in KPI units (pop_g m_y E[y_scaled]) summed with a weight per cell over t < T. */
function weightedKpi(
  model: MmmModelV2,
  f: ForwardV2,
  weight: Float64Array[] | null,
  out: Float64Array,
): void {
  const { data, G, trainingWeeks: T } = model.spec;
  const my = data.scaling.kpiPerCapitaMean;
  for (let g = 0; g < G; g++) {
    const pop = data.scaling.population[g]!;
    const e = f.expectedY[g]!;
    const w = weight?.[g];
    let s = 0;
    for (let t = 0; t < T; t++) s += (w === undefined ? 1 : w[t]!) * e[t]!;
    out[g] = pop * my * s;
  }
}

/** Incrementality of every channel at one draw (constrained values). */
export function incrementalityAt(
  model: MmmModelV2,
  values: Float64Array,
  opts: IncrementalityOptions = {},
): IncrementalityDraw {
  const spec = model.spec;
  const { data, G, trainingWeeks: T } = spec;
  const C = spec.channels.length;
  const units = data.kpiType === "units";
  const value = units ? data.value : undefined;
  const hasValue = !units || value !== undefined;
  const full = model.forward(values);
  const totKpi = new Float64Array(G);
  const totVal = new Float64Array(G);
  weightedKpi(model, full, null, totKpi);
  if (value) weightedKpi(model, full, value, totVal);
  const expectedKpiTotal = totKpi.reduce((a, b) => a + b, 0);
  const cfMu = Array.from({ length: G }, () => new Float64Array(spec.weeks));
  const cfE = Array.from({ length: G }, () => new Float64Array(spec.weeks));
  const cfForward = { ...full, expectedY: cfE };
  const tmpK = new Float64Array(G);
  const tmpV = new Float64Array(G);

  const r: IncrementalityDraw = {
    incremental: new Float64Array(C),
    incrementalByGeo: [],
    incrementalValue: new Float64Array(C).fill(Number.NaN),
    incrementalValueByGeo: [],
    incrementalShare: new Float64Array(C),
    expectedKpiTotal,
    roi: new Float64Array(C).fill(Number.NaN),
    cpik: new Float64Array(C).fill(Number.NaN),
    roiByGeo: [],
    cpikByGeo: [],
    marginalRoi: new Float64Array(C).fill(Number.NaN),
    optimalFrequency: new Float64Array(C).fill(Number.NaN),
    mediaEffectiveness: full.mediaEffectiveness,
  };
  /** (kpi, value) difference per geo of `full` minus a counterfactual forward */
  const diff = (cf: ForwardV2, dK: Float64Array, dV: Float64Array) => {
    weightedKpi(model, cf, null, tmpK);
    for (let g = 0; g < G; g++) dK[g] = totKpi[g]! - tmpK[g]!;
    if (value) {
      weightedKpi(model, cf, value, tmpV);
      for (let g = 0; g < G; g++) dV[g] = totVal[g]! - tmpV[g]!;
    } else if (!units) dV.set(dK);
    else dV.fill(Number.NaN);
  };
  for (let c = 0; c < C; c++) {
    const ch = spec.channels[c]!;
    const dK = new Float64Array(G);
    const dV = new Float64Array(G);
    counterfactualOff(model, values, full, c, cfMu, cfE);
    cfForward.expectedY = cfE;
    diff(cfForward, dK, dV);
    r.incrementalByGeo.push(dK);
    r.incrementalValueByGeo.push(dV);
    r.incremental[c] = dK.reduce((a, b) => a + b, 0);
    r.incrementalShare[c] = r.incremental[c]! / expectedKpiTotal;
    if (hasValue) r.incrementalValue[c] = dV.reduce((a, b) => a + b, 0);
    const roiG = new Float64Array(G).fill(Number.NaN);
    const cpikG = new Float64Array(G).fill(Number.NaN);
    if (ch.role !== "organic") {
      const spend = data.scaling.spendTotal[ch.data]!;
      const byGeo = data.scaling.spendByGeo[ch.data]!;
      if (hasValue) {
        r.roi[c] = r.incrementalValue[c]! / spend;
        for (let g = 0; g < G; g++) roiG[g] = dV[g]! / byGeo[g]!;
      }
      if (units) {
        r.cpik[c] = spend / r.incremental[c]!;
        for (let g = 0; g < G; g++) cpikG[g] = byGeo[g]! / dK[g]!;
      }
      if (!opts.incrementalOnly) {
        const step = opts.marginalStep ?? 0.01;
        const up = new Array<number>(C).fill(1);
        up[c] = 1 + step;
        const mK = new Float64Array(G);
        const mV = new Float64Array(G);
        diff(model.forward(values, { scale: up }), mK, mV);
        const gain = -(hasValue ? mV : mK).reduce((a, b) => a + b, 0);
        r.marginalRoi[c] = hasValue ? gain / (step * spend) : (step * spend) / gain;
        if (ch.role === "rf")
          r.optimalFrequency[c] = optimalFrequency(model, values, full, c, opts.frequencyGrid ?? 200);
      }
    }
    r.roiByGeo.push(roiG);
    r.cpikByGeo.push(cpikG);
  }
  void T;
  return r;
}

/**
 * E[y | channel c's input 0] from the full forward: every registered transform maps an all-zero
 * input to zero (model-v2.test.ts checks each), so the channel's response is 0 in every cell and
 * mu loses its term and its synergy terms; the other channels do not depend on c. Exactly the
 * recomputed pipeline (forward with scale 0; incrementality-v2.test.ts compares), at O(G N).
 */
export function counterfactualOff(
  model: MmmModelV2,
  values: Float64Array,
  full: ForwardV2,
  c: number,
  mu: Float64Array[],
  expectedY: Float64Array[],
): void {
  const spec = model.spec;
  const N = spec.weeks;
  for (let g = 0; g < spec.G; g++) {
    const m = mu[g]!;
    const term = full.channelTerm[c]![g]!;
    const m0 = full.mu[g]!;
    for (let t = 0; t < N; t++) m[t] = m0[t]! - term[t]!;
    for (const s of spec.synergies) {
      if (s.a !== c && s.b !== c) continue;
      const gam = values[s.gamma]!;
      const ra = full.response[s.a]![g]!;
      const rb = full.response[s.b]![g]!;
      for (let t = 0; t < N; t++) m[t] = m[t]! - gam * ra[t]! * rb[t]!;
    }
    const e = expectedY[g]!;
    const half = 0.5 * full.sigmaGeo[g]! ** 2;
    if (spec.link === "log") for (let t = 0; t < N; t++) e[t] = Math.exp(m[t]! + half);
    else e.set(m);
  }
}

/**
 * Cost per impression of an R&F channel over the last 13 training weeks (all geos): spend /
 * (reach x frequency), reach back in original units (x m_c pop_g).
 */
export function costPerImpression(model: MmmModelV2, c: number, lastWeeks = 13): number {
  const { data, G, trainingWeeks: T } = model.spec;
  const ch = model.spec.channels[c]!;
  const d = data.channels[ch.data]!;
  const mc = data.scaling.mediaPerCapitaMean[ch.data]!;
  let spend = 0;
  let imps = 0;
  for (let g = 0; g < G; g++) {
    const pop = data.scaling.population[g]!;
    for (let t = Math.max(0, T - lastWeeks); t < T; t++) {
      spend += d.spend![g]![t]!;
      imps += d.x[g]![t]! * mc * pop * d.frequency![g]![t]!;
    }
  }
  return spend / imps;
}

/**
 * Optimal frequency of R&F channel c at one draw: the f in [1, max observed frequency] that
 * maximizes incremental value (units without a value) per spend when the channel's frequency is
 * f in every cell with reach (the argmax of valuePerSpendByFrequency on its grid).
 */
export function optimalFrequency(
  model: MmmModelV2,
  values: Float64Array,
  full: ForwardV2,
  c: number,
  grid: number,
): number {
  const { frequencies, ratio } = valuePerSpendByFrequency(model, values, full, c, grid);
  let best = 1;
  let bestRatio = -Infinity;
  for (let k = 0; k < frequencies.length; k++) {
    if (ratio[k]! > bestRatio) {
      bestRatio = ratio[k]!;
      best = frequencies[k]!;
    }
  }
  return best;
}

/**
 * Incremental value (units without a value) per spend of R&F channel c at one draw when its
 * frequency is f in every cell with reach, at the current reach, for f on `grid + 1` evenly spaced
 * points of [1, max observed frequency] (ROI versus frequency; model-v2 section 3). The R&F
 * pipeline is linear in its input (adstock of reach x hillF), so the channel's term at frequency f
 * is hillF(f) times its term at hillF = 1: each point costs O(G T), not a forward pass.
 */
export function valuePerSpendByFrequency(
  model: MmmModelV2,
  values: Float64Array,
  full: ForwardV2,
  c: number,
  grid: number,
): { frequencies: Float64Array; ratio: Float64Array } {
  const spec = model.spec;
  const { data, G, trainingWeeks: T } = spec;
  const ch = spec.channels[c]!;
  const d = data.channels[ch.data]!;
  const mc = data.scaling.mediaPerCapitaMean[ch.data]!;
  const my = data.scaling.kpiPerCapitaMean;
  const isLog = spec.link === "log";
  const value = data.value;
  const Kf = values[ch.kf]!;
  const Sf = values[ch.sf]!;
  const hillF = (f: number) => (f > 0 ? 1 / (1 + Math.exp(-Sf * (Math.log(f) - Math.log(Kf)))) : 0);
  let fMax = 1;
  let reachImps = 0; // sum of reach (original units) over scored cells
  for (let g = 0; g < G; g++)
    for (let t = 0; t < T; t++) {
      fMax = Math.max(fMax, d.frequency![g]![t]!);
      reachImps += d.x[g]![t]! * mc * data.scaling.population[g]!;
    }
  const cpi = costPerImpression(model, c);
  // term_c(f) = hillF(f) * U, U = betaGeo m adstock(x): the forward with x alone (hillF = 1).
  const unit = unitTerm(model, values, c);
  const frequencies = new Float64Array(grid + 1);
  const ratio = new Float64Array(grid + 1);
  for (let k = 0; k <= grid; k++) {
    const f = 1 + ((fMax - 1) * k) / grid;
    const h = hillF(f);
    let gain = 0;
    for (let g = 0; g < G; g++) {
      const pop = data.scaling.population[g]!;
      const sg = full.sigmaGeo[g]!;
      const mu = full.mu[g]!;
      const term = full.channelTerm[c]![g]!;
      const u = unit[g]!;
      for (let t = 0; t < T; t++) {
        const muWithout = mu[t]! - term[t]!;
        const withF = muWithout + h * u[t]!;
        const dE = isLog ? Math.exp(withF + 0.5 * sg * sg) - Math.exp(muWithout + 0.5 * sg * sg) : h * u[t]!;
        gain += pop * my * dE * (value ? value[g]![t]! : 1);
      }
    }
    frequencies[k] = f;
    ratio[k] = gain / (reachImps * f * cpi);
  }
  return { frequencies, ratio };
}

/** betaGeo m adstock(x) of an R&F channel (its term with hillF = 1), [geo][week]. */
function unitTerm(model: MmmModelV2, values: Float64Array, c: number): Float64Array[] {
  const { G, trainingWeeks: T, data } = model.spec;
  const ch = model.spec.channels[c]!;
  const out: Float64Array[] = [];
  for (let g = 0; g < G; g++) {
    const o = new Float64Array(T);
    model.channelTerm(values, c, g, data.channels[ch.data]!.x[g]!, T, o, "unit");
    out.push(o);
  }
  return out;
}

export interface DecompositionV2 {
  /**
   * "additive": identity link, every component is its term in mu (x pop m_y).
   * "log-share": log link; base = E[y | all media 0] (baseline, seasonality, controls together),
   * the media total E[y] - E[y | all media 0] split among channels (and synergy) in proportion to
   * their terms in mu, per week and geo.
   */
  rule: "additive" | "log-share";
  /** component name -> [geo][week] in KPI units; components add up to E[kpi] per cell */
  components: Record<string, Float64Array[]>;
  /** pop m_y E[y] per [geo][week] */
  expectedKpi: Float64Array[];
}

/** Decomposition of the expected KPI at one draw, over all N weeks, per geo (adds up exactly). */
export function decomposeV2(model: MmmModelV2, values: Float64Array): DecompositionV2 {
  const spec = model.spec;
  const { data, G, weeks: N } = spec;
  const f = model.forward(values);
  const my = data.scaling.kpiPerCapitaMean;
  const isLog = spec.link === "log";
  const grid = () => Array.from({ length: G }, () => new Float64Array(N));
  const components: Record<string, Float64Array[]> = {};
  const expectedKpi = grid();
  const channelNames = spec.channels.map((c) => c.name);
  if (!isLog) {
    const baseline = grid();
    const seasonality = grid();
    const controls = grid();
    const synergy = grid();
    const ch = channelNames.map(() => grid());
    for (let g = 0; g < G; g++) {
      const k = data.scaling.population[g]! * my;
      for (let t = 0; t < N; t++) {
        baseline[g]![t] = k * (f.baseline[t]! + f.tauGeo[g]!);
        seasonality[g]![t] = k * f.seasonality[t]!;
        controls[g]![t] = k * f.controls[g]![t]!;
        synergy[g]![t] = k * f.synergy[g]![t]!;
        for (let c = 0; c < channelNames.length; c++) ch[c]![g]![t] = k * f.channelTerm[c]![g]![t]!;
        expectedKpi[g]![t] = k * f.expectedY[g]![t]!;
      }
    }
    Object.assign(components, { baseline, seasonality, controls });
    channelNames.forEach((n, c) => (components[n] = ch[c]!));
    if (spec.synergies.length > 0) components.synergy = synergy;
    return { rule: "additive", components, expectedKpi };
  }
  const base = grid();
  const synergy = grid();
  const ch = channelNames.map(() => grid());
  for (let g = 0; g < G; g++) {
    const k = data.scaling.population[g]! * my;
    const half = 0.5 * f.sigmaGeo[g]! ** 2;
    for (let t = 0; t < N; t++) {
      let media = f.synergy[g]![t]!;
      for (let c = 0; c < channelNames.length; c++) media += f.channelTerm[c]![g]![t]!;
      const ey = k * f.expectedY[g]![t]!;
      const ey0 = k * Math.exp(f.mu[g]![t]! - media + half);
      base[g]![t] = ey0;
      expectedKpi[g]![t] = ey;
      const total = ey - ey0;
      // log-space shares; with no media (all terms 0) nothing is attributed
      const share = media !== 0 ? total / media : 0;
      for (let c = 0; c < channelNames.length; c++) ch[c]![g]![t] = share * f.channelTerm[c]![g]![t]!;
      synergy[g]![t] = share * f.synergy[g]![t]!;
    }
  }
  components.base = base;
  channelNames.forEach((n, c) => (components[n] = ch[c]!));
  if (spec.synergies.length > 0) components.synergy = synergy;
  return { rule: "log-share", components, expectedKpi };
}
