/**
 * Fitting v2 models (docs/model.md section 10.7): ModelDataV2 + config -> ModelSpecV2 -> NUTS in
 * worker threads (or fast mode) -> the v2 result shape of shared/docs/model-v2.md section 7: v1's
 * keys, and per channel `incremental`, `roi` (paid, value known), `cpik` (paid, units KPI),
 * `marginalRoi`, `optimalFrequency` (R&F), `role`; `geos` per geo for geo models;
 * `mediaEffectiveness` per week with time-varying media. Every figure is a posterior summary of
 * the counterfactual of analysis/incrementality-v2.ts, draw by draw.
 *
 * Callers route by `usesV2Features(config)` (model/config-v2.ts): a config that uses no v2 feature
 * goes to v1's fitModel, which keeps its draws exactly (same density, the centered-intercept
 * sampler parameterization, same seed stream). fitModelV2 accepts such a config too (the v2 model
 * with G = 1 and every option off has v1's density), but samples it without the centered intercept.
 */
import { nationalPredictiveV2 } from "../analysis/backtest-v2.ts";
import { incrementalityAt } from "../analysis/incrementality-v2.ts";
import { thinIndices } from "../analysis/stats.ts";
import { assessConvergence } from "../diagnostics/assess.ts";
import { quantiles, summarizeDraws } from "../diagnostics/convergence.ts";
import { psisLoo } from "../diagnostics/psis.ts";
import { logGamma } from "../priors/priors.ts";
import { findMap, laplace } from "../inference/fast-mode.ts";
import { abortError, sampleChain, type SampleChainHooks } from "../inference/nuts.ts";
import { sampleChains } from "../inference/sample-chains.ts";
import type { ChainResult, LogDensityFactoryRef, NutsOptions } from "../inference/types.ts";
import { type ModelConfigV2, type ModelConfigV2Input, parseModelConfigV2 } from "../model/config-v2.ts";
import type { ModelDataV2 } from "../model/data-v2.ts";
import {
  collapseExactV2,
  createSamplerModelV2,
  type MmmModelV2,
  type SamplerModelV2,
  type SamplerParameterizationV2,
} from "../model/model-v2.ts";
import { buildModelSpecV2, type ModelSpecV2 } from "../model/spec-v2.ts";
import type { Draws } from "./draws-codec.ts";
import { type HoldoutMetrics, holdoutMetrics } from "./metrics.ts";
import { ProgressTracker } from "./progress.ts";
import {
  DEFAULT_TARGET_ACCEPT,
  meanLeapfrogs,
  EARLY_METRIC_WINDOW,
  ENGINE_VERSION,
  checkChainResults,
  type FitDiagnostics,
  type FitOptions,
  type LooSummary,
  type Summary,
} from "./result.ts";

export interface ChannelResultV2 {
  type: string;
  role: "paid" | "rf" | "organic";
  /** Training spend, original currency (0 for organic channels). */
  spend: number;
  /** Incremental KPI over the scored weeks, original KPI units (counterfactual). */
  incremental: Summary;
  /** Same as incremental (v1's key). */
  contribution: Summary;
  /** Share of the expected KPI total. */
  share: Summary;
  /** Incremental value / spend (paid channels with a value: revenue KPI or units with a value). */
  roi?: Summary;
  /** Spend / incremental units (paid channels, units KPI). */
  cpik?: Summary;
  /** From a 1 % larger input (value per extra money; units KPI without value: cost per extra unit). */
  marginalRoi?: Summary;
  /** R&F channels: argmax of value per spend over frequency. */
  optimalFrequency?: Summary;
}

