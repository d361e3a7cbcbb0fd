export {
  ebfmi,
  essBasic,
  essBulk,
  essMean,
  essQuantile,
  essTail,
  quantiles,
  rankNormalize,
  rhat,
  rhatBasic,
  splitChains,
  summarizeDraws,
  type DrawSummary,
} from "./convergence.ts";
export { assessConvergence, parameterChains, summarizeChains, type ConvergenceAssessment } from "./assess.ts";
export {
  DEFAULT_CHAIN_COUNT,
  defaultConvergenceThresholds,
  essMinimum,
  type ConvergenceThresholds,
} from "./thresholds.ts";
export { compareLoo, gpdFit, psis, psisLoo, type GpdFit, type LooResult, type PsisResult } from "./psis.ts";
export { normalQuantile } from "./normal-quantile.ts";
