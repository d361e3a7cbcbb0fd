import { procedureAccess as access } from "../access.ts";
import {
  auditFilterInput,
  exportAuditCsv,
  listAuditActors,
  listAuditEvents,
  listAuditInput,
} from "../audit/list-audit-events.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const auditRouter = router({
  list: workspaceProcedure(access["audit.list"])
    .input(listAuditInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.prisma, actorOf(ctx), input)),
  actors: workspaceProcedure(access["audit.actors"]).query(({ ctx }) =>
    listAuditActors(ctx.prisma, actorOf(ctx)),
  ),
  export: workspaceProcedure(access["audit.export"])
    .input(auditFilterInput)
    .query(({ ctx, input }) => exportAuditCsv(ctx.prisma, actorOf(ctx), input)),
});
