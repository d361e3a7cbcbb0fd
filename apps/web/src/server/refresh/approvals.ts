// Approved runs: a person approves a succeeded run of a model (with a note); the history of
// approvals; the model's refresh settings (auto-approve, stability threshold, expected data day).
import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import { recordApproval } from "@mixcast/db/approvals";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, notFound } from "../errors.ts";

export const approveRunInput = z.object({
  runId: z.string().min(1),
  note: z.string().trim().max(500, "Keep the note under 500 characters.").optional(),
});

export async function approveRun(db: PrismaClient, actor: Actor, input: z.infer<typeof approveRunInput>) {
  return db.$transaction(async (tx) => {
    const run = await tx.run.findFirst({
      where: { id: input.runId, workspaceId: actor.workspaceId },
      select: {
        id: true,
        status: true,
        modelId: true,
        model: { select: { approvedRunId: true, name: true } },
      },
    });
    if (!run) throw notFound("That run");
    if (run.status !== "succeeded")
      throw badRequest(`Only a succeeded run can be approved; this one is ${run.status}.`);
    if (run.model.approvedRunId === run.id)
      throw badRequest("This run is already the approved run of its model.");
    // Serialize approvals of one model.
    await tx.$queryRaw`SELECT id FROM "Model" WHERE id = ${run.modelId} FOR UPDATE`;
    const approval = await recordApproval(tx, {
      workspaceId: actor.workspaceId,
      modelId: run.modelId,
      runId: run.id,
      approvedById: actor.userId,
      note: input.note || null,
    });
    return { approvalId: approval.id, modelId: run.modelId, runId: run.id };
  });
}

export const modelIdInput = z.object({ modelId: z.string().min(1) });

export async function listApprovals(db: PrismaClient, actor: Pick<Actor, "workspaceId">, modelId: string) {
  const model = await db.model.findFirst({
    where: { id: modelId, workspaceId: actor.workspaceId },
    select: { id: true },
  });
  if (!model) throw notFound("That model");
  const rows = await db.runApproval.findMany({
    where: { modelId, workspaceId: actor.workspaceId },
    orderBy: { at: "desc" },
    take: 50,
    include: {
      run: {
        select: { id: true, finishedAt: true, trigger: true, datasetVersion: { select: { version: true } } },
      },
    },
  });
  const ids = [...new Set(rows.map((r) => r.approvedById).filter((x): x is string => !!x))];
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const name = new Map(users.map((u) => [u.id, u.name]));
  return rows.map((r) => ({
    id: r.id,
    runId: r.runId,
    at: r.at,
    note: r.note,
    auto: r.auto,
    approvedBy: r.approvedById ? (name.get(r.approvedById) ?? "a former member") : "auto-approve",
    run: r.run,
  }));
}

export const refreshSettingsInput = z.object({
  modelId: z.string().min(1),
  autoApprove: z.boolean(),
  stabilityThreshold: z
    .number()
    .min(0, "Use a threshold from 0 to 1.")
    .max(1, "Use a threshold from 0 to 1."),
  dataExpectedWeekday: z.number().int().min(0).max(6).nullable(),
  /** Fit runs with priors from the approved run's posterior (docs/model.md). Unset: unchanged. */
  priorsFromApproved: z.boolean().optional(),
  /** Backtest coverage below this raises an alert. Unset: unchanged. */
  backtestCoverageThreshold: z
    .number()
    .min(0, "Use a coverage threshold from 0 to 1.")
    .max(1, "Use a coverage threshold from 0 to 1.")
    .optional(),
  /**
   * Scheduled refits fit even when the data has blocking data-check findings (recorded on each
   * such run) instead of skipping the slot. Unset: unchanged.
   */
  fitDespiteBlockingChecks: z.boolean().optional(),
});

export async function updateRefreshSettings(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof refreshSettingsInput>,
) {
  return db.$transaction(async (tx) => {
    const model = await tx.model.findFirst({ where: { id: input.modelId, workspaceId: actor.workspaceId } });
    if (!model) throw notFound("That model");
    const data = {
      autoApprove: input.autoApprove,
      stabilityThreshold: input.stabilityThreshold,
      dataExpectedWeekday: input.dataExpectedWeekday,
      priorsFromApproved: input.priorsFromApproved ?? model.priorsFromApproved,
      backtestCoverageThreshold: input.backtestCoverageThreshold ?? model.backtestCoverageThreshold,
      fitDespiteBlockingChecks: input.fitDespiteBlockingChecks ?? model.fitDespiteBlockingChecks,
    };
    await tx.model.update({ where: { id: model.id }, data });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "model.refresh_settings",
      targetType: "model",
      targetId: model.id,
      details: {
        before: {
          autoApprove: model.autoApprove,
          stabilityThreshold: model.stabilityThreshold,
          dataExpectedWeekday: model.dataExpectedWeekday,
          priorsFromApproved: model.priorsFromApproved,
          backtestCoverageThreshold: model.backtestCoverageThreshold,
          fitDespiteBlockingChecks: model.fitDespiteBlockingChecks,
        },
        after: data,
      },
    });
    return { modelId: model.id, ...data };
  });
}
