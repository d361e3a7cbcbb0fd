import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { getOptimizerContext, runOptimizer, runOptimizerInput } from "../optimizer/run-optimizer.ts";
import { runGoal, runGoalInput } from "../optimizer/run-goal.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const optimizerRouter = router({
  context: workspaceProcedure(access["optimizer.context"])
    .input(z.object({ runId: z.string().min(1) }))
    .query(({ ctx, input }) => getOptimizerContext(ctx.prisma, actorOf(ctx), input.runId)),
  run: workspaceProcedure(access["optimizer.run"])
    .input(runOptimizerInput)
    .mutation(({ ctx, input }) => runOptimizer(ctx.prisma, actorOf(ctx), input)),
  /** Goals (max KPI, min spend for a KPI target, target marginal / overall ROI) and flighting. */
  goal: workspaceProcedure(access["optimizer.goal"])
    .input(runGoalInput)
    .mutation(({ ctx, input }) => runGoal(ctx.prisma, actorOf(ctx), input)),
});
