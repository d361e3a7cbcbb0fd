// Refresh stability: how a scheduled refit's ROI per channel moved against the previous
// succeeded run of the same model. A channel is flagged when the new posterior mean falls
// outside the previous run's 90% interval.
import type { IntervalSummary } from "./engine.ts";

export interface ChannelRoiChange {
  previousMean: number;
  previousQ05: number;
  previousQ95: number;
  mean: number;
  q05: number;
  q95: number;
  delta: number;
  /** delta / |previousMean|, null when the previous mean is 0. */
  relativeDelta: number | null;
  outsidePreviousInterval: boolean;
}

export interface RefreshComparison {
  previousRunId: string;
  previousFinishedAt: string | null;
  channels: Record<string, ChannelRoiChange>;
  flaggedChannels: string[];
  /** Channels present in only one of the two runs. */
  added: string[];
  removed: string[];
}

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

/** Reads `channels` with ROI summaries out of a stored run summary (JSON), or null. */
export function roiChannelsOf(summary: unknown): RoiByChannel | null {
  if (summary === null || typeof summary !== "object") return null;
  const channels = (summary as { channels?: unknown }).channels;
  if (channels === null || typeof channels !== "object") return null;
  const out: RoiByChannel = {};
  for (const [name, value] of Object.entries(channels as Record<string, unknown>)) {
    const roi = (value as { roi?: Partial<IntervalSummary> } | null)?.roi;
    if (roi && typeof roi.mean === "number" && typeof roi.q05 === "number" && typeof roi.q95 === "number") {
      out[name] = { roi: { mean: roi.mean, q05: roi.q05, q95: roi.q95 } };
    }
  }
  return out;
}
