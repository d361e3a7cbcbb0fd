/**
 * The fit's result types and sampler defaults, browser-safe (fitModel itself, which runs NUTS in
 * worker threads, is in fit-model.ts and exported from @mixcast/core/node).
 */
import pkg from "../../package.json" with { type: "json" };
import type { DrawSummary } from "../diagnostics/convergence.ts";
import type { ModelConfig } from "../model/config.ts";
import type { Draws } from "./draws-codec.ts";
import type { HoldoutMetrics } from "./metrics.ts";
import type { FitProgress } from "./progress.ts";

export const ENGINE_VERSION: string = pkg.version;

export type Summary = DrawSummary;

/**
 * Dual-averaging target acceptance for NUTS (Stan: 0.8). With the centered intercept and early
 * metric windows, 0.85 kept divergences at or below 0.13 % on six recovery datasets (0.8: up to
 * 0.28 %) and 0.9 was mostly 10-18 % slower; figures: `pnpm bench --only=core:sampler --sampler`.
 */
export const DEFAULT_TARGET_ACCEPT = 0.85;

/**
 * Inside Stan's initial 75-iteration buffer the metric is re-estimated every this many draws
 * (adaptation.ts): with the unit metric the first iterations build very deep trees (parameter
 * scales range from 0.005 to 1); early windows halve a chain's warmup gradients on the recovery
 * scenario (`pnpm bench --only=core:sampler --sampler`).
 */
export const EARLY_METRIC_WINDOW = 10;

/**
 * v1 fits' warmup (issue 15, docs/model.md section 8). While the adaptation is in Stan's 75-draw
 * initial buffer the trees are at most this deep: the first early metric windows are estimated
 * from a chain still on its way from the random init, and with such a metric the dual averaging
 * drove the step size down to depth-10 trees (about 7 000 of a chain's 47 000 warmup gradients on
 * the recovery scenario, in iterations 12-20). Sampling keeps the full depth.
 */
export const V1_INIT_BUFFER_MAX_TREE_DEPTH = 6;

/**
 * v1 fits end warmup after the fourth slow window (iteration 450; the terminal 50-draw buffer
 * follows, so 500 warmup iterations) when its metric (from 200 draws) agrees with the third's
 * (100 draws) to an RMS log ratio below 0.45; otherwise the 500-draw window runs as in Stan. The
 * earlier variant from the third window (metric from 100 draws) gave one chain of coverage seed 110
 * 43 divergences; the window of 200 draws is the floor now.
 */
export const V1_WARMUP_SETTLE_TOLERANCE = 0.45;
export const V1_WARMUP_SETTLE_MIN_WINDOWS = 4;

export interface FitOptions {
  mode: "nuts" | "fast";
  chains?: number;
  warmup?: number;
  draws?: number;
  seed?: number;
  /** Worker threads at once (default: available cores). */
  threads?: number;
  maxTreeDepth?: number;
  /** Default DEFAULT_TARGET_ACCEPT (0.85). */
  targetAccept?: number;
  /** Fast mode: optimizer starts (default 4). */
  starts?: number;
  /**
   * NUTS initial points: "random" (default, as Stan) draws uniform(-2, 2) on the unconstrained
   * space; "map" runs L-BFGS from one random start per chain and starts each chain at its own
   * optimum. Random inits are the default because over-dispersed starts are what lets R-hat
   * detect a chain stuck in another mode; MAP inits also adapted worse when measured (before the
   * intercept was centered: R-hat 1.59, 26 % divergences on the recovery scenario).
   */
  init?: "map" | "random";
  /**
   * NUTS on geo models: how the sampler treats the level and the geo offsets (docs/model.md 10.7):
   * "collapsed" integrates them out and draws them exactly from their conditional per draw (where
   * that is exact, collapseExactV2, and with at most COLLAPSE_MAX_GEOS = 8 geos; elsewhere "mean"),
   * "mean" samples the geos' mean levels and w = sqrt(G) mean v. Sampler only: the posterior is the
   * same.
   */
  geoOffsets?: "collapsed" | "mean";
  /**
   * v2 geo models, NUTS, with geoOffsets "mean" (or where the collapse is not exact), opt-in (> 0):
   * sample the geo offsets' deviations blended between centered and non-centered by s_tau
   * (docs/model.md 10.7, "Levers on few geos"), with the blend's scale sm = this factor x the pilot
   * chain's sigma / sqrt(training weeks). Default: off.
   */
  geoOffsetBlend?: number;
  onProgress?: (p: FitProgress) => void;
  signal?: AbortSignal;
}

export interface ChannelResult {
  type: string;
  /** Spend over the scored (training) weeks, original currency units. */
  spend: number;
  roi: Summary;
  /** Incremental KPI over the scored weeks, original KPI units. */
  contribution: Summary;
}

export interface FitDiagnostics {
  rhatMax: number;
  essBulkMin: number;
  essTailMin: number;
  divergences: number;
  treedepthHits: number;
  ebfmiMin: number;
  converged: boolean;
  reasons: string[];
  warnings: string[];
  /** NUTS: mean leapfrog steps (gradient evaluations) per kept draw, all chains. */
  leapfrogsPerDraw?: number;
}

/** Mean leapfrog steps per kept draw over chains. */
/** Chain results to merge must be one per chain, in chain order, each with the fit's draws. */
export function checkChainResults(
  results: readonly { chain: number; draws: number }[],
  opts: { chains: number; draws: number },
): void {
  if (results.length !== opts.chains)
    throw new Error(`expected ${opts.chains} chain results, got ${results.length}`);
  results.forEach((r, c) => {
    if (r.chain !== c) throw new Error(`chain result ${c} is chain ${r.chain}`);
    if (r.draws !== opts.draws) throw new Error(`chain ${c} has ${r.draws} draws, expected ${opts.draws}`);
  });
}

export function meanLeapfrogs(results: readonly { nLeapfrog: Uint32Array }[]): number {
  let steps = 0;
  let draws = 0;
  for (const r of results) {
    for (const n of r.nLeapfrog) steps += n;
    draws += r.nLeapfrog.length;
  }
  return draws > 0 ? steps / draws : Number.NaN;
}

export interface LooSummary {
  elpd: number;
  se: number;
  pLoo: number;
  looic: number;
  paretoKMax: number;
  warnings: string[];
}

export interface FitResult {
  engineVersion: string;
  seed: number;
  mode: "nuts" | "fast";
  approximate: boolean;
  config: ModelConfig;
  kpiName: string;
  weeks: number;
  trainingWeeks: number;
  settings: { chains: number; warmup: number; draws: number };
  /** Constrained parameters by label (beta[TV], alpha[TV], ..., sigma), model scale. */
  parameters: Record<string, Summary>;
  channels: Record<string, ChannelResult>;
  diagnostics: FitDiagnostics;
  holdout: HoldoutMetrics | null;
  loo: LooSummary | null;
  timing: { totalSeconds: number; warmupSeconds: number; samplingSeconds: number; summarySeconds: number };
  /** Constrained draws (model scale), chain-major. */
  draws: Draws;
}
