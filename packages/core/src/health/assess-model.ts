/**
 * Model health (docs/trust.md section 2): a 0-100 score and a one-line verdict from named checks,
 * each with its figure and threshold, and a plain per-channel verdict. assessModel is a pure
 * function of figures (healthFigures computes them from a fitted model and its draws), so the
 * worker, the CLI and the tests share one scoring rule. Browser-safe.
 */
import { compareStability, type RoiSummary } from "../analysis/stability.ts";

export type HealthStatus = "pass" | "warn" | "fail" | "skipped";
export type HealthVerdict = "reliable for budget decisions" | "use with care" | "do not use";
export type ChannelVerdict = "scale up" | "hold" | "test" | "pull back";

export const healthCheckNames = [
  "convergence",
  "ppc-mean",
  "ppc-sd",
  "ppc-autocorrelation",
  "ppc-level-spread",
  "ppc-level-curvature",
  "holdout-accuracy",
  "holdout-coverage",
  "prior-posterior-shift",
  "implausible-roi",
  "negative-baseline",
  "stability",
] as const;
export type HealthCheckName = (typeof healthCheckNames)[number];

export interface HealthCheck {
  name: HealthCheckName;
  label: string;
  status: HealthStatus;
  /** The measured figure (null when the check could not run). */
  figure: number | null;
  /** The threshold(s), in words: "p in [0.05, 0.95]". */
  threshold: string;
  /** Points taken off the score. */
  penalty: number;
  detail: string;
}

export interface ChannelHealth {
  name: string;
  verdict: ChannelVerdict;
  reason: string;
  /** 1 - posterior variance / prior variance of the channel's coefficient (null: unknown). */
  contraction: number | null;
  roi: { q05: number; q50: number; q95: number } | null;
}

export interface ModelHealth {
  score: number;
  verdict: HealthVerdict;
  /** The verdict with its reason, one line. */
  summary: string;
  checks: HealthCheck[];
  channels: ChannelHealth[];
}

export interface HealthChannelInput {
  name: string;
  /** Paid channels get a verdict; organic ones are listed with "hold". */
  paid: boolean;
  /** ROI posterior (value per money); null when the KPI has no value per unit. */
  roi: { mean: number; q05: number; q50?: number; q95: number; sd?: number } | null;
  /** Marginal ROI posterior median at current spend, when known. */
  marginalRoi?: number | null;
  contraction: number | null;
}

export interface ModelHealthInput {
  converged: boolean;
  /** Fast mode (MAP + Laplace). */
  approximate?: boolean;
  convergenceReasons?: string[];
  divergences?: number | null;
  /**
   * Bayesian p-values P(T(rep) >= T(obs)) of the residuals' mean, sd and lag-1 autocorrelation,
   * and of their dependence on the fitted level (the link checks, docs/trust.md section 2):
   * spreadVsLevel T = corr(|r_t|, mu_t), curvature T = corr(r_t, (mu_t - mean mu)^2).
   */
  ppc: {
    mean: number;
    sd: number;
    autocorrelation: number;
    spreadVsLevel?: number;
    curvature?: number;
  } | null;
  holdout: { weeks: number; mape: number | null; coverage90?: number | null } | null;
  channels: HealthChannelInput[];
  /** Mean over training weeks of P(baseline_t < 0); null when it does not apply (log link). */
  negativeBaselineProbability: number | null;
  /** The model's approved run's ROI per channel, when there is one (and it is not this run). */
  approved?: {
    roi: Record<string, RoiSummary>;
    spendShare?: Record<string, number>;
    threshold: number;
  } | null;
}

