// A fitted v2 run (geo, R&F, organic, units KPI, ... as simulateV2 makes them) stored exactly as
// the worker stores one (apps/worker/src/fit-job.ts, prepareV2): the summary (core's FitResultV2
// without draws), the deflated Float32 draws, the v2 model spec and the analyzeRunV2 "analysis"
// artifact. Fast mode, so a test gets real draws in seconds.
import {
  analyzeRunV2,
  buildModelSpecV2,
  createModelV2,
  parseDatasetV2Csv,
  parseModelConfigV2,
  scaleDatasetV2,
  simulateV2,
  type SimulateV2Options,
} from "@mixcast/core";
import { fitModelV2, type FitResultV2 } from "@mixcast/core/node";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { encodeModelSpec, encodeStoredDraws, SPEC_ENCODING } from "@mixcast/runs";
import { insightsOfFitV2 } from "@mixcast/runs/insights";
import {
  jsonSafe,
  modelConfigV2Codec,
  runAnalysisV2Codec,
  runDiagnosticsCodec,
  runInsightsV2Codec,
  runSummaryCodec,
} from "@mixcast/runs/stored";
import { sha256Hex } from "../src/server/dataset/upload-dataset-version.ts";

export interface SeedFittedRunV2Options {
  workspaceId: string;
  userId: string;
  sim: SimulateV2Options;
  /** Merged into the simulated config (e.g. { timeVaryingMedia: true }). */
  configPatch?: Record<string, unknown>;
  draws?: number;
  seed?: number;
  /** false: store no "analysis" artifact (as when the worker's analysis failed). */
  withAnalysis?: boolean;
  /**
   * true: store the "insights" artifact as the worker does since it computes it when the fit
   * succeeds (@mixcast/runs/insights); default false, as for runs fitted before that.
   */
  withInsights?: boolean;
}

export async function seedFittedRunV2(prisma: PrismaClient, o: SeedFittedRunV2Options) {
  const sim = simulateV2(o.sim);
  const config = parseModelConfigV2({ ...JSON.parse(JSON.stringify(sim.config)), ...(o.configPatch ?? {}) });
  const parsed = parseDatasetV2Csv(sim.csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok) throw new Error(`simulated CSV does not parse: ${parsed.errors[0]?.message}`);
  const data = scaleDatasetV2(parsed.dataset, {
    holdoutWeeks: config.holdoutWeeks,
    fourierPairs: config.fourierPairs,
    link: config.link,
  });
  const spec = buildModelSpecV2(data, config);
  const fit: FitResultV2 = await fitModelV2(data, config, {
    mode: "fast",
    draws: o.draws ?? 60,
    seed: o.seed ?? 3,
  });
  const { draws: fitDraws, ...rest } = fit;
  const summary = runSummaryCodec.encode(jsonSafe(rest) as never);
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
      converged: fit.diagnostics.converged,
      diagnostics: runDiagnosticsCodec.encode(fit.diagnostics),
      summary,
      createdById: o.userId,
      queuedAt: new Date(finishedAt.getTime() - 60_000),
      startedAt: new Date(finishedAt.getTime() - 50_000),
      finishedAt,
    },
  });
  const artifact = { workspaceId: o.workspaceId, runId: run.id };
  await prisma.runArtifact.create({ data: { ...artifact, kind: "draws", ...encodeStoredDraws(fitDraws) } });
  await prisma.runArtifact.create({
    data: {
      ...artifact,
      kind: "spec",
      analysis: encodeModelSpec(spec),
      encoding: SPEC_ENCODING,
      sizeBytes: 0,
    },
  });
  if (o.withAnalysis !== false)
    await prisma.runArtifact.create({
      data: {
        ...artifact,
        kind: "analysis",
        analysis: runAnalysisV2Codec.encode(analyzeRunV2(createModelV2(spec), fitDraws)),
        encoding: "json",
        sizeBytes: 0,
      },
    });
  if (o.withInsights === true) {
    const insights = insightsOfFitV2(spec, fitDraws);
    if ("error" in insights) throw new Error(insights.error);
    await prisma.runArtifact.create({
      data: {
        ...artifact,
        kind: "insights",
        analysis: runInsightsV2Codec.encode(insights),
        encoding: "json",
        sizeBytes: 0,
      },
    });
  }
  return { runId: run.id, modelId: model.id, sim, spec, fit, config };
}
