import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { cancelRun, cancelRunInput } from "../run/cancel-run.ts";
import { exportRunDrawsCsv, exportRunDrawsInput } from "../run/export-run-draws.ts";
import { getRun } from "../run/get-run.ts";
import { listRuns, listRunsInput } from "../run/list-runs.ts";
import { startRun, startRunInput } from "../run/start-run.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const runRouter = router({
  list: workspaceProcedure(access["run.list"])
    .input(listRunsInput)
    .query(({ ctx, input }) => listRuns(ctx.prisma, actorOf(ctx), input)),
  get: workspaceProcedure(access["run.get"])
    .input(z.object({ runId: z.string().min(1) }))
    .query(({ ctx, input }) => getRun(ctx.prisma, actorOf(ctx), input.runId)),
  exportDraws: workspaceProcedure(access["run.exportDraws"])
    .input(exportRunDrawsInput)
    .query(({ ctx, input }) => exportRunDrawsCsv(ctx.prisma, actorOf(ctx), input)),
  start: workspaceProcedure(access["run.start"])
    .input(startRunInput)
    .mutation(({ ctx, input }) => startRun(ctx.prisma, actorOf(ctx), input, ctx.enqueueFitRun)),
  cancel: workspaceProcedure(access["run.cancel"])
    .input(cancelRunInput)
    .mutation(({ ctx, input }) => cancelRun(ctx.prisma, actorOf(ctx), input)),
});
