import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { buildComparisonReport } from "../report/comparison-report.ts";
import { buildRunReport } from "../report/run-report.ts";
import { compareScenariosInput } from "../scenario/compare-scenarios.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

/** Report data; the download routes (app/api/w/...) render it to PDF or HTML. */
export const reportRouter = router({
  run: workspaceProcedure(access["report.run"])
    .input(z.object({ runId: z.string().min(1) }))
    .query(({ ctx, input }) => buildRunReport(ctx.prisma, actorOf(ctx), input.runId)),
  comparison: workspaceProcedure(access["report.comparison"])
    .input(compareScenariosInput)
    .query(({ ctx, input }) => buildComparisonReport(ctx.prisma, actorOf(ctx), input)),
});