export interface FitResultV2 {
  engineVersion: string;
  modelVersion: 2;
  seed: number;
  mode: "nuts" | "fast";
  approximate: boolean;
  config: ModelConfigV2;
  kpiName: string;
  kpiType: "revenue" | "units";
  link: "identity" | "log";
  /** How decompositions split the KPI: additive (identity link) or log-share (log link). */
  decompositionRule: "additive" | "log-share";
  weeks: number;
  trainingWeeks: number;
  geoNames: string[];
  settings: { chains: number; warmup: number; draws: number };
  parameters: Record<string, Summary>;
  channels: Record<string, ChannelResultV2>;
  /** Geo models: per geo, per channel incremental / roi / cpik. */
  geos?: Record<
    string,
    { channels: Record<string, { incremental: Summary; roi?: Summary; cpik?: Summary }> }
  >;
  /** Time-varying media: f_t per week (the multiplier is exp(f_t)). */
  mediaEffectiveness?: { date: string; f: Summary }[];
  diagnostics: FitDiagnostics;
  /** Holdout weeks (config holdoutWeeks > 0): the national KPI's predictive against what happened. */
  holdout: HoldoutMetrics | null;
  /** PSIS-LOO over the training geo-weeks (at most 1000 evenly thinned draws); null under 100 draws. */
  loo: LooSummary | null;
  timing: { totalSeconds: number; warmupSeconds: number; samplingSeconds: number; summarySeconds: number };
  draws: Draws;
}

/** Pilot of the geo parameterization: warmup iterations, then draws whose variances decide. */
export const GEO_PILOT_WARMUP = 100;
export const GEO_PILOT_DRAWS = 60;
/** A channel's geo deviations are sampled centered when the pilot's mean over geos of var(u[g, c])
 *  is below this: the data's precision for log betaGeo is then above 9 times the prior's (1 / eta^2). */
export const GEO_CENTER_BELOW = 0.1;
/** The pilot's random stream: (seed, this chain index), apart from the fit's chains 0, 1, ... */
const PILOT_CHAIN = 0x70696c;
/** FitOptions.geoOffsets when not given. */
export const DEFAULT_GEO_OFFSETS: "collapsed" | "mean" = "collapsed";
/**
 * The collapse is the default only up to this many geos. Measured (docs/model.md 10.7): it takes the
 * 3-6-geo fits under 0.5 % divergences, but on the 40-geo benchmark (seed 15) it left R-hat 1.012
 * on eta_geo[Influencer], where the level k1 converged (1.007); the level as w converged on the 20-geo demo.
 */
export const COLLAPSE_MAX_GEOS = 8;

/**
 * The sampler parameterization of a geo model (docs/model.md section 10.7): mean geo levels, and
 * per channel centered (log betaGeo) or non-centered (u) geo deviations, chosen from how strongly
 * the data identify them. A short pilot chain in the default (non-centered) coordinates
 * (GEO_PILOT_WARMUP + GEO_PILOT_DRAWS, random stream (seed, PILOT_CHAIN)) estimates the posterior
 * variance of every u[g, c]: weak data leave it near the prior's 1, strong data shrink it to
 * about 1 / (1 + eta^2 I) with I the likelihood's curvature in log betaGeo; below GEO_CENTER_BELOW
 * the non-centered coordinates form a curved ridge (u ~ 1 / eta) and the channel is centered.
 * The level and the geo offsets: by default ("collapsed") integrated out and drawn exactly from
 * their conditional per draw, with the knots baseline's innovations (docs/model.md 10.7,
 * "Collapsed level and offsets", "Collapsed knots"), where that is exact (collapseExactV2) and G <= COLLAPSE_MAX_GEOS; otherwise, or with "mean", w = sqrt(G) mean_g v_g
 * in place of the level (levelMean). The pilot itself runs in the mean-level coordinates.
 * Deterministic in (spec, seed), so fitChainV2 and fitV2FromChains find the same choice. G = 1:
 * no pilot; the level is sampled as the mean of mu over the training weeks (centerLevel).
 */
