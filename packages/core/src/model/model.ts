/**
 * The MMM log density on the unconstrained space (docs/model.md sections 2-3) with its exact
 * gradient by a hand-written reverse sweep through the per-week pipeline. All workspaces are
 * allocated once in createModel; logDensityGradient allocates nothing.
 */
import { hillFastMath } from "../transforms/hill.ts";
import { getTransform } from "../transforms/registry.ts";
import type { Transform, TransformContext } from "../transforms/types.ts";
import type { LogDensity } from "../inference/types.ts";
import { calibrationTerms } from "./calibration.ts";
import { type CompiledPrior, compilePrior, logGamma, PriorCode } from "../priors/priors.ts";
import type { ModelSpec, ParameterInfo } from "./spec.ts";
import type { LogDensityTerm, LogDensityTermContext, LogDensityTermGradient } from "./terms.ts";

export interface ForwardResult {
  mu: Float64Array;
  /** b0 in every week */
  baseline: Float64Array;
  trend: Float64Array;
  seasonality: Float64Array;
  controls: Float64Array;
  events: Float64Array;
  /** per channel: beta_c sat_c,t */
  channel: Float64Array[];
  /** per synergy pair: gamma_ij sat_i,t sat_j,t */
  synergy: Float64Array[];
  adstock: Float64Array[];
  /** per channel: o_t (zeros for channels without a viral echo or with viralOff) */
  viralEcho: Float64Array[];
  exposure: Float64Array[];
  saturation: Float64Array[];
}

export interface ForwardOptions {
  /** scaled spend per channel (spec channel order); may be longer than the data */
  spend?: Float64Array[];
  /** switch every viral echo off (kappa = 0) */
  viralOff?: boolean;
  /** number of weeks to compute (default: data rows, or the override length) */
  weeks?: number;
}

export interface LogDensityParts {
  logPrior: number;
  logLikelihood: number;
  logJacobian: number;
  /** sum of the extra terms (calibration) */
  logTerms: number;
  /** logPrior + logLikelihood + logTerms (+ logJacobian when jacobian) */
  total: number;
}

export interface MmmModel extends LogDensity {
  spec: ModelSpec;
  parameters: ParameterInfo[];
  logDensity(theta: Float64Array): number;
  /** Like logDensityGradient, optionally without the log-Jacobian; fills `parts` when given. */
  evaluate(
    theta: Float64Array,
    grad: Float64Array | null,
    jacobian: boolean,
    parts?: LogDensityParts,
  ): number;
  constrain(theta: Float64Array): Float64Array;
  unconstrain(values: Float64Array): Float64Array;
  forward(values: Float64Array, opts?: ForwardOptions): ForwardResult;
  pointwiseLogLik(values: Float64Array, out: Float64Array): void;
  /**
   * Per-draw quantities for summaries, without allocating: mu over all weeks into `mu` (length
   * spec.weeks, as forward(values).mu), per channel the sum of beta_c sat_c,t over the training
   * weeks into `channelSums`, and the pointwise log-likelihood of the training rows into `logLik`.
   */
  drawQuantities(
    values: Float64Array,
    mu: Float64Array,
    channelSums: Float64Array,
    logLik: Float64Array,
  ): void;
  /** True when theta[0] is the training mean of mu instead of b0 (CreateModelOptions.centerIntercept). */
  centered: boolean;
  /** theta of this model -> theta of docs/model.md (b0 at index 0); a copy when not centered. */
  canonicalTheta(theta: Float64Array): Float64Array;
  /** theta of docs/model.md -> theta of this model; a copy when not centered. */
  modelTheta(canonical: Float64Array): Float64Array;
}

const REAL = 0;
const POSITIVE = 1;
const UNIT = 2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

interface StageRuntime {
  t: Transform;
  pIdx: Int32Array;
  p: Float64Array;
  gp: Float64Array;
  ctx: TransformContext;
  out: Float64Array;
  isViral: boolean;
  constants: Record<string, number>;
}

interface ChannelRuntime {
  beta: number;
  x: Float64Array;
  stages: StageRuntime[];
  sat: Float64Array;
  gSat: Float64Array;
}

