/**
 * Fit orchestration: dataset + config -> ModelSpec -> model -> NUTS (worker threads) or fast mode
 * (MAP + Laplace) -> FitResult with summaries in original units, diagnostics, holdout metrics and
 * PSIS-LOO (docs/model.md sections 4-5).
 */
import type { Dataset } from "../data/types.ts";
import { assessConvergence } from "../diagnostics/assess.ts";
import { quantiles, summarizeDraws } from "../diagnostics/convergence.ts";
import { psisLoo } from "../diagnostics/psis.ts";
import { findMap, laplace } from "../inference/fast-mode.ts";
import { Rng } from "../inference/rng.ts";
import { studentT } from "../inference/student-t.ts";
import { sampleChain, type SampleChainHooks } from "../inference/nuts.ts";
import { sampleChains } from "../inference/sample-chains.ts";
import type { ChainResult, LogDensityFactoryRef, NutsOptions } from "../inference/types.ts";
import type { ModelConfig, ModelConfigInput } from "../model/config.ts";
import { createCenteredModelFromSpec, createModel, type MmmModel } from "../model/model.ts";
import { buildModelSpec, type ModelSpec } from "../model/spec.ts";
import { drawColumn, type Draws } from "./draws-codec.ts";
import { holdoutMetrics, type HoldoutMetrics } from "./metrics.ts";
import { ProgressTracker } from "./progress.ts";
import {
  DEFAULT_TARGET_ACCEPT,
  meanLeapfrogs,
  EARLY_METRIC_WINDOW,
  ENGINE_VERSION,
  V1_INIT_BUFFER_MAX_TREE_DEPTH,
  V1_WARMUP_SETTLE_MIN_WINDOWS,
  V1_WARMUP_SETTLE_TOLERANCE,
  checkChainResults,
  type ChannelResult,
  type FitOptions,
  type FitDiagnostics,
  type FitResult,
  type LooSummary,
  type Summary,
} from "./result.ts";

/** Spec and the worker-thread factory reference of the sampler's target (the centered-intercept
 *  parameterization of the model) for a dataset and config. */
export function modelTarget(
  dataset: Dataset,
  config: ModelConfigInput | ModelConfig,
): { spec: ModelSpec; ref: LogDensityFactoryRef } {
  const spec = buildModelSpec(dataset, config);
  const ref: LogDensityFactoryRef = {
    module: new URL("../model/model.ts", import.meta.url).href,
    exportName: "createCenteredModelFromSpec",
    args: spec,
  };
  return { spec, ref };
}

/** The NUTS options of every chain of a fit, in-process (fitModel) or one chain at a time
 *  (fitChain): one place, so that both give the same draws for the same seed. */
export function nutsOptionsFor(options: FitOptions, inits?: Float64Array[]): NutsOptions {
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
    initBufferMaxTreeDepth: V1_INIT_BUFFER_MAX_TREE_DEPTH,
    warmupSettleTolerance: V1_WARMUP_SETTLE_TOLERANCE,
    warmupSettleMinWindows: V1_WARMUP_SETTLE_MIN_WINDOWS,
  };
}

/**
 * One NUTS chain of a fit, on the calling thread: chain `chain` of `fitModel(dataset, config,
 * options)` with the same seed gives the same draws (chain c always uses the random stream
 * (seed, c)). For fits whose chains run as separate jobs (apps/worker); `fitFromChains` merges
 * them. MAP inits need every chain's optimum and are not supported here.
 */
export function fitChain(
  dataset: Dataset,
  config: ModelConfigInput | ModelConfig,
  chain: number,
  options: FitOptions,
  hooks: SampleChainHooks = {},
): ChainResult {
  if (options.mode !== "nuts") throw new Error("fitChain runs NUTS chains only");
  if (options.init === "map") throw new Error("fitChain does not support MAP inits");
  const opts = nutsOptionsFor(options);
  if (!Number.isInteger(chain) || chain < 0 || chain >= opts.chains)
    throw new Error(`chain must be an integer in [0, ${opts.chains - 1}], got ${chain}`);
  const target = createCenteredModelFromSpec(buildModelSpec(dataset, config));
  return sampleChain(target, opts, chain, hooks);
}

/**
 * The fit from its chains' results (fitChain, in any order of completion; `results[c].chain`
 * must be c): summaries, R-hat/ESS over all chains, holdout and LOO, exactly as fitModel computes
 * them after sampling. The results' samples are rewritten in place (canonical theta).
 */
