import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { workspaceNameSchema } from "./create-workspace.ts";

export const renameWorkspaceInput = z.object({ name: workspaceNameSchema });

export async function renameWorkspace(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof renameWorkspaceInput>,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } });
    const workspace = await tx.workspace.update({
      where: { id: actor.workspaceId },
      data: { name: input.name },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "workspace.rename",
      targetType: "workspace",
      targetId: actor.workspaceId,
      details: { from: before.name, to: input.name },
    });
    return workspace;
  });
}