export function geoParameterizationV2(
  spec: ModelSpecV2,
  seed: number,
  geoOffsets: "collapsed" | "mean" = DEFAULT_GEO_OFFSETS,
  options: {
    offsetBlend?: number;
    /** the collapsed offsets' knots (measurement only; default "collapsed") */
    knots?: "centered" | "collapsed";
  } = {},
): {
  param: SamplerParameterizationV2;
  pilotVariance: number[];
  pilotGradients: number;
  /** The pilot's posterior mean of sigma (the mean over geos with sigma per geo); NaN without a pilot. */
  pilotSigma: number;
} {
  // national: the level sampled as the mean of mu over the training weeks (v1's centered intercept)
  if (spec.G <= 1)
    return {
      param: spec.index.k1 >= 0 || spec.index.b0 >= 0 ? { centerLevel: true } : {},
      pilotVariance: [],
      pilotGradients: 0,
      pilotSigma: Number.NaN,
    };
  // collapsed: the knots' innovations integrated out with the level and the offsets (neither
  // knots parameterization worked everywhere: non-centered, the 6 x 78 conformance case diverged at
  // high s_rw; centered, coverage seeds 1013 and 1019 at low s_rw; docs/model.md 10.7)
  const offsets: SamplerParameterizationV2 =
    geoOffsets === "collapsed" && spec.G <= COLLAPSE_MAX_GEOS && collapseExactV2(spec)
      ? {
          offsets: "collapsed",
          ...(spec.index.zK >= 0 && spec.knotCount > 1 ? { knots: options.knots ?? "collapsed" } : {}),
        }
      : { levelMean: true };
  if (!spec.channels.some((ch) => ch.u >= 0))
    return { param: offsets, pilotVariance: [], pilotGradients: 0, pilotSigma: Number.NaN };
  const r = sampleChain(
    createSamplerModelV2(spec),
    {
      chains: 1,
      warmup: GEO_PILOT_WARMUP,
      draws: GEO_PILOT_DRAWS,
      seed,
      targetAccept: DEFAULT_TARGET_ACCEPT,
      earlyMetricWindow: EARLY_METRIC_WINDOW,
    },
    PILOT_CHAIN,
  );
  const dim = r.dim;
  const n = r.draws;
  const pilotVariance = spec.channels.map((ch) => {
    if (ch.u < 0) return Number.NaN;
    let sum = 0;
    for (let g = 0; g < spec.G; g++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += r.samples[i * dim + ch.u + g]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (r.samples[i * dim + ch.u + g]! - m) ** 2;
      sum += v / (n - 1);
    }
    return sum / spec.G;
  });
  let pilotSigma = 0;
  for (let i = 0; i < n; i++)
    for (let k = 0; k < spec.index.sigmaCount; k++)
      pilotSigma += Math.exp(r.samples[i * dim + spec.index.sigma + k]!) / (n * spec.index.sigmaCount);
  let gradients = r.warmupGradients;
  for (let i = 0; i < n; i++) gradients += r.nLeapfrog[i]!;
  const centered = pilotVariance.map((v) => v < GEO_CENTER_BELOW);
  // opt-in: the offsets' deviations blended by s_tau, sm = factor x sigma / sqrt(T) (docs/model.md 10.7)
  const blend = options.offsetBlend ?? 0;
  const sm = blend > 0 ? (blend * pilotSigma) / Math.sqrt(spec.trainingWeeks) : 0;
  return {
    param: {
      ...offsets,
      ...(centered.some(Boolean) ? { channels: centered } : {}),
      ...(sm > 0 && Number.isFinite(sm) && offsets.levelMean === true ? { offsetBlend: sm } : {}),
    },
    pilotVariance,
    pilotGradients: gradients,
    pilotSigma,
  };
}

/** FitOptions.geoOffsetBlend as geoParameterizationV2's option. */
function blendOption(options: FitOptions): { offsetBlend?: number } {
  return options.geoOffsetBlend !== undefined ? { offsetBlend: options.geoOffsetBlend } : {};
}

export function modelTargetV2(
  data: ModelDataV2,
  config: ModelConfigV2Input | ModelConfigV2,
  param: SamplerParameterizationV2 = {},
): { spec: ModelSpecV2; ref: LogDensityFactoryRef } {
  const spec = buildModelSpecV2(data, config);
  return {
    spec,
    ref: {
      module: new URL("../model/model-v2.ts", import.meta.url).href,
      exportName: "createSamplerModelV2FromArgs",
      args: { spec, param },
    },
  };
}

