// A fitted run from simulated data, stored exactly as the worker stores one (summary JSON, deflated
// Float32 draws artifact, model spec artifact, refresh comparison). Used by the domain tests, the e2e seed and the run-detail benchmark, so
// they exercise real draws without a worker or a queue.
import { fitModel } from "@mixcast/core/node";
import { serializeFitResult } from "@mixcast/core";
import { parseModelConfig } from "@mixcast/core";
import { simulate } from "@mixcast/core";
import { DEMO_CHANNELS, type SimChannel } from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { sha256Hex } from "../src/server/dataset/upload-dataset-version.ts";
import { encodeStoredDraws, refreshComparisonFor, storeRunViews } from "@mixcast/runs";
import { buildModelSpec, parseDatasetCsv } from "@mixcast/core";
import { modelConfigCodec, runDiagnosticsCodec, runSummaryCodec } from "@mixcast/runs/stored";

/** DEMO_CHANNELS plus a display channel: 8 channels, as in the run-detail benchmark. */
export const EIGHT_CHANNELS: SimChannel[] = [
  ...DEMO_CHANNELS,
  {
    name: "Display",
    type: "digital",
    plan: { pattern: "pulsing", level: 9_000, burstRate: 0.08, burstWeeks: 2, noise: 0.25 },
  },
];

export interface SeedFittedRunOptions {
  workspaceId: string;
  userId: string;
  weeks?: number;
  channels?: number;
  seed?: number;
  draws?: number;
  /** Reuse this model (a second run of the same model, e.g. for comparison/refresh). */
  modelId?: string;
  /** Overrides merged into the simulated config (e.g. a "traditional" pipeline). */
  configPatch?: Record<string, unknown>;
  finishedAt?: Date;
  trigger?: "manual" | "schedule";
}

export async function seedFittedRun(prisma: PrismaClient, o: SeedFittedRunOptions) {
  const weeks = o.weeks ?? 60;
  const channels = EIGHT_CHANNELS.slice(0, o.channels ?? 3);
  const sim = simulate({ weeks, seed: o.seed ?? 11, channels });
  const config = parseModelConfig({ ...sim.config, ...(o.configPatch ?? {}) });
  const fit = await fitModel(sim.dataset, config, {
    mode: "fast",
    draws: o.draws ?? 100,
    seed: o.seed ?? 11,
  });
  const draws = encodeStoredDraws(fit.draws);
  const summary = runSummaryCodec.encode(serializeFitResult(fit));
  const suffix = Math.random().toString(36).slice(2, 8);

  let modelId = o.modelId;
  let datasetVersionId: string;
  if (!modelId) {
    const dataset = await prisma.dataset.create({
      data: { workspaceId: o.workspaceId, name: `Simulated sales ${suffix}`, createdById: o.userId },
    });
    const version = await prisma.datasetVersion.create({
      data: {
        workspaceId: o.workspaceId,
        datasetId: dataset.id,
        version: 1,
        checksum: sha256Hex(sim.csv),
        fileName: "simulated.csv",
        rowCount: weeks,
        columnCount: sim.csv.split("\n", 1)[0]!.split(",").length,
        mapping: sim.mapping as unknown as Prisma.InputJsonValue,
        summary: {},
        csv: sim.csv,
        createdById: o.userId,
      },
    });
    const model = await prisma.model.create({
      data: {
        workspaceId: o.workspaceId,
        datasetId: dataset.id,
        name: `Demo brand ${suffix}`,
        createdById: o.userId,
      },
    });
    modelId = model.id;
    datasetVersionId = version.id;
  } else {
    const last = await prisma.run.findFirstOrThrow({ where: { modelId }, orderBy: { queuedAt: "desc" } });
    datasetVersionId = last.datasetVersionId;
  }
  const versions = await prisma.modelConfigVersion.count({ where: { modelId } });
  const cv = await prisma.modelConfigVersion.create({
    data: {
      workspaceId: o.workspaceId,
      modelId,
      version: versions + 1,
      config: modelConfigCodec.encode(config),
      note: o.configPatch ? "patched" : "simulated defaults",
      createdById: o.userId,
    },
  });
  const configVersionId = cv.id;
  const finishedAt = o.finishedAt ?? new Date();
  const run = await prisma.run.create({
    data: {
      workspaceId: o.workspaceId,
      modelId,
      datasetVersionId,
      configVersionId,
      status: "succeeded",
      trigger: o.trigger ?? "manual",
      mode: "fast",
      percent: 100,
      seed: o.seed ?? 11,
      engineVersion: fit.engineVersion,
      converged: fit.diagnostics.converged,
      diagnostics: runDiagnosticsCodec.encode(fit.diagnostics),
      summary,
      createdById: o.userId,
      queuedAt: new Date(finishedAt.getTime() - 60_000),
      startedAt: new Date(finishedAt.getTime() - 50_000),
      finishedAt,
    },
  });
  await prisma.runArtifact.create({
    data: {
      workspaceId: o.workspaceId,
      runId: run.id,
      kind: "draws",
      ...draws,
    },
  });
  // the views the worker stores with an outcome: the model spec (from the stored CSV, as the worker
  // parses it) and the ROI change against the model's previous run
  const parsed = parseDatasetCsv(sim.csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok) throw new Error(`simulated CSV does not parse: ${parsed.errors[0]?.message}`);
  const refreshComparison = await refreshComparisonFor(prisma, run, runSummaryCodec.decode(summary));
  await storeRunViews(prisma, run.id, { spec: buildModelSpec(parsed.dataset, config), refreshComparison });
  return { runId: run.id, modelId, channels: channels.map((c) => c.name), kpi: config.kpi, fit };
}
