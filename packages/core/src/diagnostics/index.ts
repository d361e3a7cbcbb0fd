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
export {
  assessConvergence,
  defaultConvergenceThresholds,
  parameterChains,
  summarizeChains,
  type ConvergenceAssessment,
  type ConvergenceThresholds,
} from "./assess.ts";
export { compareLoo, gpdFit, psis, psisLoo, type GpdFit, type LooResult, type PsisResult } from "./psis.ts";
export { normalQuantile } from "./normal-quantile.ts";
