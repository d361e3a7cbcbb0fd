import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import { ROLES } from "@/lib/roles.ts";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { assertMayGrant, assertNotLastOwner, loadManageableMembership } from "./member-rules.ts";

export const updateMemberRoleInput = z.object({ membershipId: z.string().min(1), role: z.enum(ROLES) });

export async function updateMemberRole(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof updateMemberRoleInput>,
) {
  return db.$transaction(async (tx) => {
    const target = await loadManageableMembership(tx, actor, input.membershipId);
    assertMayGrant(actor, input.role);
    if (target.role === "owner" && input.role !== "owner")
      await assertNotLastOwner(tx, actor.workspaceId, target.id);
    const updated = await tx.membership.update({ where: { id: target.id }, data: { role: input.role } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "member.update_role",
      targetType: "membership",
      targetId: target.id,
      details: { userId: target.userId, from: target.role, to: input.role },
    });
    return { id: updated.id, role: updated.role };
  });
}
