import type { PrismaExecutor } from "@mixcast/db";
import type { Role } from "@/lib/roles.ts";

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

/** The workspaces `userId` belongs to, by name. */
export async function listWorkspaces(db: PrismaExecutor, userId: string): Promise<WorkspaceSummary[]> {
  const rows = await db.membership.findMany({
    where: { userId },
    include: { workspace: true },
    orderBy: { workspace: { name: "asc" } },
  });
  return rows.map((m) => ({
    id: m.workspace.id,
    name: m.workspace.name,
    slug: m.workspace.slug,
    role: m.role,
  }));
}
