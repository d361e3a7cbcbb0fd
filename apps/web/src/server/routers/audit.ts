import { procedureAccess as access } from "../access.ts";
import { auditFilterInput, exportAuditCsv, listAuditEvents, listAuditInput } from "../audit/list-audit-events.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const auditRouter = router({
  list: workspaceProcedure(access["audit.list"])
    .input(listAuditInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.prisma, actorOf(ctx), input)),
  export: workspaceProcedure(access["audit.export"])
    .input(auditFilterInput)
    .query(({ ctx, input }) => exportAuditCsv(ctx.prisma, actorOf(ctx), input)),
});
