// The slice of @mixcast/core the worker calls, as an injectable object: tests of the queue
// machinery can pass a stub, production uses `coreEngine()` (the real engine).
import * as core from "@mixcast/core/node";
import type {
  ColumnMapping,
  DataMappingV2,
  Dataset,
  DatasetV2,
  ModelConfig,
  ModelConfigV2,
  ModelDataV2,
  RunAnalysis,
  RunAnalysisV2,
} from "@mixcast/core";
import { insightsOfFitV2 } from "@mixcast/runs/insights";
import type { RunInsightsV2 } from "@mixcast/runs/stored";
import { fitThreadPool } from "./fit-thread.ts";

export interface IntervalSummary {
  mean: number;
  sd?: number;
  q05: number;
  q50?: number;
  q95: number;
}

export interface EngineProgress {
  chain?: number;
  iteration?: number;
  total?: number;
  phase?: string;
  divergences?: number;
  elapsedMs?: number;
  /** Present when the engine reports fit-level progress (core's FitProgress). */
  percent?: number;
  etaSeconds?: number | null;
}

export interface EngineFitOptions {
  mode: "nuts" | "fast";
  chains: number;
  warmup: number;
  draws: number;
  seed: number;
  threads?: number;
  onProgress?: (progress: EngineProgress) => void;
  signal?: AbortSignal;
}

/** One chain of a full (NUTS) fit, for runs whose chains run as separate jobs. */
export interface EngineChainOptions {
  chain: number;
  chains: number;
  warmup: number;
  draws: number;
  seed: number;
  onProgress?: (progress: EngineProgress) => void;
  signal?: AbortSignal;
}

/** core's FitResult, plus the analysis when the fit thread already ran it (fit-thread-main.ts). */
export type EngineFitResult = core.FitResult & { analysis?: RunAnalysis | { error: string } | null };

/**
 * core's FitResultV2, plus what the fit thread derived from it: the decomposition / fit per geo
 * and the insights page's curves (@mixcast/runs/insights).
 */
export type EngineFitResultV2 = core.FitResultV2 & {
  analysis?: RunAnalysisV2 | { error: string } | null;
  insights?: RunInsightsV2 | { error: string } | null;
};

export type EngineParseResultV2 =
  | { ok: true; dataset: DatasetV2; warnings: unknown[] }
  | {
      ok: false;
      errors: { row?: number; column?: string; geo?: string; message: string }[];
      errorCount?: number;
    };

export type EngineParseResult =
  | { ok: true; dataset: Dataset; warnings: unknown[] }
  | { ok: false; errors: { row?: number; column?: string; message: string }[]; errorCount?: number };

export interface Engine {
  parseDatasetCsv(
    text: string,
    mapping: ColumnMapping,
    options?: { holdoutWeeks?: number },
  ): EngineParseResult;
  fitModel(dataset: Dataset, config: ModelConfig, options: EngineFitOptions): Promise<EngineFitResult>;
  /** Chain `options.chain` of fitModel(..., { mode: "nuts", ...options }): the same draws. */
  fitChain?(dataset: Dataset, config: ModelConfig, options: EngineChainOptions): Promise<core.ChainResult>;
  /** The fit from all its chains' results, equal to fitModel's with the same seed. */
  mergeChains?(
    dataset: Dataset,
    config: ModelConfig,
    results: core.ChainResult[],
    options: EngineFitOptions,
  ): Promise<EngineFitResult>;
  /** JSON-safe FitResult without draws. */
  serializeFitResult(result: EngineFitResult): core.SerializedFitResult;
  /** Optional post-fit analysis (contributions, ROI curves, ...) stored as the "analysis" artifact. */
  analyzeRun?(input: { dataset: Dataset; config: ModelConfig; fit: EngineFitResult }): RunAnalysis | null;
  /** v2 configs (usesV2Features): long/geo data, roles, units KPI, link, knots. */
  parseDatasetV2Csv?(
    text: string,
    mapping: DataMappingV2,
    options?: { holdoutWeeks?: number },
  ): EngineParseResultV2;
  fitModelV2?(
    data: ModelDataV2,
    config: ModelConfigV2,
    options: EngineFitOptions,
  ): Promise<EngineFitResultV2>;
  /** Chain `options.chain` of fitModelV2(..., { mode: "nuts", ...options }): the same draws. */
  fitChainV2?(
    data: ModelDataV2,
    config: ModelConfigV2,
    options: EngineChainOptions,
  ): Promise<core.ChainResult>;
  /** The v2 fit (with its analysis) from all its chains, equal to fitModelV2's with the same seed. */
  mergeChainsV2?(
    data: ModelDataV2,
    config: ModelConfigV2,
    results: core.ChainResult[],
    options: EngineFitOptions,
  ): Promise<EngineFitResultV2>;
  /** Optional model health (docs/trust.md section 2), stored as Run.summary.health. */
  assessRun?(input: {
    /** The run's model: a v1 ModelSpec or a v2 ModelSpecV2. */
    spec: core.ModelSpec | core.ModelSpecV2;
    fit: EngineFitResult | EngineFitResultV2;
    analysis: unknown;
    approved: ApprovedRoi | null;
  }): core.ModelHealth | null;
}

