import { createHash } from "node:crypto";
import { z } from "zod";
import { parseDatasetCsv, parseDatasetV2Csv, v1MappingOf, type DataIssue } from "@mixcast/core";
import type { ColumnMapping, DataMappingV2, Dataset, DatasetV2 } from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { recordedActor, type Actor, type TokenActor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { canonicalJson } from "../canonical-json.ts";
import { conflict, notFound } from "../errors.ts";
import { dataMappingV2Schema } from "./column-mapping-schema.ts";

/** 20 MB of CSV text: 5 years of daily rows x 50 columns is about 1 MB. */
export const MAX_CSV_CHARS = 20_000_000;

export const uploadDatasetInput = z
  .object({
    /** Add a version to this dataset; omit to create a new dataset called `name`. */
    datasetId: z.string().min(1).optional(),
    name: z.string().trim().min(2, "Name the dataset (at least 2 characters).").max(80).optional(),
    fileName: z.string().max(255).optional(),
    csv: z.string().min(1, "The file is empty.").max(MAX_CSV_CHARS, "The file is larger than 20 MB."),
    /** v1's ColumnMapping or core's DataMappingV2 (geo, roles, units KPI, holidays). */
    mapping: dataMappingV2Schema,
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

/**
 * A v2 dataset's summary: the v1 shape over the national totals (KPI and spend summed over geos)
 * plus the geos, the channel roles and each geo's KPI and spend per week for the preview.
 */
export function summarizeDatasetV2(dataset: DatasetV2) {
  const N = dataset.dates.length;
  const national = (series: Float64Array[] | undefined) => {
    const out = new Float64Array(N);
    for (const s of series ?? []) for (let t = 0; t < N; t++) out[t]! += s[t]!;
    return out;
  };
  const round = (v: number) => Math.round(v * 100) / 100;
  const channelSeries = (c: DatasetV2["channels"][number]) => c.spend ?? c.exposure ?? c.reach;
  return {
    firstDate: dataset.dates[0] ?? null,
    lastDate: dataset.dates[N - 1] ?? null,
    weeks: N,
    geos: dataset.geos,
    geoColumn: dataset.geoColumn ?? null,
    kpiType: dataset.kpiType,
    holidays: dataset.holidays
      ? { country: dataset.holidays.country, region: dataset.holidays.region ?? null }
      : null,
    channels: dataset.channels.map((c) => ({ name: c.name, type: c.type, role: c.role, columns: c.columns })),
    columns: [
      summarizeColumn(dataset.kpiName, "kpi", national(dataset.kpi)),
      ...dataset.channels.map((c) => summarizeColumn(c.name, "channel", national(channelSeries(c)), c.type)),
      ...dataset.controls
        .filter((c) => c.kind === "numeric")
        .map((c) => summarizeColumn(c.name, "control", national(c.values))),
      ...dataset.events.map((c) => summarizeColumn(c.name, "event", national(c.values))),
    ],
    /** Per geo, weekly KPI and paid spend (all channels) for small multiples. */
    byGeo:
      dataset.geos.length > 1
        ? dataset.geos.map((geo, g) => ({
            geo,
            kpi: Array.from(dataset.kpi[g]!, round),
            spend: Array.from({ length: N }, (_, t) =>
              round(dataset.channels.reduce((s, c) => s + (c.spend?.[g]?.[t] ?? 0), 0)),
            ),
          }))
        : null,
  };
}

function sameMapping(a: unknown, b: ColumnMapping | DataMappingV2): boolean {
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
  const v1 = v1MappingOf(input.mapping);
  let mapping: ColumnMapping | DataMappingV2;
  let parsedRows: number;
  let summary: unknown;
  let warnings: DataIssue[];
  if (v1.ok) {
    // No v2 feature: stored and parsed exactly as before.
    const v1Mapping: ColumnMapping = {
      date: v1.mapping.date,
      kpi: v1.mapping.kpi,
      channels: v1.mapping.channels,
      ...(v1.mapping.controls?.length ? { controls: v1.mapping.controls } : {}),
      ...(v1.mapping.events?.length ? { events: v1.mapping.events } : {}),
    };
    mapping = v1Mapping;
    const parsed = parseDatasetCsv(input.csv, v1Mapping);
    if (!parsed.ok)
      return { ok: false, errors: parsed.errors, errorCount: parsed.errorCount, warnings: parsed.warnings };
    parsedRows = parsed.dataset.dates.length;
    summary = summarizeDataset(parsed.dataset);
    warnings = parsed.warnings;
  } else {
    // Geo, roles, units KPI or holidays: core's v2 parser (errors name row, column and geo).
    const m = input.mapping;
    mapping = {
      ...m,
      ...(m.controls?.length ? {} : { controls: undefined }),
      ...(m.events?.length ? {} : { events: undefined }),
    };
    mapping = JSON.parse(JSON.stringify(mapping)) as DataMappingV2;
    const parsed = parseDatasetV2Csv(input.csv, mapping);
    if (!parsed.ok)
      return { ok: false, errors: parsed.errors, errorCount: parsed.errorCount, warnings: parsed.warnings };
    parsedRows = parsed.dataset.dates.length * parsed.dataset.geos.length;
    summary = summarizeDatasetV2(parsed.dataset);
    warnings = parsed.warnings;
  }
  const checksum = sha256Hex(input.csv);
  const columnCount = new Set(mappedColumns(mapping)).size;

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
          warnings,
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
        rowCount: parsedRows,
        columnCount,
        mapping: mapping as unknown as Prisma.InputJsonValue,
        summary: summary as Prisma.InputJsonValue,
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
      warnings,
    };
  });
}

/** Every column a mapping uses. */
function mappedColumns(m: ColumnMapping | DataMappingV2): string[] {
  const v2 = m as DataMappingV2;
  return [
    m.date,
    m.kpi,
    ...[v2.geo, v2.population, v2.valueColumn].filter((c): c is string => c !== undefined),
    ...m.channels.flatMap((c) =>
      [c.column, ...("exposure" in c ? [c.exposure, c.reach, c.frequency] : [])].filter(
        (x): x is string => x !== undefined,
      ),
    ),
    ...(m.controls ?? []),
    ...(m.events ?? []),
  ];
}
