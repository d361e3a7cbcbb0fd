// The convergence thresholds, defined once: core's verdict (assess.ts), the web's plain-word
// diagnostics and the UI's per-parameter flags all read them from here. No imports, so client
// components can take it without the sampler.

/**
 * Thresholds (defaults follow Vehtari et al. 2021 and Stan's own warnings):
 * - R-hat <= 1.01 for every parameter;
 * - bulk and tail ESS >= 100 per chain (400 for the default 4 chains);
 * - divergent transitions < 0.5% of post-warmup draws (any divergence is still listed as a
 *   warning: it means the posterior has regions the sampler cannot explore reliably);
 * - E-BFMI >= 0.3 in every chain;
 * - hits of the maximum tree depth are an efficiency problem, not a validity problem: they are
 *   reported as warnings only.
 */
export interface ConvergenceThresholds {
  rhatMax: number;
  essPerChainMin: number;
  divergenceFractionMax: number;
  ebfmiMin: number;
}

export const defaultConvergenceThresholds: ConvergenceThresholds = {
  rhatMax: 1.01,
  essPerChainMin: 100,
  divergenceFractionMax: 0.005,
  ebfmiMin: 0.3,
};

/** Chains a run has when nothing else says (the worker's default sampler settings). */
export const DEFAULT_CHAIN_COUNT = 4;

/** The smallest bulk and tail ESS a run of `chains` chains needs to count as converged. */
export function essMinimum(
  chains: number,
  thresholds: Pick<ConvergenceThresholds, "essPerChainMin"> = defaultConvergenceThresholds,
): number {
  return thresholds.essPerChainMin * chains;
}
