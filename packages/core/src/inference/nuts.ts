/**
 * No-U-Turn sampler with a diagonal Euclidean metric, following Stan's base_nuts.hpp
 * (Betancourt 2017): multinomial sampling inside subtrees, biased progressive sampling at the top
 * level, the generalized no-U-turn criterion on p_sharp with the extra checks across merged
 * subtrees, divergence when the energy error exceeds 1000. All buffers are preallocated per tree
 * depth, so a transition allocates nothing.
 */
import { DualAveraging, WindowedVarianceAdaptation } from "./adaptation.ts";
import { cholesky, solveUpperFromLower } from "./linalg.ts";
import { Rng } from "./rng.ts";
import type { ChainResult, LogDensity, NutsOptions, SamplerProgress } from "./types.ts";

const MAX_DELTA_H = 1000;
const MAX_INIT_TRIES = 100;

class PhasePoint {
  readonly q: Float64Array;
  readonly p: Float64Array;
  readonly grad: Float64Array;
  logp = 0;
  constructor(dim: number) {
    this.q = new Float64Array(dim);
    this.p = new Float64Array(dim);
    this.grad = new Float64Array(dim);
  }
  copyFrom(other: PhasePoint): void {
    this.q.set(other.q);
    this.p.set(other.p);
    this.grad.set(other.grad);
    this.logp = other.logp;
  }
}

function logSumExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Generalized no-U-turn criterion with rho = r1 + r2 (r2 optional). */
function criterion(
  pSharpMinus: Float64Array,
  pSharpPlus: Float64Array,
  r1: Float64Array,
  r2: Float64Array | null,
): boolean {
  let plus = 0;
  let minus = 0;
  const n = r1.length;
  if (r2 === null) {
    for (let i = 0; i < n; i++) {
      plus += pSharpPlus[i]! * r1[i]!;
      minus += pSharpMinus[i]! * r1[i]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const r = r1[i]! + r2[i]!;
      plus += pSharpPlus[i]! * r;
      minus += pSharpMinus[i]! * r;
    }
  }
  return plus > 0 && minus > 0;
}

function makeBuffers(count: number, dim: number): Float64Array[] {
  return Array.from({ length: count }, () => new Float64Array(dim));
}

export interface TransitionStats {
  treeDepth: number;
  nLeapfrog: number;
  divergent: boolean;
  acceptStat: number;
  energy: number;
}

/** One NUTS kernel bound to a target; holds the current state (`current`). */
export class NutsKernel {
  readonly dim: number;
  stepSize = 1;
  readonly invMetric: Float64Array;
  /**
   * Dense metric (opt-in, NutsOptions.metric "dense"): the Cholesky factor L (lower, row-major) of
   * the inverse metric Sigma = L L^T, or null while the diagonal invMetric is in use.
   */
  private chol: Float64Array | null = null;
  private readonly lt: Float64Array;
  private readonly vel: Float64Array;
  /** Number of gradient evaluations so far (leapfrogs, inits, step-size search). */
  gradientEvals = 0;
  readonly current: PhasePoint;

  private readonly z: PhasePoint;
  private readonly zFwd: PhasePoint;
  private readonly zBck: PhasePoint;
  private readonly zPropose: PhasePoint;
  private readonly finalPropose: PhasePoint[];
  private readonly pInitEnd: Float64Array[];
  private readonly pSharpInitEnd: Float64Array[];
  private readonly rhoInit: Float64Array[];
  private readonly pFinalBeg: Float64Array[];
  private readonly pSharpFinalBeg: Float64Array[];
  private readonly rhoFinal: Float64Array[];
  private readonly pFwdFwd: Float64Array;
  private readonly pSharpFwdFwd: Float64Array;
  private readonly pFwdBck: Float64Array;
  private readonly pSharpFwdBck: Float64Array;
  private readonly pBckFwd: Float64Array;
  private readonly pSharpBckFwd: Float64Array;
  private readonly pBckBck: Float64Array;
  private readonly pSharpBckBck: Float64Array;
  private readonly rho: Float64Array;
  private readonly rhoFwd: Float64Array;
  private readonly rhoBck: Float64Array;

