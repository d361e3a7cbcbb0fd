// One fit job: claim the run, fit its pinned dataset and config versions, stream progress to the
// Run row, and store the outcome in one transaction. Every state change goes through
// @mixcast/runs, which fences each write by the claim's attempt (a worker presumed dead that
// comes back cannot overwrite the result of the worker that took over: LostClaimError).
import {
  buildModelSpec,
  buildModelSpecV2,
  calibrationReport,
  createModel,
  createModelV2,
  LIFT_TEST_WEIGHT_DEFAULTS,
  liftTestImpliedDrawsV1,
  liftTestImpliedDrawsV2,
  posteriorDraws,
  roiFromRunSummary,
  weighRegistryLiftTests,
  type PinnedLiftTest,
  type RegistryLiftTest,
  scaleDatasetV2,
  type ModelConfig,
  type ModelConfigV2,
  type ModelDataV2,
  type ModelSpecV2,
  type ChainResult,
} from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import {
  cancelClaimedRun,
  claimRun,
  evaluateRunScenarios,
  failRun as failClaimedRun,
  handBackRun,
  liftTestsForRun,
  pinRunLiftTests,
  recordProgress,
  refreshComparisonFor,
  releaseChainResults,
  stopChains,
  succeedRun,
  type Claim,
  type SuccessInput,
} from "@mixcast/runs";
import {
  approvedPosteriorPriors,
  posteriorPriorsOf,
  withApprovedPriors,
  type ApprovedPriors,
} from "./approved-priors.ts";
import { fitWithChainJobs, planRunChains, type ChainJobQueue } from "./chain-jobs.ts";
import type {
  ApprovedRoi,
  Engine,
  EngineChainOptions,
  EngineFitOptions,
  EngineFitResult,
  EngineFitResultV2,
} from "./engine.ts";
import { formatParseErrors } from "./engine.ts";
import { isAbortError, isTransientError, messageOf } from "./errors.ts";
import { ProgressTracker, type RunProgress } from "./progress.ts";
import {
  decodeStoredModelConfig,
  jsonSafe,
  type RunSummary,
  type StoredModelConfig,
} from "@mixcast/runs/stored";
import { nonFiniteSummaryReason } from "./finite.ts";
import { redactSecrets } from "@mixcast/db/redact";

export interface SamplerSettings {
  chains: number;
  warmup: number;
  draws: number;
}

export const DEFAULT_SAMPLER: SamplerSettings = { chains: 4, warmup: 500, draws: 500 };

export interface FitJobContext {
  prisma: PrismaClient;
  engine: Engine;
  workerId: string;
  /** Worker threads per fit. */
  threads: number;
  progressIntervalMs: number;
  sampler?: SamplerSettings;
  /** Set: full (NUTS) runs claimed here run their chains as separate queue jobs (chain-jobs.ts). */
  chainJobs?: ChainJobQueue;
  /** Called after every progress write (tests, benchmarks). */
  onProgressWrite?: (info: { runId: string; durationMs: number; progress: RunProgress }) => void;
}

export type FitOutcome =
  | { status: "succeeded"; runId: string; attempt: number; converged: boolean }
  | { status: "failed"; runId: string; attempt: number; reason: string }
  | { status: "cancelled"; runId: string; attempt: number }
  | { status: "handed-back"; runId: string; attempt: number }
  | { status: "lost"; runId: string; attempt: number }
  | { status: "skipped"; runId: string; reason: string };

export interface ProcessFitRunOptions {
  jobId?: string;
  /** Aborted when the worker shuts down: the run is handed back (status queued) for another worker. */
  shutdownSignal?: AbortSignal;
}

/** Chains/warmup/draws: the config's `sampler`, each unset field from the worker's defaults. */
export function samplerSettings(
  config: Pick<ModelConfig, "sampler">,
  defaults: SamplerSettings = DEFAULT_SAMPLER,
): SamplerSettings {
  return {
    chains: config.sampler?.chains ?? defaults.chains,
    warmup: config.sampler?.warmup ?? defaults.warmup,
    draws: config.sampler?.draws ?? defaults.draws,
  };
}

