import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";
import { modelChannelsOf } from "./model-channels.ts";

export async function listModels(db: PrismaExecutor, actor: Actor) {
  const rows = await db.model.findMany({
    where: { workspaceId: actor.workspaceId, archivedAt: null },
    orderBy: { updatedAt: "desc" },
    include: {
      dataset: { select: { id: true, name: true } },
      schedule: { select: { weekday: true, hour: true, timezone: true, enabled: true } },
      configVersions: { orderBy: { version: "desc" }, take: 1, select: { version: true, config: true } },
      runs: {
        orderBy: { queuedAt: "desc" },
        take: 1,
        select: { id: true, status: true, converged: true, queuedAt: true },
      },
    },
  });
  return rows.map((m) => {
    return {
      id: m.id,
      name: m.name,
      dataset: m.dataset,
      schedule: m.schedule,
      configVersion: m.configVersions[0]?.version ?? null,
      lastRun: m.runs[0] ?? null,
      updatedAt: m.updatedAt,
      /** The latest config's channels (plan key, type and role: paid, R&F or organic), for pickers. */
      channels: modelChannelsOf(m.configVersions[0]?.config),
    };
  });
}

export async function getModel(db: PrismaExecutor, actor: Actor, modelId: string) {
  const model = await db.model.findFirst({
    where: { id: modelId, workspaceId: actor.workspaceId },
    include: {
      dataset: {
        include: {
          versions: {
            orderBy: { version: "desc" },
            select: {
              id: true,
              version: true,
              rowCount: true,
              createdAt: true,
              summary: true,
              mapping: true,
            },
          },
        },
      },
      configVersions: { orderBy: { version: "desc" }, include: { createdBy: { select: { name: true } } } },
      schedule: true,
    },
  });
  if (!model) throw notFound("That model");
  return model;
}
