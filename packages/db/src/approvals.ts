// Approving a run: the model's approvedRunId moves to it, the history gets a RunApproval row and
// the audit log an event. Shared by the web app (a person approves) and the worker (a model's
// auto-approve rule), so both write exactly the same rows. Never changes the run itself.
import type { PrismaExecutor } from "./client.ts";

export interface ApprovalInput {
  workspaceId: string;
  modelId: string;
  runId: string;
  /** The member who approved; null when the model's auto-approve rule did. */
  approvedById: string | null;
  note: string | null;
  /** Extra audit details (e.g. the stability score that allowed an auto-approval). */
  details?: Record<string, unknown>;
}

export async function recordApproval(tx: PrismaExecutor, input: ApprovalInput) {
  const model = await tx.model.findFirstOrThrow({
    where: { id: input.modelId, workspaceId: input.workspaceId },
    select: { approvedRunId: true },
  });
  await tx.model.update({ where: { id: input.modelId }, data: { approvedRunId: input.runId } });
  const approval = await tx.runApproval.create({
    data: {
      workspaceId: input.workspaceId,
      modelId: input.modelId,
      runId: input.runId,
      approvedById: input.approvedById,
      auto: input.approvedById === null,
      note: input.note,
    },
  });
  await tx.auditEvent.create({
    data: {
      workspaceId: input.workspaceId,
      actorId: input.approvedById,
      actorKind: input.approvedById ? "user" : "system",
      action: "run.approve",
      targetType: "run",
      targetId: input.runId,
      details: JSON.parse(
        JSON.stringify({
          modelId: input.modelId,
          previousApprovedRunId: model.approvedRunId,
          note: input.note,
          auto: input.approvedById === null,
          ...(input.details ?? {}),
        }),
      ) as object,
    },
  });
  return approval;
}