export async function processFitRun(
  ctx: FitJobContext,
  runId: string,
  options: ProcessFitRunOptions = {},
): Promise<FitOutcome> {
  const { prisma } = ctx;
  const claimed = await claimRun(prisma, runId, { workerId: ctx.workerId, jobId: options.jobId });
  if (claimed.status === "skipped") return { status: "skipped", runId, reason: claimed.reason };
  if (claimed.status === "cancelled") return { status: "cancelled", runId, attempt: claimed.attempt };
  const { run, claim } = claimed;
  const { attempt } = claim;

  const failRun = async (reason: string, details: Record<string, unknown> = {}): Promise<FitOutcome> => {
    await failClaimedRun(prisma, claim, reason, details);
    await stopChains(prisma, run.id);
    return { status: "failed", runId: run.id, attempt, reason };
  };

  // 1. Config and data. Both are deterministic: an error here fails the run without retry.
  // Parsed once here; every later step (fit thread, analysis) takes this value. A config that uses
  // v2 features (geo, roles, units KPI, link, knots...) goes to the v2 engine; any other config
  // fits with v1's model exactly as before (core's usesV2Features).
  let stored: StoredModelConfig;
  try {
    stored = decodeStoredModelConfig(run.configVersion.config);
  } catch (error) {
    return failRun(`Model config v${run.configVersion.version} is invalid: ${messageOf(error)}`, {
      stage: "config",
    });
  }
  // Priors from the approved run's posterior, when the model asks for them (same model version).
  let priorsFrom = await approvedPosteriorPriors(prisma, run.modelId, run.id);
  if (priorsFrom && priorsFrom.modelVersion !== stored.version) priorsFrom = null;
  // The workspace's lift tests of the model's channels (or this run's pins when it has them),
  // weighed against the data in prepare and pinned on the run (docs/model.md section 11).
  const liftTests = (await liftTestsForRun(prisma, run, modelChannelNames(stored))).tests;
  let prepared = prepareStored(ctx, run, stored, priorsFrom, liftTests);
  if ("failure" in prepared) return failRun(prepared.failure.reason, prepared.failure.details);
  await pinRunLiftTests(prisma, run, prepared.pinnedLiftTests, LIFT_TEST_WEIGHTS);

  // 2. Fit, with progress + heartbeat writes at most once per interval.
  let sampler = prepared.sampler;
  // Chains as jobs of their own, on any worker (chain-jobs.ts), when this worker is set to.
  let mergeChains = prepared.mergeChains;
  const chainJobs = run.mode !== "fast" && ctx.chainJobs && mergeChains ? ctx.chainJobs : null;
  if (chainJobs) {
    // The first attempt's plan wins: a run resumed by a worker with other defaults keeps its chains.
    const plan = await planRunChains(ctx, claim, {
      ...sampler,
      seed: run.seed,
      priorsFromRunId: priorsFrom?.runId ?? null,
    });
    sampler = { chains: plan.chains, warmup: plan.warmup, draws: plan.draws };
    // ...and its priors source, which every chain job uses (the approved run may have changed).
    if ((plan.priorsFromRunId ?? null) !== (priorsFrom?.runId ?? null)) {
      priorsFrom = plan.priorsFromRunId ? await posteriorPriorsOf(prisma, plan.priorsFromRunId) : null;
      if (priorsFrom && priorsFrom.modelVersion !== stored.version) priorsFrom = null;
      const again = prepareStored(ctx, run, stored, priorsFrom, liftTests);
      if ("failure" in again) return failRun(again.failure.reason, again.failure.details);
      prepared = again;
      mergeChains = again.mergeChains;
    }
  }
  const tracker = new ProgressTracker({
    chains: run.mode === "fast" ? 1 : sampler.chains,
    iterationsPerChain: run.mode === "fast" ? 1 : sampler.warmup + sampler.draws,
    attempt,
    workerId: ctx.workerId,
  });
  const abort = new AbortController();
  let abortReason: "cancel" | "shutdown" | "lost" | null = null;
  const stop = (reason: "cancel" | "shutdown" | "lost") => {
    if (abortReason === null) abortReason = reason;
    abort.abort();
  };
  const onShutdown = () => stop("shutdown");
  if (options.shutdownSignal?.aborted) onShutdown();
  options.shutdownSignal?.addEventListener("abort", onShutdown, { once: true });

  // `as`: TypeScript would otherwise narrow `writing` to null here and miss the assignments in
  // the progress callback.
  let writing = null as Promise<void> | null;
  const writeProgress = async (): Promise<void> => {
    const progress = tracker.snapshot();
    const t0 = performance.now();
    try {
      const { held, cancelRequested } = await recordProgress(prisma, claim, progress);
      ctx.onProgressWrite?.({ runId: run.id, durationMs: performance.now() - t0, progress });
      if (!held) stop("lost");
      else if (cancelRequested) stop("cancel");
    } catch (error) {
      // A missed heartbeat is harmless; a database that stays down fails the final write, which
      // is retried as a transient error.
      console.error(
        `[worker ${ctx.workerId}] progress write for run ${run.id} failed: ${redactSecrets(messageOf(error))}`,
      );
    }
  };
  const timer = setInterval(() => {
    writing ??= writeProgress().finally(() => {
      writing = null;
    });
  }, ctx.progressIntervalMs);

  const fitStarted = Date.now();
  let fit: PreparedResult;
  try {
    const fitOptions: EngineFitOptions = {
      mode: run.mode === "fast" ? "fast" : "nuts",
      chains: sampler.chains,
      warmup: sampler.warmup,
      draws: sampler.draws,
      seed: run.seed,
      threads: Math.max(1, Math.min(ctx.threads, sampler.chains)),
      onProgress: (p) => tracker.update(p),
      signal: abort.signal,
    };
    fit =
      chainJobs && mergeChains
        ? await fitWithChainJobs({ ...ctx, chainJobs }, claim, {
            merge: mergeChains,
            plan: { ...sampler, seed: run.seed },
            tracker,
            signal: abort.signal,
          })
        : await prepared.fit(fitOptions);
    if (abortReason !== null) throw Object.assign(new Error("aborted"), { name: "AbortError" });
  } catch (error) {
    clearInterval(timer);
    options.shutdownSignal?.removeEventListener("abort", onShutdown);
    await writing;
    if (abortReason !== null && (isAbortError(error) || abort.signal.aborted)) {
      return settleAbort(ctx, claim, abortReason, tracker.snapshot());
    }
    if (isTransientError(error)) throw error;
    return failRun(`Fit failed: ${messageOf(error)}`, { stage: "fit" });
  }
  clearInterval(timer);
  options.shutdownSignal?.removeEventListener("abort", onShutdown);
  await writing;
  const fitSeconds = (Date.now() - fitStarted) / 1000;

  const nonFinite = nonFiniteSummaryReason(fit);
  if (nonFinite) return failRun(nonFinite, { stage: "summary" });

  // 3. Everything derived from the fit, computed before the transaction so it stays short.
  tracker.setPhase("storing");
  const { serialized, analysis, insights, spec, calibration } = prepared.derive(fit);
  // Stored with the outcome so that the web reads them instead of computing them per view: the
  // model's inputs (no CSV parse for a posterior) and the ROI change against the previous run.
  const refreshComparison = await refreshComparisonFor(
    prisma,
    { id: run.id, modelId: run.modelId, finishedAt: null },
    { channels: serialized.channels },
  );
  const health = await modelHealthFor(ctx, run.modelId, run.id, { spec, fit, analysis });
  const finishedAt = new Date();
  const timings = {
    queueWaitSeconds: run.startedAt ? (run.startedAt.getTime() - run.queuedAt.getTime()) / 1000 : null,
    fitSeconds,
    engine: fit.timing ?? null,
    totalSeconds: run.startedAt ? (finishedAt.getTime() - run.startedAt.getTime()) / 1000 : fitSeconds,
  };
  const summary: RunSummary = {
    ...(serialized as RunSummary),
    timings,
    refreshComparison,
    sampler: { ...sampler, mode: run.mode, ...(chainJobs ? { chainJobs: true } : {}) },
    priorsFrom,
    health,
    calibration,
  };
  tracker.setPhase("done");
  const finalProgress = tracker.snapshot();

  // 4. One transaction: run outcome, artifacts, audit.
  await succeedRun(prisma, claim, {
    converged: fit.diagnostics.converged,
    diagnostics: fit.diagnostics,
    summary,
    engineVersion: fit.engineVersion,
    progress: finalProgress,
    finishedAt,
    draws: fit.draws,
    spec,
    analysis,
    insights,
    details: {
      converged: fit.diagnostics.converged,
      reasons: fit.diagnostics.reasons,
      fitSeconds,
      refreshFlagged: refreshComparison?.flaggedChannels ?? null,
    },
  });
  // The draws artifact holds the draws now: drop the chains' copies (best effort).
  if (chainJobs) await releaseChainResults(prisma, run.id).catch(() => undefined);
  await evaluatePinnedScenarios(ctx, run.id);
  return { status: "succeeded", runId: run.id, attempt, converged: fit.diagnostics.converged };
}

