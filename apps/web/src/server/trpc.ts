// The tRPC procedure ladder: publicProcedure -> authedProcedure -> workspaceProcedure(minRole).
// workspaceProcedure validates `workspaceId` first, loads the caller's membership and only then
// lets the procedure's own input and handler run, so no handler sees a workspace it may not touch.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { PrismaClient, Workspace } from "@mixcast/db";
import { roleAtLeast, type Role } from "@/lib/roles.ts";
import type { SessionUser } from "@/lib/auth.ts";
import type { AllowedNetworks, Mailer } from "@mixcast/notify";
import { INTERNAL_MESSAGE, toClientError } from "./error-mapping.ts";

export interface Context {
  prisma: PrismaClient;
  user: SessionUser | null;
  /** Puts a queued run on the fit queue (pg-boss in production; see @mixcast/db/jobs). */
  enqueueFitRun: (runId: string) => Promise<string | null>;
  /** Public origin of the app, for links (e.g. invitations). */
  baseUrl: string;
  /** Outgoing mail (SMTP_URL, else the development transport). */
  mailer?: Mailer;
  /** MIXCAST_WEBHOOK_ALLOWED_NETWORKS (default: webhooks may call public addresses only). */
  allowedWebhookNetworks?: AllowedNetworks;
  /** Set by the HTTP handler when the request body was refused (too large); nothing runs then. */
  bodyProblem?: TRPCError;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Second line of defence: whatever reached here as a 500 says nothing about the server.
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: internal ? INTERNAL_MESSAGE : shape.message,
      data: {
        ...data,
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure's failures go through error-mapping.ts (domain and database errors). */
export const publicProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (ctx.bodyProblem) throw ctx.bodyProblem;
  const result = await next();
  if (!result.ok) throw toClientError(result.error);
  return result;
});

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in to continue." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** The acting user in the workspace of a workspaceProcedure, as domain functions take it. */
export function actorOf(ctx: { user: SessionUser; workspace: Workspace; role: Role }) {
  return { userId: ctx.user.id, workspaceId: ctx.workspace.id, role: ctx.role };
}

export const workspaceInputSchema = z.object({ workspaceId: z.string().min(1).max(100) });

export function workspaceProcedure(minimum: Role) {
  return authedProcedure.input(workspaceInputSchema).use(async ({ ctx, input, next }) => {
    const membership = await ctx.prisma.membership.findUnique({
      where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: ctx.user.id } },
      include: { workspace: true },
    });
    // A workspace that does not exist and one the caller is not in look the same from outside.
    if (!membership)
      throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of this workspace." });
    const role = membership.role;
    if (!roleAtLeast(role, minimum)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Your role (${role}) cannot do this; it needs ${minimum} or higher.`,
      });
    }
    const workspace: Workspace = membership.workspace;
    return next({ ctx: { ...ctx, workspace, role } });
  });
}
