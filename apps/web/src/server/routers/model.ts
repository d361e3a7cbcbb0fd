import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { checkModelData, checkModelDataInput } from "../model/check-model-data.ts";
import { createModel, createModelInput } from "../model/create-model.ts";
import { getModel, listModels } from "../model/list-models.ts";
import { saveModelConfig, saveModelConfigInput } from "../model/save-model-config.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const modelRouter = router({
  list: workspaceProcedure(access["model.list"]).query(({ ctx }) => listModels(ctx.prisma, actorOf(ctx))),
  get: workspaceProcedure(access["model.get"])
    .input(z.object({ modelId: z.string().min(1) }))
    .query(({ ctx, input }) => getModel(ctx.prisma, actorOf(ctx), input.modelId)),
  checkData: workspaceProcedure(access["model.checkData"])
    .input(checkModelDataInput)
    .query(({ ctx, input }) => checkModelData(ctx.prisma, actorOf(ctx), input.modelId)),
  create: workspaceProcedure(access["model.create"])
    .input(createModelInput)
    .mutation(({ ctx, input }) => createModel(ctx.prisma, actorOf(ctx), input)),
  saveConfig: workspaceProcedure(access["model.saveConfig"])
    .input(saveModelConfigInput)
    .mutation(({ ctx, input }) => saveModelConfig(ctx.prisma, actorOf(ctx), input)),
});
