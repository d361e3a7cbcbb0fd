// The JSON columns of Run: summary, diagnostics and progress, and the refresh comparison stored
// in the summary. The worker writes them (through succeedRun / recordProgress), the web reads
// them; both take the shapes from here. Objects keep fields they do not declare (a field added
// later survives a read, and exports stay complete), but their types list only the declared ones.
import { z } from "zod";
import { jsonCodec } from "./codec.ts";

/** An object schema that keeps undeclared fields at run time, typed by its declared fields only. */
const obj = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape) as unknown as z.ZodObject<T>;

/** A number that JSON stored as null when it was NaN or infinite. */
const num = z.number().nullable();

/** Posterior summary of one quantity (core's Summary, non-finite values as null). */
export const intervalSchema = obj({
  mean: num,
  sd: num.optional(),
  q05: num,
  q50: num.optional(),
  q95: num,
  rhat: num.optional(),
  essBulk: num.optional(),
  essTail: num.optional(),
});
export type StoredInterval = z.output<typeof intervalSchema>;

export const samplerSettingsSchema = obj({
  chains: z.number().int().min(1),
  warmup: z.number().int().min(0),
  draws: z.number().int().min(1),
});
export type SamplerSettings = z.output<typeof samplerSettingsSchema>;

/** How a refit's ROI per channel moved against the model's previous succeeded run. */
export const channelRoiChangeSchema = obj({
  previousMean: z.number(),
  previousQ05: z.number(),
  previousQ95: z.number(),
  mean: z.number(),
  q05: z.number(),
  q95: z.number(),
  delta: z.number(),
  /** delta / |previousMean|, null when the previous mean is 0. */
  relativeDelta: z.number().nullable(),
  outsidePreviousInterval: z.boolean(),
});
export type ChannelRoiChange = z.output<typeof channelRoiChangeSchema>;

export const refreshComparisonSchema = obj({
  previousRunId: z.string(),
  previousFinishedAt: z.string().nullable(),
  channels: z.record(z.string(), channelRoiChangeSchema),
  flaggedChannels: z.array(z.string()),
  /** Channels present in only one of the two runs. */
  added: z.array(z.string()),
  removed: z.array(z.string()),
});
export type RefreshComparison = z.output<typeof refreshComparisonSchema>;

/** core's FitDiagnostics as stored (R-hat, ESS and E-BFMI are null in fast mode). */
export const runDiagnosticsSchema = obj({
  rhatMax: num.optional(),
  essBulkMin: num.optional(),
  essTailMin: num.optional(),
  divergences: num.optional(),
  treedepthHits: num.optional(),
  ebfmiMin: num.optional(),
  converged: z.boolean().optional(),
  reasons: z.array(z.string()).optional(),
  warnings: z.array(z.string()).optional(),
});
export type RunDiagnostics = z.output<typeof runDiagnosticsSchema>;
export const runDiagnosticsCodec = jsonCodec("Run.diagnostics", runDiagnosticsSchema);

/** core's ModelHealth (assessModel) as stored in Run.summary.health. */
export const modelHealthSchema = obj({
  score: z.number(),
  verdict: z.enum(["reliable for budget decisions", "use with care", "do not use"]),
  summary: z.string(),
  checks: z.array(
    obj({
      name: z.string(),
      label: z.string(),
      status: z.enum(["pass", "warn", "fail", "skipped"]),
      figure: num,
      threshold: z.string(),
      penalty: z.number(),
      detail: z.string(),
    }),
  ),
  channels: z.array(
    obj({
      name: z.string(),
      verdict: z.enum(["scale up", "hold", "test", "pull back"]),
      reason: z.string(),
      contraction: num,
      roi: obj({ q05: num, q50: num, q95: num }).nullable(),
    }),
  ),
});
export type StoredModelHealth = z.output<typeof modelHealthSchema>;

/**
 * One channel of a summary. v1 channels all have `roi`; a v2 channel (core's ChannelResultV2) has
 * `role` and `incremental`, `roi` only when paid with a known value, `cpik` for a units KPI and
 * `optimalFrequency` for reach & frequency.
 */
export const channelSummarySchema = obj({
  type: z.string(),
  spend: num.optional(),
  roi: intervalSchema.optional(),
  contribution: intervalSchema,
  role: z.enum(["paid", "rf", "organic"]).optional(),
  incremental: intervalSchema.optional(),
  share: intervalSchema.optional(),
  cpik: intervalSchema.optional(),
  marginalRoi: intervalSchema.optional(),
  optimalFrequency: intervalSchema.optional(),
});
export type ChannelSummary = z.output<typeof channelSummarySchema>;

/** v2: per geo, per channel incremental KPI, ROI (value known) and CPIK (units KPI). */
export const geoSummarySchema = obj({
  channels: z.record(
    z.string(),
    obj({ incremental: intervalSchema, roi: intervalSchema.optional(), cpik: intervalSchema.optional() }),
  ),
});
export type GeoSummary = z.output<typeof geoSummarySchema>;

