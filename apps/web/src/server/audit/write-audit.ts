import type { Prisma, PrismaTransaction } from "@mixcast/db";

export interface AuditEntry {
  workspaceId: string | null;
  actorId: string | null;
  /** Default: "user" when actorId is set, otherwise "system". */
  actorKind?: "user" | "system" | "api_token";
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Prisma.InputJsonValue;
}

/** Appends one AuditEvent. Call it inside the transaction of the change it records. */
export async function writeAudit(tx: PrismaTransaction, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      workspaceId: entry.workspaceId,
      actorId: entry.actorId,
      actorKind: entry.actorKind ?? (entry.actorId ? "user" : "system"),
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ...(entry.details !== undefined ? { details: entry.details } : {}),
    },
  });
}
