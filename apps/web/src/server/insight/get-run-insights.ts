// Everything the run insights page draws, in one response: core's RunAnalysis (decomposition,
// fit with bands, ROI / marginal ROI, response curves, adstock, social shares, synergies), weekly
// spend, posterior parameter summaries with diagnostics, and how ROI moved against the previous
// succeeded run of the same model (the refresh view: the comparison the worker stored in the run's
// summary; the spend comes from the stored model spec, not from the CSV).
//
// The analysis is computed from the stored draws once per run and kept as a RunArtifact: the
// worker's "analysis" artifact when it holds a RunAnalysis (version 1), otherwise this module
// computes one with packages/core and stores it as kind "insights".
import { analyzeRun, type RunAnalysis } from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import {
  runDiagnosticsCodec,
  runSummaryCodec,
  type RefreshComparison,
  type RunDiagnostics,
  type RunSummary,
} from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";
import { insightsArtifactCache } from "./insights-artifact.ts";
import { loadRunPosterior } from "./run-posterior.ts";

/** Per-draw work of the analysis uses this many evenly thinned draws (parameter summaries use all). */
export const INSIGHT_DRAWS = 200;

export interface IntervalLike {
  mean: number;
  q05: number;
  q95: number;
}

export interface ParameterRow {
  label: string;
  mean: number;
  sd: number | null;
  q05: number;
  q50: number | null;
  q95: number;
  rhat: number | null;
  essBulk: number | null;
  essTail: number | null;
}

export interface RoiMove {
  channel: string;
  previous: IntervalLike;
  current: IntervalLike;
  delta: number;
  relativeDelta: number | null;
  /** The new mean lies outside the previous run's 90% interval. */
  flagged: boolean;
}

export interface RunInsights {
  run: {
    id: string;
    modelId: string;
    modelName: string;
    status: string;
    mode: string;
    trigger: string;
    finishedAt: Date | null;
    configVersion: number;
    datasetVersion: number;
  };
  kpiName: string;
  analysis: RunAnalysis;
  spend: { dates: string[]; channels: { name: string; type: string; weekly: number[] }[] };
  parameters: ParameterRow[];
  diagnostics: RunDiagnostics | null;
  /** Chains the run sampled (the ESS each parameter needs scales with them), when stored. */
  chains: number | null;
  holdout: NonNullable<RunSummary["holdout"]> | null;
  loo: NonNullable<RunSummary["loo"]> | null;
  refresh: { previousRunId: string; previousFinishedAt: Date | null; channels: RoiMove[] } | null;
  source: "worker" | "web";
}

const keepAnalysis = insightsArtifactCache<RunAnalysis>(
  (analysis) => analysis as unknown as Prisma.InputJsonValue,
);

function isRunAnalysis(v: unknown): v is RunAnalysis {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { version?: unknown }).version === 1 &&
    Array.isArray((v as { channels?: unknown }).channels)
  );
}

/** The refresh view of the comparison the worker stored with the run (no computation here). */
export function roiMovesOf(cmp: RefreshComparison): RoiMove[] {
  return Object.entries(cmp.channels).map(([channel, c]) => ({
    channel,
    previous: { mean: c.previousMean, q05: c.previousQ05, q95: c.previousQ95 },
    current: { mean: c.mean, q05: c.q05, q95: c.q95 },
    delta: c.delta,
    relativeDelta: c.relativeDelta,
    flagged: c.outsidePreviousInterval,
  }));
}

export async function runAnalysisFor(
  db: PrismaClient,
  actor: Actor,
  runId: string,
): Promise<{ analysis: RunAnalysis; source: "worker" | "web" }> {
  const stored = await db.runArtifact.findMany({
    where: { runId, workspaceId: actor.workspaceId, kind: { in: ["analysis", "insights"] } },
    select: { kind: true, analysis: true },
  });
  const worker = stored.find((a) => a.kind === "analysis")?.analysis;
  if (isRunAnalysis(worker)) return { analysis: worker, source: "worker" };
  const mine = stored.find((a) => a.kind === "insights")?.analysis;
  if (isRunAnalysis(mine)) return { analysis: mine, source: "web" };
  const analysis = await keepAnalysis(db, actor, runId, async () => {
    const posterior = await loadRunPosterior(db, actor, runId);
    return analyzeRun(posterior.model, posterior.draws, { maxDraws: INSIGHT_DRAWS, seed: 1 });
  });
  return { analysis, source: "web" };
}

export async function getRunInsights(db: PrismaClient, actor: Actor, runId: string): Promise<RunInsights> {
  const run = await db.run.findFirst({
    where: { id: runId, workspaceId: actor.workspaceId },
    select: {
      id: true,
      modelId: true,
      status: true,
      mode: true,
      trigger: true,
      finishedAt: true,
      summary: true,
      diagnostics: true,
      model: { select: { name: true } },
      configVersion: { select: { version: true, config: true } },
      datasetVersion: { select: { version: true } },
    },
  });
  if (!run) throw notFound("That run");
  const [{ analysis, source }, posterior] = await Promise.all([
    runAnalysisFor(db, actor, runId),
    loadRunPosterior(db, actor, runId),
  ]);
  const summary = runSummaryCodec.decodeNullable(run.summary) ?? {};
  const parameters: ParameterRow[] = Object.entries(summary.parameters ?? {}).flatMap(([label, s]) => {
    if (s.mean === null || s.q05 === null || s.q95 === null) return [];
    return [
      {
        label,
        mean: s.mean,
        q05: s.q05,
        q95: s.q95,
        sd: s.sd ?? null,
        q50: s.q50 ?? null,
        rhat: s.rhat ?? null,
        essBulk: s.essBulk ?? null,
        essTail: s.essTail ?? null,
      },
    ];
  });

  const refresh = summary.refreshComparison ?? null;
  const spec = posterior.model.spec;
  return {
    run: {
      id: run.id,
      modelId: run.modelId,
      modelName: run.model.name,
      status: run.status,
      mode: run.mode,
      trigger: run.trigger,
      finishedAt: run.finishedAt,
      configVersion: run.configVersion.version,
      datasetVersion: run.datasetVersion.version,
    },
    kpiName: posterior.config.kpi,
    analysis,
    spend: {
      dates: spec.dates,
      channels: spec.channels.map((c) => ({
        name: c.name,
        type: c.type,
        weekly: Array.from(c.spend, (v) => Math.round(v * 100) / 100),
      })),
    },
    parameters,
    diagnostics: runDiagnosticsCodec.decodeNullable(run.diagnostics),
    chains: summary.settings?.chains ?? null,
    holdout: summary.holdout ?? null,
    loo: summary.loo ?? null,
    refresh: refresh
      ? {
          previousRunId: refresh.previousRunId,
          previousFinishedAt: refresh.previousFinishedAt ? new Date(refresh.previousFinishedAt) : null,
          channels: roiMovesOf(refresh),
        }
      : null,
    source,
  };
}
