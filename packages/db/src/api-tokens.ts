// Workspace API tokens: generated here, shown once, stored as sha256 only. Shared by the web app
// (Settings -> API tokens, and the REST API's authentication) and the operator script
// `pnpm admin token create`, so there is one format and one hashing rule.
//
// Format: "mxc_" + 43 characters of base64url (32 random bytes). sha256 is the right hash for a
// secret with 256 bits of entropy: there is nothing to brute-force, and a fast hash keeps the
// per-request lookup cheap (a slow password hash would only slow down legitimate calls).
import { createHash, randomBytes } from "node:crypto";
import type { PrismaExecutor } from "./client.ts";
import type { ApiToken } from "./generated/prisma/client.ts";

export { API_TOKEN_SCOPES, API_TOKEN_SCOPE_DESCRIPTIONS, type ApiTokenScope } from "./api-token-scopes.ts";
import { API_TOKEN_SCOPES, type ApiTokenScope } from "./api-token-scopes.ts";

const TOKEN_PREFIX = "mxc_";
/** Characters of the token kept in the clear (e.g. "mxc_Ab3dEf9h") so lists can tell tokens apart. */
export const API_TOKEN_VISIBLE_CHARS = TOKEN_PREFIX.length + 8;

export function isApiTokenScope(value: string): value is ApiTokenScope {
  return (API_TOKEN_SCOPES as readonly string[]).includes(value);
}

/** sha256 (hex) of a token: the only form in which a token is stored. */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function looksLikeApiToken(value: string): boolean {
  return /^mxc_[A-Za-z0-9_-]{43}$/.test(value);
}

export function generateApiToken(): { token: string; prefix: string; tokenHash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, prefix: token.slice(0, API_TOKEN_VISIBLE_CHARS), tokenHash: hashApiToken(token) };
}

export interface CreateApiTokenInput {
  workspaceId: string;
  name: string;
  scopes: readonly ApiTokenScope[];
  expiresAt: Date | null;
  /** The member who created it; null for an operator (`pnpm admin token create`). */
  createdById: string | null;
  /** Recorded in the audit event ("settings" or "admin-script"). */
  via: string;
}

/**
 * Stores a new token (hash only) and its audit event. Call inside the caller's transaction.
 * Returns the token in the clear: the only moment it exists outside the caller's hands.
 */
export async function insertApiToken(
  tx: PrismaExecutor,
  input: CreateApiTokenInput,
): Promise<{ token: string; record: ApiToken }> {
  const scopes = [...new Set(input.scopes)].sort();
  if (scopes.length === 0) throw new Error("A token needs at least one scope.");
  for (const s of scopes as string[])
    if (!isApiTokenScope(s))
      throw new Error(`Unknown scope "${s}" (scopes: ${API_TOKEN_SCOPES.join(", ")}).`);
  const { token, prefix, tokenHash } = generateApiToken();
  const record = await tx.apiToken.create({
    data: {
      workspaceId: input.workspaceId,
      name: input.name,
      prefix,
      tokenHash,
      scopes,
      expiresAt: input.expiresAt,
      createdById: input.createdById,
    },
  });
  await tx.auditEvent.create({
    data: {
      workspaceId: input.workspaceId,
      actorId: input.createdById,
      actorKind: input.createdById ? "user" : "system",
      action: "api_token.create",
      targetType: "api_token",
      targetId: record.id,
      details: {
        name: record.name,
        prefix,
        scopes,
        expiresAt: record.expiresAt?.toISOString() ?? null,
        via: input.via,
      },
    },
  });
  return { token, record };
}
