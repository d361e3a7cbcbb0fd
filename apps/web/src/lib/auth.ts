// better-auth server instance: email + password with address verification, database sessions
// through Prisma, sign-in limited per address and per account (lib/sign-in-throttle.ts), account
// events audited, and the organization plugin mapped onto Mixcast's Workspace / Membership tables.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { organization } from "better-auth/plugins";
import { getPrisma } from "@mixcast/db";
import { serverEnv } from "@/env.ts";
import { writeAudit } from "@/server/audit/write-audit.ts";
import { mailerFor } from "@mixcast/notify";
import {
  cookieValue,
  DEVICE_COOKIE,
  DEVICE_COOKIE_MAX_AGE,
  deviceIdFor,
  issueDeviceCookie,
} from "./device-cookie.ts";
import { SignInThrottle } from "./sign-in-throttle.ts";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from "./password-rules.ts";
import { logSafe } from "@mixcast/db/redact";

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

/** The address a request comes from (X-Forwarded-For as rewritten by server/http/client-address-hook.ts). */
function requestAddress(headers: Headers | undefined): string {
  return headers?.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}

const globalForThrottle = globalThis as unknown as { __mixcastSignInThrottle?: SignInThrottle };
export function signInThrottle(): SignInThrottle {
  globalForThrottle.__mixcastSignInThrottle ??= new SignInThrottle();
  return globalForThrottle.__mixcastSignInThrottle;
}

/** An account-level event (no workspace): sign-up, sign-in, rename, password change. */
async function auditAccount(
  action: string,
  actorId: string | null,
  details: Record<string, string | number | boolean | null>,
): Promise<void> {
  try {
    await writeAudit(getPrisma(), {
      workspaceId: null,
      actorId,
      action,
      targetType: "user",
      ...(actorId ? { targetId: actorId } : {}),
      details,
    });
  } catch (error) {
    // The sign-in itself already happened; a lost audit row must not turn it into an error.
    console.error(`[auth] could not write the ${action} audit event: ${logSafe(error)}`);
  }
}

