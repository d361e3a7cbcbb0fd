import { procedureAccess as access } from "../access.ts";
import {
  removeSchedule,
  removeScheduleInput,
  upsertSchedule,
  upsertScheduleInput,
} from "../schedule/upsert-schedule.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const scheduleRouter = router({
  upsert: workspaceProcedure(access["schedule.upsert"])
    .input(upsertScheduleInput)
    .mutation(({ ctx, input }) => upsertSchedule(ctx.prisma, actorOf(ctx), input)),
  remove: workspaceProcedure(access["schedule.remove"])
    .input(removeScheduleInput)
    .mutation(({ ctx, input }) => removeSchedule(ctx.prisma, actorOf(ctx), input)),
});
