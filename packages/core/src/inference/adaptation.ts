/**
 * Warmup adaptation as in Stan (stan/mcmc/stepsize_adaptation.hpp, windowed_adaptation.hpp,
 * var_adaptation.hpp): dual averaging of log step size (Hoffman & Gelman 2014, with Stan's
 * defaults gamma 0.05, t0 10, kappa 0.75) and a diagonal metric estimated in doubling windows
 * between an initial (75) and a terminal (50) fast buffer.
 *
 * Two opt-in refinements (WindowOptions), both from nutpie (Seyboldt et al.): the "gradient"
 * estimator sets each inverse-metric entry to sqrt(var(theta_i) / var(grad_i)) over the window's
 * draws, which is exact for a diagonal Gaussian from a handful of draws where the plain variance
 * needs hundreds; and early updates re-estimate the metric every `earlyWindow` draws inside the
 * initial buffer, where Stan keeps the unit metric (on the MMM posterior, with parameter scales
 * from 0.005 to 1, that halves a chain's warmup gradients: `pnpm bench --only=core:sampler --sampler`).
 */
export class DualAveraging {
  private counter = 0;
  private sBar = 0;
  private xBar = 0;
  private mu = 0;

  constructor(
    private readonly delta: number,
    private readonly gamma = 0.05,
    private readonly t0 = 10,
    private readonly kappa = 0.75,
  ) {}

  setMu(mu: number): void {
    this.mu = mu;
  }

  restart(): void {
    this.counter = 0;
    this.sBar = 0;
    this.xBar = 0;
  }

  /** Returns the next step size given the accept statistic of the last transition. */
  learn(acceptStat: number): number {
    this.counter += 1;
    const a = acceptStat > 1 ? 1 : acceptStat;
    const eta = 1 / (this.counter + this.t0);
    this.sBar = (1 - eta) * this.sBar + eta * (this.delta - a);
    const x = this.mu - (this.sBar * Math.sqrt(this.counter)) / this.gamma;
    const xEta = Math.pow(this.counter, -this.kappa);
    this.xBar = (1 - xEta) * this.xBar + xEta * x;
    return Math.exp(x);
  }

  /** Final step size after warmup: exp of the averaged iterate. */
  final(): number {
    return Math.exp(this.xBar);
  }
}

export interface WindowOptions {
  /** "variance" (Stan): regularized sample variance; "gradient": sqrt(var(theta) / var(grad)). */
  estimator?: "variance" | "gradient";
  /** > 0: inside the initial buffer, re-estimate the metric every earlyWindow draws (default 0). */
  earlyWindow?: number;
  /** > 0: end warmup early (only the terminal buffer remains) once two consecutive slow windows
   *  give metrics whose log ratio has a root mean square below this (default 0: never). */
  settleTolerance?: number;
  /** Slow windows that must have closed before the settle check can end warmup (default 2: the
   *  first check compares the 50-draw window with the 25-draw one). */
  settleMinWindows?: number;
  /**
   * true: the slow windows also estimate a dense inverse metric (the window's covariance, its
   * correlations shrunk towards 0 by n / (n + dim), its diagonal Stan's regularized variance),
   * read from `denseMetric` after learn() returned true. Default false (diagonal only).
   */
  dense?: boolean;
}

