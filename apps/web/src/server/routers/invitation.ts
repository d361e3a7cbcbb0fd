import { procedureAccess as access } from "../access.ts";
import {
  acceptInvitation,
  acceptInvitationInput,
  getInvitation,
  invitationIdInput,
} from "../invitation/accept-invitation.ts";
import { createInvitation, createInvitationInput } from "../invitation/create-invitation.ts";
import { invitationTransportFor } from "../invitation/invitation-transport.ts";
import { devConsoleMailer } from "@mixcast/notify";
import { listInvitations } from "../invitation/list-invitations.ts";
import { revokeInvitation, revokeInvitationInput } from "../invitation/revoke-invitation.ts";
import { actorOf, authedProcedure, router, workspaceProcedure } from "../trpc.ts";

export const invitationRouter = router({
  list: workspaceProcedure(access["invitation.list"]).query(({ ctx }) =>
    listInvitations(ctx.prisma, actorOf(ctx), ctx.baseUrl),
  ),
  create: workspaceProcedure(access["invitation.create"])
    .input(createInvitationInput)
    .mutation(({ ctx, input }) =>
      createInvitation(ctx.prisma, actorOf(ctx), input, {
        baseUrl: ctx.baseUrl,
        transport: invitationTransportFor(ctx.mailer ?? devConsoleMailer),
      }),
    ),
  revoke: workspaceProcedure(access["invitation.revoke"])
    .input(revokeInvitationInput)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.prisma, actorOf(ctx), input)),
  get: authedProcedure
    .input(invitationIdInput)
    .query(({ ctx, input }) => getInvitation(ctx.prisma, ctx.user, input)),
  accept: authedProcedure
    .input(acceptInvitationInput)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.prisma, ctx.user, input)),
});
