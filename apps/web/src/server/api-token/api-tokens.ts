// Workspace API tokens (Settings -> API tokens): admins create, list and revoke them. The token
// format, hashing and the create-audit live in @mixcast/db/api-tokens, shared with the operator
// script `pnpm admin token create`.
import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import { API_TOKEN_SCOPES, insertApiToken } from "@mixcast/db/api-tokens";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { notFound } from "../errors.ts";

export const createApiTokenInput = z.object({
  name: z.string().trim().min(2, "Name the token (at least 2 characters).").max(80),
  scopes: z.array(z.enum(API_TOKEN_SCOPES)).min(1, "Pick at least one scope.").max(API_TOKEN_SCOPES.length),
  /** Days until it stops working; null = never expires. */
  expiresInDays: z.number().int().min(1).max(3650).nullable(),
});

export const revokeApiTokenInput = z.object({ tokenId: z.string().min(1) });

export type ApiTokenState = "active" | "expired" | "revoked";

export function apiTokenState(
  t: { revokedAt: Date | null; expiresAt: Date | null },
  now = new Date(),
): ApiTokenState {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

export async function listApiTokens(db: PrismaClient, actor: Actor) {
  const rows = await db.apiToken.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      expiresAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdAt: true,
      createdBy: { select: { name: true, email: true } },
    },
  });
  const now = new Date();
  return rows.map((r) => ({ ...r, state: apiTokenState(r, now) }));
}

export async function createApiToken(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof createApiTokenInput>,
  now = new Date(),
) {
  const expiresAt =
    input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * 86_400_000);
  const { token, record } = await db.$transaction((tx) =>
    insertApiToken(tx, {
      workspaceId: actor.workspaceId,
      name: input.name,
      scopes: input.scopes,
      expiresAt,
      createdById: actor.userId,
      via: "settings",
    }),
  );
  // The only response that ever carries the token itself.
  return { id: record.id, name: record.name, prefix: record.prefix, scopes: record.scopes, expiresAt, token };
}

export async function revokeApiToken(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof revokeApiTokenInput>,
) {
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({
      where: { id: input.tokenId, workspaceId: actor.workspaceId, revokedAt: null },
    });
    if (!token) throw notFound("That active API token");
    await tx.apiToken.update({
      where: { id: token.id },
      data: { revokedAt: new Date(), revokedById: actor.userId },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "api_token.revoke",
      targetType: "api_token",
      targetId: token.id,
      details: { name: token.name, prefix: token.prefix },
    });
    return { id: token.id };
  });
}
