// The slice of @mixcast/core the worker calls, as an injectable object: tests of the queue
// machinery can pass a stub, production uses `coreEngine()` (the real engine).
import type { ColumnMapping, Dataset } from "@mixcast/core";
import { fitInThread } from "./fit-thread.ts";

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

/** What the worker reads from core's FitResult; the whole object is stored via serializeFitResult. */
export interface EngineFitResult {
  engineVersion: string;
  seed: number;
  mode: string;
  diagnostics: { converged: boolean; reasons: string[]; [key: string]: unknown };
  channels: Record<string, { roi: IntervalSummary; [key: string]: unknown }>;
  timing?: { totalSeconds?: number; warmupSeconds?: number; samplingSeconds?: number };
  draws?: { names: string[]; chains: number; perChain: number; values: Float64Array };
  /** Set when the fit ran in a fit thread, which also ran the analysis (see fit-thread-main.ts). */
  analysis?: unknown;
}

export type EngineParseResult =
  | { ok: true; dataset: Dataset; warnings: unknown[] }
  | { ok: false; errors: { row?: number; column?: string; message: string }[]; errorCount?: number };

export interface Engine {
  /** Validates stored config JSON; throws with a message naming the bad field. */
  parseModelConfig(input: unknown): ColumnMapping & { holdoutWeeks?: number };
  parseDatasetCsv(text: string, mapping: ColumnMapping, options?: { holdoutWeeks?: number }): EngineParseResult;
  fitModel(dataset: Dataset, config: unknown, options: EngineFitOptions): Promise<EngineFitResult>;
  /** JSON-safe FitResult without draws (object, or a JSON string). */
  serializeFitResult(result: EngineFitResult): unknown;
  /** Float32 little-endian binary of the draws. */
  encodeDraws(result: EngineFitResult): Uint8Array;
  /** Optional post-fit analysis (contributions, ROI curves, ...) stored as the "analysis" artifact. */
  analyzeRun?(input: { dataset: Dataset; config: unknown; fit: EngineFitResult }): unknown;
}

async function importOptional(specifier: string): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Loads the real engine from @mixcast/core; throws naming any export that is missing. By default
 * fitModel runs in a worker thread of its own (fit-thread.ts); `threaded: false` calls it here.
 */
export async function coreEngine(options: { threaded?: boolean } = {}): Promise<Engine> {
  // The package index first; the module files of the agreed layout (fit/, analysis/, model/)
  // for anything the index does not re-export.
  const modules = await Promise.all([
    import("@mixcast/core") as Promise<Record<string, unknown>>,
    importOptional("@mixcast/core/fit/fit-model"),
    importOptional("@mixcast/core/fit/serialize"),
    importOptional("@mixcast/core/fit/draws-codec"),
    importOptional("@mixcast/core/analysis/analyze"),
    importOptional("@mixcast/core/model/spec"),
    importOptional("@mixcast/core/model/model"),
  ]);
  const find = (name: string): unknown => modules.find((m) => typeof m[name] === "function")?.[name];
  const required = ["parseModelConfig", "parseDatasetCsv", "fitModel", "serializeFitResult", "encodeDraws"];
  const missing = required.filter((name) => find(name) === undefined);
  if (missing.length > 0) throw new Error(`@mixcast/core does not export ${missing.join(", ")}`);
  const encodeDraws = find("encodeDraws") as (draws: NonNullable<EngineFitResult["draws"]>) => Uint8Array;
  const analyzeRun = find("analyzeRun") as ((model: unknown, draws: { values: Float64Array; draws: number; dim: number }) => unknown) | undefined;
  const buildModelSpec = find("buildModelSpec") as ((dataset: Dataset, config: unknown) => unknown) | undefined;
  const createModel = find("createModel") as ((spec: unknown) => unknown) | undefined;
  return {
    parseModelConfig: find("parseModelConfig") as Engine["parseModelConfig"],
    parseDatasetCsv: find("parseDatasetCsv") as Engine["parseDatasetCsv"],
    fitModel: options.threaded === false ? (find("fitModel") as Engine["fitModel"]) : fitInThread,
    serializeFitResult: find("serializeFitResult") as Engine["serializeFitResult"],
    encodeDraws: (fit) => {
      if (!fit.draws) throw new Error("the fit result has no draws");
      return encodeDraws(fit.draws);
    },
    analyzeRun:
      analyzeRun && buildModelSpec && createModel
        ? ({ dataset, config, fit }) => {
            if (!fit.draws) return null;
            const model = createModel(buildModelSpec(dataset, config));
            const { values, chains, perChain, names } = fit.draws;
            return analyzeRun(model, { values, draws: chains * perChain, dim: names.length });
          }
        : undefined,
  };
}

/** One line for the Run's error column, from the parser's issues. */
export function formatParseErrors(errors: { row?: number; column?: string; message: string }[], errorCount?: number): string {
  const first = errors[0]?.message ?? "the dataset could not be parsed";
  const more = (errorCount ?? errors.length) - 1;
  return more > 0 ? `${first} (and ${more} more error${more === 1 ? "" : "s"})` : first;
}
