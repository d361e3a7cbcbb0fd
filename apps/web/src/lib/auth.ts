// better-auth server instance: email + password, database sessions through Prisma, rate-limited
// sign-in, and the organization plugin mapped onto Mixcast's Workspace / Membership tables.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { organization } from "better-auth/plugins";
import { getPrisma } from "@mixcast/db";
import { serverEnv } from "@/env.ts";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from "./password-rules.ts";

/**
 * Workspace, membership and invitation changes go through tRPC (src/server), which checks roles
 * with the same ladder as everything else and writes an AuditEvent in the same transaction. The
 * organization plugin's own write endpoints would bypass that audit trail, so they are switched
 * off; its read endpoints stay available.
 */
export const DISABLED_ORGANIZATION_WRITES = [
  "/organization/create",
  "/organization/update",
  "/organization/delete",
  "/organization/invite-member",
  "/organization/accept-invitation",
  "/organization/reject-invitation",
  "/organization/cancel-invitation",
  "/organization/remove-member",
  "/organization/update-member-role",
  "/organization/leave",
  "/organization/create-role",
  "/organization/update-role",
  "/organization/delete-role",
  "/organization/create-team",
  "/organization/update-team",
  "/organization/remove-team",
  "/organization/add-team-member",
  "/organization/remove-team-member",
];

function createAuth() {
  const env = serverEnv();
  return betterAuth({
    secret: env.BETTER_AUTH_SECRET,
    baseURL: env.BETTER_AUTH_URL,
    database: prismaAdapter(getPrisma(), { provider: "postgresql" }),
    disabledPaths: DISABLED_ORGANIZATION_WRITES,
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
      autoSignIn: true,
    },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    rateLimit: {
      // On in every environment (better-auth only enables it in production by default).
      enabled: env.MIXCAST_AUTH_RATE_LIMIT === "on",
      window: 60,
      max: 200,
      customRules: {
        "/sign-in/email": { window: 60, max: 5 },
        "/sign-up/email": { window: 60, max: 5 },
      },
    },
    hooks: {
      // eslint-disable-next-line @typescript-eslint/require-await -- better-auth's middleware type wants an async function
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-up/email") return;
        const body = (ctx.body ?? {}) as { password?: unknown; email?: unknown };
        const problems = passwordProblems(
          typeof body.password === "string" ? body.password : "",
          typeof body.email === "string" ? body.email : undefined,
        );
        if (problems.length > 0) throw new APIError("BAD_REQUEST", { message: problems.join(" ") });
      }),
    },
    plugins: [
      // No role statements of its own: who may do what is written once, in src/server/access.ts,
      // and enforced by the tRPC ladder. The plugin's endpoints that would check a role are off.
      organization({
        creatorRole: "owner",
        schema: {
          organization: { modelName: "workspace" },
          member: { modelName: "membership", fields: { organizationId: "workspaceId" } },
          invitation: { fields: { organizationId: "workspaceId" } },
        },
      }),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { __mixcastAuth?: Auth };

/** The process-wide better-auth instance (created on first use, so builds need no secrets). */
export function getAuth(): Auth {
  globalForAuth.__mixcastAuth ??= createAuth();
  return globalForAuth.__mixcastAuth;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/** The signed-in user for these request headers, or null. */
export async function getSessionUser(headers: Headers): Promise<SessionUser | null> {
  const session = await getAuth().api.getSession({ headers });
  if (!session) return null;
  return { id: session.user.id, email: session.user.email, name: session.user.name };
}
