import { z } from "zod";
import { formatPath, modelConfigSchema, modelConfigV2Schema, usesV2Features } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { modelConfigCodec, modelConfigV2Codec } from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { canonicalJson } from "../canonical-json.ts";
import { notFound } from "../errors.ts";
import { configIssuesForDataset, datasetShapeOf } from "./config-fits-dataset.ts";

export const saveModelConfigInput = z.object({
  modelId: z.string().min(1),
  /** core's ModelConfig; validated by core's modelConfigSchema below, field by field. */
  config: z.record(z.string(), z.unknown()),
  note: z.string().trim().max(200).optional(),
});

export type SaveModelConfigResult =
  | { ok: true; configVersionId: string; version: number; unchanged: boolean }
  | { ok: false; issues: { path: string; message: string }[] };

/** Saves a config as a new immutable version (unless it equals the latest one). */
export async function saveModelConfig(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof saveModelConfigInput>,
): Promise<SaveModelConfigResult> {
  // v2 first: v1's schema would silently drop geo, roles, link, knots... (core config-v2 names each
  // invalid combination's field, e.g. an organic channel with a spend column).
  const v2 = modelConfigV2Schema.safeParse(input.config);
  if (!v2.success)
    return {
      ok: false,
      issues: v2.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    };
  if (usesV2Features(v2.data))
    return saveVersion(db, actor, input, v2.data, () => modelConfigV2Codec.encode(v2.data));
  const parsed = modelConfigSchema.safeParse(input.config);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    };
  const config = parsed.data;
  return saveVersion(
    db,
    actor,
    input,
    config,
    () => modelConfigCodec.encode(config),
    (datasetVersion) => configIssuesForDataset(config, datasetShapeOf(datasetVersion)),
  );
}

async function saveVersion(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof saveModelConfigInput>,
  config: object,
  encode: () => ReturnType<typeof modelConfigCodec.encode>,
  issuesFor?: (datasetVersion: Parameters<typeof datasetShapeOf>[0]) => { path: string; message: string }[],
): Promise<SaveModelConfigResult> {
  return db.$transaction(async (tx) => {
    const model = await tx.model.findFirst({ where: { id: input.modelId, workspaceId: actor.workspaceId } });
    if (!model) throw notFound("That model");
    await tx.$queryRaw`SELECT id FROM "Model" WHERE id = ${model.id} FOR UPDATE`;
    const latest = await tx.modelConfigVersion.findFirst({
      where: { modelId: model.id },
      orderBy: { version: "desc" },
    });
    if (latest && canonicalJson(latest.config) === canonicalJson(config)) {
      return { ok: true as const, configVersionId: latest.id, version: latest.version, unchanged: true };
    }
    const datasetVersion = await tx.datasetVersion.findFirst({
      where: { datasetId: model.datasetId },
      orderBy: { version: "desc" },
    });
    // The config must fit the dataset version a run would use (the newest one).
    if (datasetVersion && issuesFor) {
      const issues = issuesFor(datasetVersion);
      if (issues.length > 0) return { ok: false as const, issues };
    }
    const version = (latest?.version ?? 0) + 1;
    const created = await tx.modelConfigVersion.create({
      data: {
        workspaceId: actor.workspaceId,
        modelId: model.id,
        version,
        config: encode(),
        note: input.note ?? null,
        createdById: actor.userId,
      },
    });
    await tx.model.update({ where: { id: model.id }, data: { updatedAt: new Date() } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "model_config.create",
      targetType: "model_config_version",
      targetId: created.id,
      details: { modelId: model.id, version },
    });
    return { ok: true as const, configVersionId: created.id, version, unchanged: false };
  });
}
