import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { getRunInsights } from "../insight/get-run-insights.ts";
import { getRunInsightsV2 } from "../insight/get-run-insights-v2.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const insightRouter = router({
  get: workspaceProcedure(access["insight.get"])
    .input(z.object({ runId: z.string().min(1) }))
    .query(({ ctx, input }) => getRunInsights(ctx.prisma, actorOf(ctx), input.runId)),
  /** v2 runs (geo, R&F, organic, units KPI, log link, knots, time-varying media). */
  getV2: workspaceProcedure(access["insight.getV2"])
    .input(z.object({ runId: z.string().min(1) }))
    .query(({ ctx, input }) => getRunInsightsV2(ctx.prisma, actorOf(ctx), input.runId)),
});
