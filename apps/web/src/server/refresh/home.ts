// The workspace home: per model the approved numbers (top channels by ROI with 90 % intervals),
// what changed since the last approval, refits waiting for approval, the next scheduled refit and
// data freshness; the workspace's recent alerts.
import { roiFromRunSummary } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { listAlerts } from "./alerts.ts";
import { getRunReview } from "./run-review.ts";

const TOP_CHANNELS = 5;

export async function getWorkspaceHome(db: PrismaClient, actor: Pick<Actor, "workspaceId">) {
  const [models, datasetCount, alerts] = await Promise.all([
    db.model.findMany({
      where: { workspaceId: actor.workspaceId, archivedAt: null },
      orderBy: { createdAt: "asc" },
      take: 20,
      select: {
        id: true,
        name: true,
        autoApprove: true,
        stabilityThreshold: true,
        dataExpectedWeekday: true,
        approvedRun: { select: { id: true, finishedAt: true, summary: true } },
        schedule: {
          select: {
            enabled: true,
            nextRunAt: true,
            lastSkippedAt: true,
            lastSkipReason: true,
            weekday: true,
            hour: true,
            timezone: true,
          },
        },
        dataset: {
          select: {
            id: true,
            name: true,
            versions: {
              orderBy: { version: "desc" },
              take: 1,
              select: { version: true, createdAt: true, summary: true },
            },
          },
        },
      },
    }),
    db.dataset.count({ where: { workspaceId: actor.workspaceId, archivedAt: null } }),
    listAlerts(db, actor, 10),
  ]);
  const out = [];
  for (const m of models) {
    const approved = m.approvedRun;
    const roi = approved ? roiFromRunSummary(approved.summary) : null;
    const top = roi
      ? Object.entries(roi.roi)
          .map(([name, r]) => ({ name, mean: r.mean, q05: r.q05, q95: r.q95 }))
          .sort((a, b) => b.mean - a.mean)
          .slice(0, TOP_CHANNELS)
      : [];
    // Refits waiting: succeeded after the approved run, not approved.
    const pending = await db.run.findMany({
      where: {
        modelId: m.id,
        status: "succeeded",
        ...(approved
          ? { id: { not: approved.id }, finishedAt: { gt: approved.finishedAt ?? new Date(0) } }
          : {}),
      },
      orderBy: { finishedAt: "desc" },
      take: 5,
      select: { id: true, finishedAt: true, trigger: true, converged: true, stability: true },
    });
    const review = approved ? await getRunReview(db, actor, approved.id) : null;
    const latest = m.dataset.versions[0];
    out.push({
      id: m.id,
      name: m.name,
      autoApprove: m.autoApprove,
      approved: approved
        ? {
            runId: approved.id,
            finishedAt: approved.finishedAt,
            approval: review?.approval ?? null,
            topChannels: top,
          }
        : null,
      sinceLastApproval: review?.changes
        ? {
            comparedWith: review.comparedWith,
            weeksAdded: review.changes.data?.added.length ?? 0,
            weeksRevised: review.changes.data?.revisedCount ?? 0,
            weeksRemoved: review.changes.data?.removed.length ?? 0,
            configChanges: review.changes.config.length,
            engineChanged: review.changes.engine.from !== review.changes.engine.to,
            stabilityScore: review.stability?.score ?? null,
            moved: review.stability?.moved ?? [],
          }
        : null,
      pending: pending.map((p) => ({
        id: p.id,
        finishedAt: p.finishedAt,
        trigger: p.trigger,
        converged: p.converged,
        stabilityScore: (p.stability as { score?: number } | null)?.score ?? null,
      })),
      schedule: m.schedule,
      data: {
        datasetId: m.dataset.id,
        datasetName: m.dataset.name,
        latestVersion: latest?.version ?? null,
        receivedAt: latest?.createdAt ?? null,
        lastWeek: (latest?.summary as { lastDate?: string } | null)?.lastDate ?? null,
        expectedWeekday: m.dataExpectedWeekday,
      },
    });
  }
  return { models: out, datasetCount, alerts };
}