export function fitFromChains(
  dataset: Dataset,
  config: ModelConfigInput | ModelConfig,
  results: ChainResult[],
  options: FitOptions,
): FitResult {
  const t0 = performance.now();
  const opts = nutsOptionsFor(options);
  checkChainResults(results, opts);
  const spec = buildModelSpec(dataset, config);
  const fit = finishFit(
    dataset,
    spec,
    { ...options, seed: opts.seed },
    nutsOutcome(spec, results, options),
    t0,
  );
  // The fit's own time is the slowest chain's plus the merge (the chains ran elsewhere).
  const chainSeconds = Math.max(...results.map((r) => r.warmupMs + r.samplingMs)) / 1000;
  return { ...fit, timing: { ...fit.timing, totalSeconds: fit.timing.totalSeconds + chainSeconds } };
}

interface SampledOutcome {
  thetaByChain: Float64Array[]; // per chain: drawsPerChain x dim, unconstrained canonical
  /** Fast mode predicts the holdout at the MAP: the mean of a Laplace approximation pushed
   *  through exp/logit transforms is dominated by its tails and is not a posterior mean. */
  pointTheta?: Float64Array;
  diagnostics: FitDiagnostics;
  warmupSeconds: number;
  samplingSeconds: number;
}

/** Canonical draws and convergence diagnostics of NUTS chain results (samples rewritten in place). */
function nutsOutcome(spec: ModelSpec, results: ChainResult[], options: FitOptions): SampledOutcome {
  const model = createModel(spec);
  // NUTS runs on the centered-intercept parameterization (model.ts, CreateModelOptions); its
  // draws are mapped back to the canonical theta before anything else reads them.
  const sampled = createModel(spec, { centerIntercept: true });
  for (const r of results) toCanonical(sampled, r.samples, r.draws);
  const a = assessConvergence(results, {
    parameterNames: model.parameters.map((p) => p.label),
    maxTreeDepth: options.maxTreeDepth ?? 10,
  });
  return {
    thetaByChain: results.map((r) => r.samples),
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

export async function fitModel(
  dataset: Dataset,
  config: ModelConfigInput | ModelConfig,
  options: FitOptions,
): Promise<FitResult> {
  const t0 = performance.now();
  const seed = options.seed ?? 1;
  const chains = options.mode === "fast" ? 1 : (options.chains ?? 4);
  const warmup = options.mode === "fast" ? 0 : (options.warmup ?? 1000);
  const drawsPerChain = options.draws ?? 1000;
  const report = options.onProgress ?? (() => {});
  report({ phase: "preparing", chain: -1, iteration: 0, percent: 0, etaSeconds: null, divergences: 0 });
  const { spec, ref } = modelTarget(dataset, config);
  const sampled = createModel(spec, { centerIntercept: true });

  let outcome: SampledOutcome;
  if (options.mode === "nuts") {
    let inits: Float64Array[] | undefined;
    if (options.init === "map") {
      report({ phase: "optimizing", chain: -1, iteration: 0, percent: 0, etaSeconds: null, divergences: 0 });
      const map = findMap(sampled, { seed, starts: chains });
      inits = Array.from({ length: chains }, (_, c) => {
        const run = map.runs[c];
        return run !== undefined && Number.isFinite(run.logp) ? run.theta : map.mode;
      });
    }
    if (options.signal?.aborted) throw abortError();
    const tracker = new ProgressTracker(chains, warmup + drawsPerChain);
    const results: ChainResult[] = await sampleChains(ref, nutsOptionsFor(options, inits), {
      onProgress: (p) => report(tracker.update(p)),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    outcome = nutsOutcome(spec, results, options);
  } else {
    report({ phase: "optimizing", chain: -1, iteration: 0, percent: 5, etaSeconds: null, divergences: 0 });
    const tOpt = performance.now();
    // The Laplace approximation is a Gaussian in the centered parameterization too: in the
    // canonical one its draws scatter off the curved b0 / log-beta ridge, and exp() of the
    // log-betas lifts the mean fit above the data (fit-model.test.ts: about 7 sigma on the demo
    // brand); every draw of the centered one has the level the data pin down.
    const map = findMap(sampled, { seed, starts: options.starts ?? 4 });
    if (options.signal?.aborted) throw abortError();
    const lap = laplace(sampled, map.mode, { draws: drawsPerChain, seed });
    toCanonical(sampled, lap.samples, drawsPerChain);
    const reasons: string[] = [];
    if (!map.converged)
      reasons.push(
        `the optimizer did not converge (${map.runs.map((r) => r.message).find((m) => m) ?? "no message"}); treat the estimates as rough`,
      );
    if (lap.regularization > 0)
      reasons.push(
        `the Hessian at the mode was not positive definite (regularized by ${lap.regularization.toExponential(2)}); intervals are unreliable`,
      );
    outcome = {
      thetaByChain: [lap.samples],
      pointTheta: sampled.canonicalTheta(map.mode),
      warmupSeconds: (performance.now() - tOpt) / 1000,
      samplingSeconds: 0,
      diagnostics: {
        rhatMax: Number.NaN,
        essBulkMin: Number.NaN,
        essTailMin: Number.NaN,
        divergences: 0,
        treedepthHits: 0,
        ebfmiMin: Number.NaN,
        converged: reasons.length === 0,
        reasons,
        warnings: [
          "fast mode: MAP + Laplace approximation, not posterior sampling; intervals are approximate",
        ],
      },
    };
  }
  if (options.signal?.aborted) throw abortError();
  return finishFit(dataset, spec, { ...options, seed, chains, warmup, draws: drawsPerChain }, outcome, t0);
}

/** Everything after sampling: derived quantities, summaries, holdout, LOO, the result object. */
function finishFit(
  dataset: Dataset,
  spec: ModelSpec,
  options: FitOptions & { seed: number },
  outcome: SampledOutcome,
  t0: number,
): FitResult {
  const { seed } = options;
  const chains = options.mode === "fast" ? 1 : (options.chains ?? 4);
  const warmup = options.mode === "fast" ? 0 : (options.warmup ?? 1000);
  const drawsPerChain = options.draws ?? 1000;
  const report = options.onProgress ?? (() => {});
  const { diagnostics } = outcome;
  const model = createModel(spec);
  const tSummary = performance.now();
  report({
    phase: "summarizing",
    chain: -1,
    iteration: 0,
    percent: 99,
    etaSeconds: null,
    divergences: diagnostics.divergences,
  });

  const derived = deriveQuantities(model, outcome.thetaByChain, drawsPerChain, seed, outcome.pointTheta);
  // R-hat and ESS of independent Laplace draws are not convergence diagnostics: fast mode reports
  // them as NaN (null in JSON) and skips their cost.
  const summarize = options.mode === "fast" ? momentSummary : summarizeDraws;
  const parameters: Record<string, Summary> = {};
  model.parameters.forEach((p, j) => {
    parameters[p.label] = summarize(drawColumn(derived.draws, j));
  });
  const channels: Record<string, ChannelResult> = {};
  spec.channels.forEach((ch, c) => {
    channels[ch.name] = {
      type: ch.type,
      spend: spec.scaling.spendTotal[c]!,
      roi: summarize(derived.roi[c]!),
      contribution: summarize(derived.contribution[c]!),
    };
  });
  const loo = derived.loo;
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
    engineVersion: ENGINE_VERSION,
    seed,
    mode: options.mode,
    approximate: options.mode === "fast",
    config: spec.config,
    kpiName: dataset.kpiName,
    weeks: spec.weeks,
    trainingWeeks: spec.trainingWeeks,
    settings: { chains, warmup, draws: drawsPerChain },
    parameters,
    channels,
    diagnostics,
    holdout: derived.holdout,
    loo,
    timing: {
      totalSeconds: (t1 - t0) / 1000,
      warmupSeconds: outcome.warmupSeconds,
      samplingSeconds: outcome.samplingSeconds,
      summarySeconds: (t1 - tSummary) / 1000,
    },
    draws: derived.draws,
  };
}

/** Rewrites draws (draws x dim, row-major) of the centered parameterization as canonical theta. */
function toCanonical(sampled: MmmModel, samples: Float64Array, draws: number): void {
  const dim = sampled.dim;
  for (let i = 0; i < draws; i += 1) {
    const row = samples.subarray(i * dim, (i + 1) * dim);
    row.set(sampled.canonicalTheta(row));
  }
}

/** Mean, sd and quantiles without convergence diagnostics (for independent draws). */
function momentSummary(chains: readonly Float64Array[]): Summary {
  let n = 0;
  let sum = 0;
  for (const c of chains)
    for (let i = 0; i < c.length; i += 1) {
      sum += c[i]!;
      n += 1;
    }
  const mean = sum / n;
  let ss = 0;
  for (const c of chains) for (let i = 0; i < c.length; i += 1) ss += (c[i]! - mean) ** 2;
  const [q05, q50, q95] = quantiles(chains, [0.05, 0.5, 0.95]) as [number, number, number];
  return {
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN,
    q05,
    q50,
    q95,
    rhat: Number.NaN,
    essBulk: Number.NaN,
    essTail: Number.NaN,
  };
}

function abortError(): Error {
  const e = new Error("The fit was aborted");
  e.name = "AbortError";
  return e;
}

interface Derived {
  draws: Draws;
  /** per channel, per chain: ROI and contribution draws in original units */
  roi: Float64Array[][];
  contribution: Float64Array[][];
  holdout: HoldoutMetrics | null;
  loo: LooSummary | null;
}

/**
 * For every draw: constrained parameters, contribution and ROI per channel over the training
 * weeks (contribution = kpiMean * sum_t beta_c sat_c,t; ROI = contribution / spend), the holdout
 * prediction (posterior mean, or the prediction at pointTheta when given, and a posterior
 * predictive draw) and the pointwise log-likelihood.
 */
function deriveQuantities(
  model: MmmModel,
  thetaByChain: Float64Array[],
  perChain: number,
  seed: number,
  pointTheta?: Float64Array,
): Derived {
  const spec = model.spec;
  const dim = model.dim;
  const nChains = thetaByChain.length;
  const C = spec.channels.length;
  const T = spec.trainingWeeks;
  const H = spec.weeks - T;
  const kpiMean = spec.scaling.kpiMean;
  const total = nChains * perChain;
  const values = new Float64Array(total * dim);
  const roi = Array.from({ length: C }, () =>
    Array.from({ length: nChains }, () => new Float64Array(perChain)),
  );
  const contribution = Array.from({ length: C }, () =>
    Array.from({ length: nChains }, () => new Float64Array(perChain)),
  );
  const predMean = new Float64Array(H);
  const predictive = Array.from({ length: H }, () => new Float64Array(total));
  const logLik = new Float64Array(total * T);
  const rowLik = new Float64Array(T);
  const rng = new Rng(seed, 7919);
  const studentNu = spec.likelihood.kind === "studentT" ? spec.likelihood.nu : 0;
  const theta = new Float64Array(dim);
  const muAll = new Float64Array(spec.weeks);
  const channelSums = new Float64Array(C);
  for (let c = 0; c < nChains; c += 1) {
    const samples = thetaByChain[c]!;
    for (let i = 0; i < perChain; i += 1) {
      const s = c * perChain + i;
      theta.set(samples.subarray(i * dim, (i + 1) * dim));
      const v = model.constrain(theta);
      values.set(v, s * dim);
      model.drawQuantities(v, muAll, channelSums, rowLik);
      for (let k = 0; k < C; k += 1) {
        const sum = channelSums[k]!;
        contribution[k]![c]![i] = kpiMean * sum;
        roi[k]![c]![i] = (kpiMean * sum) / spec.scaling.spendTotal[k]!;
      }
      const sigma = v[spec.sigma]!;
      for (let h = 0; h < H; h += 1) {
        const mu = muAll[T + h]!;
        predMean[h] = predMean[h]! + (kpiMean * mu) / total;
        const eps = studentNu > 0 ? studentT(rng, studentNu) : rng.normal();
        predictive[h]![s] = kpiMean * (mu + sigma * eps);
      }
      logLik.set(rowLik, s * T);
    }
  }
  let holdout: HoldoutMetrics | null = null;
  if (H > 0) {
    if (pointTheta !== undefined) {
      const mu = model.forward(model.constrain(pointTheta)).mu;
      for (let h = 0; h < H; h += 1) predMean[h] = kpiMean * mu[T + h]!;
    }
    const actual = Array.from({ length: H }, (_, h) => spec.y[T + h]! * kpiMean);
    const lower = new Float64Array(H);
    const upper = new Float64Array(H);
    for (let h = 0; h < H; h += 1) {
      const [lo, hi] = quantiles(predictive[h]!, [0.05, 0.95]) as [number, number];
      lower[h] = lo;
      upper[h] = hi;
    }
    holdout = holdoutMetrics(actual, predMean, lower, upper);
  }
  let loo: LooSummary | null = null;
  if (total >= 100) {
    const r = psisLoo(logLik, total, T);
    let kMax = Number.NEGATIVE_INFINITY;
    for (const k of r.paretoK) kMax = Math.max(kMax, k);
    loo = { elpd: r.elpd, se: r.se, pLoo: r.pLoo, looic: r.looic, paretoKMax: kMax, warnings: r.warnings };
  }
  return {
    draws: { names: model.parameters.map((p) => p.label), chains: nChains, perChain, values },
    roi,
    contribution,
    holdout,
    loo,
  };
}
