import { getPrisma } from "@mixcast/db";
import { enqueueFitRun } from "@mixcast/db/jobs";
import { serverEnv } from "@/env.ts";
import { getSessionUser } from "@/lib/auth.ts";
import { mailerFor, parseAllowedNetworks } from "@mixcast/notify";
import type { Context } from "./trpc.ts";

/** Context for an HTTP request: the session's user, the shared Prisma client, the fit queue. */
export async function createRequestContext(headers: Headers): Promise<Context> {
  return contextForUser(await getSessionUser(headers));
}

/** The same context for a user the caller has already authenticated (server components). */
export function contextForUser(user: Context["user"]): Context {
  return {
    prisma: getPrisma(),
    user,
    enqueueFitRun: (runId) => enqueueFitRun(runId),
    baseUrl: serverEnv().BETTER_AUTH_URL,
    mailer: mailerFor(serverEnv().SMTP_URL, serverEnv().MAIL_FROM),
    allowedWebhookNetworks: parseAllowedNetworks(serverEnv().MIXCAST_WEBHOOK_ALLOWED_NETWORKS),
  };
}