/** The model's approved run's ROI per channel, for the health score's stability check. */
export interface ApprovedRoi {
  roi: Record<string, core.RoiSummary>;
  spendShare: Record<string, number>;
  threshold: number;
}

/**
 * The real engine from @mixcast/core. By default fitModel runs in a worker thread of its own
 * (fit-thread.ts); `threaded: false` calls it on this thread.
 */
export function coreEngine(options: { threaded?: boolean } = {}): Engine {
  return {
    parseDatasetCsv: (text, mapping, opts) => core.parseDatasetCsv(text, mapping, opts),
    fitModel:
      options.threaded === false
        ? (dataset, config, opts) => core.fitModel(dataset, config, opts)
        : (dataset, config, opts) => fitThreadPool().fit(dataset, config, opts),
    fitChain:
      options.threaded === false
        ? (dataset, config, { chain, onProgress, signal, ...opts }) =>
            Promise.resolve(
              core.fitChain(dataset, config, chain, { mode: "nuts", ...opts }, { onProgress, signal }),
            )
        : (dataset, config, opts) => fitThreadPool().fitChain(dataset, config, opts),
    mergeChains:
      options.threaded === false
        ? (dataset, config, results, opts) =>
            Promise.resolve(core.fitFromChains(dataset, config, results, { ...opts, mode: "nuts" }))
        : (dataset, config, results, opts) => fitThreadPool().mergeChains(dataset, config, results, opts),
    serializeFitResult: (fit) => core.serializeFitResult(fit),
    analyzeRun: ({ dataset, config, fit }) => {
      const model = core.createModel(core.buildModelSpec(dataset, config));
      return core.analyzeRun(model, core.posteriorDraws(model, fit.draws));
    },
    assessRun: ({ spec, fit, analysis, approved }) => {
      if (spec.version === 2) {
        const model = core.createModelV2(spec);
        const { figures: _f, ...health } = core.assessFitV2(
          fit as EngineFitResultV2,
          model,
          core.posteriorDraws(spec, fit.draws),
          { approved },
        );
        return health;
      }
      const model = core.createModel(spec);
      const channels = (analysis as { channels?: { name: string; marginalRoi: { q50: number } }[] } | null)
        ?.channels;
      const marginalRoi = channels
        ? Object.fromEntries(channels.map((c) => [c.name, c.marginalRoi.q50]))
        : undefined;
      const { figures: _figures, ...health } = core.assessFit(
        fit as EngineFitResult,
        model,
        core.posteriorDraws(model, fit.draws),
        { approved, ...(marginalRoi ? { marginalRoi } : {}) },
      );
      return health;
    },
    parseDatasetV2Csv: (text, mapping, opts) => core.parseDatasetV2Csv(text, mapping, opts),
    fitModelV2:
      options.threaded === false
        ? async (data, config, opts) => {
            const fit = await core.fitModelV2(data, config, opts);
            return { ...fit, ...derivedOfFitV2(data, config, fit) };
          }
        : (data, config, opts) => fitThreadPool().fitV2(data, config, opts),
    fitChainV2:
      options.threaded === false
        ? (data, config, { chain, onProgress, signal, ...opts }) =>
            Promise.resolve(
              core.fitChainV2(data, config, chain, { mode: "nuts", ...opts }, { onProgress, signal }),
            )
        : (data, config, opts) => fitThreadPool().fitChainV2(data, config, opts),
    mergeChainsV2:
      options.threaded === false
        ? (data, config, results, opts) => {
            const fit = core.fitV2FromChains(data, config, results, { ...opts, mode: "nuts" });
            return Promise.resolve({ ...fit, ...derivedOfFitV2(data, config, fit) });
          }
        : (data, config, results, opts) => fitThreadPool().mergeChainsV2(data, config, results, opts),
  };
}

/**
 * What the fit thread derives from a v2 fit (CPU work kept off the main thread): the decomposition
 * and fit per geo, and the insights page's response and frequency curves, computed here once
 * instead of by the web on the page's first open (seconds for a geo model). Neither fails the run.
 */
export function derivedOfFitV2(
  data: ModelDataV2,
  config: ModelConfigV2,
  fit: core.FitResultV2,
): Pick<EngineFitResultV2, "analysis" | "insights"> {
  const analysis = analyzeRunV2(data, config, fit);
  let insights: RunInsightsV2 | { error: string };
  try {
    insights = insightsOfFitV2(core.buildModelSpecV2(data, config), fit.draws);
  } catch (error) {
    insights = { error: `insights failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { analysis, insights };
}

/** The v2 decomposition and fit per geo; its failure must not fail the run. */
export function analyzeRunV2(
  data: ModelDataV2,
  config: ModelConfigV2,
  fit: core.FitResultV2,
): RunAnalysisV2 | { error: string } {
  try {
    const model = core.createModelV2(core.buildModelSpecV2(data, config));
    return core.analyzeRunV2(model, fit.draws);
  } catch (error) {
    return { error: `analysis failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** One line for the Run's error column, from the parser's issues. */
export function formatParseErrors(
  errors: { row?: number; column?: string; message: string }[],
  errorCount?: number,
): string {
  const first = errors[0]?.message ?? "the dataset could not be parsed";
  const more = (errorCount ?? errors.length) - 1;
  return more > 0 ? `${first} (and ${more} more error${more === 1 ? "" : "s"})` : first;
}
