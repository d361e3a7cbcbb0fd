import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { PrismaClient, PrismaExecutor } from "@mixcast/db";
import type { SessionUser } from "@/lib/auth.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, notFound } from "../errors.ts";

export const invitationIdInput = z.object({ invitationId: z.string().min(1).max(100) });

/**
 * An invitation as its recipient sees it. Only the invited address can see it; anyone else gets
 * "not found", so links cannot be used to probe workspaces.
 */
export async function getInvitation(
  db: PrismaExecutor,
  user: SessionUser,
  input: z.infer<typeof invitationIdInput>,
) {
  const invitation = await db.invitation.findUnique({
    where: { id: input.invitationId },
    include: { workspace: true, inviter: { select: { name: true } } },
  });
  if (!invitation || invitation.email.toLowerCase() !== user.email.toLowerCase())
    throw notFound("This invitation");
  const expired = invitation.expiresAt.getTime() <= Date.now();
  return {
    id: invitation.id,
    workspaceId: invitation.workspaceId,
    workspaceName: invitation.workspace.name,
    inviterName: invitation.inviter.name,
    role: invitation.role,
    status: expired && invitation.status === "pending" ? ("expired" as const) : invitation.status,
    expiresAt: invitation.expiresAt,
  };
}

export async function acceptInvitation(
  db: PrismaClient,
  user: SessionUser,
  input: z.infer<typeof invitationIdInput>,
) {
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({ where: { id: input.invitationId } });
    if (!invitation || invitation.email.toLowerCase() !== user.email.toLowerCase())
      throw notFound("This invitation");
    if (invitation.status !== "pending")
      throw badRequest(`This invitation was already ${invitation.status}.`);
    if (invitation.expiresAt.getTime() <= Date.now())
      throw badRequest("This invitation has expired. Ask for a new one.");
    const existing = await tx.membership.findUnique({
      where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId: user.id } },
    });
    if (!existing) {
      await tx.membership.create({
        data: {
          id: randomUUID(),
          workspaceId: invitation.workspaceId,
          userId: user.id,
          role: invitation.role ?? "viewer",
        },
      });
    }
    await tx.invitation.update({ where: { id: invitation.id }, data: { status: "accepted" } });
    await writeAudit(tx, {
      workspaceId: invitation.workspaceId,
      actorId: user.id,
      action: "invitation.accept",
      targetType: "invitation",
      targetId: invitation.id,
      details: { role: invitation.role ?? "viewer" },
    });
    return { workspaceId: invitation.workspaceId };
  });
}
