import { auditRouter } from "./routers/audit.ts";
import { datasetRouter } from "./routers/dataset.ts";
import { invitationRouter } from "./routers/invitation.ts";
import { memberRouter } from "./routers/member.ts";
import { modelRouter } from "./routers/model.ts";
import { runRouter } from "./routers/run.ts";
import { scheduleRouter } from "./routers/schedule.ts";
import { workspaceRouter } from "./routers/workspace.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  workspace: workspaceRouter,
  member: memberRouter,
  invitation: invitationRouter,
  dataset: datasetRouter,
  model: modelRouter,
  schedule: scheduleRouter,
  run: runRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