  private h0 = 0;
  private nLeapfrog = 0;
  private sumMetroProb = 0;
  private divergent = false;
  /** Log sum of weights of the subtree last built by buildTree. */
  private subtreeLogWeight = 0;

  constructor(
    private readonly target: LogDensity,
    private readonly rng: Rng,
    public maxTreeDepth = 10,
  ) {
    const dim = target.dim;
    this.dim = dim;
    this.invMetric = new Float64Array(dim).fill(1);
    this.lt = new Float64Array(dim);
    this.vel = new Float64Array(dim);
    this.current = new PhasePoint(dim);
    this.z = new PhasePoint(dim);
    this.zFwd = new PhasePoint(dim);
    this.zBck = new PhasePoint(dim);
    this.zPropose = new PhasePoint(dim);
    const levels = maxTreeDepth + 1;
    this.finalPropose = Array.from({ length: levels }, () => new PhasePoint(dim));
    this.pInitEnd = makeBuffers(levels, dim);
    this.pSharpInitEnd = makeBuffers(levels, dim);
    this.rhoInit = makeBuffers(levels, dim);
    this.pFinalBeg = makeBuffers(levels, dim);
    this.pSharpFinalBeg = makeBuffers(levels, dim);
    this.rhoFinal = makeBuffers(levels, dim);
    [
      this.pFwdFwd,
      this.pSharpFwdFwd,
      this.pFwdBck,
      this.pSharpFwdBck,
      this.pBckFwd,
      this.pSharpBckFwd,
      this.pBckBck,
      this.pSharpBckBck,
      this.rho,
      this.rhoFwd,
      this.rhoBck,
    ] = makeBuffers(11, dim) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
  }

  /** Sets the current position; returns false when logp or its gradient is not finite. */
  setPosition(q: ArrayLike<number>): boolean {
    const c = this.current;
    for (let i = 0; i < this.dim; i++) c.q[i] = q[i]!;
    c.logp = this.target.logDensityGradient(c.q, c.grad);
    this.gradientEvals += 1;
    if (!Number.isFinite(c.logp)) return false;
    for (let i = 0; i < this.dim; i++) if (!Number.isFinite(c.grad[i]!)) return false;
    return true;
  }

  /**
   * Uses the dense inverse metric Sigma (row-major dim x dim, symmetric positive definite) from
   * now on; its diagonal goes to invMetric. Returns false (and keeps the metric) when Sigma has no
   * Cholesky factor.
   */
  setDenseMetric(sigma: Float64Array): boolean {
    const l = cholesky(sigma, this.dim);
    if (l === null) return false;
    this.chol = l;
    for (let i = 0; i < this.dim; i++) this.invMetric[i] = sigma[i * this.dim + i]!;
    return true;
  }

