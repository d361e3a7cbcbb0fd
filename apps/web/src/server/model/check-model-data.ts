import {
  checkData,
  parseDatasetCsv,
  parseDatasetV2Csv,
  parseModelConfigV2,
  toV1Config,
  usesV2Features,
} from "@mixcast/core";
import type { PrismaExecutor } from "@mixcast/db";
import { z } from "zod";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";

export const checkModelDataInput = z.object({ modelId: z.string().min(1) });

/**
 * The data checks (docs/trust.md section 1) of the data a new run of this model would fit: the
 * newest dataset version under the newest config version. Null when either is missing or the data
 * does not parse (the run itself reports that).
 */
export async function checkModelData(db: PrismaExecutor, actor: Pick<Actor, "workspaceId">, modelId: string) {
  const model = await db.model.findFirst({ where: { id: modelId, workspaceId: actor.workspaceId } });
  if (!model) throw notFound("That model");
  const [config, version] = await Promise.all([
    db.modelConfigVersion.findFirst({ where: { modelId: model.id }, orderBy: { version: "desc" } }),
    db.datasetVersion.findFirst({ where: { datasetId: model.datasetId }, orderBy: { version: "desc" } }),
  ]);
  if (!config || !version) return null;
  let cfg;
  try {
    cfg = parseModelConfigV2(config.config);
  } catch {
    return null;
  }
  if (usesV2Features(cfg)) {
    const parsed = parseDatasetV2Csv(version.csv, cfg, { holdoutWeeks: cfg.holdoutWeeks });
    if (!parsed.ok) return null;
    return {
      datasetVersion: version.version,
      configVersion: config.version,
      ...checkData(parsed.dataset, { holdoutWeeks: cfg.holdoutWeeks }),
    };
  }
  const v1 = toV1Config(cfg);
  const parsed = parseDatasetCsv(version.csv, v1, { holdoutWeeks: v1.holdoutWeeks });
  if (!parsed.ok) return null;
  return {
    datasetVersion: version.version,
    configVersion: config.version,
    ...checkData(parsed.dataset, { holdoutWeeks: v1.holdoutWeeks }),
  };
}