/** Welford accumulators of one window: draws, and gradients when the estimator needs them. */
class WindowMoments {
  n = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  readonly gMean: Float64Array;
  readonly gM2: Float64Array;
  /** Dense co-moments (dim x dim, row-major; empty unless dense). */
  readonly cov: Float64Array;
  private readonly dOld: Float64Array;
  constructor(dim: number, withGradient: boolean, dense = false) {
    this.cov = new Float64Array(dense ? dim * dim : 0);
    this.dOld = new Float64Array(dense ? dim : 0);
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
    this.gMean = new Float64Array(withGradient ? dim : 0);
    this.gM2 = new Float64Array(withGradient ? dim : 0);
  }
  add(q: Float64Array, grad: Float64Array | undefined): void {
    this.n += 1;
    const n = this.n;
    if (this.cov.length > 0) {
      const dim = q.length;
      for (let i = 0; i < dim; i++) this.dOld[i] = q[i]! - this.mean[i]!;
      for (let i = 0; i < dim; i++) {
        const a = this.dOld[i]! * ((n - 1) / n);
        const row = i * dim;
        for (let j = 0; j <= i; j++) this.cov[row + j] = this.cov[row + j]! + a * this.dOld[j]!;
      }
    }
    for (let i = 0; i < q.length; i++) {
      const d = q[i]! - this.mean[i]!;
      this.mean[i] = this.mean[i]! + d / n;
      this.m2[i] = this.m2[i]! + d * (q[i]! - this.mean[i]!);
    }
    if (this.gMean.length > 0) {
      if (grad === undefined)
        throw new Error("the gradient metric estimator needs the gradient of every draw");
      for (let i = 0; i < grad.length; i++) {
        const d = grad[i]! - this.gMean[i]!;
        this.gMean[i] = this.gMean[i]! + d / n;
        this.gM2[i] = this.gM2[i]! + d * (grad[i]! - this.gMean[i]!);
      }
    }
  }
  /** Writes the estimate into invMetric (and the dense one into sigma, when given) and resets. */
  estimate(invMetric: Float64Array, estimator: "variance" | "gradient", sigma?: Float64Array): void {
    const n = this.n;
    if (sigma !== undefined && this.cov.length > 0 && n > 1) {
      const dim = invMetric.length;
      const w = n / (n + dim);
      for (let i = 0; i < dim; i++) {
        const vi = this.m2[i]! / (n - 1);
        const di = (n / (n + 5)) * vi + 1e-3 * (5 / (n + 5));
        for (let j = 0; j <= i; j++) {
          let v: number;
          if (i === j) v = di;
          else {
            const vj = this.m2[j]! / (n - 1);
            const dj = (n / (n + 5)) * vj + 1e-3 * (5 / (n + 5));
            const r = vi > 0 && vj > 0 ? this.cov[i * dim + j]! / (n - 1) / Math.sqrt(vi * vj) : 0;
            v = w * r * Math.sqrt(di * dj);
          }
          sigma[i * dim + j] = v;
          sigma[j * dim + i] = v;
        }
      }
    }
    for (let i = 0; i < invMetric.length; i++) {
      const variance = n > 1 ? this.m2[i]! / (n - 1) : 0;
      if (estimator === "variance") {
        // Stan's shrinkage towards 1e-3 (var_adaptation.hpp)
        invMetric[i] = (n / (n + 5)) * variance + 1e-3 * (5 / (n + 5));
      } else {
        const gVariance = n > 1 ? this.gM2[i]! / (n - 1) : 0;
        // a coordinate that did not move (all proposals rejected) keeps its previous value
        if (variance > 0 && gVariance > 0)
          invMetric[i] = Math.min(1e10, Math.max(1e-10, Math.sqrt(variance / gVariance)));
      }
    }
    this.reset();
  }
  reset(): void {
    this.n = 0;
    this.mean.fill(0);
    this.m2.fill(0);
    this.gMean.fill(0);
    this.gM2.fill(0);
    this.cov.fill(0);
  }
}

export class WindowedVarianceAdaptation {
  private readonly numWarmup: number;
  private readonly initBuffer: number;
  private readonly termBuffer: number;
  private windowSize: number;
  private nextWindow: number;
  private counter = 0;
  private readonly enabled: boolean;
  private readonly estimator: "variance" | "gradient";
  private readonly earlyWindow: number;
  private readonly moments: WindowMoments;
  private readonly settleTolerance: number;
  private readonly settleMinWindows: number;
  /** The last slow window's estimate (empty until one closed). */
  private readonly previous: Float64Array;
  private slowWindows = 0;
  /** Iteration count at which warmup ends (numWarmup unless it settled early). */
  private end: number;
  /** dense: the last slow window's dense inverse metric (null before the first one closed). */
  denseMetric: Float64Array | null = null;
  private readonly sigma: Float64Array;

