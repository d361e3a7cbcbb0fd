// A fitted v2 run (geo, R&F, organic, units KPI with a value... as simulateV2 makes them) with what
// the optimizer and scenarios read of it, stored as the worker stores it: the v2 config, the
// deflated Float32 draws and the v2 model spec artifacts. Fast mode, so a test gets real draws in
// seconds.
import {
  buildModelSpecV2,
  parseDatasetV2Csv,
  parseModelConfigV2,
  scaleDatasetV2,
  simulateV2,
  type SimulateV2Options,
} from "@mixcast/core";
import { fitModelV2 } from "@mixcast/core/node";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { encodeModelSpec, encodeStoredDraws, SPEC_ENCODING } from "@mixcast/runs";
import { modelConfigV2Codec } from "@mixcast/runs/stored";
import { sha256Hex } from "../src/server/dataset/upload-dataset-version.ts";

export async function seedPlanningRunV2(
  prisma: PrismaClient,
  o: { workspaceId: string; userId: string; sim: SimulateV2Options; draws?: number; seed?: number },
) {
  const sim = simulateV2(o.sim);
  const config = parseModelConfigV2(JSON.parse(JSON.stringify(sim.config)));
  const parsed = parseDatasetV2Csv(sim.csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok) throw new Error(`simulated CSV does not parse: ${parsed.errors[0]?.message}`);
  const data = scaleDatasetV2(parsed.dataset, {
    holdoutWeeks: config.holdoutWeeks,
    fourierPairs: config.fourierPairs,
    link: config.link,
  });
  const spec = buildModelSpecV2(data, config);
  const fit = await fitModelV2(data, config, { mode: "fast", draws: o.draws ?? 60, seed: o.seed ?? 3 });
  const suffix = Math.random().toString(36).slice(2, 8);
  const lines = sim.csv.trim().split("\n");
  const dataset = await prisma.dataset.create({
    data: { workspaceId: o.workspaceId, name: `Geo conversions ${suffix}`, createdById: o.userId },
  });
  const version = await prisma.datasetVersion.create({
    data: {
      workspaceId: o.workspaceId,
      datasetId: dataset.id,
      version: 1,
      checksum: sha256Hex(sim.csv),
      fileName: "simulated-v2.csv",
      rowCount: lines.length - 1,
      columnCount: lines[0]!.split(",").length,
      mapping: JSON.parse(JSON.stringify(sim.config)) as Prisma.InputJsonValue,
      summary: {},
      csv: sim.csv,
      createdById: o.userId,
    },
  });
  const model = await prisma.model.create({
    data: {
      workspaceId: o.workspaceId,
      datasetId: dataset.id,
      name: `Geo brand ${suffix}`,
      createdById: o.userId,
    },
  });
  const cv = await prisma.modelConfigVersion.create({
    data: {
      workspaceId: o.workspaceId,
      modelId: model.id,
      version: 1,
      config: modelConfigV2Codec.encode(config),
      note: "simulated v2",
      createdById: o.userId,
    },
  });
  const finishedAt = new Date();
  const run = await prisma.run.create({
    data: {
      workspaceId: o.workspaceId,
      modelId: model.id,
      datasetVersionId: version.id,
      configVersionId: cv.id,
      status: "succeeded",
      trigger: "manual",
      mode: "fast",
      percent: 100,
      seed: o.seed ?? 3,
      engineVersion: fit.engineVersion,
      createdById: o.userId,
      queuedAt: new Date(finishedAt.getTime() - 60_000),
      startedAt: new Date(finishedAt.getTime() - 50_000),
      finishedAt,
    },
  });
  const artifact = { workspaceId: o.workspaceId, runId: run.id };
  await prisma.runArtifact.create({ data: { ...artifact, kind: "draws", ...encodeStoredDraws(fit.draws) } });
  await prisma.runArtifact.create({
    data: {
      ...artifact,
      kind: "spec",
      analysis: encodeModelSpec(spec),
      encoding: SPEC_ENCODING,
      sizeBytes: 0,
    },
  });
  return { runId: run.id, modelId: model.id, sim, spec, config };
}
