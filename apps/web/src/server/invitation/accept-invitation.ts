import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { PrismaClient, PrismaExecutor } from "@mixcast/db";
import type { SessionUser } from "@/lib/auth.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, forbidden, notFound } from "../errors.ts";
import { invitationTokenMatches } from "./invitation-token.ts";

export const invitationIdInput = z.object({ invitationId: z.string().min(1).max(100) });
export const acceptInvitationInput = invitationIdInput.extend({
  /** The token from the invitation link, which was sent to the invited address. */
  token: z.string().min(1).max(200).optional(),
});

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
  const account = await db.user.findUnique({ where: { id: user.id }, select: { emailVerified: true } });
  return {
    /** Whether the signed-in user has verified their address (else they need the link's token). */
    addressVerified: account?.emailVerified === true,
    id: invitation.id,
    workspaceId: invitation.workspaceId,
    workspaceName: invitation.workspace.name,
    inviterName: invitation.inviter.name,
    role: invitation.role,
    status: expired && invitation.status === "pending" ? ("expired" as const) : invitation.status,
    expiresAt: invitation.expiresAt,
  };
}

/**
 * Joins the workspace. Signing up with the invited address is not enough: the user must prove
 * the address is theirs, by having verified it (the verification mail) or by presenting the
 * token of the invitation link, which only went to that address. The token also verifies it.
 */
export async function acceptInvitation(
  db: PrismaClient,
  user: SessionUser,
  input: z.infer<typeof acceptInvitationInput>,
) {
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({ where: { id: input.invitationId } });
    if (!invitation || invitation.email.toLowerCase() !== user.email.toLowerCase())
      throw notFound("This invitation");
    if (invitation.status !== "pending")
      throw badRequest(`This invitation was already ${invitation.status}.`);
    if (invitation.expiresAt.getTime() <= Date.now())
      throw badRequest("This invitation has expired. Ask for a new one.");
    const account = await tx.user.findUnique({ where: { id: user.id }, select: { emailVerified: true } });
    const tokenProof = input.token !== undefined && invitationTokenMatches(input.token, invitation.tokenHash);
    if (input.token !== undefined && !tokenProof)
      throw forbidden(
        "This invitation link is incomplete or out of date. Open the newest link from the invitation email.",
      );
    if (!tokenProof && account?.emailVerified !== true)
      throw forbidden(
        `Confirm that ${invitation.email} is your address first: open the link in the confirmation email we sent to it, or open the invitation link from your email.`,
      );
    // Claim the invitation first, conditionally: a second accept racing this one waits on the row
    // and then finds it no longer pending (it read 'pending' before this commit), so only one
    // accept joins and is audited; the other gets the same clear 400 as a later one.
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, status: "pending" },
      data: { status: "accepted" },
    });
    if (claimed.count === 0) throw badRequest("This invitation was already accepted.");
    if (tokenProof && account?.emailVerified !== true)
      await tx.user.update({ where: { id: user.id }, data: { emailVerified: true } });
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
    await writeAudit(tx, {
      workspaceId: invitation.workspaceId,
      actorId: user.id,
      action: "invitation.accept",
      targetType: "invitation",
      targetId: invitation.id,
      details: {
        role: invitation.role ?? "viewer",
        proof: tokenProof ? "invitation-link" : "verified-address",
      },
    });
    return { workspaceId: invitation.workspaceId };
  });
}