export interface HealthThresholds {
  /** Two-sided: a p-value outside [lo, 1 - lo] fails, outside [warn, 1 - warn] warns. */
  ppcFail: number;
  ppcWarn: number;
  mapeWarn: number;
  mapeFail: number;
  coverageWarn: number;
  coverageFail: number;
  /** A paid channel whose coefficient's variance shrank by less than this is prior-dominated. */
  minContraction: number;
  /** A median ROI above this (or a 95 % quantile below 0) is implausible. */
  maxPlausibleRoi: number;
  negativeBaselineWarn: number;
  negativeBaselineFail: number;
  /** ROI at which a channel pays back (value per money). */
  breakEvenRoi: number;
  reliable: number;
  useWithCare: number;
}

export const defaultHealthThresholds: HealthThresholds = {
  ppcFail: 0.01,
  ppcWarn: 0.05,
  mapeWarn: 0.15,
  mapeFail: 0.3,
  coverageWarn: 0.75,
  coverageFail: 0.5,
  minContraction: 0.2,
  maxPlausibleRoi: 20,
  negativeBaselineWarn: 0.05,
  negativeBaselineFail: 0.2,
  breakEvenRoi: 1,
  reliable: 75,
  useWithCare: 50,
};

/** Points off per check: [warn, fail]. */
export const healthPenalties: Record<HealthCheckName, [number, number]> = {
  convergence: [5, 100],
  "ppc-mean": [5, 10],
  "ppc-sd": [5, 10],
  "ppc-autocorrelation": [5, 10],
  "ppc-level-spread": [5, 10],
  // a residual that bends with the level means the mean structure is wrong over the range the
  // decisions move in (a wrong link): as costly as a failed holdout
  "ppc-level-curvature": [5, 15],
  "holdout-accuracy": [8, 15],
  "holdout-coverage": [5, 10],
  "prior-posterior-shift": [5, 10],
  "implausible-roi": [5, 10],
  "negative-baseline": [7, 15],
  stability: [10, 10],
};

const f3 = (x: number) => Number(x.toPrecision(3));
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

function check(
  name: HealthCheckName,
  label: string,
  status: HealthStatus,
  figure: number | null,
  threshold: string,
  detail: string,
): HealthCheck {
  const [w, f] = healthPenalties[name];
  return {
    name,
    label,
    status,
    figure,
    threshold,
    penalty: status === "warn" ? w : status === "fail" ? f : 0,
    detail,
  };
}

function ppcCheck(
  name: HealthCheckName,
  label: string,
  p: number | undefined,
  th: HealthThresholds,
  what: string,
): HealthCheck {
  const threshold = `p in [${th.ppcWarn}, ${1 - th.ppcWarn}] (fail outside [${th.ppcFail}, ${1 - th.ppcFail}])`;
  if (p === undefined || !Number.isFinite(p))
    return check(name, label, "skipped", null, threshold, "no posterior predictive check for this run");
  const tail = Math.min(p, 1 - p);
  const status: HealthStatus = tail < th.ppcFail ? "fail" : tail < th.ppcWarn ? "warn" : "pass";
  const detail =
    status === "pass"
      ? `the residuals' ${what} looks like what the model expects (p = ${f3(p)})`
      : `the residuals' ${what} is ${p < 0.5 ? "larger" : "smaller"} than the model can produce (p = ${f3(p)}): ${
          name === "ppc-autocorrelation"
            ? "weeks' errors follow each other, a sign of a missing driver (a control, an event, seasonality)"
            : name === "ppc-sd"
              ? "the noise is not what the likelihood assumes (a wrong link or outliers)"
              : name === "ppc-level-spread"
                ? p < 0.5
                  ? "the errors grow with the fitted level, as when the KPI moves in percentages but the model adds (try the log link)"
                  : "the errors shrink as the fitted level grows, as when the KPI moves in units but the model multiplies (try the identity link)"
                : name === "ppc-level-curvature"
                  ? p < 0.5
                    ? "the model falls short where the fitted level is highest or lowest, as when effects multiply but the model adds them (try the log link, or look for a missing driver that grows with the KPI)"
                    : "the model overshoots where the fitted level is highest or lowest, as when effects add up but the model multiplies them (try the identity link)"
                  : "the model is biased over the training weeks"
        }`;
  return check(name, label, status, f3(p), threshold, detail);
}

