import { z } from "zod";
import { procedureAccess as access } from "../access.ts";
import { getDataset, listDatasets } from "../dataset/list-datasets.ts";
import { uploadDatasetInput, uploadDatasetVersion } from "../dataset/upload-dataset-version.ts";
import { actorOf, router, workspaceProcedure } from "../trpc.ts";

export const datasetRouter = router({
  list: workspaceProcedure(access["dataset.list"]).query(({ ctx }) => listDatasets(ctx.prisma, actorOf(ctx))),
  get: workspaceProcedure(access["dataset.get"])
    .input(z.object({ datasetId: z.string().min(1) }))
    .query(({ ctx, input }) => getDataset(ctx.prisma, actorOf(ctx), input.datasetId)),
  upload: workspaceProcedure(access["dataset.upload"])
    .input(uploadDatasetInput)
    .mutation(({ ctx, input }) => uploadDatasetVersion(ctx.prisma, actorOf(ctx), input)),
});