export const calibrationSummarySchema = obj({
  halfLifeWeeks: z.number(),
  spendScale: z.number(),
  tests: z.array(
    obj({
      id: z.string(),
      channel: z.string(),
      lift: z.number(),
      se: num,
      implied: intervalSchema,
      z: num,
    }),
  ),
  channels: z.array(
    obj({
      channel: z.string(),
      tests: z.number(),
      share: num,
      shift: num,
      widthRatio: num,
    }),
  ),
});
export type StoredCalibration = z.output<typeof calibrationSummarySchema>;

/**
 * Run.summary: core's serialized FitResult (no draws) plus what the worker adds: `timings`,
 * `sampler` (the settings it used) and `refreshComparison`. Every field is optional so that rows
 * written before a field existed still read.
 */
export const runSummarySchema = obj({
  engineVersion: z.string().optional(),
  seed: z.number().optional(),
  mode: z.enum(["nuts", "fast"]).optional(),
  approximate: z.boolean().optional(),
  kpiName: z.string().optional(),
  /** 2 for a v2 fit (fitModelV2); absent for v1. */
  modelVersion: z.literal(2).optional(),
  kpiType: z.enum(["revenue", "units"]).optional(),
  link: z.enum(["identity", "log"]).optional(),
  decompositionRule: z.enum(["additive", "log-share"]).optional(),
  geoNames: z.array(z.string()).optional(),
  geos: z.record(z.string(), geoSummarySchema).optional(),
  /** Time-varying media: f_t per week (the multiplier is exp(f_t)). */
  mediaEffectiveness: z.array(obj({ date: z.string(), f: intervalSchema })).optional(),
  weeks: z.number().optional(),
  trainingWeeks: z.number().optional(),
  settings: samplerSettingsSchema.optional(),
  parameters: z.record(z.string(), intervalSchema).optional(),
  channels: z.record(z.string(), channelSummarySchema).optional(),
  diagnostics: runDiagnosticsSchema.optional(),
  holdout: obj({ weeks: z.number(), mape: num, r2: num, nrmse: num.optional(), coverage90: num.optional() })
    .nullable()
    .optional(),
  loo: obj({
    elpd: num,
    se: num,
    pLoo: num.optional(),
    looic: num.optional(),
    paretoKMax: num.optional(),
    warnings: z.array(z.string()).optional(),
  })
    .nullable()
    .optional(),
  /** The engine's own timing of the fit. */
  timing: obj({
    totalSeconds: num.optional(),
    warmupSeconds: num.optional(),
    samplingSeconds: num.optional(),
    summarySeconds: num.optional(),
  }).optional(),
  /** The worker's: queue wait, fit, total (claim to stored). */
  timings: obj({ queueWaitSeconds: num, fitSeconds: num, totalSeconds: num }).optional(),
  sampler: samplerSettingsSchema.extend({ mode: z.enum(["fast", "full"]) }).optional(),
  refreshComparison: refreshComparisonSchema.nullable().optional(),
  /**
   * The run was fitted with priors from an approved run's posterior (docs/model.md): which run,
   * the sd widening, and the moment-matched prior per parameter label.
   */
  priorsFrom: obj({
    runId: z.string(),
    widen: z.number(),
    priors: z.record(z.string(), z.looseObject({ dist: z.string() })),
  })
    .nullable()
    .optional(),
  /** Model health (score, verdict, checks, channel verdicts); null when it could not be computed. */
  health: modelHealthSchema.nullable().optional(),
  /**
   * Calibration (docs/model.md section 11.4): per used registry lift test (id = LiftTest id) the
   * model's implied lift beside the measured one, and per channel the calibration score.
   */
  calibration: calibrationSummarySchema.nullable().optional(),
});
export type RunSummary = z.output<typeof runSummarySchema>;
export const runSummaryCodec = jsonCodec("Run.summary", runSummarySchema);

/** Run.progress: what the worker last reported (docs/operations.md, "A run's life"). */
export const runProgressSchema = obj({
  phase: z.string().optional(),
  chain: z.number().nullable().optional(),
  iteration: z.number().optional(),
  of: z.number().optional(),
  percent: z.number().optional(),
  etaSeconds: z.number().nullable().optional(),
  divergences: z.number().optional(),
  elapsedSeconds: z.number().optional(),
  chains: z
    .array(
      obj({
        chain: z.number(),
        phase: z.string().optional(),
        iteration: z.number(),
        total: z.number(),
        divergences: z.number().optional(),
        /** Chains run as separate jobs: the worker running this chain, and the chain's attempt. */
        workerId: z.string().nullable().optional(),
        attempt: z.number().optional(),
      }),
    )
    .optional(),
  attempt: z.number().optional(),
  workerId: z.string().optional(),
});
export type RunProgress = z.output<typeof runProgressSchema>;
export const runProgressCodec = jsonCodec("Run.progress", runProgressSchema);

export interface RoiInterval {
  mean: number;
  q05: number;
  q95: number;
}

/** ROI mean and 90% interval per channel of a stored summary (channels with all three finite). */
export function roiOfSummary(summary: Pick<RunSummary, "channels"> | null): Record<string, RoiInterval> {
  const out: Record<string, RoiInterval> = {};
  for (const [name, { roi }] of Object.entries(summary?.channels ?? {})) {
    if (roi !== undefined && roi.mean !== null && roi.q05 !== null && roi.q95 !== null)
      out[name] = { mean: roi.mean, q05: roi.q05, q95: roi.q95 };
  }
  return out;
}