export function assessModel(
  input: ModelHealthInput,
  thresholds: Partial<HealthThresholds> = {},
): ModelHealth {
  const th = { ...defaultHealthThresholds, ...thresholds };
  const checks: HealthCheck[] = [];

  // convergence (a gate: not converged means 0)
  if (!input.converged)
    checks.push(
      check(
        "convergence",
        "Sampler convergence",
        "fail",
        0,
        "R-hat <= 1.01, ESS >= 100 per chain, divergences < 0.5 %, E-BFMI >= 0.3",
        `not converged: ${(input.convergenceReasons ?? []).join("; ") || "see diagnostics"}`,
      ),
    );
  else if (input.approximate)
    checks.push(
      check(
        "convergence",
        "Sampler convergence",
        "warn",
        1,
        "full NUTS run",
        "fast mode (MAP + Laplace approximation): intervals are approximate; run a full fit before deciding",
      ),
    );
  else
    checks.push(
      check(
        "convergence",
        "Sampler convergence",
        (input.divergences ?? 0) > 0 ? "warn" : "pass",
        1,
        "R-hat <= 1.01, ESS >= 100 per chain, divergences < 0.5 %, E-BFMI >= 0.3",
        (input.divergences ?? 0) > 0
          ? `converged, with ${input.divergences} divergent transitions below the limit`
          : "converged",
      ),
    );

  checks.push(ppcCheck("ppc-mean", "Residual mean (PPC)", input.ppc?.mean, th, "mean"));
  checks.push(ppcCheck("ppc-sd", "Residual spread (PPC)", input.ppc?.sd, th, "sd"));
  checks.push(
    ppcCheck(
      "ppc-autocorrelation",
      "Residual autocorrelation (PPC)",
      input.ppc?.autocorrelation,
      th,
      "lag-1 autocorrelation",
    ),
  );
  checks.push(
    ppcCheck(
      "ppc-level-spread",
      "Residual spread vs fitted level (link)",
      input.ppc?.spreadVsLevel,
      th,
      "correlation of size with the fitted level",
    ),
  );
  checks.push(
    ppcCheck(
      "ppc-level-curvature",
      "Residual curvature vs fitted level (link)",
      input.ppc?.curvature,
      th,
      "correlation with the squared distance from the mean fitted level",
    ),
  );

  // holdout
  const h = input.holdout;
  const mape = h?.mape ?? null;
  const mapeThreshold = `MAPE <= ${pct(th.mapeWarn)} (fail above ${pct(th.mapeFail)})`;
  if (h && mape !== null && Number.isFinite(mape)) {
    const status: HealthStatus = mape > th.mapeFail ? "fail" : mape > th.mapeWarn ? "warn" : "pass";
    checks.push(
      check(
        "holdout-accuracy",
        "Holdout accuracy",
        status,
        f3(mape),
        mapeThreshold,
        `${h.weeks} held-out weeks forecast with a mean absolute error of ${(100 * mape).toFixed(1)}%`,
      ),
    );
  } else
    checks.push(
      check("holdout-accuracy", "Holdout accuracy", "skipped", null, mapeThreshold, "no holdout weeks"),
    );
  const cov = h?.coverage90 ?? null;
  const covThreshold = `>= ${pct(th.coverageWarn)} of weeks inside the 90% interval (fail below ${pct(th.coverageFail)})`;
  if (h && cov !== null && Number.isFinite(cov)) {
    const status: HealthStatus = cov < th.coverageFail ? "fail" : cov < th.coverageWarn ? "warn" : "pass";
    checks.push(
      check(
        "holdout-coverage",
        "Holdout interval coverage",
        status,
        f3(cov),
        covThreshold,
        `${pct(cov)} of the ${h.weeks} held-out weeks fell inside the 90% predictive interval`,
      ),
    );
  } else
    checks.push(
      check(
        "holdout-coverage",
        "Holdout interval coverage",
        "skipped",
        null,
        covThreshold,
        "no holdout weeks",
      ),
    );

  // prior-posterior shift
  const paid = input.channels.filter((c) => c.paid);
  const known = paid.filter((c) => c.contraction !== null);
  const priorBound = known.filter((c) => (c.contraction as number) < th.minContraction);
  const shiftThreshold = `every paid channel's coefficient variance shrinks by >= ${pct(th.minContraction)}`;
  if (known.length === 0)
    checks.push(
      check(
        "prior-posterior-shift",
        "Learned from data",
        "skipped",
        null,
        shiftThreshold,
        "no paid channels",
      ),
    );
  else {
    const share = priorBound.length / known.length;
    checks.push(
      check(
        "prior-posterior-shift",
        "Learned from data",
        share === 0 ? "pass" : share < 0.5 ? "warn" : "fail",
        f3(share),
        shiftThreshold,
        share === 0
          ? "the data moved every paid channel's coefficient away from its prior"
          : `${priorBound.map((c) => `${c.name} (${pct(c.contraction as number)})`).join(", ")}: the answer is mostly the prior's`,
      ),
    );
  }

  // implausible ROIs
  const withRoi = paid.filter((c) => c.roi !== null);
  const implausible = withRoi.filter((c) => {
    const r = c.roi!;
    return (r.q50 ?? r.mean) > th.maxPlausibleRoi || r.q95 < 0;
  });
  const roiThreshold = `median ROI <= ${th.maxPlausibleRoi} and 95% quantile >= 0`;
  if (withRoi.length === 0)
    checks.push(
      check(
        "implausible-roi",
        "Plausible ROIs",
        "skipped",
        null,
        roiThreshold,
        "no ROI (units KPI without a value)",
      ),
    );
  else
    checks.push(
      check(
        "implausible-roi",
        "Plausible ROIs",
        implausible.length === 0 ? "pass" : implausible.length === 1 ? "warn" : "fail",
        implausible.length,
        roiThreshold,
        implausible.length === 0
          ? "every channel's ROI is in a plausible range"
          : `${implausible.map((c) => `${c.name} (median ${f3(c.roi!.q50 ?? c.roi!.mean)})`).join(", ")}: check the spend units and the channel mapping`,
      ),
    );

  // negative baseline
  const pneg = input.negativeBaselineProbability;
  const negThreshold = `P(baseline < 0) <= ${th.negativeBaselineWarn} (fail above ${th.negativeBaselineFail})`;
  if (pneg === null || !Number.isFinite(pneg))
    checks.push(
      check(
        "negative-baseline",
        "Positive baseline",
        "skipped",
        null,
        negThreshold,
        "not applicable (log link)",
      ),
    );
  else
    checks.push(
      check(
        "negative-baseline",
        "Positive baseline",
        pneg > th.negativeBaselineFail ? "fail" : pneg > th.negativeBaselineWarn ? "warn" : "pass",
        f3(pneg),
        negThreshold,
        pneg > th.negativeBaselineWarn
          ? `the sales without media are below zero in ${pct(pneg)} of weeks and draws: media is credited with more than the KPI`
          : "sales without media stay positive",
      ),
    );

  // stability against the approved run
  const stabThreshold = input.approved
    ? `score >= ${input.approved.threshold}`
    : "score >= the model's threshold";
  if (!input.approved)
    checks.push(
      check(
        "stability",
        "Stable against the approved run",
        "skipped",
        null,
        stabThreshold,
        "no approved run to compare with",
      ),
    );
  else {
    const refit: Record<string, RoiSummary> = {};
    for (const c of withRoi)
      refit[c.name] = {
        mean: c.roi!.mean,
        q05: c.roi!.q05,
        q95: c.roi!.q95,
        ...(c.roi!.sd !== undefined ? { sd: c.roi!.sd } : {}),
      };
    const rep = compareStability(input.approved.roi, refit, {
      threshold: input.approved.threshold,
      ...(input.approved.spendShare && Object.keys(input.approved.spendShare).length
        ? { spendShare: input.approved.spendShare }
        : {}),
    });
    checks.push(
      check(
        "stability",
        "Stable against the approved run",
        rep.stable ? "pass" : "warn",
        f3(rep.score),
        stabThreshold,
        rep.moved.length === 0 ? "no channel moved" : `moved: ${rep.moved.join(", ")}`,
      ),
    );
  }

  const penalty = checks.reduce((s, c) => s + c.penalty, 0);
  const score = input.converged ? Math.max(0, Math.min(100, Math.round(100 - penalty))) : 0;
  const failed = checks.filter((c) => c.status === "fail");
  let verdict: HealthVerdict =
    score >= th.reliable
      ? "reliable for budget decisions"
      : score >= th.useWithCare
        ? "use with care"
        : "do not use";
  if (verdict === "reliable for budget decisions" && failed.length > 0) verdict = "use with care";
  if (!input.converged) verdict = "do not use";
  const worst = [...checks].sort((a, b) => b.penalty - a.penalty).filter((c) => c.penalty > 0);
  const summary = !input.converged
    ? "Do not use: the sampler did not converge."
    : worst.length === 0
      ? `Reliable for budget decisions: all ${checks.filter((c) => c.status !== "skipped").length} checks pass.`
      : `${verdict[0]!.toUpperCase()}${verdict.slice(1)}: ${worst
          .slice(0, 2)
          .map((c) => c.label.toLowerCase() + (c.status === "fail" ? " failed" : " is borderline"))
          .join(", ")}.`;

  return { score, verdict, summary, checks, channels: input.channels.map((c) => channelVerdict(c, th)) };
}