type PreparedResult = EngineFitResult | EngineFitResultV2;

interface Derived {
  serialized: Record<string, unknown> & { channels: RunSummary["channels"] };
  analysis: SuccessInput["analysis"];
  /** v2: the insights page's curves, computed by the fit thread; v1: none (its analysis has them). */
  insights: SuccessInput["insights"];
  spec: SuccessInput["spec"];
  calibration: RunSummary["calibration"];
}

/** The weight settings every run uses (core's defaults; docs/model.md section 11.2). */
const LIFT_TEST_WEIGHTS = {
  halfLifeWeeks: LIFT_TEST_WEIGHT_DEFAULTS.halfLifeWeeks,
  spendScale: LIFT_TEST_WEIGHT_DEFAULTS.spendScale,
};

/** Channel names as the models call them (v2: `name`, else the spend or exposure column). */
function modelChannelNames(stored: StoredModelConfig): string[] {
  return (stored.config.channels as { name?: string; column?: string; exposure?: string }[]).map(
    (c) => c.name ?? c.column ?? c.exposure ?? "",
  );
}

/**
 * The calibration report of a fit's used registry tests (implied lift vs measured, per channel
 * score); null without tests, or when it cannot be computed (never fails the run).
 */
function calibrationOf(
  used: readonly PinnedLiftTest[],
  implied: () => Float64Array[],
): RunSummary["calibration"] {
  if (used.length === 0) return null;
  try {
    const draws = implied();
    const report = calibrationReport(
      used.map((t, k) => ({
        id: t.id,
        channel: t.channel,
        lift: t.lift,
        se: t.effectiveSe,
        implied: draws[k]!,
      })),
    );
    return jsonSafe({ ...LIFT_TEST_WEIGHTS, ...report }) as RunSummary["calibration"];
  } catch (error) {
    console.error(`calibration report failed: ${redactSecrets(messageOf(error))}`);
    return null;
  }
}

