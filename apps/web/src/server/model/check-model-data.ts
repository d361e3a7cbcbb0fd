import type { PrismaExecutor } from "@mixcast/db";
import { checkRunData } from "@mixcast/runs";
import { z } from "zod";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";

export const checkModelDataInput = z.object({ modelId: z.string().min(1) });

/**
 * The data checks (docs/trust.md section 1) of the data a new run of this model would fit: the
 * newest dataset version under the newest config version, read as the run start and the worker
 * read them (`checkRunData`). Null when either is missing or the data does not parse (the run
 * itself reports that). `fitDespiteBlockingChecks`: the model's setting for scheduled refits.
 */
export async function checkModelData(db: PrismaExecutor, actor: Pick<Actor, "workspaceId">, modelId: string) {
  const model = await db.model.findFirst({ where: { id: modelId, workspaceId: actor.workspaceId } });
  if (!model) throw notFound("That model");
  const [config, version] = await Promise.all([
    db.modelConfigVersion.findFirst({ where: { modelId: model.id }, orderBy: { version: "desc" } }),
    db.datasetVersion.findFirst({ where: { datasetId: model.datasetId }, orderBy: { version: "desc" } }),
  ]);
  if (!config || !version) return null;
  const report = checkRunData(version.csv, config.config);
  if (!report) return null;
  return {
    datasetVersion: version.version,
    configVersion: config.version,
    fitDespiteBlockingChecks: model.fitDespiteBlockingChecks,
    ...report,
  };
}
