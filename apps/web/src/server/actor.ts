import type { Role } from "@/lib/roles.ts";

/** Who is acting, in which workspace, with which role: what every domain function receives. */
export interface Actor {
  userId: string;
  workspaceId: string;
  role: Role;
}

/** A workspace API token acting through the REST API (/api/v1): no user, no role, only scopes. */
export interface TokenActor {
  tokenId: string;
  tokenName: string;
  workspaceId: string;
}

/** Who to record as creator and in the audit trail for a user or a token. */
export function recordedActor(actor: Actor | TokenActor): {
  createdById: string | null;
  actorId: string;
  actorKind: "user" | "api_token";
} {
  return "tokenId" in actor
    ? { createdById: null, actorId: actor.tokenId, actorKind: "api_token" }
    : { createdById: actor.userId, actorId: actor.userId, actorKind: "user" };
}