/** A run's fit, ready to start: the sampler settings, the fit itself and what is stored from it. */
type Prepared =
  | { failure: { reason: string; details: Record<string, unknown> } }
  | {
      sampler: SamplerSettings;
      fit(options: EngineFitOptions): Promise<PreparedResult>;
      /** One chain of the fit (a chain job), when the engine can run single chains. */
      fitChain?: (options: EngineChainOptions) => Promise<ChainResult>;
      /** The fit from all its chains' results (the coordinator of chain jobs). */
      mergeChains?: (results: ChainResult[], options: EngineFitOptions) => Promise<PreparedResult>;
      derive(fit: PreparedResult): Derived;
      /** The run's registry lift tests, weighed (used or why not), to pin on the run. */
      pinnedLiftTests: PinnedLiftTest[];
    };

type ClaimedRunRow = Extract<Awaited<ReturnType<typeof claimRun>>, { run: unknown }>["run"];

/** What preparing a fit reads of a run: its pinned dataset version and config version. */
interface RunInputs {
  datasetVersion: Pick<ClaimedRunRow["datasetVersion"], "version" | "csv">;
  configVersion: Pick<ClaimedRunRow["configVersion"], "version" | "config">;
}

/**
 * A chain job's preparation of its run, the coordinator's in one call: the config (v1 with the
 * priors source the coordinator planned, or v2) and data, parsed, and the fit ready to start; or
 * why it cannot be fitted (deterministic: no retry).
 */
export function prepareRunFit(
  ctx: Pick<FitJobContext, "engine" | "sampler">,
  run: RunInputs,
  priorsFrom: ApprovedPriors | null,
  liftTests: readonly RegistryLiftTest[] = [],
): Prepared {
  let stored: StoredModelConfig;
  try {
    stored = decodeStoredModelConfig(run.configVersion.config);
  } catch (error) {
    return {
      failure: {
        reason: `Model config v${run.configVersion.version} is invalid: ${messageOf(error)}`,
        details: { stage: "config" },
      },
    };
  }
  return prepareStored(ctx, run, stored, priorsFrom, liftTests);
}

/** The v1 or v2 preparation of a decoded config, with the approved priors of the same version. */
function prepareStored(
  ctx: Pick<FitJobContext, "engine" | "sampler">,
  run: RunInputs,
  stored: StoredModelConfig,
  priorsFrom: ApprovedPriors | null,
  liftTests: readonly RegistryLiftTest[],
): Prepared {
  return stored.version === 2
    ? prepareV2(ctx, run, withApprovedPriors(stored.config, priorsFrom, 2), liftTests)
    : prepareV1(ctx, run, withApprovedPriors(stored.config, priorsFrom, 1), liftTests);
}

