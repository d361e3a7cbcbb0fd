// After a run finished (succeeded or failed): its stability against the model's approved run,
// the model's auto-approve rule, and the alerts a team asked for (scheduled refits only):
// refit failed, not converged, stability below the model's threshold. Runs after the outcome
// transaction; it never changes a run's status (only Run.stability, a derived field).
import { compareStability, refitHealth, roiFromRunSummary, type StabilityReport } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { recordApproval } from "@mixcast/db/approvals";
import { recordStability } from "@mixcast/runs";
import { raiseAlert } from "./alerts.ts";
import { backtestRefit, type BacktestOutcome } from "./backtests.ts";

export interface ReviewOutcome {
  stability: (StabilityReport & { approvedRunId: string }) | null;
  autoApproved: boolean;
  alerts: string[];
  backtests: BacktestOutcome | null;
}

function holdoutMape(summary: unknown): number | null {
  const m = (summary as { holdout?: { mape?: unknown } | null } | null)?.holdout?.mape;
  return typeof m === "number" && Number.isFinite(m) ? m : null;
}

/** Stability of `refitSummary` against `approvedSummary`, or null when either lacks ROI. */
export function stabilityOf(
  approvedSummary: unknown,
  refitSummary: unknown,
  threshold: number,
): StabilityReport | null {
  const a = roiFromRunSummary(approvedSummary);
  const r = roiFromRunSummary(refitSummary);
  if (!a || !r) return null;
  return compareStability(a.roi, r.roi, {
    threshold,
    ...(Object.keys(a.spendShare).length ? { spendShare: a.spendShare } : {}),
  });
}

export async function reviewFinishedRun(prisma: PrismaClient, runId: string): Promise<ReviewOutcome> {
  const out: ReviewOutcome = { stability: null, autoApproved: false, alerts: [], backtests: null };
  const run = await prisma.run.findUnique({
    where: { id: runId },
    include: {
      model: {
        select: {
          id: true,
          name: true,
          approvedRunId: true,
          autoApprove: true,
          stabilityThreshold: true,
          approvedRun: { select: { id: true, summary: true, status: true } },
        },
      },
    },
  });
  if (!run) return out;
  const model = run.model;
  const scheduled = run.trigger === "schedule";
  const alert = async (
    input: Omit<Parameters<typeof raiseAlert>[1], "workspaceId" | "modelId" | "runId">,
  ) => {
    const id = await raiseAlert(prisma, {
      ...input,
      workspaceId: run.workspaceId,
      modelId: model.id,
      runId: run.id,
    });
    if (id) out.alerts.push(id);
  };

  if (run.status === "failed") {
    if (scheduled)
      await alert({
        kind: "refit_failed",
        title: `Weekly refit of ${model.name} failed`,
        message: `The scheduled refit ${run.id} of ${model.name} failed: ${run.error ?? "no reason recorded"}. The approved run is unchanged.`,
        details: { error: run.error },
        dedupeKey: `refit_failed:${run.id}`,
      });
    return out;
  }
  if (run.status !== "succeeded") return out;

  const approved = model.approvedRun && model.approvedRun.id !== run.id ? model.approvedRun : null;
  if (approved) {
    const report = stabilityOf(approved.summary, run.summary, model.stabilityThreshold);
    if (report) {
      out.stability = { ...report, approvedRunId: approved.id };
      await recordStability(prisma, run.id, out.stability);
    }
  }
  // Backtests of the earlier approved runs on the weeks this refit's data added (any trigger).
  try {
    out.backtests = await backtestRefit(prisma, run.id);
    out.alerts.push(...out.backtests.alerts);
  } catch (error) {
    out.backtests = {
      stored: [],
      skipped: [{ horizonWeeks: 0, reason: (error as Error).message }],
      alerts: [],
    };
  }
  if (scheduled && run.converged !== true)
    await alert({
      kind: "not_converged",
      title: `Weekly refit of ${model.name} did not converge`,
      message: `The scheduled refit ${run.id} of ${model.name} finished, but the sampler did not converge; its numbers are not reliable. The approved run is unchanged.`,
      details: { reasons: (run.diagnostics as { reasons?: unknown } | null)?.reasons ?? [] },
      dedupeKey: `not_converged:${run.id}`,
    });
  if (scheduled && out.stability && !out.stability.stable)
    await alert({
      kind: "unstable",
      title: `Weekly refit of ${model.name} moved (stability ${out.stability.score.toFixed(2)})`,
      message:
        `Stability ${out.stability.score.toFixed(2)} against the approved run is below the model's threshold ${out.stability.threshold.toFixed(2)}. ` +
        `Channels that moved: ${out.stability.moved.join(", ") || "none"}. Review the refit before approving it.`,
      details: { score: out.stability.score, threshold: out.stability.threshold, moved: out.stability.moved },
      dedupeKey: `unstable:${run.id}`,
    });

  if (model.autoApprove && model.approvedRunId !== run.id) {
    const health = refitHealth(
      { converged: run.converged, holdoutMape: holdoutMape(run.summary) },
      approved ? { holdoutMape: holdoutMape(approved.summary) } : null,
    );
    const stable = out.stability ? out.stability.stable : true;
    if (health.healthy && stable) {
      await prisma.$transaction(async (tx) => {
        // Only if nobody approved something else meanwhile.
        const current = await tx.model.findUniqueOrThrow({
          where: { id: model.id },
          select: { approvedRunId: true },
        });
        if (current.approvedRunId !== model.approvedRunId) return;
        await recordApproval(tx, {
          workspaceId: run.workspaceId,
          modelId: model.id,
          runId: run.id,
          approvedById: null,
          note: out.stability
            ? `Auto-approved: converged, healthy, stability ${out.stability.score.toFixed(2)} >= ${out.stability.threshold.toFixed(2)}`
            : "Auto-approved: converged and healthy (no earlier approved run to compare with)",
          details: { stability: out.stability?.score ?? null },
        });
        out.autoApproved = true;
      });
    }
  }
  return out;
}