/** The NUTS options of every chain of a v2 fit, in-process (fitModelV2) or one chain at a time
 *  (fitChainV2): one place, so that both give the same draws for the same seed. */
function nutsOptionsForV2(options: FitOptions, inits?: Float64Array[]): NutsOptions {
  return {
    chains: options.chains ?? 4,
    warmup: options.warmup ?? 1000,
    draws: options.draws ?? 1000,
    seed: options.seed ?? 1,
    ...(inits !== undefined ? { inits } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.maxTreeDepth !== undefined ? { maxTreeDepth: options.maxTreeDepth } : {}),
    targetAccept: options.targetAccept ?? DEFAULT_TARGET_ACCEPT,
    earlyMetricWindow: EARLY_METRIC_WINDOW,
  };
}

/** Canonical draws and diagnostics of v2 chain results (samples rewritten in place). */
function nutsOutcomeV2(
  sampler: SamplerModelV2,
  labels: string[],
  results: ChainResult[],
  options: FitOptions,
): {
  thetaByChain: Float64Array[];
  warmupSeconds: number;
  samplingSeconds: number;
  diagnostics: FitDiagnostics;
} {
  const thetaByChain = results.map((r) => toCanonical(sampler, r.samples, r.draws));
  const a = assessConvergence(results, { parameterNames: labels, maxTreeDepth: options.maxTreeDepth ?? 10 });
  return {
    thetaByChain,
    warmupSeconds: Math.max(...results.map((r) => r.warmupMs)) / 1000,
    samplingSeconds: Math.max(...results.map((r) => r.samplingMs)) / 1000,
    diagnostics: {
      rhatMax: a.rhatMax,
      essBulkMin: a.essBulkMin,
      essTailMin: a.essTailMin,
      divergences: a.divergences,
      treedepthHits: a.treedepthHits,
      ebfmiMin: a.ebfmiMin,
      converged: a.converged,
      reasons: a.reasons,
      warnings: a.warnings,
      leapfrogsPerDraw: meanLeapfrogs(results),
    },
  };
}

/**
 * One NUTS chain of a v2 fit on the calling thread: chain `chain` of `fitModelV2(data, config,
 * options)` with the same seed gives the same draws. `fitV2FromChains` merges them.
 */
export function fitChainV2(
  data: ModelDataV2,
  configInput: ModelConfigV2Input | ModelConfigV2,
  chain: number,
  options: FitOptions,
  hooks: SampleChainHooks = {},
): ChainResult {
  if (options.mode !== "nuts") throw new Error("fitChainV2 runs NUTS chains only");
  if (options.init === "map") throw new Error("fitChainV2 does not support MAP inits");
  const opts = nutsOptionsForV2(options);
  if (!Number.isInteger(chain) || chain < 0 || chain >= opts.chains)
    throw new Error(`chain must be an integer in [0, ${opts.chains - 1}], got ${chain}`);
  const spec = buildModelSpecV2(data, parseModelConfigV2(configInput));
  const { param } = geoParameterizationV2(spec, opts.seed, options.geoOffsets, blendOption(options));
  return sampleChain(createSamplerModelV2(spec, param), opts, chain, hooks);
}

/**
 * The v2 fit from its chains' results (`results[c].chain === c`), exactly as fitModelV2 computes
 * it after sampling. The results' samples are rewritten in place (canonical theta).
 */
export function fitV2FromChains(
  data: ModelDataV2,
  configInput: ModelConfigV2Input | ModelConfigV2,
  results: ChainResult[],
  options: FitOptions,
): FitResultV2 {
  const t0 = performance.now();
  const config = parseModelConfigV2(configInput);
  const opts = nutsOptionsForV2(options);
  checkChainResults(results, opts);
  const spec = buildModelSpecV2(data, config);
  const sampler = createSamplerModelV2(
    spec,
    geoParameterizationV2(spec, opts.seed, options.geoOffsets, blendOption(options)).param,
  );
  const outcome = nutsOutcomeV2(
    sampler,
    spec.parameters.map((p) => p.label),
    results,
    options,
  );
  const summary = summarizeV2(sampler.model, outcome.thetaByChain, opts.draws);
  const t1 = performance.now();
  const chainSeconds = Math.max(...results.map((r) => r.warmupMs + r.samplingMs)) / 1000;
  return {
    ...resultHeaderV2(data, config, spec, { ...options, mode: "nuts" }, opts),
    ...summary,
    diagnostics: outcome.diagnostics,
    holdout: holdoutV2(sampler.model, summary.draws, opts.seed),
    loo: looV2(sampler.model, summary.draws),
    timing: {
      totalSeconds: (t1 - t0) / 1000 + chainSeconds,
      warmupSeconds: outcome.warmupSeconds,
      samplingSeconds: outcome.samplingSeconds,
      summarySeconds: (t1 - t0) / 1000,
    },
  };
}

