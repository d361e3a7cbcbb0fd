import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";

export async function listMembers(db: PrismaExecutor, actor: Actor) {
  const rows = await db.membership.findMany({
    where: { workspaceId: actor.workspaceId },
    include: { user: { select: { id: true, name: true, email: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({
    id: m.id,
    role: m.role,
    joinedAt: m.createdAt,
    user: m.user,
    isYou: m.userId === actor.userId,
  }));
}