function prepareV1(
  ctx: Pick<FitJobContext, "engine" | "sampler">,
  run: RunInputs,
  configIn: ModelConfig,
  registry: readonly RegistryLiftTest[],
): Prepared {
  let config = configIn;
  const parsed = ctx.engine.parseDatasetCsv(run.datasetVersion.csv, config, {
    holdoutWeeks: config.holdoutWeeks,
  });
  if (!parsed.ok)
    return {
      failure: {
        reason: formatParseErrors(parsed.errors, parsed.errorCount),
        details: {
          stage: "dataset",
          datasetVersion: run.datasetVersion.version,
          errors: parsed.errors.slice(0, 20),
        },
      },
    };
  const dataset = parsed.dataset;
  const weighed = weighRegistryLiftTests(registry, {
    dates: dataset.dates,
    trainingWeeks: dataset.dates.length - config.holdoutWeeks,
    geos: ["national"],
    spend: (name) => {
      const ch = dataset.channels.find((c) => c.name === name);
      return ch ? [ch.spend] : null;
    },
  });
  if (weighed.liftTests.length > 0)
    config = { ...config, liftTests: [...config.liftTests, ...weighed.liftTests] };
  const used = weighed.pinned.filter((p) => p.used);
  return {
    pinnedLiftTests: weighed.pinned,
    sampler: samplerSettings(config, ctx.sampler),
    fit: (options) => ctx.engine.fitModel(dataset, config, options),
    ...(ctx.engine.fitChain && ctx.engine.mergeChains
      ? {
          fitChain: ctx.engine.fitChain.bind(ctx.engine, dataset, config),
          mergeChains: ctx.engine.mergeChains.bind(ctx.engine, dataset, config),
        }
      : {}),
    derive(result) {
      const fit = result as EngineFitResult;
      const { analysis: threadAnalysis, ...fitOnly } = fit;
      const serialized = ctx.engine.serializeFitResult(fitOnly);
      let analysis: EngineFitResult["analysis"] = threadAnalysis ?? null;
      if (threadAnalysis === undefined && ctx.engine.analyzeRun) {
        try {
          analysis = ctx.engine.analyzeRun({ dataset, config, fit });
        } catch (error) {
          analysis = { error: `analysis failed: ${messageOf(error)}` };
        }
      }
      const spec = buildModelSpec(dataset, config);
      return {
        serialized: serialized,
        analysis: analysis ?? null,
        insights: null,
        spec,
        calibration: calibrationOf(used, () => {
          const model = createModel(spec);
          return liftTestImpliedDrawsV1(spec, model, posteriorDraws(model, fit.draws), used);
        }),
      };
    },
  };
}

/**
 * v2: the long/geo CSV through core's parse-v2 (errors name row, column and geo), scaled per geo
 * (scale-v2), fitted by fitModelV2; stored are its summary (incrementality, ROI / CPIK, optimal
 * frequency, per geo), the v2 spec and the decomposition / fit per geo (analyzeRunV2).
 */
