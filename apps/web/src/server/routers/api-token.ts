import { procedureAccess as access } from "../access.ts";
import {
  createApiToken,
  createApiTokenInput,
  listApiTokens,
  revokeApiToken,
  revokeApiTokenInput,
} from "../api-token/api-tokens.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const apiTokenRouter = router({
  list: workspaceProcedure(access["apiToken.list"]).query(({ ctx }) =>
    listApiTokens(ctx.prisma, actorOf(ctx)),
  ),
  create: workspaceProcedure(access["apiToken.create"])
    .input(createApiTokenInput)
    .mutation(({ ctx, input }) => createApiToken(ctx.prisma, actorOf(ctx), input)),
  revoke: workspaceProcedure(access["apiToken.revoke"])
    .input(revokeApiTokenInput)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.prisma, actorOf(ctx), input)),
});
