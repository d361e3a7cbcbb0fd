/** Sampler interfaces shared by inference, model and fit code (see notes/core-contracts.md). */

export interface LogDensity {
  readonly dim: number;
  /** Writes d logp/d theta into grad (length dim) and returns logp (unconstrained space, Jacobian
   *  included). Must not allocate per call. May return -Infinity / NaN for invalid points. */
  logDensityGradient(theta: Float64Array, grad: Float64Array): number;
}

/** How a worker thread re-creates the target: it imports `module` (an absolute file URL of a .ts
 *  module) and calls `module[exportName](args)`, which returns a LogDensity. args must be
 *  structured-cloneable (typed arrays are fine). */
export interface LogDensityFactoryRef {
  module: string;
  exportName: string;
  args: unknown;
}

export interface NutsOptions {
  chains: number;
  warmup: number;
  draws: number;
  seed: number;
  /** Default 10. */
  maxTreeDepth?: number;
  /** Default 0.8. */
  targetAccept?: number;
  /** Random inits are uniform(-initRadius, initRadius) on the unconstrained space. Default 2. */
  initRadius?: number;
  /** Optional per-chain initial points. */
  inits?: Float64Array[];
  /** Diagonal metric estimator per adaptation window (see adaptation.ts). Default "variance" (Stan). */
  metricEstimator?: "variance" | "gradient";
  /** "dense": the slow warmup windows estimate a dense inverse metric (adaptation.ts). Default "diag". */
  metric?: "diag" | "dense";
  /** > 0: also re-estimate the metric every this many draws inside the initial buffer. Default 0 (Stan). */
  earlyMetricWindow?: number;
  /** Maximum tree depth while the adaptation is in its initial buffer (warmup only; default
   *  maxTreeDepth). */
  initBufferMaxTreeDepth?: number;
  /** > 0: end warmup once two consecutive metric windows agree to this RMS log ratio (adaptation.ts). Default 0. */
  warmupSettleTolerance?: number;
  /** Slow metric windows closed before that check may end warmup (adaptation.ts). Default 2. */
  warmupSettleMinWindows?: number;
  /**
   * Warmup windows (adaptation.ts, Stan's names and defaults): initial fast buffer (75), terminal
   * fast buffer where only the step size adapts (50), first slow metric window (25, doubling).
   */
  initBuffer?: number;
  termBuffer?: number;
  baseWindow?: number;
  /** Maximum number of worker threads at once (default os.availableParallelism()). */
  threads?: number;
}

export interface SamplerProgress {
  chain: number;
  iteration: number;
  total: number;
  phase: "warmup" | "sampling";
  divergences: number;
  elapsedMs: number;
}

export interface ChainResult {
  chain: number;
  dim: number;
  draws: number;
  /** draws*dim, row-major: samples[i*dim+j] */
  samples: Float64Array;
  logp: Float64Array;
  energy: Float64Array;
  treeDepth: Uint8Array;
  divergent: Uint8Array;
  acceptStat: Float64Array;
  nLeapfrog: Uint32Array;
  stepSize: number;
  invMetric: Float64Array;
  /** Gradient evaluations in warmup (leapfrogs, the init and step-size searches). */
  warmupGradients: number;
  /** Warmup iterations run (fewer than asked when the adaptation settled early). */
  warmupIterations?: number;
  warmupMs: number;
  samplingMs: number;
}
