import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import { writeAudit } from "../audit/write-audit.ts";

export const workspaceNameSchema = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters.")
  .max(80, "Use at most 80 characters.");
export const createWorkspaceInput = z.object({ name: workspaceNameSchema });
export type CreateWorkspaceInput = z.infer<typeof createWorkspaceInput>;

export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "workspace";
}

/** Creates a workspace with `userId` as its owner. */
export async function createWorkspace(db: PrismaClient, userId: string, input: CreateWorkspaceInput) {
  return db.$transaction(async (tx) => {
    const id = randomUUID();
    const slug = `${slugify(input.name)}-${id.slice(0, 6)}`;
    const workspace = await tx.workspace.create({ data: { id, name: input.name, slug } });
    await tx.membership.create({ data: { id: randomUUID(), workspaceId: id, userId, role: "owner" } });
    await writeAudit(tx, {
      workspaceId: id,
      actorId: userId,
      action: "workspace.create",
      targetType: "workspace",
      targetId: id,
      details: { name: input.name },
    });
    return workspace;
  });
}