  /** out = Sigma p = L (L^T p) (dense metric). */
  private denseVelocity(p: Float64Array, out: Float64Array): void {
    const l = this.chol!;
    const n = this.dim;
    const w = this.lt;
    w.fill(0);
    for (let i = 0; i < n; i++) {
      const pi = p[i]!;
      const row = i * n;
      for (let j = 0; j <= i; j++) w[j] = w[j]! + l[row + j]! * pi;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j <= i; j++) s += l[row + j]! * w[j]!;
      out[i] = s;
    }
  }

  private hamiltonian(z: PhasePoint): number {
    if (this.chol !== null) {
      // p^T Sigma p = |L^T p|^2
      const l = this.chol;
      const n = this.dim;
      const w = this.lt;
      w.fill(0);
      for (let i = 0; i < n; i++) {
        const pi = z.p[i]!;
        const row = i * n;
        for (let j = 0; j <= i; j++) w[j] = w[j]! + l[row + j]! * pi;
      }
      let k = 0;
      for (let j = 0; j < n; j++) k += w[j]! * w[j]!;
      return -z.logp + 0.5 * k;
    }
    let kinetic = 0;
    const inv = this.invMetric;
    for (let i = 0; i < this.dim; i++) kinetic += z.p[i]! * z.p[i]! * inv[i]!;
    return -z.logp + 0.5 * kinetic;
  }

  private sampleMomentum(z: PhasePoint): void {
    if (this.chol !== null) {
      // p ~ N(0, Sigma^-1): p = L^-T x, x standard normal
      for (let i = 0; i < this.dim; i++) z.p[i] = this.rng.normal();
      solveUpperFromLower(this.chol, this.dim, z.p);
      return;
    }
    for (let i = 0; i < this.dim; i++) z.p[i] = this.rng.normal() / Math.sqrt(this.invMetric[i]!);
  }

  private leapfrog(z: PhasePoint, eps: number): void {
    const { q, p, grad } = z;
    const inv = this.invMetric;
    const half = 0.5 * eps;
    if (this.chol !== null) {
      for (let i = 0; i < this.dim; i++) p[i] = p[i]! + half * grad[i]!;
      this.denseVelocity(p, this.vel);
      for (let i = 0; i < this.dim; i++) q[i] = q[i]! + eps * this.vel[i]!;
      z.logp = this.target.logDensityGradient(q, grad);
      this.gradientEvals += 1;
      for (let i = 0; i < this.dim; i++) p[i] = p[i]! + half * grad[i]!;
      return;
    }
    for (let i = 0; i < this.dim; i++) {
      p[i] = p[i]! + half * grad[i]!;
      q[i] = q[i]! + eps * inv[i]! * p[i]!;
    }
    z.logp = this.target.logDensityGradient(q, grad);
    this.gradientEvals += 1;
    for (let i = 0; i < this.dim; i++) p[i] = p[i]! + half * grad[i]!;
  }

  private pSharp(p: Float64Array, out: Float64Array): void {
    if (this.chol !== null) {
      this.denseVelocity(p, out);
      return;
    }
    for (let i = 0; i < this.dim; i++) out[i] = this.invMetric[i]! * p[i]!;
  }

  /** Stan's base_hmc::init_stepsize: double or halve until the one-step acceptance crosses 0.8. */
  initStepSize(): void {
    let eps = this.stepSize;
    if (!(eps > 0) || eps > 1e7 || Number.isNaN(eps)) return;
    const z = this.z;
    const log08 = Math.log(0.8);
    const trial = (): number => {
      z.copyFrom(this.current);
      this.sampleMomentum(z);
      const h0 = this.hamiltonian(z);
      this.leapfrog(z, eps);
      let h = this.hamiltonian(z);
      if (Number.isNaN(h)) h = Number.POSITIVE_INFINITY;
      return h0 - h;
    };
    const direction = trial() > log08 ? 1 : -1;
    for (;;) {
      const deltaH = trial();
      if (direction === 1 && !(deltaH > log08)) break;
      if (direction === -1 && !(deltaH < log08)) break;
      eps = direction === 1 ? eps * 2 : eps * 0.5;
      if (eps > 1e7) throw new Error("Posterior is improper: step size search diverged to > 1e7");
      if (eps === 0) throw new Error("No acceptably small step size could be found");
    }
    this.stepSize = eps;
  }

  private buildTree(
    depth: number,
    propose: PhasePoint,
    pSharpBeg: Float64Array,
    pSharpEnd: Float64Array,
    rho: Float64Array,
    pBeg: Float64Array,
    pEnd: Float64Array,
    sign: number,
  ): boolean {
    const dim = this.dim;
    if (depth === 0) {
      const z = this.z;
      this.leapfrog(z, sign * this.stepSize);
      this.nLeapfrog += 1;
      let h = this.hamiltonian(z);
      if (Number.isNaN(h)) h = Number.POSITIVE_INFINITY;
      if (h - this.h0 > MAX_DELTA_H) this.divergent = true;
      const w = this.h0 - h;
      this.subtreeLogWeight = w;
      this.sumMetroProb += w > 0 ? 1 : Math.exp(w);
      propose.copyFrom(z);
      this.pSharp(z.p, pSharpBeg);
      pSharpEnd.set(pSharpBeg);
      for (let i = 0; i < dim; i++) rho[i] = rho[i]! + z.p[i]!;
      pBeg.set(z.p);
      pEnd.set(z.p);
      return !this.divergent;
    }
    const rhoInit = this.rhoInit[depth]!;
    const pInitEnd = this.pInitEnd[depth]!;
    const pSharpInitEnd = this.pSharpInitEnd[depth]!;
    rhoInit.fill(0);
    if (!this.buildTree(depth - 1, propose, pSharpBeg, pSharpInitEnd, rhoInit, pBeg, pInitEnd, sign)) {
      return false;
    }
    const lswInit = this.subtreeLogWeight;

    const proposeFinal = this.finalPropose[depth]!;
    const rhoFinal = this.rhoFinal[depth]!;
    const pFinalBeg = this.pFinalBeg[depth]!;
    const pSharpFinalBeg = this.pSharpFinalBeg[depth]!;
    rhoFinal.fill(0);
    if (
      !this.buildTree(depth - 1, proposeFinal, pSharpFinalBeg, pSharpEnd, rhoFinal, pFinalBeg, pEnd, sign)
    ) {
      return false;
    }
    const lswFinal = this.subtreeLogWeight;
    const lswSubtree = logSumExp(lswInit, lswFinal);
    this.subtreeLogWeight = lswSubtree;
    if (lswFinal > lswSubtree) {
      propose.copyFrom(proposeFinal);
    } else if (this.rng.uniform() < Math.exp(lswFinal - lswSubtree)) {
      propose.copyFrom(proposeFinal);
    }
    for (let i = 0; i < dim; i++) rho[i] = rho[i]! + rhoInit[i]! + rhoFinal[i]!;
    return (
      criterion(pSharpBeg, pSharpEnd, rhoInit, rhoFinal) &&
      criterion(pSharpBeg, pSharpFinalBeg, rhoInit, pFinalBeg) &&
      criterion(pSharpInitEnd, pSharpEnd, rhoFinal, pInitEnd)
    );
  }

  private readonly stats: TransitionStats = {
    treeDepth: 0,
    nLeapfrog: 0,
    divergent: false,
    acceptStat: 0,
    energy: 0,
  };

  /** One NUTS transition from `current`; on return `current` holds the new draw. The returned
   *  stats object is reused by the next call. */
  transition(): TransitionStats {
    const cur = this.current;
    this.sampleMomentum(cur);
    const { zFwd, zBck, zPropose, z } = this;
    zFwd.copyFrom(cur);
    zBck.copyFrom(cur);
    zPropose.copyFrom(cur);
    const p = cur.p;
    this.pSharp(p, this.pSharpFwdFwd);
    this.pSharpFwdBck.set(this.pSharpFwdFwd);
    this.pSharpBckFwd.set(this.pSharpFwdFwd);
    this.pSharpBckBck.set(this.pSharpFwdFwd);
    this.pFwdFwd.set(p);
    this.pFwdBck.set(p);
    this.pBckFwd.set(p);
    this.pBckBck.set(p);
    this.rho.set(p);
    let logSumWeight = 0;
    this.h0 = this.hamiltonian(cur);
    this.nLeapfrog = 0;
    this.sumMetroProb = 0;
    this.divergent = false;
    let depth = 0;
    // `cur` doubles as z_sample: it is only overwritten by accepted proposals.
    while (depth < this.maxTreeDepth) {
      this.rhoFwd.fill(0);
      this.rhoBck.fill(0);
      let valid: boolean;
      if (this.rng.uniform() > 0.5) {
        z.copyFrom(zFwd);
        this.rhoBck.set(this.rho);
        this.pBckFwd.set(this.pFwdFwd);
        this.pSharpBckFwd.set(this.pSharpFwdFwd);
        valid = this.buildTree(
          depth,
          zPropose,
          this.pSharpFwdBck,
          this.pSharpFwdFwd,
          this.rhoFwd,
          this.pFwdBck,
          this.pFwdFwd,
          1,
        );
        zFwd.copyFrom(z);
      } else {
        z.copyFrom(zBck);
        this.rhoFwd.set(this.rho);
        this.pFwdBck.set(this.pBckBck);
        this.pSharpFwdBck.set(this.pSharpBckBck);
        valid = this.buildTree(
          depth,
          zPropose,
          this.pSharpBckFwd,
          this.pSharpBckBck,
          this.rhoBck,
          this.pBckFwd,
          this.pBckBck,
          -1,
        );
        zBck.copyFrom(z);
      }
      if (!valid) break;
      depth += 1;
      const lswSubtree = this.subtreeLogWeight;
      if (lswSubtree > logSumWeight) {
        cur.copyFrom(zPropose);
      } else if (this.rng.uniform() < Math.exp(lswSubtree - logSumWeight)) {
        cur.copyFrom(zPropose);
      }
      logSumWeight = logSumExp(logSumWeight, lswSubtree);
      for (let i = 0; i < this.dim; i++) this.rho[i] = this.rhoBck[i]! + this.rhoFwd[i]!;
      const persist =
        criterion(this.pSharpBckBck, this.pSharpFwdFwd, this.rho, null) &&
        criterion(this.pSharpBckBck, this.pSharpFwdBck, this.rhoBck, this.pFwdBck) &&
        criterion(this.pSharpBckFwd, this.pSharpFwdFwd, this.rhoFwd, this.pBckFwd);
      if (!persist) break;
    }
    const stats = this.stats;
    stats.treeDepth = depth;
    stats.nLeapfrog = this.nLeapfrog;
    stats.divergent = this.divergent;
    stats.acceptStat = this.nLeapfrog > 0 ? this.sumMetroProb / this.nLeapfrog : 0;
    stats.energy = this.hamiltonian(cur);
    return stats;
  }
}

