// JSON artifacts of a run (RunArtifact.analysis) and cached scenario evaluations
// (ScenarioResult.result). Their content is core's (RunAnalysis, ScenarioResult): the schemas check
// the envelope (version, the arrays every reader walks) and type the value with core's types.
import type {
  FrequencyCurveV2,
  ResponseCurveV2,
  RunAnalysis,
  RunAnalysisV2,
  ScenarioResult,
} from "@mixcast/core";
import { z } from "zod";
import { jsonCodec } from "./codec.ts";

const runAnalysisSchema = z.looseObject({
  version: z.literal(1),
  dates: z.array(z.string()),
  channels: z.array(z.looseObject({ name: z.string() })),
  decomposition: z.looseObject({ weekly: z.array(z.unknown()), totals: z.array(z.unknown()) }),
  responseCurves: z.array(z.unknown()),
}) as unknown as z.ZodType<RunAnalysis>;

/** core's analyzeRun output: the worker's "analysis" artifact (and the web's "insights" fallback). */
export const runAnalysisCodec = jsonCodec("RunArtifact.analysis", runAnalysisSchema);

const bandSchema = z.looseObject({
  mean: z.array(z.number()),
  q05: z.array(z.number()),
  q95: z.array(z.number()),
});
const geoAnalysisShape = {
  actual: z.array(z.number()),
  expected: bandSchema,
  decomposition: z.record(z.string(), z.array(z.number())),
  totals: z.record(z.string(), z.looseObject({ mean: z.number(), share: z.number() })),
};
const runAnalysisV2Schema = z.looseObject({
  version: z.literal(2),
  rule: z.enum(["additive", "log-share"]),
  dates: z.array(z.string()),
  geos: z.array(z.string()),
  components: z.array(z.looseObject({ name: z.string(), kind: z.enum(["base", "channel", "synergy"]) })),
  ...geoAnalysisShape,
  byGeo: z.record(z.string(), z.looseObject(geoAnalysisShape)).optional(),
}) as unknown as z.ZodType<RunAnalysisV2>;

/** core's analyzeRunV2 output: the "analysis" artifact of a v2 run (decomposition and fit per geo). */
export const runAnalysisV2Codec = jsonCodec("RunArtifact.analysis", runAnalysisV2Schema);

/**
 * What the web computes once for a v2 run's insights page and keeps as its "insights" artifact:
 * response curves (national and per geo), ROI versus frequency of R&F channels, and the
 * decomposition / fit per geo when the worker's "analysis" artifact is missing or failed.
 */
export interface RunInsightsV2 {
  version: 2;
  responseCurves: ResponseCurveV2[];
  frequencyCurves: FrequencyCurveV2[];
  /** Only when the worker stored no usable analysis. */
  analysis: RunAnalysisV2 | null;
  drawsUsed: number;
}

const curveBandSchema = z.looseObject({
  mean: z.array(z.number()),
  lo: z.array(z.number()),
  hi: z.array(z.number()),
});
const runInsightsV2Schema = z.looseObject({
  version: z.literal(2),
  responseCurves: z.array(
    z.looseObject({
      channel: z.string(),
      role: z.enum(["paid", "rf", "organic"]),
      multipliers: z.array(z.number()),
      incremental: curveBandSchema,
    }),
  ),
  frequencyCurves: z.array(
    z.looseObject({ channel: z.string(), frequencies: z.array(z.number()), roi: curveBandSchema }),
  ),
  analysis: runAnalysisV2Schema.nullable(),
  drawsUsed: z.number(),
}) as unknown as z.ZodType<RunInsightsV2>;

/** The web's "insights" artifact of a v2 run (the v1 one holds a RunAnalysis, version 1). */
export const runInsightsV2Codec = jsonCodec("RunArtifact.analysis", runInsightsV2Schema);

/** The "analysis" artifact when the analysis itself threw (the run still succeeded). */
export const analysisErrorSchema = z.object({ error: z.string() });

const scenarioResultSchema = z.looseObject({
  name: z.string(),
  weeks: z.number(),
  totalSpend: z.number(),
  kpi: z.looseObject({ mean: z.number() }),
  channels: z.record(z.string(), z.unknown()),
}) as unknown as z.ZodType<ScenarioResult>;

/** core's evaluateScenario output, cached per scenario, run and plan checksum. */
export const scenarioResultCodec = jsonCodec("ScenarioResult.result", scenarioResultSchema);
