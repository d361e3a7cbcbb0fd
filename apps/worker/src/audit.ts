// AuditEvent rows for run state changes. The actor is the user who started a manual run, the
// schedule for scheduled runs, and `system` for the sweeper's recoveries.
import type { Prisma, PrismaExecutor } from "@mixcast/db";

export interface RunActorSource {
  id: string;
  workspaceId: string;
  trigger: "manual" | "schedule";
  createdById: string | null;
}

export async function auditRun(
  db: PrismaExecutor,
  run: RunActorSource,
  action: string,
  details: Record<string, unknown>,
  options: { system?: boolean } = {},
): Promise<void> {
  const actorKind = options.system
    ? "system"
    : run.trigger === "schedule"
      ? "schedule"
      : run.createdById
        ? "user"
        : "system";
  await db.auditEvent.create({
    data: {
      workspaceId: run.workspaceId,
      actorKind,
      actorId: actorKind === "user" ? run.createdById : null,
      action,
      targetType: "run",
      targetId: run.id,
      details: details as Prisma.InputJsonValue,
    },
  });
}
