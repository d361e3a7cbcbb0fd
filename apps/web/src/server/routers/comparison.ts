import { procedureAccess as access } from "../access.ts";
import { compareRuns, compareRunsInput } from "../comparison/compare-runs.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const comparisonRouter = router({
  runs: workspaceProcedure(access["comparison.runs"])
    .input(compareRunsInput)
    .query(({ ctx, input }) => compareRuns(ctx.prisma, actorOf(ctx), input)),
});