function prepareV2(
  ctx: Pick<FitJobContext, "engine" | "sampler">,
  run: RunInputs,
  configIn: ModelConfigV2,
  registry: readonly RegistryLiftTest[],
): Prepared {
  let config = configIn;
  let pinned: PinnedLiftTest[];
  const engine = ctx.engine;
  if (!engine.parseDatasetV2Csv || !engine.fitModelV2)
    return {
      failure: {
        reason:
          "This worker's engine cannot fit v2 models (geo, exposure, reach & frequency, organic, units KPI).",
        details: { stage: "config" },
      },
    };
  const parsed = engine.parseDatasetV2Csv(run.datasetVersion.csv, config, {
    holdoutWeeks: config.holdoutWeeks,
  });
  if (!parsed.ok)
    return {
      failure: {
        reason: formatParseErrors(parsed.errors, parsed.errorCount),
        details: {
          stage: "dataset",
          datasetVersion: run.datasetVersion.version,
          errors: parsed.errors.slice(0, 20),
        },
      },
    };
  let data: ModelDataV2;
  let spec: ModelSpecV2;
  try {
    data = scaleDatasetV2(parsed.dataset, {
      holdoutWeeks: config.holdoutWeeks,
      fourierPairs: config.fourierPairs,
      link: config.link,
    });
    const scaled = data;
    const weighed = weighRegistryLiftTests(registry, {
      dates: scaled.dates,
      trainingWeeks: scaled.trainingWeeks,
      geos: scaled.geos,
      spend: (name) => scaled.channels.find((c) => c.name === name && c.role !== "organic")?.spend ?? null,
    });
    pinned = weighed.pinned;
    if (weighed.liftTests.length > 0)
      config = { ...config, liftTests: [...config.liftTests, ...weighed.liftTests] };
    spec = buildModelSpecV2(data, config);
  } catch (error) {
    return {
      failure: {
        reason: `The dataset cannot be modelled: ${messageOf(error)}`,
        details: { stage: "dataset", datasetVersion: run.datasetVersion.version },
      },
    };
  }
  const fitModelV2 = engine.fitModelV2.bind(engine);
  const used = pinned.filter((p) => p.used);
  return {
    pinnedLiftTests: pinned,
    sampler: samplerSettings(config, ctx.sampler),
    fit: (options) => fitModelV2(data, config, options),
    ...(engine.fitChainV2 && engine.mergeChainsV2
      ? {
          fitChain: engine.fitChainV2.bind(engine, data, config),
          mergeChains: engine.mergeChainsV2.bind(engine, data, config),
        }
      : {}),
    derive(result) {
      const { analysis, insights, draws, ...rest } = result as EngineFitResultV2;
      return {
        serialized: jsonSafe(rest) as Derived["serialized"],
        analysis: analysis ?? null,
        insights: insights ?? null,
        spec,
        // the registry's used tests are the spec's last ones (after the config's own)
        calibration: calibrationOf(used, () => {
          const model = createModelV2(spec);
          return liftTestImpliedDrawsV2(model, posteriorDraws(model, draws)).slice(-used.length);
        }),
      };
    },
  };
}

/**
 * The run's model health (docs/trust.md section 2), with the stability check against the model's
 * approved run when there is one. A failure here never fails the run: the health is then null.
 */
async function modelHealthFor(
  ctx: FitJobContext,
  modelId: string,
  runId: string,
  input: Omit<Parameters<NonNullable<Engine["assessRun"]>>[0], "approved">,
): Promise<RunSummary["health"]> {
  if (!ctx.engine.assessRun) return null;
  try {
    const model = await ctx.prisma.model.findUnique({
      where: { id: modelId },
      select: { stabilityThreshold: true, approvedRun: { select: { id: true, summary: true } } },
    });
    const approvedRun = model?.approvedRun && model.approvedRun.id !== runId ? model.approvedRun : null;
    const roi = approvedRun ? roiFromRunSummary(approvedRun.summary) : null;
    const approved: ApprovedRoi | null =
      roi && model ? { roi: roi.roi, spendShare: roi.spendShare, threshold: model.stabilityThreshold } : null;
    return ctx.engine.assessRun({ ...input, approved });
  } catch (error) {
    console.error(
      `[worker ${ctx.workerId}] model health for run ${runId} failed: ${redactSecrets(messageOf(error))}`,
    );
    return null;
  }
}

/**
 * The scenarios pinned to the run (the demo's, seeded on its first fit; any queued with a run),
 * evaluated and stored as scenario.evaluate caches them, so their figures are there when the user
 * opens them. Best effort: the run has succeeded; a scenario left out is evaluated on request.
 */
async function evaluatePinnedScenarios(ctx: FitJobContext, runId: string): Promise<void> {
  try {
    const { failed } = await evaluateRunScenarios(ctx.prisma, runId);
    for (const f of failed)
      console.error(
        `[worker ${ctx.workerId}] scenario ${f.scenarioId} of run ${runId} not evaluated: ${f.reason}`,
      );
  } catch (error) {
    console.error(
      `[worker ${ctx.workerId}] evaluating the scenarios of run ${runId} failed: ${redactSecrets(messageOf(error))}`,
    );
  }
}

async function settleAbort(
  ctx: FitJobContext,
  claim: Claim,
  reason: "cancel" | "shutdown" | "lost",
  progress: RunProgress,
): Promise<FitOutcome> {
  const runId = claim.run.id;
  const { attempt } = claim;
  if (reason === "lost") return { status: "lost", runId, attempt };
  if (reason === "cancel") {
    await cancelClaimedRun(ctx.prisma, claim, progress);
    await stopChains(ctx.prisma, runId);
    return { status: "cancelled", runId, attempt };
  }
  // Shutdown: give the run back to the queue; the caller re-enqueues it.
  await handBackRun(ctx.prisma, claim, progress);
  return { status: "handed-back", runId, attempt };
}
