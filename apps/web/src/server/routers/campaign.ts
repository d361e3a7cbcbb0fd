import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { createCampaign, createCampaignInput } from "../campaign/create-campaign.ts";
import { deleteCampaign, deleteCampaignInput } from "../campaign/delete-campaign.ts";
import { getCampaign, listCampaigns } from "../campaign/list-campaigns.ts";
import { updateCampaign, updateCampaignInput } from "../campaign/update-campaign.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const campaignRouter = router({
  list: workspaceProcedure(access["campaign.list"]).query(({ ctx }) =>
    listCampaigns(ctx.prisma, actorOf(ctx)),
  ),
  get: workspaceProcedure(access["campaign.get"])
    .input(z.object({ campaignId: z.string().min(1) }))
    .query(({ ctx, input }) => getCampaign(ctx.prisma, actorOf(ctx), input.campaignId)),
  create: workspaceProcedure(access["campaign.create"])
    .input(createCampaignInput)
    .mutation(({ ctx, input }) => createCampaign(ctx.prisma, actorOf(ctx), input)),
  update: workspaceProcedure(access["campaign.update"])
    .input(updateCampaignInput)
    .mutation(({ ctx, input }) => updateCampaign(ctx.prisma, actorOf(ctx), input)),
  delete: workspaceProcedure(access["campaign.delete"])
    .input(deleteCampaignInput)
    .mutation(({ ctx, input }) => deleteCampaign(ctx.prisma, actorOf(ctx), input)),
});