/** Plain per-channel verdict (docs/trust.md, "Channel verdicts"). */
export function channelVerdict(
  c: HealthChannelInput,
  th: HealthThresholds = defaultHealthThresholds,
): ChannelHealth {
  const roi = c.roi ? { q05: c.roi.q05, q50: c.roi.q50 ?? c.roi.mean, q95: c.roi.q95 } : null;
  const base = { name: c.name, contraction: c.contraction, roi };
  const be = th.breakEvenRoi;
  if (!c.paid) return { ...base, verdict: "hold", reason: "organic channel: no spend to move" };
  if (c.contraction !== null && c.contraction < th.minContraction)
    return {
      ...base,
      verdict: "test",
      reason: `the data barely informed it (variance shrank ${pct(Math.max(0, c.contraction))}): its ROI is mostly the prior; a test would settle it`,
    };
  if (!roi)
    return { ...base, verdict: "hold", reason: "no value per unit: ROI cannot be compared with break-even" };
  const interval = `ROI ${f3(roi.q50)} [${f3(roi.q05)}, ${f3(roi.q95)}]`;
  if (roi.q05 > be) {
    if (c.marginalRoi !== undefined && c.marginalRoi !== null && c.marginalRoi < be)
      return {
        ...base,
        verdict: "hold",
        reason: `${interval} pays back, but the next unit of spend returns ${f3(c.marginalRoi)} (< ${be}): it is saturated`,
      };
    return {
      ...base,
      verdict: "scale up",
      reason: `${interval}: the whole 90% interval is above break-even (${be})`,
    };
  }
  if (roi.q95 < be)
    return {
      ...base,
      verdict: "pull back",
      reason: `${interval}: the whole 90% interval is below break-even (${be})`,
    };
  const relWidth = (roi.q95 - roi.q05) / Math.max(Math.abs(roi.q50), 1e-9);
  if (relWidth > 1)
    return {
      ...base,
      verdict: "test",
      reason: `${interval} straddles break-even (${be}) and is wide: a test would tell which side`,
    };
  return { ...base, verdict: "hold", reason: `${interval} is close to break-even (${be}): keep the spend` };
}
