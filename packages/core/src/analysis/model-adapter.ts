/**
 * Bridges a fitted v1 model (ModelSpec + constrained posterior draws) to the analysis pieces: the
 * draws in the model's parameter order and the HorizonResponse used by the optimizer and
 * scenarios (the v2 counterpart is model-adapter-v2.ts).
 */
import { createModel, type MmmModel } from "../model/model.ts";
import type { ModelSpec } from "../model/spec.ts";
import { type HorizonResponse, MediaHorizon } from "./horizon-response.ts";

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
  model: { parameters: { label: string }[] } | { spec: { parameters: { label: string }[] } },
  draws: { names: string[]; chains: number; perChain: number; values: ArrayLike<number> },
): PosteriorDraws {
  const labels = ("parameters" in model ? model.parameters : model.spec.parameters).map((p) => p.label);
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

/**
 * HorizonResponse of a v1 model for a planning horizon of `weeks` weeks after the last data row,
 * over the given draws (indices into `draws`). Channel spend before the horizon is the data's
 * spend; every channel runs through the model's own pipeline (model/channel-pipeline.ts); the
 * non-media mean continues the forward's past the data (trend and Fourier continue, controls at
 * their training mean, events off).
 */
export function horizonResponse(
  model: MmmModel | ModelSpec,
  draws: PosteriorDraws,
  weeks: number,
  drawIdx?: ArrayLike<number>,
): HorizonResponse {
  const m: MmmModel = "spec" in model ? model : createModel(model);
  const spec = m.spec;
  if (draws.dim !== spec.parameters.length)
    throw new Error(`draws have ${draws.dim} columns, the model has ${spec.parameters.length} parameters`);
  if (!(weeks >= 1 && Number.isInteger(weeks)))
    throw new Error(`planning horizon must be a whole number of weeks >= 1, got ${weeks}`);
  const idx = drawIdx ? Array.from(drawIdx) : Array.from({ length: draws.draws }, (_, i) => i);
  const D = idx.length;
  const P = spec.synergies.length;
  const N = spec.weeks;
  const H = weeks;
  const values = idx.map((d) => Float64Array.from(drawRow(draws, d)));
  const gamma = new Float64Array(D * P);
  const base = new Float64Array(D * H);
  values.forEach((v, d) => {
    spec.synergies.forEach((s, k) => {
      gamma[d * P + k] = v[s.gamma] as number;
    });
    // past the data the forward's non-media mean is b0 + trend + Fourier (controls at their
    // training mean z = 0, events off): model-adapter.test.ts checks it against model.forward
    const K = spec.fourierPairs;
    for (let h = 0; h < H; h++) {
      const t = N + h;
      let b = (v[0] as number) + (v[1] as number) * (t / (spec.trainingWeeks - 1));
      for (let k = 1; k <= K; k++) {
        const a = (2 * Math.PI * k * (t + 1)) / spec.fourierPeriod;
        b += (v[1 + k] as number) * Math.sin(a) + (v[1 + K + k] as number) * Math.cos(a);
      }
      base[d * H + h] = b;
    }
  });
  const media = spec.channels.map(
    (ch) =>
      new MediaHorizon({
        name: ch.name,
        stages: { perGeo: [ch.stages] },
        lags: spec.adstockLags,
        history: [ch.x],
        values,
        coefficient: Float64Array.from(values, (v) => v[ch.beta] as number),
        timeVarying: false,
        weeks: H,
      }),
  );
  return {
    channels: spec.channels.map((c) => c.name),
    lines: spec.channels.map((ch, c) => ({
      name: ch.name,
      channel: c,
      geos: [0],
      inputPerCurrency: Float64Array.of(1 / (spec.scaling.spendMean[c] as number)),
      geoShare: Float64Array.of(1),
      history: ch.spend,
    })),
    weeks: H,
    draws: D,
    geos: ["national"],
    link: "identity",
    measure: "kpi",
    kpiScale: Float64Array.of(spec.scaling.kpiMean),
    media,
    pairs: spec.synergies.map((s) => ({ a: s.a, b: s.b })),
    gamma,
    base,
    halfVar: new Float64Array(D),
    effectiveness: new Float64Array(D * H).fill(1),
  };
}

/**
 * Mean weekly spend of each channel over the last n data rows (currency): the "current plan". Given a
 * HorizonResponse, per plan line (v2: national lines sum their geos).
 */
export function recentWeeklySpend(source: ModelSpec | HorizonResponse, n: number): number[] {
  const series: ArrayLike<number>[] =
    "lines" in source ? source.lines.map((l) => l.history) : source.channels.map((ch) => ch.spend);
  return series.map((spend) => {
    const N = spend.length;
    const k = Math.max(1, Math.min(n, N));
    let s = 0;
    for (let t = N - k; t < N; t++) s += spend[t] as number;
    return s / k;
  });
}
