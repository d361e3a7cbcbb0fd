// A run against the model's approved run: stability (per channel interval overlap and mean shift,
// overall score, channels that moved) and what changed (data weeks added / revised / removed with
// the rows, config differences, engine version). For the approved run itself, the comparison is
// with the run approved before it ("what changed since the last approval").
import { z } from "zod";
import {
  compareStability,
  diffDatasetCsv,
  diffJson,
  roiFromRunSummary,
  type DatasetDiff,
  type StabilityReport,
} from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";

export const runReviewInput = z.object({ runId: z.string().min(1) });

/** Revised rows listed in full up to this many (the counts are always complete). */
const MAX_LISTED = 100;

export function stabilityBetween(
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

const runSelect = {
  id: true,
  status: true,
  trigger: true,
  finishedAt: true,
  engineVersion: true,
  summary: true,
  converged: true,
  datasetVersion: { select: { id: true, version: true, csv: true, mapping: true, rowCount: true } },
  configVersion: { select: { id: true, version: true, config: true } },
} as const;

export async function getRunReview(db: PrismaClient, actor: Pick<Actor, "workspaceId">, runId: string) {
  const run = await db.run.findFirst({
    where: { id: runId, workspaceId: actor.workspaceId },
    select: {
      ...runSelect,
      model: {
        select: { id: true, name: true, approvedRunId: true, stabilityThreshold: true, autoApprove: true },
      },
    },
  });
  if (!run) throw notFound("That run");
  const model = run.model;
  const isApproved = model.approvedRunId === run.id;
  let baseId: string | null = isApproved ? null : model.approvedRunId;
  if (isApproved) {
    const previous = await db.runApproval.findFirst({
      where: { modelId: model.id, runId: { not: run.id } },
      orderBy: { at: "desc" },
      select: { runId: true },
    });
    baseId = previous?.runId ?? null;
  }
  const base = baseId ? await db.run.findUnique({ where: { id: baseId }, select: runSelect }) : null;
  const approval = isApproved
    ? await db.runApproval.findFirst({ where: { runId: run.id }, orderBy: { at: "desc" } })
    : null;
  const approver = approval?.approvedById
    ? await db.user.findUnique({ where: { id: approval.approvedById }, select: { name: true } })
    : null;

  let data:
    | (Omit<DatasetDiff, "revised"> & {
        revised: DatasetDiff["revised"];
        revisedCount: number;
        sameVersion: boolean;
      })
    | null = null;
  if (base) {
    if (base.datasetVersion.id === run.datasetVersion.id)
      data = {
        added: [],
        removed: [],
        revised: [],
        revisedCount: 0,
        columnsAdded: [],
        columnsRemoved: [],
        sameVersion: true,
      };
    else {
      const dateColumn = (run.datasetVersion.mapping as { date?: string } | null)?.date ?? "date";
      try {
        const d = diffDatasetCsv(base.datasetVersion.csv, run.datasetVersion.csv, dateColumn);
        data = {
          ...d,
          revised: d.revised.slice(0, MAX_LISTED),
          revisedCount: d.revised.length,
          sameVersion: false,
        };
      } catch {
        data = null;
      }
    }
  }
  return {
    run: {
      id: run.id,
      status: run.status,
      trigger: run.trigger,
      finishedAt: run.finishedAt,
      converged: run.converged,
    },
    model: {
      id: model.id,
      name: model.name,
      stabilityThreshold: model.stabilityThreshold,
      autoApprove: model.autoApprove,
    },
    isApproved,
    approval: approval
      ? {
          at: approval.at,
          note: approval.note,
          auto: approval.auto,
          by: approval.auto ? "auto-approve" : (approver?.name ?? "a former member"),
        }
      : null,
    comparedWith: base
      ? {
          id: base.id,
          finishedAt: base.finishedAt,
          role: isApproved ? ("previously approved" as const) : ("approved" as const),
        }
      : null,
    stability: base ? stabilityBetween(base.summary, run.summary, model.stabilityThreshold) : null,
    changes: base
      ? {
          datasetVersion: { from: base.datasetVersion.version, to: run.datasetVersion.version },
          data,
          configVersion: { from: base.configVersion.version, to: run.configVersion.version },
          config:
            base.configVersion.id === run.configVersion.id
              ? []
              : diffJson(base.configVersion.config, run.configVersion.config),
          engine: { from: base.engineVersion, to: run.engineVersion },
        }
      : null,
  };
}
