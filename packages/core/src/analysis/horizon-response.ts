/**
 * What the optimizer and scenario evaluation need from a posterior: for each draw, the media
 * terms of the model over a planning horizon as functions of planned spend. Built from a fitted
 * model in model-adapter.ts; tests build small synthetic ones directly.
 */
import type { ChannelHorizon } from "./media-pipeline.ts";

export interface HorizonResponse {
  channels: string[];
  /** Planning horizon length H (weeks appended after the history). */
  weeks: number;
  draws: number;
  /** KPI units per model-scale unit (spec.scaling.kpiMean). */
  kpiScale: number;
  /** draws x channels, row-major. */
  beta: Float64Array;
  /** Synergy pairs (channel indices) and their coefficients, draws x pairs. */
  pairs: { a: number; b: number }[];
  gamma: Float64Array;
  /** Non-media KPI over the horizon per draw (baseline, trend, seasonality, controls held at their
   *  last values); reported, never optimized. Zeros when unknown. */
  base: Float64Array;
  /** Per-channel horizon state (carryover from history included). */
  curves: ChannelHorizon[];
}

/** Spend of each channel over the horizon: a flat weekly amount or a full weekly plan (currency). */
export type ChannelPlan = { weekly: number } | { perWeek: ArrayLike<number> };
