// Refresh stability: how a refit's ROI per channel moved against the previous
// succeeded run of the same model. A channel is flagged when the new posterior mean falls
// outside the previous run's 90% interval.
import type { ChannelRoiChange, RefreshComparison, RunSummary } from "@mixcast/runs/stored";
import type { IntervalSummary } from "./engine.ts";

type RoiByChannel = Record<string, { roi: IntervalSummary }>;

export function compareRoi(
  current: RoiByChannel,
  previous: { runId: string; finishedAt: Date | null; channels: RoiByChannel },
): RefreshComparison {
  const channels: Record<string, ChannelRoiChange> = {};
  const flagged: string[] = [];
  for (const [name, { roi }] of Object.entries(current)) {
    const prev = previous.channels[name]?.roi;
    if (!prev) continue;
    const delta = roi.mean - prev.mean;
    const outside = roi.mean < prev.q05 || roi.mean > prev.q95;
    channels[name] = {
      previousMean: prev.mean,
      previousQ05: prev.q05,
      previousQ95: prev.q95,
      mean: roi.mean,
      q05: roi.q05,
      q95: roi.q95,
      delta,
      relativeDelta: prev.mean === 0 ? null : delta / Math.abs(prev.mean),
      outsidePreviousInterval: outside,
    };
    if (outside) flagged.push(name);
  }
  return {
    previousRunId: previous.runId,
    previousFinishedAt: previous.finishedAt?.toISOString() ?? null,
    channels,
    flaggedChannels: flagged,
    added: Object.keys(current).filter((n) => !(n in previous.channels)),
    removed: Object.keys(previous.channels).filter((n) => !(n in current)),
  };
}

/** The channels with a complete ROI summary in a stored run summary, or null. */
export function roiChannelsOf(summary: Pick<RunSummary, "channels"> | null): RoiByChannel | null {
  if (!summary?.channels) return null;
  const out: RoiByChannel = {};
  for (const [name, { roi }] of Object.entries(summary.channels)) {
    if (roi.mean !== null && roi.q05 !== null && roi.q95 !== null) {
      out[name] = { roi: { mean: roi.mean, q05: roi.q05, q95: roi.q95 } };
    }
  }
  return out;
}
