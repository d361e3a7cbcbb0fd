import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";

/** Pending, unexpired invitations of the workspace, with their links (without the secret token). */
export async function listInvitations(db: PrismaExecutor, actor: Actor, baseUrl: string) {
  const rows = await db.invitation.findMany({
    where: { workspaceId: actor.workspaceId, status: "pending", expiresAt: { gt: new Date() } },
    include: { inviter: { select: { name: true, email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    expiresAt: i.expiresAt,
    inviter: i.inviter,
    link: `${baseUrl.replace(/\/$/, "")}/invite/${i.id}`,
  }));
}
