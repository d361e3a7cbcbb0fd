/**
 * Bridges a fitted model (ModelSpec + constrained posterior draws) to the analysis pieces: the
 * per-channel history and per-draw transform parameters for media-pipeline.ts, and the
 * HorizonResponse used by the optimizer and scenarios.
 */
import type { MmmModel } from "../model/model.ts";
import type { ChannelSpec, ModelSpec } from "../model/spec.ts";
import { getTransform } from "../transforms/registry.ts";
import type { HorizonResponse } from "./horizon-response.ts";
import {
  type ChannelDraw,
  ChannelHorizon,
  type ChannelHistory,
  type PipelineStages,
  type SaturationKind,
} from "./media-pipeline.ts";

/** Posterior draws on the constrained scale, draws x dim row-major (parameter order of the spec). */
export interface PosteriorDraws {
  values: Float64Array;
  draws: number;
  dim: number;
}

/**
 * Reorders stored draws (e.g. FitResult.draws or decodeDraws output: columns named by parameter
 * label, chain-major rows) into the model's parameter order. Throws naming missing parameters.
 */
export function posteriorDraws(
  model: { parameters: { label: string }[] },
  draws: { names: string[]; chains: number; perChain: number; values: ArrayLike<number> },
): PosteriorDraws {
  const labels = model.parameters.map((p) => p.label);
  const col = labels.map((l) => draws.names.indexOf(l));
  const missing = labels.filter((_, j) => (col[j] as number) < 0);
  if (missing.length > 0)
    throw new Error(
      `draws do not match the model: missing ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}`,
    );
  const n = draws.chains * draws.perChain;
  const dim = labels.length;
  const src = draws.names.length;
  if (draws.values.length !== n * src)
    throw new Error(`draws have ${draws.values.length} values, expected ${n} x ${src}`);
  const values = new Float64Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) values[i * dim + j] = draws.values[i * src + (col[j] as number)] as number;
  return { values, draws: n, dim };
}

export function drawRow(p: PosteriorDraws, d: number): Float64Array {
  return p.values.subarray(d * p.dim, (d + 1) * p.dim);
}

const SATURATIONS: readonly string[] = ["hill", "logistic", "power"];

export function channelHistory(spec: ModelSpec, c: number): ChannelHistory {
  const ch = spec.channels[c] as ChannelSpec;
  const has = (stage: string) => ch.stages.some((s) => s.stage === stage);
  const sat = ch.stages.find((s) => s.stage === "saturation");
  if (!sat || !SATURATIONS.includes(sat.kind))
    throw new Error(`channel "${ch.name}": unsupported saturation "${sat?.kind}"`);
  const net = ch.stages.find((s) => s.stage === "network");
  const auth = ch.stages.find((s) => s.stage === "authenticity");
  const stages: PipelineStages = {
    viralEcho: has("viralEcho"),
    network: has("network"),
    authenticity: has("authenticity"),
    consistency: has("consistency"),
    saturation: sat.kind as SaturationKind,
  };
  return {
    name: ch.name,
    type: ch.type,
    stages,
    spendMean: spec.scaling.spendMean[c] as number,
    x: ch.x,
    networkMin: net?.constants.rollingMeanMin ?? 0,
    networkMax: net?.constants.rollingMeanMax ?? 0,
    maxX: auth?.constants.scaledSpendMax ?? 0,
  };
}

/** Adstock weights of any registered (linear) adstock kind: its response to a unit impulse. */
function adstockWeights(kind: string, p: Float64Array, lags: number): Float64Array {
  const t = getTransform(kind);
  const x = new Float64Array(lags);
  x[0] = 1;
  const out = new Float64Array(lags);
  t.forward(x, lags, p, out, {
    x,
    lags,
    feature: new Float64Array(lags),
    ws: new Float64Array(t.workspaceSize(lags, lags)),
  });
  return out;
}

/** One draw's transform parameters of channel c. */
export function channelDraw(spec: ModelSpec, c: number, v: Float64Array): ChannelDraw {
  const ch = spec.channels[c] as ChannelSpec;
  const out: ChannelDraw = {
    beta: v[ch.beta] as number,
    adstockWeights: new Float64Array(0),
    K: 1,
    S: 1,
    lambda: 0,
    rho: 0,
    kappa: 0,
    delta: 0,
    eta: 0,
    phi: 0,
    psi: 0,
  };
  for (const st of ch.stages) {
    const t = getTransform(st.kind);
    const p = Float64Array.from(st.params, (i) => v[i] as number);
    if (st.stage === "adstock") {
      out.adstockWeights = adstockWeights(st.kind, p, spec.adstockLags);
      continue;
    }
    t.params.forEach((param, k) => {
      const val = p[k] as number;
      if (param.name in out && param.name !== "adstockWeights" && param.name !== "beta") {
        (out as unknown as Record<string, number>)[param.name] = val;
      }
    });
  }
  return out;
}

