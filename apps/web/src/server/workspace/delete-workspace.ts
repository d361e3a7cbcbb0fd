import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest } from "../errors.ts";

/** The caller must type the workspace name, so a stray click cannot delete everything. */
export const deleteWorkspaceInput = z.object({ confirmName: z.string() });

export async function deleteWorkspace(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof deleteWorkspaceInput>,
) {
  return db.$transaction(async (tx) => {
    const workspace = await tx.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } });
    if (input.confirmName.trim() !== workspace.name)
      throw badRequest("Type the workspace name exactly to confirm deletion.");
    // Audit rows have no foreign keys, so this record outlives the workspace.
    await writeAudit(tx, {
      workspaceId: workspace.id,
      actorId: actor.userId,
      action: "workspace.delete",
      targetType: "workspace",
      targetId: workspace.id,
      details: { name: workspace.name },
    });
    // Runs and models restrict deletion of the versions they pin; remove dependants first.
    await tx.scenario.deleteMany({ where: { workspaceId: workspace.id } });
    await tx.run.deleteMany({ where: { workspaceId: workspace.id } });
    await tx.model.deleteMany({ where: { workspaceId: workspace.id } });
    await tx.workspace.delete({ where: { id: workspace.id } });
    return { id: workspace.id };
  });
}
