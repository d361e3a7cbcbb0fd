// Everything the insights page draws for a v2 run (geo, reach & frequency, organic, units KPI,
// log link, knots baseline, time-varying media; shared/docs/model-v2.md), in one response:
//
// - national figures per channel (ROI, CPIK, marginal ROI, incremental KPI and share, optimal
//   frequency) and the per-geo table: the worker's stored summary (core's fitModelV2 over all draws);
// - decomposition and fit, national and per geo: the worker's "analysis" artifact (analyzeRunV2);
// - response curves (national and per geo) and ROI versus frequency of R&F channels: computed here
//   by the worker when the fit succeeded (@mixcast/runs/insights, the "insights" RunArtifact); for
//   runs fitted before that, computed here once from the stored draws and kept there, as the v1
//   path keeps its analysis; a missing worker analysis is computed and kept there too;
// - media effectiveness over time (time-varying media) from the summary.
import type { FrequencyCurveV2, ModelSpecV2, ResponseCurveV2, RunAnalysisV2 } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { decodeModelSpecV2 } from "@mixcast/runs";
import { computeInsightsV2 } from "@mixcast/runs/insights";
import {
  runAnalysisV2Codec,
  runDiagnosticsCodec,
  runInsightsV2Codec,
  runSummaryCodec,
  type RunDiagnostics,
  type RunInsightsV2,
  type RunSummary,
  type StoredInterval,
} from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { badRequest, notFound } from "../errors.ts";
import type { IntervalLike, ParameterRow } from "./get-run-insights.ts";
import { insightsArtifactCache } from "./insights-artifact.ts";
import { loadRunPosteriorV2 } from "./run-posterior-v2.ts";

export interface ChannelFiguresV2 {
  name: string;
  type: string;
  role: "paid" | "rf" | "organic";
  /** Training spend, all geos (0 for organic channels). */
  spend: number;
  /** Incremental KPI over the training weeks (counterfactual), original units. */
  incremental: IntervalLike | null;
  /** Share of the model's expected KPI. */
  share: IntervalLike | null;
  /** Paid channels with a known value (revenue KPI, or units with a value per unit). */
  roi: IntervalLike | null;
  /** Paid channels of a units KPI: spend per incremental unit. */
  cpik: IntervalLike | null;
  marginalRoi: IntervalLike | null;
  /** R&F channels. */
  optimalFrequency: IntervalLike | null;
}

export interface GeoRowV2 {
  geo: string;
  channel: string;
  role: "paid" | "rf" | "organic";
  spend: number;
  incremental: IntervalLike | null;
  roi: IntervalLike | null;
  cpik: IntervalLike | null;
}

export interface RunInsightsV2View {
  version: 2;
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
  kpi: {
    name: string;
    type: "revenue" | "units";
    /** Units KPI with a value per unit (constant or column): ROI is in money. */
    valueKnown: boolean;
  };
  model: {
    link: "identity" | "log";
    rule: "additive" | "log-share";
    baseline: "trend" | "knots";
    knots: number;
    timeVaryingMedia: boolean;
    geos: string[];
  };
  channels: ChannelFiguresV2[];
  /** Geo models: one row per geo and channel (empty for national models). */
  geoTable: GeoRowV2[];
  analysis: RunAnalysisV2;
  responseCurves: ResponseCurveV2[];
  frequencyCurves: FrequencyCurveV2[];
  /** Time-varying media: the multiplier exp(f_t) per week (median and 90% band); null when off. */
  mediaEffectiveness: { date: string; q05: number; q50: number; q95: number }[] | null;
  parameters: ParameterRow[];
  diagnostics: RunDiagnostics | null;
  chains: number | null;
  /** Holdout metrics of the national KPI (config holdoutWeeks > 0). */
  holdout: NonNullable<RunSummary["holdout"]> | null;
  drawsUsed: number;
  source: "worker" | "web";
}

/** A stored interval as the page draws it; null when any bound is missing (NaN was stored as null). */
export function intervalOf(s: StoredInterval | undefined): IntervalLike | null {
  if (!s || s.mean === null || s.q05 === null || s.q95 === null) return null;
  return { mean: s.mean, q05: s.q05, q95: s.q95 };
}

const keepInsights = insightsArtifactCache<RunInsightsV2>((insights) => runInsightsV2Codec.encode(insights));

/**
 * The curves (and, when the worker stored none, the analysis) of a v2 run: the stored artifact, or
 * for runs fitted before the worker stored it, computed once from the stored draws and kept.
 */
export async function insightsArtifactV2(
  db: PrismaClient,
  actor: Actor,
  runId: string,
  needAnalysis: boolean,
): Promise<RunInsightsV2> {
  const stored = await db.runArtifact.findUnique({
    where: { runId_kind: { runId, kind: "insights" } },
    select: { workspaceId: true, analysis: true },
  });
  const mine =
    stored?.workspaceId === actor.workspaceId ? runInsightsV2Codec.tryDecode(stored.analysis) : null;
  if (mine && (!needAnalysis || mine.analysis)) return mine;
  return keepInsights(db, actor, runId, async () =>
    computeInsightsV2(await loadRunPosteriorV2(db, actor, runId), needAnalysis),
  );
}

