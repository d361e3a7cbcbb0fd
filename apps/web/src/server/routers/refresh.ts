// Weekly refresh a team can trust: approvals, refit review (stability, what changed), alerts and
// the workspace home.
import { procedureAccess as access } from "../access.ts";
import {
  channelIdInput,
  createAlertChannel,
  createAlertChannelInput,
  deleteAlertChannel,
  listAlertChannels,
  listAlertDeliveries,
  listAlerts,
} from "../refresh/alerts.ts";
import {
  approveRun,
  approveRunInput,
  listApprovals,
  modelIdInput,
  refreshSettingsInput,
  updateRefreshSettings,
} from "../refresh/approvals.ts";
import { listBacktests } from "../refresh/backtests.ts";
import { getWorkspaceHome } from "../refresh/home.ts";
import { reforecastFollowers } from "../scenario/forecasts.ts";
import { getRunReview, runReviewInput } from "../refresh/run-review.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const approvalRouter = router({
  approve: workspaceProcedure(access["approval.approve"])
    .input(approveRunInput)
    .mutation(async ({ ctx, input }) => {
      const approved = await approveRun(ctx.prisma, actorOf(ctx), input);
      // Plans that follow the model's approved run are re-forecast on it (docs/reports.md).
      const reforecast = await reforecastFollowers(ctx.prisma, actorOf(ctx), approved.modelId);
      return { ...approved, reforecast };
    }),
  list: workspaceProcedure(access["approval.list"])
    .input(modelIdInput)
    .query(({ ctx, input }) => listApprovals(ctx.prisma, actorOf(ctx), input.modelId)),
  updateSettings: workspaceProcedure(access["approval.updateSettings"])
    .input(refreshSettingsInput)
    .mutation(({ ctx, input }) => updateRefreshSettings(ctx.prisma, actorOf(ctx), input)),
  backtests: workspaceProcedure(access["approval.backtests"])
    .input(modelIdInput)
    .query(({ ctx, input }) => listBacktests(ctx.prisma, actorOf(ctx), input.modelId)),
  review: workspaceProcedure(access["approval.review"])
    .input(runReviewInput)
    .query(({ ctx, input }) => getRunReview(ctx.prisma, actorOf(ctx), input.runId)),
});

export const alertRouter = router({
  list: workspaceProcedure(access["alert.list"]).query(({ ctx }) => listAlerts(ctx.prisma, actorOf(ctx))),
  channels: workspaceProcedure(access["alert.channels"]).query(({ ctx }) =>
    listAlertChannels(ctx.prisma, actorOf(ctx)),
  ),
  createChannel: workspaceProcedure(access["alert.createChannel"])
    .input(createAlertChannelInput)
    .mutation(({ ctx, input }) =>
      createAlertChannel(ctx.prisma, actorOf(ctx), input, ctx.allowedWebhookNetworks),
    ),
  deleteChannel: workspaceProcedure(access["alert.deleteChannel"])
    .input(channelIdInput)
    .mutation(({ ctx, input }) => deleteAlertChannel(ctx.prisma, actorOf(ctx), input)),
  deliveries: workspaceProcedure(access["alert.deliveries"]).query(({ ctx }) =>
    listAlertDeliveries(ctx.prisma, actorOf(ctx)),
  ),
});

export const homeRouter = router({
  get: workspaceProcedure(access["home.get"]).query(({ ctx }) => getWorkspaceHome(ctx.prisma, actorOf(ctx))),
});
