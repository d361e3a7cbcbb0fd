import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { assertNotLastOwner, loadManageableMembership } from "./member-rules.ts";

export const removeMemberInput = z.object({ membershipId: z.string().min(1) });

export async function removeMember(db: PrismaClient, actor: Actor, input: z.infer<typeof removeMemberInput>) {
  return db.$transaction(async (tx) => {
    const target = await loadManageableMembership(tx, actor, input.membershipId);
    if (target.role === "owner") await assertNotLastOwner(tx, actor.workspaceId, target.id);
    await tx.membership.delete({ where: { id: target.id } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "member.remove",
      targetType: "membership",
      targetId: target.id,
      details: { userId: target.userId, role: target.role },
    });
    return { id: target.id };
  });
}
