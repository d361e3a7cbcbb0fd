// The AuditEvent of a run state change, written in the transaction of the change itself.
// Actor: the user who acted (start, cancel), otherwise the run's own origin: its creator for a
// manual run, the schedule for a scheduled one, and `system` for recoveries and queue failures.
import type { Prisma, PrismaExecutor } from "@mixcast/db";

/** The fields of a Run that say who it acts for. */
export interface RunOrigin {
  id: string;
  workspaceId: string;
  trigger: "manual" | "schedule";
  createdById: string | null;
}

/** Who an audit event names: the run's origin (default), a user, or the system. */
export type RunEventBy = "origin" | "system" | { userId: string };

export async function writeRunEvent(
  db: PrismaExecutor,
  run: RunOrigin,
  action: string,
  details: Record<string, unknown>,
  by: RunEventBy = "origin",
): Promise<void> {
  let actorKind: "user" | "schedule" | "system";
  let actorId: string | null = null;
  if (by === "system") actorKind = "system";
  else if (typeof by === "object") {
    actorKind = "user";
    actorId = by.userId;
  } else if (run.trigger === "schedule") actorKind = "schedule";
  else if (run.createdById) {
    actorKind = "user";
    actorId = run.createdById;
  } else actorKind = "system";
  await db.auditEvent.create({
    data: {
      workspaceId: run.workspaceId,
      actorKind,
      actorId,
      action,
      targetType: "run",
      targetId: run.id,
      details: details as Prisma.InputJsonValue,
    },
  });
}