export async function getRunInsightsV2(
  db: PrismaClient,
  actor: Actor,
  runId: string,
  /** curves: false skips the response and frequency curves (the run report needs none; returned empty). */
  opts: { curves?: boolean } = {},
): Promise<RunInsightsV2View> {
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
      configVersion: { select: { version: true } },
      datasetVersion: { select: { version: true } },
      artifacts: {
        where: { kind: { in: ["analysis", "insights", "spec"] } },
        select: { kind: true, analysis: true },
      },
    },
  });
  if (!run) throw notFound("That run");
  if (run.status !== "succeeded")
    throw badRequest(
      `This run has not finished successfully (status: ${run.status}); insights need a fitted run.`,
    );
  const summary = runSummaryCodec.decodeNullable(run.summary) ?? {};
  if (summary.modelVersion !== 2)
    throw badRequest("This run is a v1 model; its insights are on the v1 insights view (insight.get).");
  const stored = (kind: string) => run.artifacts.find((a) => a.kind === kind)?.analysis;
  const workerAnalysis = runAnalysisV2Codec.tryDecode(stored("analysis"));
  const skipCurves = opts.curves === false && workerAnalysis !== null;
  // The worker's insights (stored when the fit succeeded): no draws are read for them.
  const workerInsights = runInsightsV2Codec.tryDecode(stored("insights"));
  const kept = workerInsights && (workerAnalysis || workerInsights.analysis) ? workerInsights : null;
  const storedSpec = stored("spec");
  const [insights, spec] = await Promise.all([
    skipCurves
      ? Promise.resolve<RunInsightsV2>({
          version: 2,
          responseCurves: [],
          frequencyCurves: [],
          analysis: null,
          drawsUsed: 0,
        })
      : (kept ?? insightsArtifactV2(db, actor, runId, workerAnalysis === null)),
    // the view needs the run's model inputs only; a run without its stored spec gets the loader's
    // plain refusal
    storedSpec !== undefined && storedSpec !== null
      ? Promise.resolve<ModelSpecV2>(decodeModelSpecV2(storedSpec))
      : loadRunPosteriorV2(db, actor, runId).then((p) => p.model.spec),
  ]);
  const analysis = workerAnalysis ?? insights.analysis;
  if (!analysis) throw badRequest("The decomposition of this run could not be computed.");
  const data = spec.data;

  const channels: ChannelFiguresV2[] = spec.channels.map((ch) => {
    const s = summary.channels?.[ch.name];
    return {
      name: ch.name,
      type: ch.type,
      role: ch.role,
      spend: ch.role === "organic" ? 0 : (data.scaling.spendTotal[ch.data] ?? 0),
      incremental: intervalOf(s?.incremental ?? s?.contribution),
      share: intervalOf(s?.share),
      roi: ch.role === "organic" ? null : intervalOf(s?.roi),
      cpik: ch.role === "organic" ? null : intervalOf(s?.cpik),
      marginalRoi: ch.role === "organic" ? null : intervalOf(s?.marginalRoi),
      optimalFrequency: ch.role === "rf" ? intervalOf(s?.optimalFrequency) : null,
    };
  });

  const geoTable: GeoRowV2[] =
    spec.G > 1
      ? data.geos.flatMap((geo, g) =>
          spec.channels.map((ch) => {
            const s = summary.geos?.[geo]?.channels[ch.name];
            return {
              geo,
              channel: ch.name,
              role: ch.role,
              spend: ch.role === "organic" ? 0 : (data.scaling.spendByGeo[ch.data]?.[g] ?? 0),
              incremental: intervalOf(s?.incremental),
              roi: ch.role === "organic" ? null : intervalOf(s?.roi),
              cpik: ch.role === "organic" ? null : intervalOf(s?.cpik),
            };
          }),
        )
      : [];

  const frequencyCurves = insights.frequencyCurves.map((c) => {
    // the run summary's optimal frequency (all draws) is the one the page quotes everywhere
    const s = summary.channels?.[c.channel]?.optimalFrequency;
    return s && s.mean !== null && s.q05 !== null && s.q95 !== null
      ? { ...c, optimal: { ...c.optimal, mean: s.mean, q05: s.q05, q95: s.q95, q50: s.q50 ?? c.optimal.q50 } }
      : c;
  });

  const media = spec.config.timeVaryingMedia ? (summary.mediaEffectiveness ?? null) : null;
  const mediaEffectiveness = media
    ? media.flatMap((w) =>
        w.f.q05 === null || w.f.q95 === null
          ? []
          : [
              {
                date: w.date,
                q05: Math.exp(w.f.q05),
                q50: Math.exp(w.f.q50 ?? w.f.mean ?? 0),
                q95: Math.exp(w.f.q95),
              },
            ],
      )
    : null;

  const parameters: ParameterRow[] = Object.entries(summary.parameters ?? {}).flatMap(([label, s]) =>
    s.mean === null || s.q05 === null || s.q95 === null
      ? []
      : [
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
        ],
  );

  return {
    version: 2,
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
    kpi: {
      name: data.kpiName,
      type: data.kpiType,
      valueKnown: data.kpiType === "revenue" || data.value !== undefined,
    },
    model: {
      link: spec.link,
      rule: analysis.rule,
      baseline: spec.baseline,
      knots: spec.knotCount,
      timeVaryingMedia: spec.config.timeVaryingMedia,
      geos: [...data.geos],
    },
    channels,
    geoTable,
    analysis,
    responseCurves: insights.responseCurves,
    frequencyCurves,
    mediaEffectiveness,
    parameters,
    diagnostics: runDiagnosticsCodec.decodeNullable(run.diagnostics),
    chains: summary.settings?.chains ?? null,
    holdout: summary.holdout ?? null,
    drawsUsed: insights.drawsUsed,
    source: workerAnalysis ? "worker" : "web",
  };
}
