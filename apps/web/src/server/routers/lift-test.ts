import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import {
  archiveLiftTest,
  archiveLiftTestInput,
  createLiftTest,
  createLiftTestInput,
  importLiftTests,
  importLiftTestsInput,
  listLiftTests,
  runLiftTests,
  updateLiftTest,
  updateLiftTestInput,
} from "../lift-test/lift-tests.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const liftTestRouter = router({
  list: workspaceProcedure(access["liftTest.list"])
    .input(z.object({ includeArchived: z.boolean().default(false) }))
    .query(({ ctx, input }) => listLiftTests(ctx.prisma, actorOf(ctx), input)),
  create: workspaceProcedure(access["liftTest.create"])
    .input(createLiftTestInput)
    .mutation(({ ctx, input }) => createLiftTest(ctx.prisma, actorOf(ctx), input)),
  update: workspaceProcedure(access["liftTest.update"])
    .input(updateLiftTestInput)
    .mutation(({ ctx, input }) => updateLiftTest(ctx.prisma, actorOf(ctx), input)),
  archive: workspaceProcedure(access["liftTest.archive"])
    .input(archiveLiftTestInput)
    .mutation(({ ctx, input }) => archiveLiftTest(ctx.prisma, actorOf(ctx), input)),
  importCsv: workspaceProcedure(access["liftTest.importCsv"])
    .input(importLiftTestsInput)
    .mutation(({ ctx, input }) => importLiftTests(ctx.prisma, actorOf(ctx), input)),
  forRun: workspaceProcedure(access["liftTest.forRun"])
    .input(z.object({ runId: z.string().min(1) }))
    .query(({ ctx, input }) => runLiftTests(ctx.prisma, actorOf(ctx), input.runId)),
});
