import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";

const versionFields = {
  id: true,
  version: true,
  checksum: true,
  fileName: true,
  rowCount: true,
  columnCount: true,
  mapping: true,
  summary: true,
  createdAt: true,
  createdBy: { select: { name: true } },
} as const;

export async function listDatasets(db: PrismaExecutor, actor: Pick<Actor, "workspaceId">) {
  const rows = await db.dataset.findMany({
    where: { workspaceId: actor.workspaceId, archivedAt: null },
    orderBy: { updatedAt: "desc" },
    include: {
      versions: { orderBy: { version: "desc" }, take: 1, select: versionFields },
      _count: { select: { versions: true, models: true } },
    },
  });
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    updatedAt: d.updatedAt,
    latest: d.versions[0] ?? null,
    versionCount: d._count.versions,
    modelCount: d._count.models,
  }));
}

/** A dataset with every version (metadata only; the CSV bytes stay on the server). */
export async function getDataset(db: PrismaExecutor, actor: Actor, datasetId: string) {
  const dataset = await db.dataset.findFirst({
    where: { id: datasetId, workspaceId: actor.workspaceId },
    include: {
      versions: { orderBy: { version: "desc" }, select: versionFields },
      models: { select: { id: true, name: true } },
    },
  });
  if (!dataset) throw notFound("That dataset");
  return dataset;
}
