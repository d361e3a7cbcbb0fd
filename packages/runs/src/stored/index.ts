// @mixcast/runs/stored: the one definition of every stored JSON shape (zod codecs), shared by
// the worker that writes them and the web that reads them. Browser-safe: zod and core only.
export { jsonCodec, jsonSafe, StoredShapeError, type JsonCodec } from "./codec.ts";
export {
  calibrationSummarySchema,
  type StoredCalibration,
  channelRoiChangeSchema,
  channelSummarySchema,
  geoSummarySchema,
  type ChannelSummary,
  type GeoSummary,
  intervalSchema,
  modelHealthSchema,
  refreshComparisonSchema,
  runDiagnosticsCodec,
  runDiagnosticsSchema,
  runProgressCodec,
  runProgressSchema,
  runSummaryCodec,
  runSummarySchema,
  roiOfSummary,
  samplerSettingsSchema,
  type ChannelRoiChange,
  type RefreshComparison,
  type RoiInterval,
  type RunDiagnostics,
  type RunProgress,
  type RunSummary,
  type SamplerSettings,
  type StoredInterval,
  type StoredModelHealth,
} from "./run.ts";
export {
  analysisErrorSchema,
  runAnalysisCodec,
  runAnalysisV2Codec,
  runInsightsV2Codec,
  scenarioResultCodec,
  type RunInsightsV2,
} from "./artifacts.ts";
export {
  decodeStoredModelConfig,
  modelConfigCodec,
  modelConfigV2Codec,
  type StoredModelConfig,
} from "./model-config.ts";
export {
  MAX_PLAN_WEEKS,
  planOriginSchema,
  scenarioPlanCodec,
  scenarioPlanSchema,
  scenarioPlanningSchema,
  toCoreScenario,
  totalSpend,
  type ScenarioPlan,
  type ScenarioPlanInput,
  type ScenarioPlanning,
} from "./scenario-plan.ts";
export {
  findingLabel,
  overriddenChecksCodec,
  overriddenChecksSchema,
  overriddenFindingSchema,
  type OverriddenChecks,
  type OverriddenFinding,
} from "./overridden-checks.ts";
