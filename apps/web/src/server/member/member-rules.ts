import type { PrismaTransaction } from "@mixcast/db";
import { roleAtLeast, type Role } from "@/lib/roles.ts";
import type { Actor } from "../actor.ts";
import { forbidden, notFound, badRequest } from "../errors.ts";

/** Loads a membership of the actor's workspace that the actor may change (or throws). */
export async function loadManageableMembership(tx: PrismaTransaction, actor: Actor, membershipId: string) {
  const target = await tx.membership.findFirst({
    where: { id: membershipId, workspaceId: actor.workspaceId },
  });
  if (!target) throw notFound("That member");
  // Only an owner may change or remove an owner.
  if (target.role === "owner" && actor.role !== "owner")
    throw forbidden("Only an owner can change another owner.");
  return target;
}

/** Only owners hand out the owner role; nobody hands out a role above their own. */
export function assertMayGrant(actor: Actor, role: Role): void {
  if (!roleAtLeast(actor.role, role))
    throw forbidden(`Your role (${actor.role}) cannot grant the ${role} role.`);
}

export async function assertNotLastOwner(
  tx: PrismaTransaction,
  workspaceId: string,
  membershipId: string,
): Promise<void> {
  const owners = await tx.membership.findMany({
    where: { workspaceId, role: "owner" },
    select: { id: true },
  });
  if (owners.length === 1 && owners[0]?.id === membershipId)
    throw badRequest("A workspace needs at least one owner. Make someone else owner first.");
}
