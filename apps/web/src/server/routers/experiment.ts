import { procedureAccess as access } from "../access.ts";
import { designNextTest, designNextTestInput } from "../experiment/design-next-test.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const experimentRouter = router({
  design: workspaceProcedure(access["experiment.design"])
    .input(designNextTestInput)
    .query(({ ctx, input }) => designNextTest(ctx.prisma, actorOf(ctx), input)),
});
