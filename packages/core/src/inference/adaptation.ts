/**
 * Warmup adaptation as in Stan (stan/mcmc/stepsize_adaptation.hpp, windowed_adaptation.hpp,
 * var_adaptation.hpp): dual averaging of log step size (Hoffman & Gelman 2014, with Stan's
 * defaults gamma 0.05, t0 10, kappa 0.75) and a diagonal metric estimated in doubling windows
 * between an initial (75) and a terminal (50) fast buffer.
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

export class WindowedVarianceAdaptation {
  private readonly numWarmup: number;
  private readonly initBuffer: number;
  private readonly termBuffer: number;
  private windowSize: number;
  private nextWindow: number;
  private counter = 0;
  private readonly enabled: boolean;
  // Welford accumulators
  private n = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(
    private readonly dim: number,
    numWarmup: number,
    initBuffer = 75,
    termBuffer = 50,
    baseWindow = 25,
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
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
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

  /** Feeds one warmup draw; when a window closes writes the regularized variance into invMetric
   *  and returns true (the caller then re-initializes the step size). */
  learn(q: Float64Array, invMetric: Float64Array): boolean {
    if (!this.enabled) return false;
    if (this.inWindow()) {
      this.n += 1;
      for (let i = 0; i < this.dim; i++) {
        const d = q[i]! - this.mean[i]!;
        this.mean[i] = this.mean[i]! + d / this.n;
        this.m2[i] = this.m2[i]! + d * (q[i]! - this.mean[i]!);
      }
    }
    if (this.endOfWindow()) {
      this.computeNextWindow();
      const n = this.n;
      for (let i = 0; i < this.dim; i++) {
        const variance = n > 1 ? this.m2[i]! / (n - 1) : 0;
        // Stan's shrinkage towards 1e-3 (var_adaptation.hpp)
        invMetric[i] = (n / (n + 5)) * variance + 1e-3 * (5 / (n + 5));
      }
      this.n = 0;
      this.mean.fill(0);
      this.m2.fill(0);
      this.counter += 1;
      return true;
    }
    this.counter += 1;
    return false;
  }
}