  constructor(
    dim: number,
    numWarmup: number,
    initBuffer = 75,
    termBuffer = 50,
    baseWindow = 25,
    options: WindowOptions = {},
  ) {
    this.numWarmup = numWarmup;
    this.enabled = numWarmup >= 20;
    if (initBuffer + baseWindow + termBuffer > numWarmup) {
      initBuffer = Math.trunc(0.15 * numWarmup);
      termBuffer = Math.trunc(0.1 * numWarmup);
      baseWindow = numWarmup - (initBuffer + termBuffer);
    }
    this.initBuffer = initBuffer;
    this.termBuffer = termBuffer;
    this.windowSize = baseWindow;
    this.nextWindow = initBuffer + baseWindow - 1;
    this.estimator = options.estimator ?? "variance";
    this.earlyWindow = options.earlyWindow ?? 0;
    this.moments = new WindowMoments(dim, this.estimator === "gradient", options.dense === true);
    this.sigma = new Float64Array(options.dense === true ? dim * dim : 0);
    this.settleTolerance = options.settleTolerance ?? 0;
    this.settleMinWindows = Math.max(2, options.settleMinWindows ?? 2);
    this.previous = new Float64Array(dim);
    this.end = numWarmup;
  }

  /** True while the next draw falls in the initial fast buffer. */
  get inInitialBuffer(): boolean {
    return this.enabled && this.counter < this.initBuffer;
  }

  /** Warmup iterations this adaptation needs: numWarmup, or fewer once the metric settled. */
  get warmupEnd(): number {
    return this.end;
  }

  /** After a slow window: compares with the previous one and, when settled, moves the end. */
  private checkSettled(invMetric: Float64Array): void {
    this.slowWindows += 1;
    if (this.settleTolerance > 0 && this.slowWindows >= this.settleMinWindows) {
      let ss = 0;
      for (let i = 0; i < invMetric.length; i++) {
        const r = Math.log(invMetric[i]! / this.previous[i]!);
        ss += r * r;
      }
      if (Math.sqrt(ss / invMetric.length) < this.settleTolerance) {
        this.end = Math.min(this.numWarmup, this.counter + 1 + this.termBuffer);
        this.nextWindow = Number.POSITIVE_INFINITY;
      }
    }
    this.previous.set(invMetric);
  }

  private inWindow(): boolean {
    return (
      this.counter >= this.initBuffer &&
      this.counter < this.numWarmup - this.termBuffer &&
      this.counter !== this.numWarmup
    );
  }

  private endOfWindow(): boolean {
    return this.counter === this.nextWindow && this.counter !== this.numWarmup;
  }

  private computeNextWindow(): void {
    const last = this.numWarmup - this.termBuffer - 1;
    if (this.nextWindow === last) return;
    this.windowSize *= 2;
    this.nextWindow = this.counter + this.windowSize;
    if (this.nextWindow !== last) {
      const nextBoundary = this.nextWindow + 2 * this.windowSize;
      if (nextBoundary >= this.numWarmup - this.termBuffer) this.nextWindow = last;
    }
  }

  /** Feeds one warmup draw (and its log-density gradient, needed by the gradient estimator);
   *  when a window closes writes the new inverse metric into invMetric and returns true (the
   *  caller then re-initializes the step size). */
  learn(q: Float64Array, invMetric: Float64Array, grad?: Float64Array): boolean {
    if (!this.enabled) return false;
    if (this.earlyWindow > 1 && this.counter < this.initBuffer) {
      this.moments.add(q, grad);
      this.counter += 1;
      // an early window that would run past the initial buffer is not closed (its draws are dropped)
      if (this.moments.n === this.earlyWindow) {
        this.moments.estimate(invMetric, this.estimator);
        return true;
      }
      if (this.counter === this.initBuffer) this.moments.reset();
      return false;
    }
    if (this.inWindow() && this.nextWindow !== Number.POSITIVE_INFINITY) this.moments.add(q, grad);
    if (this.endOfWindow()) {
      this.computeNextWindow();
      if (this.sigma.length > 0) {
        this.moments.estimate(invMetric, this.estimator, this.sigma);
        this.denseMetric = this.sigma;
      } else this.moments.estimate(invMetric, this.estimator);
      this.checkSettled(invMetric);
      this.counter += 1;
      return true;
    }
    this.counter += 1;
    return false;
  }
}