export interface SampleChainHooks {
  onProgress?(progress: SamplerProgress): void;
  /** Minimum time between progress calls (default 100 ms); the last iteration of each phase is
   *  always reported. */
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

export function abortError(): Error {
  return new DOMException("Sampling was aborted", "AbortError");
}

/** Runs one NUTS chain (warmup with adaptation, then draws) in the calling thread. */
export function sampleChain(
  target: LogDensity,
  opts: NutsOptions,
  chainIndex: number,
  hooks: SampleChainHooks = {},
): ChainResult {
  const dim = target.dim;
  const { warmup, draws, seed } = opts;
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`warmup must be an integer >= 0`);
  if (!Number.isInteger(draws) || draws < 1) throw new Error(`draws must be an integer >= 1`);
  const maxTreeDepth = opts.maxTreeDepth ?? 10;
  const targetAccept = opts.targetAccept ?? 0.8;
  const initRadius = opts.initRadius ?? 2;
  const rng = new Rng(seed, chainIndex);
  const kernel = new NutsKernel(target, rng, maxTreeDepth);

  const init = opts.inits?.[chainIndex];
  if (init) {
    if (init.length !== dim)
      throw new Error(`init for chain ${chainIndex} has length ${init.length}, expected ${dim}`);
    if (!kernel.setPosition(init))
      throw new Error(`log density is not finite at the init of chain ${chainIndex}`);
  } else {
    const q = new Float64Array(dim);
    let ok = false;
    for (let attempt = 0; attempt < MAX_INIT_TRIES && !ok; attempt++) {
      for (let i = 0; i < dim; i++) q[i] = (2 * rng.uniform() - 1) * initRadius;
      ok = kernel.setPosition(q);
    }
    if (!ok) {
      throw new Error(
        `chain ${chainIndex}: no finite log density in ${MAX_INIT_TRIES} random inits on (-${initRadius}, ${initRadius})`,
      );
    }
  }

