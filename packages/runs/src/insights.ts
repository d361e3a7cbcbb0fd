// @mixcast/runs/insights: the v2 insights artifact (response curves national and per geo, ROI versus
// frequency of R&F channels, and the decomposition when no worker analysis exists), computed from a
// run's posterior. The worker computes it in its fit thread when a fit succeeds and stores it with
// the outcome (succeedRun, kind "insights"); the web reads it and computes it only for runs fitted
// before the worker did (apps/web/src/server/insight/get-run-insights-v2.ts). Pure: core only, so
// the fit thread can load it without the database client.
import {
  analyzeRunV2,
  createModelV2,
  frequencyCurvesV2,
  posteriorDraws,
  responseCurvesV2,
  type Draws,
  type MmmModelV2,
  type ModelSpecV2,
  type PosteriorDraws,
} from "@mixcast/core";
import type { RunInsightsV2 } from "./stored/artifacts.ts";

/** Draws behind the curves (evenly thinned; the run summary's figures use all draws). */
export const INSIGHT_DRAWS_V2 = 100;

/** What the insights are computed from: the run's model and its draws (rows = draws). */
export interface InsightsPosteriorV2 {
  model: MmmModelV2;
  draws: PosteriorDraws;
  /** Parameter labels of the draw columns (spec order). */
  names: string[];
  chains: number;
}

/** Response curves (per geo too), ROI versus frequency and, when asked, the decomposition / fit per geo. */
export function computeInsightsV2(posterior: InsightsPosteriorV2, withAnalysis: boolean): RunInsightsV2 {
  const { model, draws, names, chains } = posterior;
  const responseCurves = responseCurvesV2(model, draws, { maxDraws: INSIGHT_DRAWS_V2, byGeo: true });
  const frequencyCurves = frequencyCurvesV2(model, draws, { maxDraws: INSIGHT_DRAWS_V2 });
  const analysis = withAnalysis
    ? analyzeRunV2(model, { names, chains, perChain: draws.draws / chains, values: draws.values })
    : null;
  return {
    version: 2,
    responseCurves,
    frequencyCurves,
    analysis,
    drawsUsed: Math.min(INSIGHT_DRAWS_V2, draws.draws),
  };
}

/**
 * The worker's insights of a finished v2 fit (its spec and draws), without the decomposition (the
 * worker stores that as the "analysis" artifact). Its failure must not fail the run: the web then
 * computes the insights on first open, as for runs fitted before this artifact existed.
 */
export function insightsOfFitV2(spec: ModelSpecV2, draws: Draws): RunInsightsV2 | { error: string } {
  try {
    const model = createModelV2(spec);
    return computeInsightsV2(
      { model, draws: posteriorDraws(model, draws), names: draws.names, chains: draws.chains },
      false,
    );
  } catch (error) {
    return { error: `insights failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
