/**
 * Stability of a refit against the approved run (docs/analysis.md, "Refit stability").
 *
 * Per channel, from the two posteriors' ROI summaries (mean, sd, 5 % and 95 % quantiles):
 *   overlap  = |I_a ∩ I_r| / |I_a ∪ I_r|   of the 90 % intervals I_a (approved) and I_r (refit);
 *              1 = identical, 0 = disjoint.
 *   shiftSd  = |mean_r - mean_a| / sd_a    how far the mean moved, in the approved posterior's sd
 *              (sd_a falls back to (q95 - q05) / 3.29, the sd of a normal with that interval).
 *   score    = 0.5 · overlap + 0.5 · max(0, 1 - shiftSd / 2)  in [0, 1].
 * A channel has "moved" when shiftSd > 1 or overlap < 0.5. A channel in only one of the runs
 * scores 0 and counts as moved. The overall score is the mean of the channel scores, weighted by
 * the approved run's spend share when known (equal weights otherwise).
 */

export interface RoiSummary {
  mean: number;
  q05: number;
  q95: number;
  sd?: number;
}

export interface ChannelStability {
  approved: RoiSummary | null;
  refit: RoiSummary | null;
  overlap: number;
  shiftSd: number | null;
  score: number;
  moved: boolean;
  weight: number;
}

export interface StabilityReport {
  score: number;
  threshold: number;
  stable: boolean;
  channels: Record<string, ChannelStability>;
  /** Channels that moved, largest shift first. */
  moved: string[];
}

/** z(0.95) - z(0.05): a normal's 90 % interval is 3.29 sd wide. */
const NORMAL_90_WIDTH_SD = 3.289707253902945;

export function intervalOverlap(a: { q05: number; q95: number }, b: { q05: number; q95: number }): number {
  const lo = Math.max(a.q05, b.q05);
  const hi = Math.min(a.q95, b.q95);
  const union = Math.max(a.q95, b.q95) - Math.min(a.q05, b.q05);
  if (union <= 0) return a.q05 === b.q05 && a.q95 === b.q95 ? 1 : 0;
  return Math.max(0, hi - lo) / union;
}

export function meanShiftSd(approved: RoiSummary, refit: RoiSummary): number {
  const sd =
    approved.sd !== undefined && approved.sd > 0
      ? approved.sd
      : (approved.q95 - approved.q05) / NORMAL_90_WIDTH_SD;
  const delta = Math.abs(refit.mean - approved.mean);
  if (!(sd > 0)) return delta === 0 ? 0 : Number.POSITIVE_INFINITY;
  return delta / sd;
}

export function channelScore(overlap: number, shiftSd: number): number {
  return 0.5 * overlap + 0.5 * Math.max(0, 1 - shiftSd / 2);
}

export function compareStability(
  approved: Record<string, RoiSummary>,
  refit: Record<string, RoiSummary>,
  options: { threshold: number; spendShare?: Record<string, number> },
): StabilityReport {
  const names = [...new Set([...Object.keys(approved), ...Object.keys(refit)])].sort();
  const channels: Record<string, ChannelStability> = {};
  let weighted = 0;
  let weights = 0;
  for (const name of names) {
    const a = approved[name] ?? null;
    const r = refit[name] ?? null;
    const share = options.spendShare?.[name];
    const weight = share !== undefined && share > 0 ? share : options.spendShare ? 0 : 1;
    let c: ChannelStability;
    if (a && r) {
      const overlap = intervalOverlap(a, r);
      const shiftSd = meanShiftSd(a, r);
      c = {
        approved: a,
        refit: r,
        overlap,
        shiftSd: Number.isFinite(shiftSd) ? shiftSd : null,
        score: channelScore(overlap, shiftSd),
        moved: shiftSd > 1 || overlap < 0.5,
        weight,
      };
    } else {
      // Added or removed: a change stakeholders must look at. Equal weight when no spend share.
      c = {
        approved: a,
        refit: r,
        overlap: 0,
        shiftSd: null,
        score: 0,
        moved: true,
        weight: share ?? (options.spendShare ? 0 : 1),
      };
    }
    channels[name] = c;
    weighted += c.weight * c.score;
    weights += c.weight;
  }
  // Spend shares that cover no channel of both runs: fall back to equal weights.
  const score =
    weights > 0
      ? weighted / weights
      : names.length
        ? names.reduce((s, n) => s + channels[n]!.score, 0) / names.length
        : 1;
  const moved = names
    .filter((n) => channels[n]!.moved)
    .sort(
      (x, y) =>
        (channels[y]!.shiftSd ?? Number.POSITIVE_INFINITY) -
        (channels[x]!.shiftSd ?? Number.POSITIVE_INFINITY),
    );
  return { score, threshold: options.threshold, stable: score >= options.threshold, channels, moved };
}

function finite(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * ROI summaries and spend shares per channel out of a stored run summary (the JSON the worker
 * writes: `channels: { name: { spend, roi: { mean, sd, q05, q95 } } }`), or null without them.
 */
export function roiFromRunSummary(
  summary: unknown,
): { roi: Record<string, RoiSummary>; spendShare: Record<string, number> } | null {
  const channels = (summary as { channels?: unknown } | null)?.channels;
  if (!channels || typeof channels !== "object") return null;
  const roi: Record<string, RoiSummary> = {};
  const spend: Record<string, number> = {};
  for (const [name, value] of Object.entries(channels as Record<string, unknown>)) {
    const r = (value as { roi?: Record<string, unknown> } | null)?.roi;
    const mean = finite(r?.mean);
    const q05 = finite(r?.q05);
    const q95 = finite(r?.q95);
    if (mean === undefined || q05 === undefined || q95 === undefined) continue;
    const sd = finite(r?.sd);
    roi[name] = { mean, q05, q95, ...(sd !== undefined ? { sd } : {}) };
    const s = finite((value as { spend?: unknown }).spend);
    if (s !== undefined && s > 0) spend[name] = s;
  }
  if (Object.keys(roi).length === 0) return null;
  const total = Object.values(spend).reduce((a, b) => a + b, 0);
  const spendShare: Record<string, number> = {};
  if (total > 0) for (const [n, s] of Object.entries(spend)) spendShare[n] = s / total;
  return { roi, spendShare };
}

/**
 * Health checks a refit must pass to be auto-approved: the sampler converged (core's verdict:
 * R-hat, ESS, divergences), and when both runs have a holdout, its MAPE is at most 1.25 times
 * the approved run's (a refit that forecasts clearly worse is not approved on its own).
 */
export function refitHealth(
  refit: { converged: boolean | null; holdoutMape?: number | null },
  approved: { holdoutMape?: number | null } | null,
): { healthy: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (refit.converged !== true) reasons.push("the sampler did not converge");
  const a = approved?.holdoutMape;
  const r = refit.holdoutMape;
  if (typeof a === "number" && typeof r === "number" && a > 0 && r > 1.25 * a)
    reasons.push(
      `holdout MAPE ${(100 * r).toFixed(1)} % is more than 1.25 x the approved run's ${(100 * a).toFixed(1)} %`,
    );
  return { healthy: reasons.length === 0, reasons };
}