/** Draws whose marginal ROI and optimal frequency are computed (each costs extra forward passes). */
const MARGINAL_DRAWS = 400;

export async function fitModelV2(
  data: ModelDataV2,
  configInput: ModelConfigV2Input | ModelConfigV2,
  options: FitOptions,
): Promise<FitResultV2> {
  const t0 = performance.now();
  const config = parseModelConfigV2(configInput);
  const seed = options.seed ?? 1;
  const chains = options.mode === "fast" ? 1 : (options.chains ?? 4);
  const warmup = options.mode === "fast" ? 0 : (options.warmup ?? 1000);
  const perChain = options.draws ?? 1000;
  const report = options.onProgress ?? (() => {});
  report({ phase: "preparing", chain: -1, iteration: 0, percent: 0, etaSeconds: null, divergences: 0 });
  // NUTS and fast mode run on the sampler's parameterization (mean geo levels; NUTS: each channel's
  // geo deviations centered or not as a pilot chain decides, docs/model.md 10.7); draws are mapped
  // back to the canonical theta before anything reads them.
  const pilotSpec = buildModelSpecV2(data, config);
  const param =
    options.mode === "nuts"
      ? geoParameterizationV2(pilotSpec, seed, options.geoOffsets, blendOption(options)).param
      : {};
  const { spec, ref } = modelTargetV2(data, config, param);
  const sampler = createSamplerModelV2(spec, param);
  const model = sampler.model;
  const labels = spec.parameters.map((p) => p.label);

  let thetaByChain: Float64Array[];
  let diagnostics: FitDiagnostics;
  let warmupSeconds: number;
  let samplingSeconds = 0;
  if (options.mode === "nuts") {
    const tracker = new ProgressTracker(chains, warmup + perChain);
    let inits: Float64Array[] | undefined;
    if (options.init === "map") {
      const map = findMap(sampler, { seed, starts: chains });
      inits = Array.from({ length: chains }, (_, c) => map.runs[c]?.theta ?? map.mode);
    }
    const results: ChainResult[] = await sampleChains(ref, nutsOptionsForV2(options, inits), {
      onProgress: (p) => report(tracker.update(p)),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    ({ thetaByChain, warmupSeconds, samplingSeconds, diagnostics } = nutsOutcomeV2(
      sampler,
      labels,
      results,
      options,
    ));
  } else {
    report({ phase: "optimizing", chain: -1, iteration: 0, percent: 5, etaSeconds: null, divergences: 0 });
    const tOpt = performance.now();
    const map = findMap(sampler, { seed, starts: options.starts ?? 4 });
    if (options.signal?.aborted) throw abortError();
    const lap = laplace(sampler, map.mode, { draws: perChain, seed });
    warmupSeconds = (performance.now() - tOpt) / 1000;
    thetaByChain = [toCanonical(sampler, lap.samples, perChain)];
    const reasons: string[] = [];
    if (!map.converged) reasons.push("the optimizer did not converge; treat the estimates as rough");
    if (lap.regularization > 0)
      reasons.push("the Hessian at the mode was not positive definite; intervals are unreliable");
    diagnostics = {
      rhatMax: Number.NaN,
      essBulkMin: Number.NaN,
      essTailMin: Number.NaN,
      divergences: 0,
      treedepthHits: 0,
      ebfmiMin: Number.NaN,
      converged: reasons.length === 0,
      reasons,
      warnings: ["fast mode: MAP + Laplace approximation, not posterior sampling; intervals are approximate"],
    };
  }
  if (options.signal?.aborted) throw abortError();
  const tSummary = performance.now();
  report({
    phase: "summarizing",
    chain: -1,
    iteration: 0,
    percent: 99,
    etaSeconds: null,
    divergences: diagnostics.divergences,
  });
  const summary = summarizeV2(model, thetaByChain, perChain);
  const t1 = performance.now();
  report({
    phase: "done",
    chain: -1,
    iteration: 0,
    percent: 100,
    etaSeconds: 0,
    divergences: diagnostics.divergences,
  });
  return {
    ...resultHeaderV2(data, config, spec, options, { seed, chains, warmup, draws: perChain }),
    ...summary,
    diagnostics,
    holdout: holdoutV2(model, summary.draws, seed),
    loo: looV2(model, summary.draws),
    timing: {
      totalSeconds: (t1 - t0) / 1000,
      warmupSeconds,
      samplingSeconds,
      summarySeconds: (t1 - tSummary) / 1000,
    },
  };
}

/** The fields of a v2 result that describe the fit rather than its posterior. */
function resultHeaderV2(
  data: ModelDataV2,
  config: ModelConfigV2,
  spec: ModelSpecV2,
  options: FitOptions,
  size: { seed: number; chains: number; warmup: number; draws: number },
) {
  return {
    engineVersion: ENGINE_VERSION,
    modelVersion: 2 as const,
    seed: size.seed,
    mode: options.mode,
    approximate: options.mode === "fast",
    config,
    kpiName: data.kpiName,
    kpiType: data.kpiType,
    link: spec.link,
    decompositionRule: spec.link === "log" ? ("log-share" as const) : ("additive" as const),
    weeks: spec.weeks,
    trainingWeeks: spec.trainingWeeks,
    geoNames: [...data.geos],
    settings: { chains: size.chains, warmup: size.warmup, draws: size.draws },
  };
}

/** Draws (rows of dim) from the sampler's parameterization to the canonical theta, in place. */
function toCanonical(sampler: SamplerModelV2, samples: Float64Array, draws: number): Float64Array {
  const dim = sampler.dim;
  for (let i = 0; i < draws; i++) {
    const row = samples.subarray(i * dim, (i + 1) * dim);
    row.set(sampler.toCanonical(row));
  }
  return samples;
}

/**
 * Parameter summaries, constrained draws and the counterfactual figures per draw, summarized per
 * chain (so that R-hat / ESS of derived quantities are available as for parameters).
 */
export function summarizeV2(
  model: MmmModelV2,
  thetaByChain: Float64Array[],
  perChain: number,
): Pick<FitResultV2, "parameters" | "channels" | "geos" | "mediaEffectiveness" | "draws"> {
  const spec = model.spec;
  const dim = model.dim;
  const nChains = thetaByChain.length;
  const C = spec.channels.length;
  const G = spec.G;
  const N = spec.weeks;
  const total = nChains * perChain;
  const values = new Float64Array(total * dim);
  const perDraw = () => Array.from({ length: nChains }, () => new Float64Array(perChain));
  const byChannel = () => Array.from({ length: C }, perDraw);
  const inc = byChannel();
  const share = byChannel();
  const roi = byChannel();
  const cpik = byChannel();
  const incG = Array.from({ length: C }, () => Array.from({ length: G }, perDraw));
  const roiG = Array.from({ length: C }, () => Array.from({ length: G }, perDraw));
  const cpikG = Array.from({ length: C }, () => Array.from({ length: G }, perDraw));
  const marginal = Array.from({ length: C }, () => [] as number[]);
  const optFreq = Array.from({ length: C }, () => [] as number[]);
  const tv = spec.channels.some((c) => c.timeVarying);
  const fEff = tv ? Array.from({ length: N }, perDraw) : [];
  const every = Math.max(1, Math.floor(total / MARGINAL_DRAWS));
  for (let k = 0; k < nChains; k++) {
    for (let i = 0; i < perChain; i++) {
      const theta = thetaByChain[k]!.subarray(i * dim, (i + 1) * dim);
      const v = model.constrain(theta);
      values.set(v, (k * perChain + i) * dim);
      const flat = k * perChain + i;
      const r = incrementalityAt(model, v, { incrementalOnly: flat % every !== 0 });
      for (let c = 0; c < C; c++) {
        inc[c]![k]![i] = r.incremental[c]!;
        share[c]![k]![i] = r.incrementalShare[c]!;
        roi[c]![k]![i] = r.roi[c]!;
        cpik[c]![k]![i] = r.cpik[c]!;
        for (let g = 0; g < G; g++) {
          incG[c]![g]![k]![i] = r.incrementalByGeo[c]![g]!;
          roiG[c]![g]![k]![i] = r.roiByGeo[c]![g]!;
          cpikG[c]![g]![k]![i] = r.cpikByGeo[c]![g]!;
        }
        if (flat % every === 0) {
          if (Number.isFinite(r.marginalRoi[c])) marginal[c]!.push(r.marginalRoi[c]!);
          if (Number.isFinite(r.optimalFrequency[c])) optFreq[c]!.push(r.optimalFrequency[c]!);
        }
      }
      if (tv) {
        const f = r.mediaEffectiveness;
        for (let t = 0; t < N; t++) fEff[t]![k]![i] = f[t]!;
      }
    }
  }
  const parameters: Record<string, Summary> = {};
  spec.parameters.forEach((p, j) => {
    const cols = Array.from({ length: nChains }, (_, k) => {
      const col = new Float64Array(perChain);
      for (let i = 0; i < perChain; i++) col[i] = values[(k * perChain + i) * dim + j]!;
      return col;
    });
    parameters[p.label] = summarizeDraws(cols);
  });
  const units = spec.data.kpiType === "units";
  const hasValue = !units || spec.data.value !== undefined;
  const channels: Record<string, ChannelResultV2> = {};
  spec.channels.forEach((ch, c) => {
    const paid = ch.role !== "organic";
    const incS = summarizeDraws(inc[c]!);
    channels[ch.name] = {
      type: ch.type,
      role: ch.role,
      spend: spec.data.scaling.spendTotal[ch.data]!,
      incremental: incS,
      contribution: incS,
      share: summarizeDraws(share[c]!),
      ...(paid && hasValue ? { roi: summarizeDraws(roi[c]!) } : {}),
      ...(paid && units ? { cpik: summarizeDraws(cpik[c]!) } : {}),
      ...(paid && marginal[c]!.length > 0
        ? { marginalRoi: summarizeDraws([Float64Array.from(marginal[c]!)]) }
        : {}),
      ...(ch.role === "rf" && optFreq[c]!.length > 0
        ? { optimalFrequency: summarizeDraws([Float64Array.from(optFreq[c]!)]) }
        : {}),
    };
  });
  let geos: FitResultV2["geos"];
  if (G > 1) {
    geos = {};
    spec.data.geos.forEach((name, g) => {
      const chs: Record<string, { incremental: Summary; roi?: Summary; cpik?: Summary }> = {};
      spec.channels.forEach((ch, c) => {
        const paid = ch.role !== "organic";
        chs[ch.name] = {
          incremental: summarizeDraws(incG[c]![g]!),
          ...(paid && hasValue ? { roi: summarizeDraws(roiG[c]![g]!) } : {}),
          ...(paid && units ? { cpik: summarizeDraws(cpikG[c]![g]!) } : {}),
        };
      });
      geos![name] = { channels: chs };
    });
  }
  const mediaEffectiveness = tv
    ? spec.data.dates.map((date, t) => ({ date, f: summarizeDraws(fEff[t]!) }))
    : undefined;
  return {
    parameters,
    channels,
    ...(geos ? { geos } : {}),
    ...(mediaEffectiveness ? { mediaEffectiveness } : {}),
    draws: { names: spec.parameters.map((p) => p.label), chains: nChains, perChain, values },
  };
}

/**
 * Holdout metrics of a v2 fit: the posterior predictive of the national KPI (the sum over geos) in
 * the held-out weeks (backtest-v2.ts nationalPredictiveV2, at most 1000 evenly thinned draws)
 * against the actual KPI: MAPE and R² of the predictive mean, share of weeks inside the 90 %
 * interval. Null without holdout weeks.
 */
export function holdoutV2(model: MmmModelV2, draws: Draws, seed: number): HoldoutMetrics | null {
  const spec = model.spec;
  const T = spec.trainingWeeks;
  const H = spec.weeks - T;
  if (H <= 0) return null;
  const total = draws.chains * draws.perChain;
  const values = Float64Array.from(draws.values);
  const idx = thinIndices(total, 1000);
  const { predictive, mean } = nationalPredictiveV2(model, values, idx, T, H, seed);
  const perCapita = spec.data.scaling.kpiPerCapitaMean;
  const actual = Array.from({ length: H }, (_, h) => {
    let s = 0;
    for (let g = 0; g < spec.G; g++)
      s += spec.data.y[g]![T + h]! * spec.data.scaling.population[g]! * perCapita;
    return s;
  });
  const lower = new Float64Array(H);
  const upper = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    const [lo, hi] = quantiles(predictive[h]!, [0.05, 0.95]) as [number, number];
    lower[h] = lo;
    upper[h] = hi;
  }
  return holdoutMetrics(actual, mean, lower, upper);
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Pointwise log-likelihood of the training geo-weeks at constrained `values`, geo-major
 * (cell g * T + t), on the scale of the scaled KPI y: the model's likelihood of y (identity link)
 * or of log y plus the log-Jacobian -log y (log link), so that LOO figures compare across links.
 * Without the Jacobian the sum equals the model's own logLikelihood.
 */
export function pointwiseLogLikV2(model: MmmModelV2, values: Float64Array, out?: Float64Array): Float64Array {
  const spec = model.spec;
  const T = spec.trainingWeeks;
  const G = spec.G;
  const res = out ?? new Float64Array(G * T);
  const isLog = spec.link === "log";
  const obs = isLog ? spec.data.logY! : spec.data.y;
  const nu = spec.likelihood.kind === "studentT" ? spec.likelihood.nu : 0;
  const tConst = nu > 0 ? logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) : 0;
  const f = model.forward(values);
  for (let g = 0; g < G; g++) {
    const sg = f.sigmaGeo[g]!;
    const o = obs[g]!;
    const m = f.mu[g]!;
    for (let t = 0; t < T; t++) {
      const r = o[t]! - m[t]!;
      const ll =
        nu > 0
          ? tConst - Math.log(sg) - 0.5 * (nu + 1) * Math.log1p((r * r) / (nu * sg * sg))
          : -HALF_LOG_2PI - Math.log(sg) - (0.5 * r * r) / (sg * sg);
      res[g * T + t] = isLog ? ll - o[t]! : ll;
    }
  }
  return res;
}

/** PSIS-LOO of a v2 fit over its training geo-weeks (at most 1000 evenly thinned draws). */
export function looV2(model: MmmModelV2, draws: Draws): LooSummary | null {
  const total = draws.chains * draws.perChain;
  if (total < 100) return null;
  const spec = model.spec;
  const n = spec.G * spec.trainingWeeks;
  const idx = thinIndices(total, 1000);
  const D = idx.length;
  const dim = model.dim;
  const values = Float64Array.from(draws.values);
  const logLik = new Float64Array(D * n);
  for (let k = 0; k < D; k++) {
    const d = idx[k]!;
    pointwiseLogLikV2(model, values.subarray(d * dim, (d + 1) * dim), logLik.subarray(k * n, (k + 1) * n));
  }
  const r = psisLoo(logLik, D, n);
  let kMax = Number.NEGATIVE_INFINITY;
  for (const k of r.paretoK) kMax = Math.max(kMax, k);
  return { elpd: r.elpd, se: r.se, pLoo: r.pLoo, looic: r.looic, paretoKMax: kMax, warnings: r.warnings };
}
