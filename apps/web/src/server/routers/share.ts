import { procedureAccess as access } from "../access.ts";
import {
  createShareLink,
  createShareLinkInput,
  listShareLinks,
  revokeShareLink,
  revokeShareLinkInput,
} from "../share/share-links.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const shareRouter = router({
  list: workspaceProcedure(access["share.list"]).query(({ ctx }) => listShareLinks(ctx.prisma, actorOf(ctx))),
  create: workspaceProcedure(access["share.create"])
    .input(createShareLinkInput)
    .mutation(({ ctx, input }) => createShareLink(ctx.prisma, actorOf(ctx), input)),
  revoke: workspaceProcedure(access["share.revoke"])
    .input(revokeShareLinkInput)
    .mutation(({ ctx, input }) => revokeShareLink(ctx.prisma, actorOf(ctx), input)),
});
