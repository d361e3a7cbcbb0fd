import { apiTokenRouter } from "./routers/api-token.ts";
import { alertRouter, approvalRouter, homeRouter } from "./routers/refresh.ts";
import { auditRouter } from "./routers/audit.ts";
import { campaignRouter } from "./routers/campaign.ts";
import { comparisonRouter } from "./routers/comparison.ts";
import { datasetRouter } from "./routers/dataset.ts";
import { experimentRouter } from "./routers/experiment.ts";
import { insightRouter } from "./routers/insight.ts";
import { invitationRouter } from "./routers/invitation.ts";
import { liftTestRouter } from "./routers/lift-test.ts";
import { memberRouter } from "./routers/member.ts";
import { modelRouter } from "./routers/model.ts";
import { optimizerRouter } from "./routers/optimizer.ts";
import { runRouter } from "./routers/run.ts";
import { reportRouter } from "./routers/report.ts";
import { scenarioRouter } from "./routers/scenario.ts";
import { shareRouter } from "./routers/share.ts";
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
  apiToken: apiTokenRouter,
  approval: approvalRouter,
  alert: alertRouter,
  home: homeRouter,
  // run insights, optimizer, campaigns and scenarios (web part 2)
  insight: insightRouter,
  experiment: experimentRouter,
  comparison: comparisonRouter,
  optimizer: optimizerRouter,
  campaign: campaignRouter,
  liftTest: liftTestRouter,
  scenario: scenarioRouter,
  // reports (PDF/HTML data) and read-only share links
  report: reportRouter,
  share: shareRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