/**
 * Non-media model-scale mean over weeks [from, to) for one draw, continuing the data's time index
 * (trend and Fourier phase), controls at their training mean and events off past the data, as
 * the model's forward pass does.
 */
export function baseSeries(spec: ModelSpec, v: Float64Array, from: number, to: number): Float64Array {
  const out = new Float64Array(to - from);
  const T = spec.trainingWeeks;
  const K = spec.fourierPairs;
  const N = spec.weeks;
  const J = spec.controls.length;
  for (let t = from; t < to; t++) {
    let m = (v[0] as number) + (v[1] as number) * (t / (T - 1));
    for (let k = 1; k <= K; k++) {
      const a = (2 * Math.PI * k * (t + 1)) / spec.fourierPeriod;
      m += (v[1 + k] as number) * Math.sin(a) + (v[1 + K + k] as number) * Math.cos(a);
    }
    if (t < N) {
      for (let j = 0; j < J; j++)
        m += (v[2 + 2 * K + j] as number) * ((spec.controls[j] as { z: Float64Array }).z[t] as number);
      for (let j = 0; j < spec.events.length; j++) {
        m +=
          (v[2 + 2 * K + J + j] as number) *
          ((spec.events[j] as { values: Float64Array }).values[t] as number);
      }
    }
    out[t - from] = m;
  }
  return out;
}

/**
 * HorizonResponse for a planning horizon of `weeks` weeks after the last data row, over the
 * given draws (indices into `draws`). Channel spend before the horizon is the data's spend.
 */
export function horizonResponse(
  model: MmmModel | ModelSpec,
  draws: PosteriorDraws,
  weeks: number,
  drawIdx?: ArrayLike<number>,
): HorizonResponse {
  const spec: ModelSpec = "spec" in model ? model.spec : model;
  if (draws.dim !== spec.parameters.length)
    throw new Error(`draws have ${draws.dim} columns, the model has ${spec.parameters.length} parameters`);
  if (!(weeks >= 1 && Number.isInteger(weeks)))
    throw new Error(`planning horizon must be a whole number of weeks >= 1, got ${weeks}`);
  const idx = drawIdx ? Array.from(drawIdx) : Array.from({ length: draws.draws }, (_, i) => i);
  const D = idx.length;
  const C = spec.channels.length;
  const P = spec.synergies.length;
  const beta = new Float64Array(D * C);
  const gamma = new Float64Array(D * P);
  const base = new Float64Array(D);
  const kpi = spec.scaling.kpiMean;
  const params: ChannelDraw[][] = Array.from({ length: C }, () => []);
  idx.forEach((di, d) => {
    const v = drawRow(draws, di);
    for (let c = 0; c < C; c++) {
      const p = channelDraw(spec, c, v);
      params[c]?.push(p);
      beta[d * C + c] = p.beta;
    }
    spec.synergies.forEach((s, k) => {
      gamma[d * P + k] = v[s.gamma] as number;
    });
    const b = baseSeries(spec, v, spec.weeks, spec.weeks + weeks);
    let s = 0;
    for (const x of b) s += x;
    base[d] = s * kpi;
  });
  return {
    channels: spec.channels.map((c) => c.name),
    weeks,
    draws: D,
    kpiScale: kpi,
    beta,
    pairs: spec.synergies.map((s) => ({ a: s.a, b: s.b })),
    gamma,
    base,
    curves: spec.channels.map(
      (_, c) => new ChannelHorizon(channelHistory(spec, c), params[c] as ChannelDraw[], weeks),
    ),
  };
}

/** Mean weekly spend of each channel over the last n data rows (currency): the "current plan". */
export function recentWeeklySpend(spec: ModelSpec, n: number): number[] {
  return spec.channels.map((ch) => {
    const N = ch.spend.length;
    const k = Math.max(1, Math.min(n, N));
    let s = 0;
    for (let t = N - k; t < N; t++) s += ch.spend[t] as number;
    return s / k;
  });
}
