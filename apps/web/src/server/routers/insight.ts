import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { getRunInsights } from "../insight/get-run-insights.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const insightRouter = router({
  get: workspaceProcedure(access["insight.get"])
    .input(z.object({ runId: z.string().min(1) }))
    .query(({ ctx, input }) => getRunInsights(ctx.prisma, actorOf(ctx), input.runId)),
});