function createAuth() {
  const env = serverEnv();
  const mailer = mailerFor(env.SMTP_URL, env.MAIL_FROM);
  const throttleOn = env.MIXCAST_AUTH_RATE_LIMIT === "on";
  const secureCookies = env.BETTER_AUTH_URL.startsWith("https://");
  /** Old names of users renaming themselves, from the before hook to the after hook. */
  const renaming = new WeakMap<object, string>();

  const attemptOf = (ctx: { body?: unknown; headers?: Headers | undefined }) => {
    const raw = (ctx.body as { email?: unknown } | undefined)?.email;
    const email = (typeof raw === "string" ? raw : "").trim().toLowerCase();
    const device = deviceIdFor(
      env.BETTER_AUTH_SECRET,
      cookieValue(ctx.headers?.get("cookie"), DEVICE_COOKIE),
      email,
    );
    return { address: requestAddress(ctx.headers), account: email, device };
  };

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
    emailVerification: {
      // Proof of the address, needed to accept an invitation (server/invitation/accept-invitation.ts).
      sendOnSignUp: true,
      autoSignInAfterVerification: true,
      expiresIn: 60 * 60 * 24,
      async sendVerificationEmail({ user, url }) {
        await mailer.send({
          to: user.email,
          subject: "Confirm your email address for Mixcast",
          text: `Hello ${user.name},\n\nConfirm that ${user.email} is your address by opening this link (valid for 24 hours):\n\n${url}\n\nIf you did not create a Mixcast account, ignore this message.\n`,
          link: url,
        });
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    rateLimit: {
      // On in every environment (better-auth only enables it in production by default). Keyed by
      // the address that server/http/client-address-hook.ts resolved, never a client-sent header.
      enabled: throttleOn,
      window: 60,
      max: 200,
      customRules: {
        // Failed sign-ins are limited per address and per account by SignInThrottle; this is
        // only a flood guard on the endpoint as a whole.
        "/sign-in/email": { window: 60, max: 30 },
        "/sign-up/email": { window: 60, max: 5 },
        "/organization/check-slug": { window: 60, max: 10 },
        "/send-verification-email": { window: 60, max: 3 },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/sign-up/email") {
          const body = (ctx.body ?? {}) as { password?: unknown; email?: unknown };
          const problems = passwordProblems(
            typeof body.password === "string" ? body.password : "",
            typeof body.email === "string" ? body.email : undefined,
          );
          if (problems.length > 0) throw new APIError("BAD_REQUEST", { message: problems.join(" ") });
        }
        if (ctx.path === "/sign-in/email" && throttleOn) {
          const decision = signInThrottle().check(attemptOf(ctx));
          if (!decision.allowed) {
            const minutes = Math.ceil(decision.retryAfterSeconds / 60);
            const wait =
              decision.retryAfterSeconds < 90
                ? `${decision.retryAfterSeconds} seconds`
                : `${minutes} minutes`;
            throw new APIError(
              "TOO_MANY_REQUESTS",
              {
                code: "TOO_MANY_SIGN_IN_ATTEMPTS",
                message:
                  decision.scope === "account"
                    ? `Too many failed sign-ins for this account. Try again in ${wait}, or from a browser you signed in with before.`
                    : `Too many failed sign-ins. Try again in ${wait}.`,
              },
              { "Retry-After": String(decision.retryAfterSeconds) },
            );
          }
        }
        if (
          ctx.path === "/update-user" &&
          typeof (ctx.body as { name?: unknown } | undefined)?.name === "string"
        ) {
          const session = await getSessionFromCtx(ctx).catch(() => null);
          if (session) renaming.set(ctx.body as object, session.user.name);
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const failed = isAPIError(ctx.context.returned);
        if (ctx.path === "/sign-in/email") {
          const attempt = attemptOf(ctx);
          const user = ctx.context.newSession?.user;
          if (!failed && user) {
            if (throttleOn) signInThrottle().recordSuccess(attempt);
            ctx.setCookie(DEVICE_COOKIE, issueDeviceCookie(env.BETTER_AUTH_SECRET, user.email), {
              httpOnly: true,
              sameSite: "lax",
              secure: secureCookies,
              path: "/api/auth",
              maxAge: DEVICE_COOKIE_MAX_AGE,
            });
            await auditAccount("user.sign_in", user.id, {
              address: attempt.address,
              knownDevice: !!attempt.device,
            });
          } else {
            const status = (ctx.context.returned as APIError | undefined)?.statusCode;
            // 429s were refused before the password was checked: not a new failure.
            if (status === 429) return;
            if (throttleOn) signInThrottle().recordFailure(attempt);
            const account = await getPrisma().user.findUnique({
              where: { email: attempt.account },
              select: { id: true },
            });
            await auditAccount("user.sign_in_failed", account?.id ?? null, {
              email: attempt.account.slice(0, 200),
              address: attempt.address,
            });
          }
        }
        if (failed) return;
        if (ctx.path === "/sign-up/email") {
          const user = ctx.context.newSession?.user;
          if (user)
            await auditAccount("user.sign_up", user.id, {
              email: user.email,
              address: requestAddress(ctx.headers),
            });
        }
        if (ctx.path === "/update-user") {
          const to = (ctx.body as { name?: unknown } | undefined)?.name;
          const from = renaming.get(ctx.body as object);
          const session = ctx.context.session ?? (await getSessionFromCtx(ctx).catch(() => null));
          if (typeof to === "string" && from !== undefined && from !== to && session)
            await auditAccount("user.rename", session.user.id, { from, to });
        }
        if (ctx.path === "/change-password") {
          const session = ctx.context.session ?? (await getSessionFromCtx(ctx).catch(() => null));
          if (session)
            await auditAccount("user.password_change", session.user.id, {
              address: requestAddress(ctx.headers),
              otherSessionsRevoked:
                (ctx.body as { revokeOtherSessions?: unknown } | undefined)?.revokeOtherSessions === true,
            });
        }
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
