import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import { ROLES } from "@/lib/roles.ts";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { conflict } from "../errors.ts";
import { assertMayGrant } from "../member/member-rules.ts";
import { devConsoleTransport, type InvitationTransport } from "./invitation-transport.ts";
import { invitationTokenHash } from "./invitation-token.ts";

export const INVITATION_TTL_DAYS = 7;

export const createInvitationInput = z.object({
  email: z.email("Enter a valid email address.").transform((e) => e.trim().toLowerCase()),
  role: z.enum(ROLES),
});

export async function createInvitation(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof createInvitationInput>,
  options: { baseUrl: string; transport?: InvitationTransport },
) {
  assertMayGrant(actor, input.role);
  const transport = options.transport ?? devConsoleTransport;
  // Sent only to the invited address (or, with no mail transport, shown to the inviter).
  const token = randomBytes(24).toString("base64url");
  const result = await db.$transaction(async (tx) => {
    const already = await tx.membership.findFirst({
      where: { workspaceId: actor.workspaceId, user: { email: input.email } },
    });
    if (already) throw conflict(`${input.email} is already a member of this workspace.`);
    // A new invitation replaces any pending one for the same address.
    await tx.invitation.updateMany({
      where: { workspaceId: actor.workspaceId, email: input.email, status: "pending" },
      data: { status: "canceled" },
    });
    const invitation = await tx.invitation.create({
      data: {
        id: randomUUID(),
        workspaceId: actor.workspaceId,
        email: input.email,
        role: input.role,
        status: "pending",
        inviterId: actor.userId,
        tokenHash: invitationTokenHash(token),
        expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
      },
      include: { workspace: true, inviter: true },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "invitation.create",
      targetType: "invitation",
      targetId: invitation.id,
      details: { email: input.email, role: input.role },
    });
    return invitation;
  });
  const base = `${options.baseUrl.replace(/\/$/, "")}/invite/${result.id}`;
  await transport.send({
    email: result.email,
    workspaceName: result.workspace.name,
    inviterName: result.inviter.name,
    role: input.role,
    link: `${base}?token=${token}`,
  });
  // With real mail the token stays in the invitee's mailbox; the inviter gets the plain link.
  const link = transport.kind === "dev-console" ? `${base}?token=${token}` : base;
  return {
    id: result.id,
    email: result.email,
    role: input.role,
    expiresAt: result.expiresAt,
    link,
    transport: transport.kind,
  };
}
