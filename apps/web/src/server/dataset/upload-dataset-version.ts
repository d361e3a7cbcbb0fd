import { createHash } from "node:crypto";
import { z } from "zod";
import { parseDatasetCsv, type DataIssue } from "@mixcast/core";
import type { ColumnMapping, Dataset } from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { recordedActor, type Actor, type TokenActor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { canonicalJson } from "../canonical-json.ts";
import { conflict, notFound } from "../errors.ts";
import { columnMappingSchema } from "./column-mapping-schema.ts";

/** 20 MB of CSV text: 5 years of daily rows x 50 columns is about 1 MB. */
export const MAX_CSV_CHARS = 20_000_000;

export const uploadDatasetInput = z
  .object({
    /** Add a version to this dataset; omit to create a new dataset called `name`. */
    datasetId: z.string().min(1).optional(),
    name: z.string().trim().min(2, "Name the dataset (at least 2 characters).").max(80).optional(),
    fileName: z.string().max(255).optional(),
    csv: z.string().min(1, "The file is empty.").max(MAX_CSV_CHARS, "The file is larger than 20 MB."),
    mapping: columnMappingSchema,
  })
  .refine((v) => v.datasetId !== undefined || v.name !== undefined, {
    message: "Name the new dataset.",
    path: ["name"],
  });

export type UploadDatasetInput = z.infer<typeof uploadDatasetInput>;

export type UploadDatasetResult =
  | {
      ok: true;
      datasetId: string;
      versionId: string;
      version: number;
      duplicate: boolean;
      warnings: DataIssue[];
    }
  | { ok: false; errors: DataIssue[]; errorCount: number; warnings: DataIssue[] };

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

interface ColumnSummary {
  name: string;
  role: "kpi" | "channel" | "control" | "event";
  type?: string;
  min: number;
  max: number;
  mean: number;
  total: number;
}

function summarizeColumn(
  name: string,
  role: ColumnSummary["role"],
  values: Float64Array,
  type?: string,
): ColumnSummary {
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    total += v;
  }
  return {
    name,
    role,
    ...(type ? { type } : {}),
    min,
    max,
    mean: values.length ? total / values.length : 0,
    total,
  };
}

export function summarizeDataset(dataset: Dataset) {
  return {
    firstDate: dataset.dates[0] ?? null,
    lastDate: dataset.dates[dataset.dates.length - 1] ?? null,
    weeks: dataset.dates.length,
    columns: [
      summarizeColumn(dataset.kpiName, "kpi", dataset.kpi),
      ...dataset.channels.map((c) => summarizeColumn(c.name, "channel", c.spend, c.type)),
      ...dataset.controls.map((c) => summarizeColumn(c.name, "control", c.values)),
      ...dataset.events.map((c) => summarizeColumn(c.name, "event", c.values)),
    ],
  };
}

function sameMapping(a: unknown, b: ColumnMapping): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Validates a CSV through core and stores it as a new immutable DatasetVersion. Invalid data is
 * returned as a list of row/column errors and nothing is stored. The same bytes with the same
 * mapping as an existing version of the dataset return that version instead of a duplicate.
 */
export async function uploadDatasetVersion(
  db: PrismaClient,
  actor: Actor | TokenActor,
  input: UploadDatasetInput,
): Promise<UploadDatasetResult> {
  const by = recordedActor(actor);
  const mapping: ColumnMapping = {
    date: input.mapping.date,
    kpi: input.mapping.kpi,
    channels: input.mapping.channels,
    ...(input.mapping.controls?.length ? { controls: input.mapping.controls } : {}),
    ...(input.mapping.events?.length ? { events: input.mapping.events } : {}),
  };
  const parsed = parseDatasetCsv(input.csv, mapping);
  if (!parsed.ok)
    return { ok: false, errors: parsed.errors, errorCount: parsed.errorCount, warnings: parsed.warnings };
  const checksum = sha256Hex(input.csv);
  const columnCount =
    2 + mapping.channels.length + (mapping.controls?.length ?? 0) + (mapping.events?.length ?? 0);
  const summary = summarizeDataset(parsed.dataset);

  return db.$transaction(async (tx) => {
    let datasetId = input.datasetId;
    if (datasetId) {
      const dataset = await tx.dataset.findFirst({
        where: { id: datasetId, workspaceId: actor.workspaceId },
      });
      if (!dataset) throw notFound("That dataset");
      // Serialize concurrent uploads to one dataset so version numbers stay 1, 2, 3, ...
      await tx.$queryRaw`SELECT id FROM "Dataset" WHERE id = ${datasetId} FOR UPDATE`;
      const same = await tx.datasetVersion.findMany({
        where: { datasetId, checksum },
        orderBy: { version: "desc" },
      });
      const match = same.find((v) => sameMapping(v.mapping, mapping));
      if (match)
        return {
          ok: true as const,
          datasetId,
          versionId: match.id,
          version: match.version,
          duplicate: true,
          warnings: parsed.warnings,
        };
    } else {
      const name = input.name!;
      const clash = await tx.dataset.findFirst({ where: { workspaceId: actor.workspaceId, name } });
      if (clash)
        throw conflict(
          `A dataset called "${name}" already exists. Open it and upload a new version there, or pick another name.`,
        );
      const dataset = await tx.dataset.create({
        data: { workspaceId: actor.workspaceId, name, createdById: by.createdById },
      });
      datasetId = dataset.id;
      await writeAudit(tx, {
        workspaceId: actor.workspaceId,
        actorId: by.actorId,
        actorKind: by.actorKind,
        action: "dataset.create",
        targetType: "dataset",
        targetId: dataset.id,
        details: { name },
      });
    }
    const last = await tx.datasetVersion.findFirst({
      where: { datasetId },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    const version = (last?.version ?? 0) + 1;
    const created = await tx.datasetVersion.create({
      data: {
        workspaceId: actor.workspaceId,
        datasetId,
        version,
        checksum,
        fileName: input.fileName ?? null,
        rowCount: parsed.dataset.dates.length,
        columnCount,
        mapping: mapping as unknown as Prisma.InputJsonValue,
        summary: summary as unknown as Prisma.InputJsonValue,
        csv: input.csv,
        createdById: by.createdById,
      },
    });
    await tx.dataset.update({ where: { id: datasetId }, data: { updatedAt: new Date() } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: by.actorId,
      actorKind: by.actorKind,
      action: "dataset_version.create",
      targetType: "dataset_version",
      targetId: created.id,
      details: { datasetId, version, checksum, rows: created.rowCount, fileName: input.fileName ?? null },
    });
    return {
      ok: true as const,
      datasetId,
      versionId: created.id,
      version,
      duplicate: false,
      warnings: parsed.warnings,
    };
  });
}
