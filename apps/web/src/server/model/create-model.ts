import { z } from "zod";
import { modelConfigSchema, v1MappingOf, type ModelConfig } from "@mixcast/core";
import type { ColumnMapping, DataMappingV2 } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { modelConfigCodec, modelConfigV2Codec } from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, conflict, notFound } from "../errors.ts";

export const createModelInput = z.object({
  name: z.string().trim().min(2, "Name the model (at least 2 characters).").max(80),
  datasetId: z.string().min(1, "Choose a dataset."),
});

/** The starting config for a dataset: its mapping with every default of the channel types. */
export function defaultConfigFor(mapping: ColumnMapping): ModelConfig {
  return modelConfigSchema.parse({
    date: mapping.date,
    kpi: mapping.kpi,
    channels: mapping.channels.map((c) => ({ column: c.column, type: c.type })),
    controls: mapping.controls ?? [],
    events: mapping.events ?? [],
  });
}

/** A v2 dataset's starting config: its whole mapping (geo, roles, KPI type, holidays) + defaults. */
export function defaultConfigV2For(mapping: DataMappingV2) {
  return modelConfigV2Codec.encode({
    ...mapping,
    controls: mapping.controls ?? [],
    events: mapping.events ?? [],
  });
}

export async function createModel(db: PrismaClient, actor: Actor, input: z.infer<typeof createModelInput>) {
  return db.$transaction(async (tx) => {
    const dataset = await tx.dataset.findFirst({
      where: { id: input.datasetId, workspaceId: actor.workspaceId },
      include: { versions: { orderBy: { version: "desc" }, take: 1 } },
    });
    if (!dataset) throw notFound("That dataset");
    const latest = dataset.versions[0];
    if (!latest) throw badRequest("This dataset has no valid version yet. Upload a CSV first.");
    if (await tx.model.findFirst({ where: { workspaceId: actor.workspaceId, name: input.name } })) {
      throw conflict(`A model called "${input.name}" already exists. Pick another name.`);
    }
    const model = await tx.model.create({
      data: {
        workspaceId: actor.workspaceId,
        datasetId: dataset.id,
        name: input.name,
        createdById: actor.userId,
      },
    });
    const mapping = latest.mapping as unknown as DataMappingV2;
    const v1 = v1MappingOf(mapping);
    const version = await tx.modelConfigVersion.create({
      data: {
        workspaceId: actor.workspaceId,
        modelId: model.id,
        version: 1,
        config: v1.ok ? modelConfigCodec.encode(defaultConfigFor(v1.mapping)) : defaultConfigV2For(mapping),
        note: "Defaults for each channel type",
        createdById: actor.userId,
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "model.create",
      targetType: "model",
      targetId: model.id,
      details: { name: input.name, datasetId: dataset.id, configVersionId: version.id },
    });
    return { id: model.id, configVersionId: version.id };
  });
}