export interface CreateModelOptions {
  /** Extra log-density terms (calibration). Default: calibrationTerms(spec). */
  terms?: LogDensityTerm[];
  /**
   * Sample the intercept as m = mean of mu over the training weeks instead of b0
   * (b0 = m - mean_t(mu_t - b0)). The map has unit Jacobian, so the density is the same; it
   * removes the stiff "overall level" ridge between b0 and the log-betas (docs/model.md, "Sampler
   * parameterization"). constrain/unconstrain still speak canonical constrained values.
   */
  centerIntercept?: boolean;
}

export function createModel(spec: ModelSpec, opts: CreateModelOptions = {}): MmmModel {
  const dim = spec.parameters.length;
  const n = spec.trainingWeeks;
  const N = spec.weeks;
  const lags = spec.adstockLags;
  const P = spec.linearCount;
  const C = spec.channels.length;
  const terms = opts.terms ?? calibrationTerms(spec);
  const centered = opts.centerIntercept === true;

  const constraint = new Uint8Array(dim);
  const priors: CompiledPrior[] = [];
  spec.parameters.forEach((p, i) => {
    constraint[i] = p.constraint === "real" ? REAL : p.constraint === "positive" ? POSITIVE : UNIT;
    priors.push(compilePrior(p.prior));
  });
  const priorCode = Int32Array.from(priors, (p) => p.code);
  const priorP1 = Float64Array.from(priors, (p) => p.p1);
  const priorP2 = Float64Array.from(priors, (p) => p.p2);
  const priorConst = Float64Array.from(priors, (p) => p.logConst);

  // Baseline design, column-major P x N: 1, tau, sin_k, cos_k, z_j, events.
  const design = new Float64Array(P * N);
  {
    let j = 0;
    const col = (v: ArrayLike<number> | null) => {
      for (let t = 0; t < N; t++) design[j * N + t] = v === null ? 1 : v[t]!;
      j++;
    };
    col(null);
    col(spec.tau);
    for (const s of spec.fourierSin) col(s);
    for (const c of spec.fourierCos) col(c);
    for (const z of spec.controls) col(z.z);
    for (const e of spec.events) col(e.values);
    if (j !== P) throw new Error(`baseline design has ${j} columns, spec says ${P}`);
  }

  const makeStage = (
    st: ModelSpec["channels"][number]["stages"][number],
    x: Float64Array,
    len: number,
    cachedFeature?: Float64Array,
  ): StageRuntime => {
    // Hill with the inlined table exp / log (transforms/fast-math.ts; docs/model.md section 6)
    const t = st.kind === "hill" ? hillFastMath : getTransform(st.kind);
    let feature = cachedFeature;
    if (feature === undefined) {
      feature = new Float64Array(t.feature ? len : 0);
      if (t.feature) t.feature(x, len, st.constants, feature);
    }
    return {
      t,
      pIdx: Int32Array.from(st.params),
      p: new Float64Array(st.params.length),
      gp: new Float64Array(st.params.length),
      ctx: { x, lags, feature, ws: new Float64Array(t.workspaceSize(len, lags)) },
      out: new Float64Array(len),
      isViral: st.stage === "viralEcho",
      constants: st.constants,
    };
  };

  const channels: ChannelRuntime[] = spec.channels.map((ch) => {
    const stages = ch.stages.map((st) => makeStage(st, ch.x, N));
    return { beta: ch.beta, x: ch.x, stages, sat: stages[stages.length - 1]!.out, gSat: new Float64Array(N) };
  });
  const synA = Int32Array.from(spec.synergies, (s) => s.a);
  const synB = Int32Array.from(spec.synergies, (s) => s.b);
  const synG = Int32Array.from(spec.synergies, (s) => s.gamma);
  const y = spec.y;
  const sigmaIdx = spec.sigma;
  const studentT = spec.likelihood.kind === "studentT";
  const nu = spec.likelihood.kind === "studentT" ? spec.likelihood.nu : 0;
  const tConst = studentT ? logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) : 0;

  const values = new Float64Array(dim);
  // partial sums (log-Jacobian, log prior, log likelihood) kept unboxed between the passes
  const acc = new Float64Array(3);
  const oneMinus = new Float64Array(dim); // 1 - v for unit parameters, computed without cancellation
  const dxdu = new Float64Array(dim);
  const jacGrad = new Float64Array(dim);
  const gValues = new Float64Array(dim);
  const mu = new Float64Array(N);
  const gMu = new Float64Array(N);
  const gA = new Float64Array(N);
  const gB = new Float64Array(N);
  const termCtx: LogDensityTermContext = { values, saturation: channels.map((c) => c.sat), mu, n };
  const termGrad: LogDensityTermGradient = { values: gValues, saturation: channels.map((c) => c.gSat) };

  /** theta -> values; log-Jacobian into acc[0]; fills dxdu and jacGrad. */
  function constrainInto(theta: Float64Array): void {
    let logJ = 0;
    for (let i = 0; i < dim; i++) {
      const u = theta[i]!;
      const c = constraint[i]!;
      if (c === REAL) {
        values[i] = u;
        dxdu[i] = 1;
        jacGrad[i] = 0;
      } else if (c === POSITIVE) {
        const v = Math.exp(u);
        values[i] = v;
        dxdu[i] = v;
        jacGrad[i] = 1;
        logJ += u;
      } else {
        const e = Math.exp(-Math.abs(u));
        const inv = 1 / (1 + e);
        const v = u >= 0 ? inv : e * inv;
        const w = u >= 0 ? e * inv : inv;
        values[i] = v;
        oneMinus[i] = w;
        dxdu[i] = v * w;
        jacGrad[i] = w - v;
        logJ += -Math.abs(u) - 2 * Math.log1p(e);
      }
    }
    acc[0] = logJ;
  }

  /** Log prior at `values` into acc[1]; writes d/d values into gValues when grad. */
  function logPrior(grad: boolean): void {
    let lp = 0;
    for (let i = 0; i < dim; i++) {
      const x = values[i]!;
      const a = priorP1[i]!;
      const b = priorP2[i]!;
      let d: number;
      switch (priorCode[i]) {
        case PriorCode.Normal: {
          const z = (x - a) / b;
          lp += priorConst[i]! - 0.5 * z * z;
          d = -z / b;
          break;
        }
        case PriorCode.HalfNormal: {
          const z = x / b;
          lp += x > 0 ? priorConst[i]! - 0.5 * z * z : -Infinity;
          d = -z / b;
          break;
        }
        case PriorCode.Beta: {
          const w = constraint[i] === UNIT ? oneMinus[i]! : 1 - x;
          lp += x > 0 && w > 0 ? priorConst[i]! + (a - 1) * Math.log(x) + (b - 1) * Math.log(w) : -Infinity;
          d = (a - 1) / x - (b - 1) / w;
          break;
        }
        case PriorCode.Gamma: {
          lp += x > 0 ? priorConst[i]! + (a - 1) * Math.log(x) - b * x : -Infinity;
          d = (a - 1) / x - b;
          break;
        }
        default: {
          const lx = Math.log(x);
          const z = (lx - a) / b;
          lp += x > 0 ? priorConst[i]! - lx - 0.5 * z * z : -Infinity;
          d = (-1 - z / b) / x;
        }
      }
      if (grad) gValues[i] = d;
    }
    acc[1] = lp;
  }

  /** mu over the first m rows at `values` (m <= N), running every channel pipeline. */
  function computeMu(m: number): void {
    const b0 = values[0]!;
    for (let t = 0; t < m; t++) mu[t] = b0;
    for (let j = 1; j < P; j++) {
      const b = values[j]!;
      const off = j * N;
      for (let t = 0; t < m; t++) mu[t] = mu[t]! + b * design[off + t]!;
    }
    for (let c = 0; c < C; c++) {
      const ch = channels[c]!;
      let input = ch.x;
      const stages = ch.stages;
      for (let s = 0; s < stages.length; s++) {
        const st = stages[s]!;
        for (let k = 0; k < st.pIdx.length; k++) st.p[k] = values[st.pIdx[k]!]!;
        st.t.forward(input, m, st.p, st.out, st.ctx);
        input = st.out;
      }
      const beta = values[ch.beta]!;
      const sat = ch.sat;
      for (let t = 0; t < m; t++) mu[t] = mu[t]! + beta * sat[t]!;
    }
    for (let k = 0; k < synG.length; k++) {
      const g = values[synG[k]!]!;
      const si = channels[synA[k]!]!.sat;
      const sj = channels[synB[k]!]!.sat;
      for (let t = 0; t < m; t++) mu[t] = mu[t]! + g * si[t]! * sj[t]!;
    }
  }

  /** Log likelihood of the training rows into acc[2]; fills gMu and adds d/d sigma into gValues when grad. */
  function logLik(grad: boolean): void {
    const sigma = values[sigmaIdx]!;
    if (!studentT) {
      const inv2 = 1 / (sigma * sigma);
      let ss = 0;
      for (let t = 0; t < n; t++) {
        const r = y[t]! - mu[t]!;
        ss += r * r;
        if (grad) gMu[t] = r * inv2;
      }
      if (grad) gValues[sigmaIdx] = gValues[sigmaIdx]! - n / sigma + (ss * inv2) / sigma;
      acc[2] = -n * (HALF_LOG_2PI + Math.log(sigma)) - 0.5 * ss * inv2;
      return;
    }
    const ns2 = nu * sigma * sigma;
    let sumLog = 0;
    let gs = 0;
    for (let t = 0; t < n; t++) {
      const r = y[t]! - mu[t]!;
      const r2 = r * r;
      const q = ns2 + r2;
      sumLog += Math.log1p(r2 / ns2);
      if (grad) {
        gMu[t] = ((nu + 1) * r) / q;
        gs += r2 / q;
      }
    }
    if (grad) gValues[sigmaIdx] = gValues[sigmaIdx]! + (-n + (nu + 1) * gs) / sigma;
    acc[2] = n * (tConst - Math.log(sigma)) - 0.5 * (nu + 1) * sumLog;
  }

  /** Reverse sweep: gMu -> gValues (added). */
  function backward(): void {
    for (let j = 0; j < P; j++) {
      const off = j * N;
      let g = 0;
      for (let t = 0; t < n; t++) g += gMu[t]! * design[off + t]!;
      gValues[j] = gValues[j]! + g;
    }
    for (let c = 0; c < C; c++) {
      const ch = channels[c]!;
      const beta = values[ch.beta]!;
      const sat = ch.sat;
      const gSat = ch.gSat;
      let gb = 0;
      for (let t = 0; t < n; t++) {
        const g = gMu[t]!;
        gb += g * sat[t]!;
        gSat[t] = g * beta;
      }
      gValues[ch.beta] = gValues[ch.beta]! + gb;
    }
    for (let k = 0; k < synG.length; k++) {
      const gi = synG[k]!;
      const g = values[gi]!;
      const ci = channels[synA[k]!]!;
      const cj = channels[synB[k]!]!;
      let gg = 0;
      for (let t = 0; t < n; t++) {
        const gm = gMu[t]!;
        const si = ci.sat[t]!;
        const sj = cj.sat[t]!;
        gg += gm * si * sj;
        ci.gSat[t] = ci.gSat[t]! + gm * g * sj;
        cj.gSat[t] = cj.gSat[t]! + gm * g * si;
      }
      gValues[gi] = gValues[gi]! + gg;
    }
  }

  function backwardChannels(): void {
    for (let c = 0; c < C; c++) {
      const ch = channels[c]!;
      const stages = ch.stages;
      let gOut = ch.gSat;
      for (let s = stages.length - 1; s >= 0; s--) {
        const st = stages[s]!;
        const input = s === 0 ? ch.x : stages[s - 1]!.out;
        const gIn = s === 0 ? null : gOut === gA ? gB : gA;
        st.t.backward(input, n, st.p, st.out, gOut, st.gp, gIn, st.ctx);
        for (let k = 0; k < st.pIdx.length; k++) {
          const i = st.pIdx[k]!;
          gValues[i] = gValues[i]! + st.gp[k]!;
        }
        if (gIn !== null) gOut = gIn;
      }
    }
  }

  function evaluate(
    theta: Float64Array,
    grad: Float64Array | null,
    jacobian: boolean,
    parts?: LogDensityParts,
  ): number {
    const withGrad = grad !== null;
    constrainInto(theta);
    const logJ = acc[0]!;
    if (centered) centerIntercept();
    logPrior(withGrad);
    const lp = acc[1]!;
    if (!centered) computeMu(n);
    logLik(withGrad);
    const ll = acc[2]!;
    if (withGrad) {
      if (centered) {
        // b0 = m - mean(g): d/dm = d/db0 (prior + sum of gMu); every other parameter also moves b0,
        // which subtracts the mean adjoint from each week's adjoint before the reverse sweep.
        let g0 = gValues[0]!;
        for (let t = 0; t < n; t++) g0 += gMu[t]!;
        const shift = g0 / n;
        for (let t = 0; t < n; t++) gMu[t] = gMu[t]! - shift;
        backward();
        gValues[0] = g0;
      } else {
        backward();
      }
    }
    let lt = 0;
    for (let k = 0; k < terms.length; k++) lt += terms[k]!.evaluate(termCtx, withGrad ? termGrad : null);
    let total = lp + ll + lt;
    if (jacobian) total += logJ;
    if (withGrad) {
      backwardChannels();
      for (let i = 0; i < dim; i++) grad[i] = gValues[i]! * dxdu[i]! + (jacobian ? jacGrad[i]! : 0);
    }
    if (parts !== undefined) {
      parts.logPrior = lp;
      parts.logLikelihood = ll;
      parts.logJacobian = logJ;
      parts.logTerms = lt;
      parts.total = total;
    }
    return total;
  }

  /** values[0] holds m: mu over the training rows without b0, then b0 = m - mean into values[0]
   *  and mu. */
  /** Mean of mu over the training rows at `values`. */
  function trainingMeanOfMu(): number {
    computeMu(n);
    let sum = 0;
    for (let t = 0; t < n; t++) sum += mu[t]!;
    return sum / n;
  }

  function centerIntercept(): void {
    const m = values[0]!;
    values[0] = 0;
    const b0 = m - trainingMeanOfMu();
    values[0] = b0;
    for (let t = 0; t < n; t++) mu[t] = mu[t]! + b0;
  }

  function constrain(theta: Float64Array): Float64Array {
    constrainInto(theta);
    if (centered) centerIntercept();
    return Float64Array.from(values);
  }

  function canonicalTheta(theta: Float64Array): Float64Array {
    const out = Float64Array.from(theta);
    if (centered) {
      constrainInto(theta);
      centerIntercept();
      out[0] = values[0]!;
    }
    return out;
  }

  function modelTheta(canonical: Float64Array): Float64Array {
    const out = Float64Array.from(canonical);
    if (centered) {
      constrainInto(canonical);
      out[0] = trainingMeanOfMu();
    }
    return out;
  }

  function unconstrain(v: Float64Array): Float64Array {
    const u = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      const x = v[i]!;
      const c = constraint[i]!;
      u[i] = c === REAL ? x : c === POSITIVE ? Math.log(x) : Math.log(x) - Math.log1p(-x);
    }
    return centered ? modelTheta(u) : u;
  }

  function forward(v: Float64Array, fo: ForwardOptions = {}): ForwardResult {
    let W = fo.weeks ?? N;
    if (fo.weeks === undefined && fo.spend !== undefined) W = Math.max(...fo.spend.map((s) => s.length));
    const T = n;
    const baseline = new Float64Array(W).fill(v[0]!);
    const trend = new Float64Array(W);
    const seasonality = new Float64Array(W);
    const controls = new Float64Array(W);
    const events = new Float64Array(W);
    const bt = v[1]!;
    for (let t = 0; t < W; t++) trend[t] = bt * (t / (T - 1));
    const K = spec.fourierPairs;
    for (let k = 1; k <= K; k++) {
      const s = v[1 + k]!;
      const c = v[1 + K + k]!;
      for (let t = 0; t < W; t++) {
        // continue the same phase past the data: t + 1 weeks from the first row
        const sn =
          t < N ? spec.fourierSin[k - 1]![t]! : Math.sin((2 * Math.PI * k * (t + 1)) / spec.fourierPeriod);
        const cs =
          t < N ? spec.fourierCos[k - 1]![t]! : Math.cos((2 * Math.PI * k * (t + 1)) / spec.fourierPeriod);
        seasonality[t] = seasonality[t]! + s * sn + c * cs;
      }
    }
    // controls and events past the data are at their training mean (z = 0) / off
    const J = spec.controls.length;
    for (let j = 0; j < J; j++) {
      const b = v[2 + 2 * K + j]!;
      const z = spec.controls[j]!.z;
      for (let t = 0; t < Math.min(W, N); t++) controls[t] = controls[t]! + b * z[t]!;
    }
    for (let j = 0; j < spec.events.length; j++) {
      const b = v[2 + 2 * K + J + j]!;
      const e = spec.events[j]!.values;
      for (let t = 0; t < Math.min(W, N); t++) events[t] = events[t]! + b * e[t]!;
    }
    const mu = new Float64Array(W);
    for (let t = 0; t < W; t++)
      mu[t] = baseline[t]! + trend[t]! + seasonality[t]! + controls[t]! + events[t]!;

    const res: ForwardResult = {
      mu,
      baseline,
      trend,
      seasonality,
      controls,
      events,
      channel: [],
      synergy: [],
      adstock: [],
      viralEcho: [],
      exposure: [],
      saturation: [],
    };
    spec.channels.forEach((chSpec, c) => {
      let x: Float64Array;
      const override = fo.spend?.[c];
      if (override !== undefined) {
        if (override.length < W)
          throw new Error(`spend override of "${chSpec.name}" has ${override.length} weeks, ${W} needed`);
        x = override;
      } else {
        x = new Float64Array(W);
        x.set(chSpec.x.subarray(0, Math.min(W, N)));
      }
      let input = x;
      let adstock = x;
      const o = new Float64Array(W);
      const hot = channels[c]!;
      chSpec.stages.forEach((stSpec, s) => {
        if (fo.viralOff && stSpec.stage === "viralEcho") return;
        // the data's own features are precomputed over all N rows; reuse them when the spend is the data's
        const cached = override === undefined && W <= N ? hot.stages[s]!.ctx.feature : undefined;
        const st = makeStage(stSpec, x, W, cached);
        for (let k = 0; k < st.pIdx.length; k++) st.p[k] = v[st.pIdx[k]!]!;
        if (stSpec.stage === "saturation") res.exposure.push(input);
        st.t.forward(input, W, st.p, st.out, st.ctx);
        if (stSpec.stage === "adstock") adstock = st.out;
        if (st.isViral) {
          for (let t = 0; t < W; t++) o[t] = st.out[t]! - input[t]!;
        }
        input = st.out;
      });
      res.adstock.push(adstock);
      res.viralEcho.push(o);
      res.saturation.push(input);
      const beta = v[chSpec.beta]!;
      const contrib = new Float64Array(W);
      for (let t = 0; t < W; t++) {
        contrib[t] = beta * input[t]!;
        mu[t] = mu[t]! + contrib[t]!;
      }
      res.channel.push(contrib);
    });
    for (const s of spec.synergies) {
      const g = v[s.gamma]!;
      const si = res.saturation[s.a]!;
      const sj = res.saturation[s.b]!;
      const term = new Float64Array(W);
      for (let t = 0; t < W; t++) {
        term[t] = g * si[t]! * sj[t]!;
        mu[t] = mu[t]! + term[t]!;
      }
      res.synergy.push(term);
    }
    return res;
  }

  function pointwiseLogLik(v: Float64Array, out: Float64Array): void {
    values.set(v);
    computeMu(n);
    rowLogLik(out);
  }

  /** Pointwise log-likelihood of the training rows at `values` and `mu`. */
  function rowLogLik(out: Float64Array): void {
    const sigma = values[sigmaIdx]!;
    for (let t = 0; t < n; t++) {
      const r = (y[t]! - mu[t]!) / sigma;
      out[t] = studentT
        ? tConst - Math.log(sigma) - 0.5 * (nu + 1) * Math.log1p((r * r) / nu)
        : -HALF_LOG_2PI - Math.log(sigma) - 0.5 * r * r;
    }
  }

  function drawQuantities(
    v: Float64Array,
    muOut: Float64Array,
    channelSums: Float64Array,
    logLikOut: Float64Array,
  ): void {
    values.set(v);
    computeMu(N);
    muOut.set(mu);
    for (let c = 0; c < C; c++) {
      const ch = channels[c]!;
      const beta = values[ch.beta]!;
      let sum = 0;
      for (let t = 0; t < n; t++) sum += beta * ch.sat[t]!;
      channelSums[c] = sum;
    }
    rowLogLik(logLikOut);
  }

  const parameters: ParameterInfo[] = spec.parameters.map(({ name, label, block, index, constraint }) => ({
    name,
    label,
    block,
    index,
    constraint,
  }));

  return {
    dim,
    spec,
    parameters,
    logDensityGradient: (theta, grad) => evaluate(theta, grad, true),
    logDensity: (theta) => evaluate(theta, null, true),
    evaluate,
    constrain,
    unconstrain,
    forward,
    pointwiseLogLik,
    drawQuantities,
    centered,
    canonicalTheta,
    modelTheta,
  };
}

/** Factory used in a LogDensityFactoryRef (module = URL of this file): args is the ModelSpec. */
export function createModelFromSpec(spec: ModelSpec): MmmModel {
  return createModel(spec);
}

/** Factory of the sampler's parameterization (intercept centered on the training mean of mu). */
export function createCenteredModelFromSpec(spec: ModelSpec): MmmModel {
  return createModel(spec, { centerIntercept: true });
}
