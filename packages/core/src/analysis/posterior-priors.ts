/**
 * Priors from an approved run's posterior (docs/model.md section "Priors from the approved
 * run"): per parameter, the family of its constraint matched to the posterior's mean and to its
 * sd widened by a factor w (default 2):
 *
 *   real      Normal(m, w s)
 *   positive  Gamma(shape = m^2 / (w s)^2, rate = m / (w s)^2)
 *   unit      Beta(a = m k, b = (1 - m) k), k = m (1 - m) / (w s)^2 - 1, at least 2
 *
 * Widening keeps the refit from counting the weeks both runs saw twice at full weight, and lets
 * new weeks move the estimates.
 */
import type { Prior } from "../priors/priors.ts";
import type { ParameterInfo } from "../model/spec.ts";

export const POSTERIOR_PRIOR_WIDEN = 2;

export interface PosteriorPriorOptions {
  /** sd multiplier (>= 1). */
  widen?: number;
}

/** Mean and sample sd of column `j` of row-major draws with `width` columns. */
function moments(values: ArrayLike<number>, width: number, j: number): { mean: number; sd: number } {
  const n = values.length / width;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (values[i * width + j] as number) / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i * width + j] as number) - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/**
 * Moment-matched priors by parameter label for the parameters of `parameters` that the draws
 * have (columns named by label). Parameters without finite draws are left out.
 */
export function priorsFromPosterior(
  parameters: Pick<ParameterInfo, "label" | "constraint">[],
  draws: { names: string[]; values: ArrayLike<number> },
  options: PosteriorPriorOptions = {},
): Record<string, Prior> {
  const w = options.widen ?? POSTERIOR_PRIOR_WIDEN;
  if (!(w >= 1)) throw new Error(`widen must be >= 1, got ${w}`);
  const width = draws.names.length;
  const out: Record<string, Prior> = {};
  for (const p of parameters) {
    const j = draws.names.indexOf(p.label);
    if (j < 0) continue;
    const { mean, sd } = moments(draws.values, width, j);
    if (!Number.isFinite(mean) || !Number.isFinite(sd)) continue;
    // A degenerate (constant) column still gets a proper prior.
    const s = Math.max(w * sd, 1e-6 * Math.max(1, Math.abs(mean)));
    if (p.constraint === "real") out[p.label] = { dist: "normal", mean, sd: s };
    else if (p.constraint === "positive") {
      if (!(mean > 0)) continue;
      out[p.label] = { dist: "gamma", shape: (mean * mean) / (s * s), rate: mean / (s * s) };
    } else {
      if (!(mean > 0 && mean < 1)) continue;
      const k = Math.max((mean * (1 - mean)) / (s * s) - 1, 2);
      out[p.label] = { dist: "beta", a: mean * k, b: (1 - mean) * k };
    }
  }
  return out;
}
