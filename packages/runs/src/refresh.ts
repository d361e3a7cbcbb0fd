// The refresh comparison of a run: how each channel's ROI moved against the model's previous
// succeeded run (flagged when the new mean falls outside the previous 90% interval). Computed
// once, when the worker stores the run's outcome (or back-fills an older run), and stored in
// Run.summary.refreshComparison; the web only reads it.
import type { PrismaExecutor } from "@mixcast/db";
import {
  roiOfSummary,
  runSummaryCodec,
  type ChannelRoiChange,
  type RefreshComparison,
  type RoiInterval,
  type RunSummary,
} from "./stored/run.ts";

export function compareRoi(
  current: Record<string, RoiInterval>,
  previous: { runId: string; finishedAt: Date | null; roi: Record<string, RoiInterval> },
): RefreshComparison {
  const channels: Record<string, ChannelRoiChange> = {};
  const flagged: string[] = [];
  for (const [name, roi] of Object.entries(current)) {
    const prev = previous.roi[name];
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
    added: Object.keys(current).filter((n) => !(n in previous.roi)),
    removed: Object.keys(previous.roi).filter((n) => !(n in current)),
  };
}

/**
 * The comparison of a run (its summary given) against the model's latest succeeded run that
 * finished before it (`finishedAt` null: the latest of all); null for the model's first run or
 * when either side has no ROI.
 */
export async function refreshComparisonFor(
  db: PrismaExecutor,
  run: { id: string; modelId: string; finishedAt: Date | null },
  summary: Pick<RunSummary, "channels">,
): Promise<RefreshComparison | null> {
  const previous = await db.run.findFirst({
    where: {
      modelId: run.modelId,
      status: "succeeded",
      id: { not: run.id },
      ...(run.finishedAt ? { finishedAt: { lt: run.finishedAt } } : {}),
    },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    select: { id: true, finishedAt: true, summary: true },
  });
  if (!previous) return null;
  const previousSummary = runSummaryCodec.tryDecode(previous.summary);
  if (!previousSummary?.channels || !summary.channels) return null;
  return compareRoi(roiOfSummary(summary), {
    runId: previous.id,
    finishedAt: previous.finishedAt,
    roi: roiOfSummary(previousSummary),
  });
}
