/** Public API of the analysis module (docs/model.md sections 5-6). */
export { analyzeRun } from "./analyze.ts";
export type {
  AnalyzeOptions,
  ChannelAnalysis,
  ComponentKind,
  ResponseCurve,
  RunAnalysis,
  WeeklyBand,
} from "./analyze.ts";
export { InfeasibleBoundsError, optimizeBudget, PlanEvaluator } from "./optimizer.ts";
export {
  optimizeGoal,
  optimumMarginalRoi,
  type GoalOptions,
  type GoalResult,
  type OptimizerGoal,
} from "./optimizer-goals.ts";
export {
  FlightEvaluator,
  optimizeFlighting,
  type FlightingOptions,
  type FlightingPlan,
  type WeeklyBound,
} from "./flighting.ts";
export type {
  BudgetPlan,
  ChannelAllocation,
  ChannelBound,
  OptimizeOptions,
  RiskObjective,
} from "./optimizer.ts";
export { drawRow, horizonResponse, posteriorDraws, recentWeeklySpend } from "./model-adapter.ts";
export type { PosteriorDraws } from "./model-adapter.ts";
export type { ChannelPlan, HorizonResponse, PlanLine } from "./horizon-response.ts";
export { MediaHorizon } from "./horizon-response.ts";
export { horizonResponseV2, planningHorizon, planningRatesV2 } from "./model-adapter-v2.ts";
export type { HorizonOptionsV2, PlanningRatesV2 } from "./model-adapter-v2.ts";
export { responseCurvesV2 } from "./response-curves-v2.ts";
export type { ResponseCurveGeoV2, ResponseCurveV2, ResponseCurvesV2Options } from "./response-curves-v2.ts";
export { frequencyCurvesV2 } from "./frequency-curves-v2.ts";
export type { FrequencyCurveV2, FrequencyCurvesV2Options } from "./frequency-curves-v2.ts";
export {
  compareScenarios,
  compareEvaluations,
  contentTypes,
  effectivenessAssumptionSchema,
  evaluateScenario,
  repeatRecentWeeks,
  scenarioSchema,
  scenarioSetSchema,
} from "./scenario.ts";
export type {
  ContentType,
  EffectivenessAssumption,
  EvaluateOptions,
  Scenario,
  ScenarioChannelResult,
  ScenarioComparison,
  ScenarioEvaluation,
  ScenarioInput,
  ScenarioPairComparison,
  ScenarioResult,
} from "./scenario.ts";
export { probabilityGreater, summarize as summarizeInterval, thinIndices } from "./stats.ts";
export type { Interval } from "./stats.ts";
export * from "./incrementality-v2.ts";
export * from "./analyze-v2.ts";
export {
  channelScore,
  compareStability,
  intervalOverlap,
  meanShiftSd,
  refitHealth,
  roiFromRunSummary,
} from "./stability.ts";
export type { ChannelStability, RoiSummary, StabilityReport } from "./stability.ts";
export { diffDatasetCsv, diffJson } from "./data-diff.ts";
export type { CellChange, DatasetDiff } from "./data-diff.ts";
export { BacktestError, backtestForecast, sampleCrps, scoreForecast } from "./backtest.ts";
export type { BacktestInput, BacktestScore, BacktestWeek } from "./backtest.ts";
export { POSTERIOR_PRIOR_WIDEN, priorsFromPosterior } from "./posterior-priors.ts";
export type { PosteriorPriorOptions } from "./posterior-priors.ts";
export { calibrationReport, liftTestImpliedDrawsV1, liftTestImpliedDrawsV2 } from "./calibration-score.ts";
export type {
  CalibrationChannelScore,
  CalibrationReport,
  CalibrationTestInput,
  CalibrationTestResult,
} from "./calibration-score.ts";
export { backtestForecastV2, sliceDatasetV2 } from "./backtest-v2.ts";
export type { BacktestInputV2 } from "./backtest-v2.ts";
