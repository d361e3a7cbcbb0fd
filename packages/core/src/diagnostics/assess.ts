/** Convergence verdict for a set of NUTS chains (docs/model.md section 4: a run whose diagnostics
 *  fail is stored and shown as not converged). */
import type { ChainResult } from "../inference/types.ts";
import { ebfmi, essBulk, essTail, rhat, summarizeDraws, type DrawSummary } from "./convergence.ts";
import { defaultConvergenceThresholds, essMinimum, type ConvergenceThresholds } from "./thresholds.ts";

export { defaultConvergenceThresholds, essMinimum, type ConvergenceThresholds } from "./thresholds.ts";

export interface ConvergenceAssessment {
  converged: boolean;
  /** Why the run is not converged (empty when converged). */
  reasons: string[];
  /** Non-fatal issues worth showing (a few divergences, tree-depth hits). */
  warnings: string[];
  rhatMax: number;
  essBulkMin: number;
  essTailMin: number;
  divergences: number;
  treedepthHits: number;
  ebfmiMin: number;
  /** E-BFMI of each chain, in chain order. */
  ebfmiPerChain: number[];
}

/** Draws of parameter j, one Float64Array per chain. */
export function parameterChains(results: readonly ChainResult[], j: number): Float64Array[] {
  return results.map((r) => {
    const out = new Float64Array(r.draws);
    for (let i = 0; i < r.draws; i++) out[i] = r.samples[i * r.dim + j]!;
    return out;
  });
}

/** summarizeDraws for every parameter of the chains. */
export function summarizeChains(results: readonly ChainResult[]): DrawSummary[] {
  const dim = results[0]?.dim ?? 0;
  return Array.from({ length: dim }, (_, j) => summarizeDraws(parameterChains(results, j)));
}

const nanMax = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
const nanMin = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b);
const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

export function assessConvergence(
  results: readonly ChainResult[],
  opts: {
    maxTreeDepth?: number;
    parameterNames?: readonly string[];
    thresholds?: Partial<ConvergenceThresholds>;
  } = {},
): ConvergenceAssessment {
  if (results.length === 0) throw new Error("assessConvergence needs at least one chain");
  const th = { ...defaultConvergenceThresholds, ...opts.thresholds };
  const maxDepth = opts.maxTreeDepth ?? 10;
  const nChains = results.length;
  const dim = results[0]!.dim;
  const name = (j: number): string => opts.parameterNames?.[j] ?? `theta[${j}]`;
  const reasons: string[] = [];
  const warnings: string[] = [];

  let rhatMax = Number.NEGATIVE_INFINITY;
  let essBulkMin = Number.POSITIVE_INFINITY;
  let essTailMin = Number.POSITIVE_INFINITY;
  let worstBulk = -1;
  let worstTail = -1;
  const badRhat: number[] = [];
  // NaN (e.g. a constant parameter) is sticky: such a run cannot be certified.
  for (let j = 0; j < dim; j++) {
    const chains = parameterChains(results, j);
    const r = rhat(chains);
    const eb = essBulk(chains);
    const et = essTail(chains);
    rhatMax = nanMax(rhatMax, r);
    if (!(r <= th.rhatMax)) badRhat.push(j);
    if (worstBulk < 0 || !(eb >= essBulkMin)) worstBulk = j;
    if (worstTail < 0 || !(et >= essTailMin)) worstTail = j;
    essBulkMin = nanMin(essBulkMin, eb);
    essTailMin = nanMin(essTailMin, et);
  }
  if (badRhat.length > 0) {
    const list = badRhat.slice(0, 5).map(name).join(", ") + (badRhat.length > 5 ? ", ..." : "");
    const what = Number.isNaN(rhatMax)
      ? "R-hat could not be computed (constant or non-finite draws)"
      : `R-hat ${fmt(rhatMax)} > ${th.rhatMax}`;
    reasons.push(
      `${what} (${badRhat.length} of ${dim} parameters, e.g. ${list}): chains disagree; run longer or reparameterize`,
    );
  }
  const essMin = essMinimum(nChains, th);
  if (!(essBulkMin >= essMin)) {
    reasons.push(
      `bulk ESS ${fmt(essBulkMin, 0)} < ${essMin} (${th.essPerChainMin} per chain) for ${name(worstBulk)}: posterior means are unreliable; draw more iterations`,
    );
  }
  if (!(essTailMin >= essMin)) {
    reasons.push(
      `tail ESS ${fmt(essTailMin, 0)} < ${essMin} (${th.essPerChainMin} per chain) for ${name(worstTail)}: 90% intervals are unreliable; draw more iterations`,
    );
  }

  let divergences = 0;
  let treedepthHits = 0;
  let totalDraws = 0;
  let ebfmiMin = Number.POSITIVE_INFINITY;
  const lowBfmi: number[] = [];
  const ebfmiPerChain: number[] = [];
  for (const r of results) {
    totalDraws += r.draws;
    for (let i = 0; i < r.draws; i++) {
      divergences += r.divergent[i]!;
      if (r.treeDepth[i]! >= maxDepth) treedepthHits++;
    }
    const b = ebfmi(r.energy);
    ebfmiPerChain.push(b);
    ebfmiMin = nanMin(ebfmiMin, b);
    if (!(b >= th.ebfmiMin)) lowBfmi.push(r.chain);
  }
  if (divergences > 0) {
    const pct = (100 * divergences) / totalDraws;
    const msg = `${divergences} divergent transitions (${fmt(pct, 2)}% of ${totalDraws} draws)`;
    if (divergences / totalDraws >= th.divergenceFractionMax) {
      reasons.push(
        `${msg} >= ${100 * th.divergenceFractionMax}%: the posterior has regions the sampler cannot explore; results may be biased`,
      );
    } else {
      warnings.push(`${msg}: below the ${100 * th.divergenceFractionMax}% limit, but inspect them`);
    }
  }
  if (lowBfmi.length > 0) {
    reasons.push(
      `E-BFMI ${fmt(ebfmiMin)} < ${th.ebfmiMin} in chain(s) ${lowBfmi.join(", ")}: momentum resampling explores the energy distribution poorly (heavy tails or poor adaptation)`,
    );
  }
  if (treedepthHits > 0) {
    warnings.push(
      `${treedepthHits} transitions hit the maximum tree depth ${maxDepth} (${fmt((100 * treedepthHits) / totalDraws, 2)}%): sampling is inefficient, not necessarily wrong`,
    );
  }
  return {
    converged: reasons.length === 0,
    reasons,
    warnings,
    rhatMax,
    essBulkMin,
    essTailMin,
    divergences,
    treedepthHits,
    ebfmiMin,
    ebfmiPerChain,
  };
}
