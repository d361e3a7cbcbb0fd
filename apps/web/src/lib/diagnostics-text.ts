// Sampler diagnostics in plain words, with the number, the threshold, what it means and what to
// do. The thresholds are core's (packages/core/src/diagnostics/thresholds.ts), the same ones the
// convergence verdict uses, so the words never disagree with the badge.
import { DEFAULT_CHAIN_COUNT, defaultConvergenceThresholds as thresholds, essMinimum } from "@mixcast/core";

export interface Diagnostics {
  rhatMax?: number | null;
  essBulkMin?: number | null;
  essTailMin?: number | null;
  divergences?: number | null;
  treedepthHits?: number | null;
  ebfmiMin?: number | null;
  converged?: boolean | null;
  reasons?: string[];
  /** Post-warmup draws over all chains, when known (sets how serious a few divergences are). */
  draws?: number | null;
  /** Chains of the run (the ESS a run needs grows with them); default 4. */
  chains?: number | null;
}

/** Divergences below this share of the draws do not fail the convergence verdict. */
export const DIVERGENCE_SHARE_MAX = thresholds.divergenceFractionMax;

export interface DiagnosticMessage {
  severity: "danger" | "warning" | "info";
  title: string;
  detail: string;
}

export const RHAT_MAX = thresholds.rhatMax;
export const EBFMI_MIN = thresholds.ebfmiMin;

const f2 = (x: number) => x.toFixed(2);
/** core's reasons are lower-case fragments; show them as sentences. */
const sentence = (s: string) => {
  const t = s.trim();
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? "" : "."}` : t;
};

export function explainDiagnostics(
  d: Diagnostics | null | undefined,
  opts: { approximate?: boolean } = {},
): DiagnosticMessage[] {
  const out: DiagnosticMessage[] = [];
  if (!d) return out;
  if (typeof d.rhatMax === "number" && Number.isFinite(d.rhatMax) && d.rhatMax > RHAT_MAX) {
    out.push({
      severity: "danger",
      title: `The chains did not agree (R-hat ${f2(d.rhatMax)} > ${RHAT_MAX})`,
      detail:
        "Results are not reliable: the independent chains ended up in different places. Try more warmup iterations, or tighter priors.",
    });
  }
  if (typeof d.divergences === "number" && d.divergences > 0) {
    const title = `${d.divergences} divergent transition${d.divergences === 1 ? "" : "s"}`;
    const share = typeof d.draws === "number" && d.draws > 0 ? d.divergences / d.draws : null;
    if (share !== null && share < DIVERGENCE_SHARE_MAX) {
      // a handful, under the limit the convergence verdict uses: worth knowing, not alarming
      out.push({
        severity: "warning",
        title: `${title} (${(100 * share).toFixed(2)} % of ${d.draws} draws)`,
        detail: `Below the ${100 * DIVERGENCE_SHARE_MAX} % limit, so the run counts as converged. The sampler had trouble in a small part of the posterior; if a decision hinges on a tail probability, refit and see whether the numbers move.`,
      });
    } else {
      out.push({
        severity: "danger",
        title: share !== null ? `${title} (${(100 * share).toFixed(2)} % of ${d.draws} draws)` : title,
        detail:
          "The sampler could not follow part of the posterior, so estimates may be biased. Try tighter priors or a simpler transform for the channels involved.",
      });
    }
  }
  const ess = Math.min(d.essBulkMin ?? Infinity, d.essTailMin ?? Infinity);
  const essMin = essMinimum(d.chains ?? DEFAULT_CHAIN_COUNT);
  if (Number.isFinite(ess) && ess < essMin) {
    out.push({
      severity: "warning",
      title: `Too few effective draws (ESS ${Math.round(ess)} < ${essMin})`,
      detail: "Intervals are rough and can move between runs. Run a full fit with more draws.",
    });
  }
  if (typeof d.ebfmiMin === "number" && Number.isFinite(d.ebfmiMin) && d.ebfmiMin < EBFMI_MIN) {
    out.push({
      severity: "warning",
      title: `The sampler explored slowly (E-BFMI ${f2(d.ebfmiMin)} < ${EBFMI_MIN})`,
      detail:
        "Some parameters are poorly identified by the data. Consider informative priors (e.g. from lift tests).",
    });
  }
  if (typeof d.treedepthHits === "number" && d.treedepthHits > 0) {
    out.push({
      severity: "info",
      title: `${d.treedepthHits} iteration${d.treedepthHits === 1 ? "" : "s"} hit the maximum tree depth`,
      detail: "The fit was slow but this alone does not make results wrong.",
    });
  }
  if (opts.approximate) {
    out.push({
      severity: "info",
      title: "Fast fit: intervals are approximate",
      detail:
        "This run used a quick approximation instead of full sampling. Use a full fit before making budget decisions.",
    });
  }
  if (d.converged === false && !out.some((m) => m.severity === "danger")) {
    out.push({
      severity: "danger",
      title: "The fit did not converge",
      detail:
        (d.reasons ?? []).map(sentence).join(" ") ||
        "Results are not reliable. Try a full fit with more warmup.",
    });
  }
  return out;
}