  const samples = new Float64Array(draws * dim);
  const logp = new Float64Array(draws);
  const energy = new Float64Array(draws);
  const treeDepth = new Uint8Array(draws);
  const divergent = new Uint8Array(draws);
  const acceptStat = new Float64Array(draws);
  const nLeapfrog = new Uint32Array(draws);

  const interval = hooks.progressIntervalMs ?? 100;
  const total = warmup + draws;
  const t0 = performance.now();
  let lastReport = Number.NEGATIVE_INFINITY;
  let divergences = 0;
  const report = (iteration: number, phase: "warmup" | "sampling", force: boolean): void => {
    if (!hooks.onProgress) return;
    const now = performance.now();
    if (!force && now - lastReport < interval) return;
    lastReport = now;
    hooks.onProgress({ chain: chainIndex, iteration, total, phase, divergences, elapsedMs: now - t0 });
  };
  const checkAbort = (): void => {
    if (hooks.signal?.aborted) throw abortError();
  };

  // As in Stan's services: mu = log(10 * initial step size 1) is set before the step-size
  // heuristic runs; it is reset to log(10 * eps) after every metric update.
  kernel.stepSize = 1;
  const dual = new DualAveraging(targetAccept);
  dual.setMu(Math.log(10 * kernel.stepSize));
  kernel.initStepSize();
  const windows = new WindowedVarianceAdaptation(
    dim,
    warmup,
    opts.initBuffer,
    opts.termBuffer,
    opts.baseWindow,
    {
      estimator: opts.metricEstimator ?? "variance",
      earlyWindow: opts.earlyMetricWindow ?? 0,
      settleTolerance: opts.warmupSettleTolerance ?? 0,
      ...(opts.warmupSettleMinWindows !== undefined ? { settleMinWindows: opts.warmupSettleMinWindows } : {}),
      ...(opts.metric === "dense" ? { dense: true } : {}),
    },
  );
  let warmupDone = warmup;
  const earlyDepth = opts.initBufferMaxTreeDepth ?? maxTreeDepth;
  for (let it = 0; it < warmup; it++) {
    if (it >= windows.warmupEnd) {
      warmupDone = it;
      break;
    }
    checkAbort();
    kernel.maxTreeDepth = windows.inInitialBuffer ? Math.min(earlyDepth, maxTreeDepth) : maxTreeDepth;
    const stats = kernel.transition();
    if (stats.divergent) divergences += 1;
    kernel.stepSize = dual.learn(stats.acceptStat);
    if (windows.learn(kernel.current.q, kernel.invMetric, kernel.current.grad)) {
      if (windows.denseMetric !== null) kernel.setDenseMetric(windows.denseMetric);
      kernel.initStepSize();
      dual.setMu(Math.log(10 * kernel.stepSize));
      dual.restart();
    }
    report(it + 1, "warmup", it + 1 === warmup);
  }
  kernel.maxTreeDepth = maxTreeDepth;
  if (warmup > 0) kernel.stepSize = dual.final();
  const warmupGradients = kernel.gradientEvals;
  const t1 = performance.now();
  divergences = 0;
  for (let it = 0; it < draws; it++) {
    checkAbort();
    const stats = kernel.transition();
    samples.set(kernel.current.q, it * dim);
    logp[it] = kernel.current.logp;
    energy[it] = stats.energy;
    treeDepth[it] = stats.treeDepth;
    divergent[it] = stats.divergent ? 1 : 0;
    if (stats.divergent) divergences += 1;
    acceptStat[it] = stats.acceptStat;
    nLeapfrog[it] = stats.nLeapfrog;
    report(warmup + it + 1, "sampling", it + 1 === draws);
  }
  const t2 = performance.now();
  return {
    chain: chainIndex,
    dim,
    draws,
    samples,
    logp,
    energy,
    treeDepth,
    divergent,
    acceptStat,
    nLeapfrog,
    stepSize: kernel.stepSize,
    invMetric: Float64Array.from(kernel.invMetric),
    warmupGradients,
    warmupIterations: warmupDone,
    warmupMs: t1 - t0,
    samplingMs: t2 - t1,
  };
}
