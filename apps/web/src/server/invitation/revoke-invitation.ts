import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { notFound } from "../errors.ts";

export const revokeInvitationInput = z.object({ invitationId: z.string().min(1) });

export async function revokeInvitation(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof revokeInvitationInput>,
) {
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({
      where: { id: input.invitationId, workspaceId: actor.workspaceId, status: "pending" },
    });
    if (!invitation) throw notFound("That pending invitation");
    await tx.invitation.update({ where: { id: invitation.id }, data: { status: "canceled" } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "invitation.revoke",
      targetType: "invitation",
      targetId: invitation.id,
      details: { email: invitation.email },
    });
    return { id: invitation.id };
  });
}
