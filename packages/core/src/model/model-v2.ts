/**
 * The v2 model (shared/docs/model-v2.md section 3; docs/model.md section 10): log density with an
 * exact, hand-written reverse sweep, and the forward pipeline that analysis, incrementality and the
 * optimizer share. Per geo g and week t:
 *
 *   mu_{g,t} = base_t + tauGeo_g + sum_j zeta_j z_{g,t,j} + sum_e event_e d_{g,t,e}
 *            + sum_c betaGeo_{g,c} m_{t,c} r_{g,t,c} + sum_{(a,b)} gamma_ab r_{g,t,a} r_{g,t,b}
 *
 * with r the channel's response (the last stage of its registry pipeline; for R&F the adstock of
 * x_reach * hillF(frequency)), m = exp(f_t) (time-varying media) or 1, betaGeo = beta exp(eta_geo u -
 * eta_geo^2 / 2) (G > 1), base = b0 + b_trend tau_t or the knot interpolation, + Fourier. The
 * observation is y (identity link) or log y (log link), Normal or Student-t with sigma or sigma_g.
 * The hot path (logDensityGradient) allocates nothing; its cost is O(G T C).
 */
import type { LogDensity } from "../inference/types.ts";
import { type CompiledPrior, compilePrior, logGamma, priorLogDensity } from "../priors/priors.ts";
import { hill } from "../transforms/hill.ts";
import { getTransform } from "../transforms/registry.ts";
import type { Transform, TransformContext } from "../transforms/types.ts";
import type { ModelSpecV2 } from "./spec-v2.ts";

const REAL = 0;
const POSITIVE = 1;
const UNIT = 2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

interface StageRt {
  t: Transform;
  pIdx: Int32Array;
  p: Float64Array;
  gp: Float64Array;
  ctx: TransformContext;
  out: Float64Array;
}

/** One channel in one geo: its input, stages and (R&F) frequency Hill. */
interface CellRt {
  x: Float64Array;
  /** R&F: x * hillF(frequency); else x itself */
  input: Float64Array;
  freq: Float64Array | null;
  hillOut: Float64Array;
  hillCtx: TransformContext;
  stages: StageRt[];
  resp: Float64Array;
  gResp: Float64Array;
  /** two gradient buffers the reverse sweep alternates between (never aliasing gOut) */
  gA: Float64Array;
  gB: Float64Array;
}

export interface LogDensityPartsV2 {
  logPrior: number;
  logLikelihood: number;
  logJacobian: number;
  /** the lift tests' terms (0 without lift tests) */
  logTerms?: number;
}

export interface ForwardOptionsV2 {
  /**
   * Per channel, a factor on its input (x; the reach of an R&F channel) in every week and geo:
   * 0 is the counterfactual "channel off", 1.01 a 1 % larger input. The data features (network,
   * authenticity, consistency indices) stay as computed from the data.
   */
  scale?: readonly number[];
}

/** Everything the pipeline computes at one point, per [geo][week] unless noted (all N weeks). */
export interface ForwardV2 {
  /** baseline_t (b0 + b_trend tau or knots, without seasonality), seasonality_t, per week */
  baseline: Float64Array;
  seasonality: Float64Array;
  /** f_t (zeros without time-varying media) */
  mediaEffectiveness: Float64Array;
  knots: Float64Array;
  mediaRandomWalk: Float64Array;
  tauGeo: Float64Array;
  /** [channel][geo] */
  betaGeo: Float64Array[];
  sigmaGeo: Float64Array;
  /** [channel][geo][week] */
  frequencyResponse: (Float64Array[] | null)[];
  rfInput: (Float64Array[] | null)[];
  adstock: Float64Array[][];
  /** o_t of the viral echo stage (null for channels without one) */
  viralEcho: (Float64Array[] | null)[];
  /** e: the saturation's input (R&F: the adstock, which is also the response) */
  exposure: Float64Array[][];
  response: Float64Array[][];
  channelTerm: Float64Array[][];
  /** controls + events contribution [geo][week] */
  controls: Float64Array[];
  synergy: Float64Array[];
  mu: Float64Array[];
  /** E[y] on the scaled KPI: mu (identity) or exp(mu + sigma_g^2 / 2) (log) */
  expectedY: Float64Array[];
}

export interface MmmModelV2 extends LogDensity {
  spec: ModelSpecV2;
  dim: number;
  logDensity(theta: Float64Array): number;
  /** Log density (+ gradient into grad when not null) on the unconstrained scale. */
  evaluate(
    theta: Float64Array,
    grad: Float64Array | null,
    jacobian: boolean,
    parts?: LogDensityPartsV2,
  ): number;
  constrain(theta: Float64Array): Float64Array;
  unconstrain(values: Float64Array): Float64Array;
  /** G > 1, at theta: each geo's mean of mu over the training weeks and its canonical v_g (with
   *  centerGeoLevels, theta holds the former and this is how the latter is found). */
  geoLevels(theta: Float64Array): {
    mean: Float64Array;
    v: Float64Array;
    level: number;
    /** the canonical z_k at theta (the collapsed knots' draw with collapseKnots; empty without knots) */
    knots: Float64Array;
  };
  /**
   * collapseLevels only: the noise (the level's, then with collapseKnots the knots' innovations',
   * then one per geo) whose conditional draw gives the canonical level, z_k and v_g of
   * `canonical` (the inverse of the draw; ModelOptionsV2).
   */
  collapsedNoise(canonical: Float64Array): Float64Array;
  /** The forward pipeline at constrained values (allocates; not the sampler's path). */
  forward(values: Float64Array, opts?: ForwardOptionsV2): ForwardV2;
  /**
   * One channel's term betaGeo m_t r_t in one geo for a given scaled input series (the optimizer's
   * entry point: a plan's exposure per week, x units, length <= N), with that geo's training
   * constants and features recomputed from `input` (planning semantics). R&F: `input` is the reach
   * and `frequency` the planned frequency. Writes `out[0..n)`; allocation-free after the first call.
   */
  channelTerm(
    values: Float64Array,
    c: number,
    g: number,
    input: Float64Array,
    n: number,
    out: Float64Array,
    frequency?: Float64Array | "unit",
  ): void;
  /**
   * Each spec lift test's model-implied lift at constrained values (KPI units; docs/model.md
   * section 11.3): the channel's counterfactual lift over the test's weeks and geos.
   */
  liftTestImplied(values: Float64Array): Float64Array;
}

export interface ModelOptionsV2 {
  /**
   * G > 1, sampler use only: theta[v + g] holds m_g, the mean of mu[g, t] over the training weeks,
   * instead of v_g; then tauGeo_g = m_g - mean_t (mu[g, t] - tauGeo_g) and v_g = tauGeo_g / s_tau.
   * The density gains the log-Jacobian -G log s_tau (docs/model.md section 10.7).
   */
  centerGeoLevels?: boolean;
  /**
   * With centerGeoLevels, sampler use only: theta[level] (k1 with the knots baseline, b0 with the
   * trend) holds w = sqrt(G) mean_g v_g instead of the level. The data see only each geo's mean
   * level m_g, so the level and the offsets' mean trade one for one and the level's conditional
   * sd is s_tau / sqrt(G): a funnel in (level, log s_tau) when s_tau is small. In w it is not:
   * level = mean_g m_g - mean_g R_g - s_tau w / sqrt(G) (R_g: geo g's mean of mu without level
   * and offset), v_g = (m_g - R_g - level) / s_tau. The log-Jacobian becomes
   * -(G - 1) log s_tau - log(G) / 2 (docs/model.md section 10.7).
   */
  levelMean?: boolean;
  /**
   * With levelMean, sampler use only (> 0): theta[v + g] holds x_g instead of m_g, the geo offsets'
   * deviations blended between centered and non-centered by s_tau (docs/model.md section 10.7,
   * "Offsets blended by s_tau"). With s = s_tau, sm = this value (about sigma / sqrt(T), a geo's
   * mean level's data sd), a = s^2 / (s^2 + sm^2), c = s sm / sqrt(s^2 + sm^2), ybar_g the geo's
   * mean observation over the training weeks and R_g as for levelMean:
   *   m_g - R_g = mean(ybar) + sm mean(x) - mean(R) + a (ybar_g - mean(ybar) - R_g + mean(R)) + c (x_g - mean(x)),
   * i.e. mean_g m_g = mean(ybar) + sm mean(x), and the deviations of tauGeo are the toy Gaussian's
   * exact conditional: centered (m_g = ybar_g + sm x_g) when s >> sm, non-centered
   * (v_g - mean v = x_g - mean x) when s << sm. Extra log-Jacobian log(sm) + (G - 1) log(c).
   */
  offsetBlend?: number;
  /**
   * G = 1, sampler use only: theta[level] (k1 with the knots baseline, b0 with the trend) holds m,
   * the mean of mu over the training weeks, instead of the level (v1's centered intercept,
   * docs/model.md section 10.7); level = m - mean_t (mu_t - level). Unit Jacobian.
   */
  centerLevel?: boolean;
  /**
   * G > 1, sampler use only (docs/model.md section 10.7, "Collapsed level and offsets"): the level
   * c (k1 or b0) and the offsets tau_g = s_tau v_g are integrated out analytically. Given every
   * other parameter they are jointly Gaussian (the level is a pure intercept of every week of every
   * geo, its prior Normal, v_g ~ Normal(0, 1), the likelihood Normal), so the density is the
   * marginal p(theta | y) times Normal(z | 0, I), where theta[level] holds z_0 and theta[v + g]
   * holds z_g: the standard normal noise of the exact conditional draw
   *   (c, tau) = (c_hat, tau_hat) + L^-T z,  P = L L' the block's conditional precision
   * (collapsedLikelihood). The map (theta, z) -> (theta, c, v) is a change of variables whose Jacobian is exactly the
   * conditional density, so the sampler's posterior is the canonical one, with the
   * (level, s_tau) and (offset, s_tau) funnels gone. Throws where the collapse is not exact
   * (collapseExactV2).
   */
  collapseLevels?: boolean;
  /**
   * With collapseLevels and the knots baseline (K > 1), sampler use only: the knots' innovations
   * join the integrated-out block. The baseline is linear in kappa_j = s_rw z_k[j] (kappa_j moves
   * every knot from the (j+1)-th on), their prior is Normal(0, s_rw^2), so (level, kappa, tau) is
   * jointly Gaussian given the rest: theta[z_k] holds its noise like the level's and the v_g's,
   * and the (knots, s_rw) funnel, centered at small s_rw and non-centered at large, is gone
   * (docs/model.md 10.7, "Collapsed knots").
   */
  collapseKnots?: boolean;
}

/**
 * Whether the level and the geo offsets of a geo model can be integrated out exactly
 * (ModelOptionsV2.collapseLevels): G > 1, a level parameter with a Normal prior, Normal v_g
 * priors N(0, 1), a Normal likelihood, and no other density term that depends on the level or the
 * offsets (lift tests do under the log link, where their E[y] reads mu).
 */
export function collapseExactV2(spec: ModelSpecV2): boolean {
  const level = spec.index.k1 >= 0 ? spec.index.k1 : spec.index.b0;
  if (spec.G <= 1 || level < 0 || spec.index.v < 0) return false;
  if (spec.likelihood.kind !== "normal") return false;
  if (spec.parameters[level]!.prior.dist !== "normal") return false;
  for (let g = 0; g < spec.G; g++) {
    const p = spec.parameters[spec.index.v + g]!.prior;
    if (p.dist !== "normal" || p.mean !== 0 || p.sd !== 1) return false;
  }
  if (spec.link === "log" && (spec.liftTests?.length ?? 0) > 0) return false;
  return true;
}

export function createModelV2(spec: ModelSpecV2, options: ModelOptionsV2 = {}): MmmModelV2 {
  const dim = spec.parameters.length;
  const G = spec.G;
  const centerLevels = options.centerGeoLevels === true && G > 1;
  const levelMean = centerLevels && options.levelMean === true;
  const blendSm = levelMean && (options.offsetBlend ?? 0) > 0 ? options.offsetBlend! : 0;
  const levelIx = spec.index.k1 >= 0 ? spec.index.k1 : spec.index.b0;
  if (levelMean && levelIx < 0) throw new Error("levelMean needs a level parameter (k1 or b0)");
  const centerNat = options.centerLevel === true && G === 1 && levelIx >= 0;
  const collapse = options.collapseLevels === true && G > 1;
  if (collapse && !collapseExactV2(spec))
    throw new Error("collapseLevels: the level and the geo offsets cannot be integrated out exactly here");
  if (collapse && (centerLevels || centerNat)) throw new Error("collapseLevels excludes the mean levels");
  const invSqrtG = 1 / Math.sqrt(G);
  const N = spec.weeks;
  const T = spec.trainingWeeks;
  const C = spec.channels.length;
  const lags = spec.adstockLags;
  const ix = spec.index;
  const data = spec.data;
  const K = spec.knotCount;
  const J = spec.controls.length;
  const E = spec.events.length;
  const F = spec.fourierPairs;
  const isLog = spec.link === "log";
  const obs = isLog ? data.logY! : data.y;
  const studentT = spec.likelihood.kind === "studentT";
  const nu = spec.likelihood.kind === "studentT" ? spec.likelihood.nu : 0;
  const tConst = studentT ? logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) : 0;

  const constraint = new Uint8Array(dim);
  const priors: CompiledPrior[] = [];
  spec.parameters.forEach((p, i) => {
    constraint[i] = p.constraint === "real" ? REAL : p.constraint === "positive" ? POSITIVE : UNIT;
    priors.push(compilePrior(p.prior));
  });

  /** shared: per stage, the parameter and gradient buffers every geo of the channel uses */
  const makeCell = (
    c: number,
    g: number,
    len: number,
    shared?: readonly { p: Float64Array; gp: Float64Array }[],
  ): CellRt => {
    const ch = spec.channels[c]!;
    const d = data.channels[ch.data]!;
    const x = d.x[g]!;
    const rf = ch.role === "rf";
    const input = rf ? new Float64Array(len) : x;
    const stages = ch.stages.map((st, s): StageRt => {
      const t = getTransform(st.kind);
      const feature = new Float64Array(t.feature ? len : 0);
      if (t.feature) t.feature(x, len, st.constants[g]!, feature);
      return {
        t,
        pIdx: Int32Array.from(st.params),
        p: shared?.[s]!.p ?? new Float64Array(st.params.length),
        gp: shared?.[s]!.gp ?? new Float64Array(st.params.length),
        ctx: { x: input, lags, feature, ws: new Float64Array(t.workspaceSize(len, lags)) },
        out: new Float64Array(len),
      };
    });
    return {
      x,
      input,
      freq: rf ? d.frequency![g]! : null,
      hillOut: new Float64Array(rf ? len : 0),
      hillCtx: { x: input, lags, feature: new Float64Array(0), ws: new Float64Array(rf ? len : 0) },
      stages,
      resp: stages[stages.length - 1]!.out,
      gResp: new Float64Array(len),
      gA: new Float64Array(len),
      gB: new Float64Array(len),
    };
  };
  const makeCells = (len: number): CellRt[][] =>
    spec.channels.map((_, c) => Array.from({ length: G }, (__, g) => makeCell(c, g, len)));
  // The density's cells: a channel's parameters are the same in every geo, so its stages' parameter
  // (and gradient) buffers are shared by its G cells and filled once per call.
  const cells = spec.channels.map((ch, c) => {
    const shared = ch.stages.map((st) => ({
      p: new Float64Array(st.params.length),
      gp: new Float64Array(st.params.length),
    }));
    return Array.from({ length: G }, (_, g) => makeCell(c, g, N, shared));
  });
  // Channels whose response is a Hill saturation: the density runs that last stage fused with the
  // channel's term in mu (forward) and with d/d term (backward), one pass over the weeks instead
  // of three, with the same floating-point operations in the same order (bit-identical results).
  // Backward fusion needs the channel's complete d/d response before Hill, so not with synergies.
  const hillLast = spec.channels.map(
    (ch) => ch.stages.length > 0 && ch.stages[ch.stages.length - 1]!.kind === "hill",
  );
  const hillFusedBack = spec.channels.map(
    (_, c) => hillLast[c]! && !spec.synergies.some((s) => s.a === c || s.b === c),
  );

  // work buffers (hot path)
  const values = new Float64Array(dim);
  const gValues = new Float64Array(dim);
  const mu: Float64Array[] = Array.from({ length: G }, () => new Float64Array(N));
  const gMu: Float64Array[] = Array.from({ length: G }, () => new Float64Array(N));
  const base = new Float64Array(N);
  const gBase = new Float64Array(N);
  const mEff = new Float64Array(N);
  const fEff = new Float64Array(N);
  const gM = new Float64Array(N);
  const kn = new Float64Array(Math.max(K, 2));
  const gKn = new Float64Array(Math.max(K, 2));
  const w = new Float64Array(Math.max(K, 2));
  const gW = new Float64Array(Math.max(K, 2));
  const tauGeo = new Float64Array(G);
  const gTauGeo = new Float64Array(G);
  const betaGeo: Float64Array[] = Array.from({ length: C }, () => new Float64Array(G));
  const gBetaGeo: Float64Array[] = Array.from({ length: C }, () => new Float64Array(G));
  const sigmaG = new Float64Array(G);
  const gSigmaG = new Float64Array(G);
  const rfP = new Float64Array(2);
  const rfGp = new Float64Array(2);
  const knotLo = spec.knotLo;
  const knotWLo = spec.knotWLo;
  const hasTv = spec.channels.some((c) => c.timeVarying);
  /** centerGeoLevels: the sampler's m_g, and d log p / d m_g */
  const levelM = new Float64Array(centerLevels ? G : 0);
  const gLevelM = new Float64Array(centerLevels ? G : 0);
  /** levelMean: the sampler's w, each geo's mean of mu without level and offset, d log p / d w */
  let levelW = 0;
  const levelR = new Float64Array(levelMean ? G : 0);
  let gLevelW = 0;
  /** offsetBlend: each geo's mean observation over the training weeks (ybar_g) and their mean */
  const blendY = new Float64Array(blendSm > 0 ? G : 0);
  let blendYMean = 0;
  for (let g = 0; g < blendY.length; g++) {
    let sy = 0;
    for (let t = 0; t < T; t++) sy += obs[g]![t]!;
    blendY[g] = sy / T;
    blendYMean += blendY[g]! / G;
  }
  /** offsetBlend: the sampler's x_g, a and c of the current s_tau */
  const blendX = new Float64Array(blendSm > 0 ? G : 0);
  let blendA = 1;
  let blendC = 0;
  /** centerLevel: the sampler's m and d log p / d m */
  let natM = 0;
  let gNatM = 0;
  /** collapseLevels: the block (the level, with collapseKnots the knots' kappa, the offsets), its
   *  noise z, the residual's sums per geo, and the block's conditional precision, mean, covariance */
  if (options.collapseKnots === true && !collapse) throw new Error("collapseKnots needs collapseLevels");
  const colNk = collapse && options.collapseKnots === true && ix.zK >= 0 && K > 1 ? K - 1 : 0;
  /** the block's size and its coordinates: 0 the level, 1..colNk the knots' kappa_j, then tau_g */
  const colD = collapse ? 1 + colNk + G : 0;
  const colZ = new Float64Array(colD);
  /** per geo: sum_t e[g, t] and (A' e_g)_j */
  const colS = new Float64Array(collapse ? G : 0);
  const colAe = new Float64Array(colNk * G);
  /** the block's prior precision (diagonal), precision P and then its Cholesky factor, b, mean, covariance */
  const colP0 = new Float64Array(colD);
  const colL = new Float64Array(colD * colD);
  const colB = new Float64Array(colD);
  const colHat = new Float64Array(colD);
  const colSig = new Float64Array(colD * colD);
  const colKn = new Float64Array(Math.max(K, 1));
  const colShift = new Float64Array(colNk > 0 ? T : 0);
  // collapseKnots: A[t, j] = d base_t / d kappa_j (1 when the knot below week t is at or past
  // j, the upper knot's weight when that is j, else 0); its column sums and A'A over training weeks
  const colA1 = new Float64Array(colNk);
  const colAA = new Float64Array(colNk * colNk);
  if (colNk > 0) {
    const row = new Float64Array(colNk);
    for (let t = 0; t < T; t++) {
      const lo = knotLo[t]!;
      const a = knotWLo[t]!;
      for (let j = 1; j <= colNk; j++) row[j - 1] = j <= lo ? 1 : j === lo + 1 ? 1 - a : 0;
      for (let j = 0; j < colNk; j++) {
        colA1[j] = colA1[j]! + row[j]!;
        for (let k = 0; k < colNk; k++) colAA[j * colNk + k] = colAA[j * colNk + k]! + row[j]! * row[k]!;
      }
    }
  }
  const levelPrior0 = levelIx >= 0 ? spec.parameters[levelIx]!.prior : null;
  const colMu0 = levelPrior0?.dist === "normal" ? levelPrior0.mean : 0;
  const colS0 = levelPrior0?.dist === "normal" ? levelPrior0.sd : 1;
  // Lift tests (docs/model.md section 11.3): per tested channel, d logp / d D[g][t], D = the part of
  // mu that vanishes when the channel's input is 0 (its term and the synergy terms it is in).
  const lifts = spec.liftTests ?? [];
  const liftImplied = new Float64Array(lifts.length).fill(Number.NaN);
  const gD: (Float64Array[] | null)[] = spec.channels.map((_, c) =>
    lifts.some((l) => l.channel === c) ? Array.from({ length: G }, () => new Float64Array(T)) : null,
  );
  const popMy = data.scaling.population.map((p) => p * data.scaling.kpiPerCapitaMean);

  /** Pass 1 of the pipeline: the shared pieces that depend only on values. */
  function prepare(len: number): void {
    // baseline + seasonality over len weeks
    if (spec.baseline === "trend") {
      const b0 = values[ix.b0]!;
      const bt = values[ix.bTrend]!;
      for (let t = 0; t < len; t++) base[t] = b0 + bt * data.tau[t]!;
    } else {
      const s = values[ix.sRw]!;
      kn[0] = values[ix.k1]!;
      for (let i = 1; i < K; i++) kn[i] = kn[i - 1]! + s * values[ix.zK + i - 1]!;
      for (let t = 0; t < len; t++) {
        const lo = knotLo[t]!;
        const a = knotWLo[t]!;
        base[t] = a * kn[lo]! + (a === 1 ? 0 : (1 - a) * kn[lo + 1]!);
      }
    }
    for (let k = 0; k < F; k++) {
      const sk = values[ix.sSeason + k]!;
      const ck = values[ix.cSeason + k]!;
      const sn = data.fourierSin[k]!;
      const cs = data.fourierCos[k]!;
      for (let t = 0; t < len; t++) base[t] = base[t]! + sk * sn[t]! + ck * cs[t]!;
    }
    // media effectiveness
    if (hasTv) {
      const s = values[ix.sM]!;
      w[0] = 0;
      for (let i = 1; i < K; i++) w[i] = w[i - 1]! + s * values[ix.zW + i - 1]!;
      let mean = 0;
      for (let t = 0; t < N; t++) {
        const lo = knotLo[t]!;
        const a = knotWLo[t]!;
        fEff[t] = a * w[lo]! + (a === 1 ? 0 : (1 - a) * w[lo + 1]!);
        if (t < T) mean += fEff[t]!;
      }
      mean /= T;
      for (let t = 0; t < N; t++) {
        fEff[t] = fEff[t]! - mean;
        mEff[t] = Math.exp(fEff[t]!);
      }
    } else mEff.fill(1);
    // geo offsets, betaGeo, sigma
    for (let g = 0; g < G; g++) tauGeo[g] = G > 1 ? values[ix.sTau]! * values[ix.v + g]! : 0;
    for (let c = 0; c < C; c++) {
      const ch = spec.channels[c]!;
      const beta = values[ch.beta]!;
      const bg = betaGeo[c]!;
      if (G > 1) {
        const eta = values[ch.etaGeo]!;
        for (let g = 0; g < G; g++) bg[g] = beta * Math.exp(eta * values[ch.u + g]! - 0.5 * eta * eta);
      } else bg[0] = beta;
    }
    for (let g = 0; g < G; g++) sigmaG[g] = values[ix.sigma + (ix.sigmaCount > 1 ? g : 0)]!;
  }

  /** Runs channel c's pipeline in geo g over len weeks (input already set for R&F). */
  function runCell(c: number, cell: CellRt, len: number): void {
    for (const st of cell.stages) for (let k = 0; k < st.p.length; k++) st.p[k] = values[st.pIdx[k]!]!;
    runStages(c, cell, len, cell.stages.length);
  }

  /** The R&F input and the first `ns` stages of a cell whose parameter buffers are filled. */
  function runStages(c: number, cell: CellRt, len: number, ns: number): void {
    if (cell.freq !== null) {
      const ch = spec.channels[c]!;
      rfP[0] = values[ch.kf]!;
      rfP[1] = values[ch.sf]!;
      hill.forward(cell.freq, len, rfP, cell.hillOut, cell.hillCtx);
      for (let t = 0; t < len; t++) cell.input[t] = cell.x[t]! * cell.hillOut[t]!;
    }
    let input = cell.input;
    for (let s = 0; s < ns; s++) {
      const st = cell.stages[s]!;
      st.t.forward(input, len, st.p, st.out, st.ctx);
      input = st.out;
    }
  }

  /**
   * The cell's last stage, Hill (hill.ts's forward, same operations), fused with adding the
   * channel's term bg (m_t) r_t to mu: out[t] = r_t, ws[t] = log e_t - log K.
   */
  function hillForwardTerm(cell: CellRt, m: Float64Array, bg: Float64Array | number, tv: boolean): void {
    const ns = cell.stages.length;
    const st = cell.stages[ns - 1]!;
    const e = ns > 1 ? cell.stages[ns - 2]!.out : cell.input;
    const out = st.out;
    const d = st.ctx.ws;
    const logK = Math.log(st.p[0]!);
    const S = st.p[1]!;
    const b = bg as number;
    if (tv) {
      for (let t = 0; t < T; t++) {
        const et = e[t]!;
        let r = 0;
        if (et > 0) {
          const dt = Math.log(et) - logK;
          d[t] = dt;
          r = 1 / (1 + Math.exp(-S * dt));
        } else d[t] = 0;
        out[t] = r;
        m[t] = m[t]! + b * mEff[t]! * r;
      }
    } else {
      for (let t = 0; t < T; t++) {
        const et = e[t]!;
        let r = 0;
        if (et > 0) {
          const dt = Math.log(et) - logK;
          d[t] = dt;
          r = 1 / (1 + Math.exp(-S * dt));
        } else d[t] = 0;
        out[t] = r;
        m[t] = m[t]! + b * r;
      }
    }
  }

  /** Geo g's log-likelihood at mu[g] = m (training weeks); d/d mu into gMu[g], d/d sigma_g into gSigmaG. */
  function geoLikelihood(g: number, m: Float64Array): number {
    let ll: number;
    const sg = sigmaG[g]!;
    const o = obs[g]!;
    const gm = gMu[g]!;
    if (!studentT) {
      let ss = 0;
      for (let t = 0; t < T; t++) {
        const r = o[t]! - m[t]!;
        ss += r * r;
        gm[t] = r / (sg * sg);
      }
      ll = -T * (HALF_LOG_2PI + Math.log(sg)) - (0.5 * ss) / (sg * sg);
      gSigmaG[g] = -T / sg + ss / (sg * sg * sg);
    } else {
      const ns2 = nu * sg * sg;
      let sumLog = 0;
      let gs = 0;
      for (let t = 0; t < T; t++) {
        const r = o[t]! - m[t]!;
        const q = ns2 + r * r;
        sumLog += Math.log1p((r * r) / (nu * sg * sg));
        gm[t] = ((nu + 1) * r) / q;
        gs += (r * r) / q;
      }
      ll = T * (tConst - Math.log(sg)) - 0.5 * (nu + 1) * sumLog;
      gSigmaG[g] = (-T + (nu + 1) * gs) / sg;
    }
    return ll;
  }

  function evaluate(
    theta: Float64Array,
    grad: Float64Array | null,
    jacobian: boolean,
    parts?: LogDensityPartsV2,
  ): number {
    // constrain + log prior
    let logJ = 0;
    let logPrior = 0;
    for (let i = 0; i < dim; i++) {
      const u = theta[i]!;
      const c = constraint[i]!;
      let v: number;
      if (c === REAL) v = u;
      else if (c === POSITIVE) {
        v = Math.exp(u);
        logJ += u;
      } else {
        v = u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
        logJ += u >= 0 ? -u - 2 * Math.log1p(Math.exp(-u)) : u - 2 * Math.log1p(Math.exp(u));
      }
      if (levelMean && i === levelIx) {
        // w; the level follows once every geo's mean of mu is known (0 in mu until then)
        levelW = v;
        values[i] = 0;
        continue;
      }
      const colAt = !collapse
        ? -1
        : i === levelIx
          ? 0
          : i >= ix.v && i < ix.v + G
            ? 1 + colNk + i - ix.v
            : i >= ix.zK && i < ix.zK + colNk
              ? 1 + i - ix.zK
              : -1;
      if (colAt >= 0) {
        // z: standard normal noise of the conditional draw of the level, the offsets (and the
        // knots' innovations); 0 in mu until the conditional is known
        colZ[colAt] = v;
        values[i] = 0;
        logPrior += -HALF_LOG_2PI - 0.5 * v * v;
        continue;
      }
      if (centerNat && i === levelIx) {
        // m; the level follows once mu without it is known (0 in mu until then)
        natM = v;
        values[i] = 0;
        continue;
      }
      if (centerLevels && i >= ix.v && i < ix.v + G) {
        // m_g; v_g (and its prior) follow once mu without the offsets is known
        levelM[i - ix.v] = v;
        if (blendSm > 0) blendX[i - ix.v] = v;
        values[i] = 0;
        continue;
      }
      values[i] = v;
      logPrior += priorLogDensity(priors[i]!, v, grad === null ? null : gValues, i);
    }
    if (levelMean) logJ -= (G - 1) * theta[ix.sTau]! + 0.5 * Math.log(G);
    else if (centerLevels) logJ -= G * theta[ix.sTau]!;
    if (blendSm > 0) {
      const s2 = Math.exp(2 * theta[ix.sTau]!);
      const sm2 = blendSm * blendSm;
      blendA = s2 / (s2 + sm2);
      blendC = Math.sqrt((s2 * sm2) / (s2 + sm2));
      logJ += Math.log(blendSm) + (G - 1) * Math.log(blendC);
    }
    if (logPrior === -Infinity || Number.isNaN(logPrior)) {
      if (grad) grad.fill(0);
      return -Infinity;
    }

    prepare(T);
    // the channels' stage parameters, once per channel (shared by its cells)
    for (let c = 0; c < C; c++)
      for (const st of cells[c]![0]!.stages)
        for (let k = 0; k < st.p.length; k++) st.p[k] = values[st.pIdx[k]!]!;

    // pipelines, mu and likelihood, geo by geo (offsetBlend: every geo's R_g first, then the likelihood)
    let logLik = 0;
    for (let g = 0; g < G; g++) {
      const m = mu[g]!;
      const tg = tauGeo[g]!;
      for (let t = 0; t < T; t++) m[t] = base[t]! + tg;
      for (let j = 0; j < J; j++) {
        const zeta = values[ix.zeta + j]!;
        const z = spec.controls[j]!.z[g]!;
        for (let t = 0; t < T; t++) m[t] = m[t]! + zeta * z[t]!;
      }
      for (let e = 0; e < E; e++) {
        const b = values[ix.event + e]!;
        const d = spec.events[e]!.values[g]!;
        for (let t = 0; t < T; t++) m[t] = m[t]! + b * d[t]!;
      }
      for (let c = 0; c < C; c++) {
        const bg = betaGeo[c]![g]!;
        const cell = cells[c]![g]!;
        const tv = spec.channels[c]!.timeVarying;
        if (hillLast[c]!) {
          runStages(c, cell, T, cell.stages.length - 1);
          hillForwardTerm(cell, m, bg, tv);
          continue;
        }
        runStages(c, cell, T, cell.stages.length);
        const r = cell.resp;
        if (tv) for (let t = 0; t < T; t++) m[t] = m[t]! + bg * mEff[t]! * r[t]!;
        else for (let t = 0; t < T; t++) m[t] = m[t]! + bg * r[t]!;
      }
      for (const s of spec.synergies) {
        const gam = values[s.gamma]!;
        const ra = cells[s.a]![g]!.resp;
        const rb = cells[s.b]![g]!.resp;
        for (let t = 0; t < T; t++) m[t] = m[t]! + gam * ra[t]! * rb[t]!;
      }
      if (levelMean) {
        // mu[g, .] + level + tauGeo_g = mu[g, .] + m_g - R_g whatever the level; the offsets below
        let mean = 0;
        for (let t = 0; t < T; t++) mean += m[t]!;
        levelR[g] = mean / T;
        if (blendSm > 0) continue;
        const shift = levelM[g]! - levelR[g]!;
        for (let t = 0; t < T; t++) m[t] = m[t]! + shift;
      } else if (centerLevels) {
        // tauGeo_g = m_g - mean_t (mu without the offset); v_g = tauGeo_g / s_tau and its prior
        let mean = 0;
        for (let t = 0; t < T; t++) mean += m[t]!;
        const tau = levelM[g]! - mean / T;
        for (let t = 0; t < T; t++) m[t] = m[t]! + tau;
        tauGeo[g] = tau;
        const vg = tau / values[ix.sTau]!;
        values[ix.v + g] = vg;
        logPrior += priorLogDensity(priors[ix.v + g]!, vg, grad === null ? null : gValues, ix.v + g);
      } else if (centerNat) {
        // level = m - mean_t (mu without the level); the level's prior at that value
        let mean = 0;
        for (let t = 0; t < T; t++) mean += m[t]!;
        const level = natM - mean / T;
        for (let t = 0; t < T; t++) m[t] = m[t]! + level;
        values[levelIx] = level;
        logPrior += priorLogDensity(priors[levelIx]!, level, grad === null ? null : gValues, levelIx);
      }
      if (collapse) {
        // the likelihood once the block's conditional is known (below); here the residual's sums
        const o = obs[g]!;
        let e = 0;
        if (colNk > 0) colKn.fill(0);
        for (let t = 0; t < T; t++) {
          const r = o[t]! - m[t]!;
          e += r;
          if (colNk > 0) {
            const lo = knotLo[t]!;
            const a = knotWLo[t]!;
            colKn[lo] = colKn[lo]! + a * r;
            if (a !== 1) colKn[lo + 1] = colKn[lo + 1]! + (1 - a) * r;
          }
        }
        colS[g] = e;
        let suffix = 0;
        for (let i = K - 1; i >= 1 && colNk > 0; i--) {
          suffix += colKn[i]!;
          colAe[g * colNk + i - 1] = suffix;
        }
        continue;
      }
      logLik += geoLikelihood(g, m);
    }
    if (blendSm > 0) {
      // m_g - R_g from x (the deviations blended by s_tau), then every geo's likelihood
      let xMean = 0;
      let rMean = 0;
      for (let g = 0; g < G; g++) {
        xMean += blendX[g]! / G;
        rMean += levelR[g]! / G;
      }
      const base0 = blendYMean + blendSm * xMean - rMean;
      for (let g = 0; g < G; g++) {
        const e =
          base0 + blendA * (blendY[g]! - blendYMean - levelR[g]! + rMean) + blendC * (blendX[g]! - xMean);
        levelM[g] = e + levelR[g]!;
        const m = mu[g]!;
        for (let t = 0; t < T; t++) m[t] = m[t]! + e;
        logLik += geoLikelihood(g, m);
      }
    }

    if (collapse) logLik = collapsedLikelihood(grad !== null);
    if (levelMean) {
      // level = mean m - mean R - s_tau w / sqrt(G); tauGeo_g = m_g - R_g - level; v_g = tauGeo_g / s_tau
      const sTau = values[ix.sTau]!;
      let mM = 0;
      let mR = 0;
      for (let g = 0; g < G; g++) {
        mM += levelM[g]!;
        mR += levelR[g]!;
      }
      const level = (mM - mR) / G - sTau * levelW * invSqrtG;
      values[levelIx] = level;
      logPrior += priorLogDensity(priors[levelIx]!, level, grad === null ? null : gValues, levelIx);
      for (let g = 0; g < G; g++) {
        const tau = levelM[g]! - levelR[g]! - level;
        tauGeo[g] = tau;
        const vg = tau / sTau;
        values[ix.v + g] = vg;
        logPrior += priorLogDensity(priors[ix.v + g]!, vg, grad === null ? null : gValues, ix.v + g);
      }
    }
    const logTerms = lifts.length > 0 ? liftTerms(grad !== null) : 0;
    if ((centerLevels || centerNat) && (logPrior === -Infinity || Number.isNaN(logPrior))) {
      if (grad) grad.fill(0);
      return -Infinity;
    }
    if (grad !== null) {
      if (levelMean) {
        // the priors of the level and the v_g depend on m_g, w, s_tau and (through R_g, i.e. every
        // week's mu) on the other parameters: d/dR_g = -(gv_g - mean gv) / s_tau - g_level / G, so
        // each week's adjoint loses p_g / T, p_g = d/d m_g = sum_t adjoint + the same prior terms.
        const sTau = values[ix.sTau]!;
        const gLevel = gValues[levelIx]!;
        let gvMean = 0;
        for (let g = 0; g < G; g++) gvMean += gValues[ix.v + g]!;
        const gvSum = gvMean;
        gvMean /= G;
        const wG = levelW * invSqrtG;
        let gS = -gLevel * wG;
        for (let g = 0; g < G; g++) {
          const gm = gMu[g]!;
          const gv = gValues[ix.v + g]!;
          let p = (gv - gvMean) / sTau + gLevel / G;
          for (let t = 0; t < T; t++) p += gm[t]!;
          gLevelM[g] = p;
          gS -= (gv * (values[ix.v + g]! - wG)) / sTau;
          if (blendSm > 0) continue;
          const shift = p / T;
          for (let t = 0; t < T; t++) gm[t] = gm[t]! - shift;
        }
        if (blendSm > 0) {
          // gLevelM holds P_g = d/d(m_g - R_g). d/dR_k = -a P_k - (1 - a) mean P; d/dx_j = sm mean P
          // + c (P_j - mean P); d/d log s_tau of the map: sum_g P_g (2a(1 - a) dev_g + c(1 - a)(x_g - mean x))
          let pMean = 0;
          let xMean = 0;
          let rMean = 0;
          for (let g = 0; g < G; g++) {
            pMean += gLevelM[g]! / G;
            xMean += blendX[g]! / G;
            rMean += levelR[g]! / G;
          }
          const a = blendA;
          const c = blendC;
          let gLogS = 0;
          for (let g = 0; g < G; g++) {
            const p = gLevelM[g]!;
            const shift = (a * p + (1 - a) * pMean) / T;
            const gm = gMu[g]!;
            for (let t = 0; t < T; t++) gm[t] = gm[t]! - shift;
            const dev = blendY[g]! - blendYMean - levelR[g]! + rMean;
            gLogS += p * (2 * a * (1 - a) * dev + c * (1 - a) * (blendX[g]! - xMean));
          }
          for (let g = 0; g < G; g++) gLevelM[g] = blendSm * pMean + c * (gLevelM[g]! - pMean);
          gS += gLogS / sTau;
        }
        gValues[ix.sTau] = gValues[ix.sTau]! + gS;
        gLevelW = (gvSum - sTau * gLevel) * invSqrtG;
      } else if (centerLevels) {
        // m_g moves tauGeo_g one for one (d/d m_g = likelihood's sum of week adjoints + the v prior's
        // d/d v / s_tau); every other parameter moves tauGeo_g by minus its effect on the geo's mean,
        // so each week's adjoint loses p_g / T before the reverse sweep. With m_g fixed, s_tau
        // scales v_g = tauGeo_g / s_tau.
        const sTau = values[ix.sTau]!;
        let gS = 0;
        for (let g = 0; g < G; g++) {
          const gm = gMu[g]!;
          const gv = gValues[ix.v + g]!;
          let p = gv / sTau;
          for (let t = 0; t < T; t++) p += gm[t]!;
          const shift = p / T;
          for (let t = 0; t < T; t++) gm[t] = gm[t]! - shift;
          gLevelM[g] = p;
          gS -= (gv * values[ix.v + g]!) / sTau;
        }
        gValues[ix.sTau] = gValues[ix.sTau]! + gS;
      } else if (centerNat) {
        // m moves the level one for one (d/d m = the week adjoints' sum + the level prior's slope);
        // every other parameter moves the level by minus its effect on mean_t mu_t, so each
        // week's adjoint loses d/d m / T before the reverse sweep
        const gm = gMu[0]!;
        let p = gValues[levelIx]!;
        for (let t = 0; t < T; t++) p += gm[t]!;
        const shift = p / T;
        for (let t = 0; t < T; t++) gm[t] = gm[t]! - shift;
        gNatM = p;
      }
      backward(grad, jacobian);
    }
    if (parts) {
      parts.logPrior = logPrior;
      parts.logLikelihood = logLik;
      parts.logJacobian = logJ;
      parts.logTerms = logTerms;
    }
    return logPrior + logLik + logTerms + (jacobian ? logJ : 0);
  }

  /** D[t] of channel c in geo g at week t (its term plus the synergy terms it is in). */
  function removedByOff(c: number, g: number, t: number): number {
    const r = cells[c]![g]!.resp[t]!;
    let d = betaGeo[c]![g]! * (spec.channels[c]!.timeVarying ? mEff[t]! : 1) * r;
    for (const s of spec.synergies)
      if (s.a === c || s.b === c) d += values[s.gamma]! * cells[s.a]![g]!.resp[t]! * cells[s.b]![g]!.resp[t]!;
    return d;
  }

  /**
   * log Normal(lift | L, se) per lift test, L = sum over its geos and weeks of
   * pop_g m_y (E[y] - E[y | channel off]); with grad, d/d D into gD and (log link) d/d mu into gMu
   * and d/d sigma_g into gSigmaG.
   */
  function liftTerms(withGrad: boolean): number {
    if (withGrad) for (const rows of gD) if (rows) for (const r of rows) r.fill(0);
    let total = 0;
    for (let k = 0; k < lifts.length; k++) {
      const test = lifts[k]!;
      const c = test.channel;
      let L = 0;
      for (const g of test.geos) {
        const pm = popMy[g]!;
        const half = isLog ? 0.5 * sigmaG[g]! * sigmaG[g]! : 0;
        for (const t of test.weeks) {
          const d = removedByOff(c, g, t);
          L += isLog ? pm * (Math.exp(half + mu[g]![t]!) - Math.exp(half + mu[g]![t]! - d)) : pm * d;
        }
      }
      liftImplied[k] = L;
      const se = test.se;
      const r = test.lift - L;
      total += -HALF_LOG_2PI - Math.log(se) - (0.5 * r * r) / (se * se);
      if (!withGrad) continue;
      const gL = r / (se * se);
      const gc = gD[c]!;
      for (const g of test.geos) {
        const pm = popMy[g]!;
        const gdg = gc[g]!;
        if (!isLog) {
          for (const t of test.weeks) gdg[t] = gdg[t]! + gL * pm;
          continue;
        }
        const sg = sigmaG[g]!;
        const half = 0.5 * sg * sg;
        const gm = gMu[g]!;
        let gs = 0;
        for (const t of test.weeks) {
          const e1 = Math.exp(half + mu[g]![t]!);
          const e0 = Math.exp(half + mu[g]![t]! - removedByOff(c, g, t));
          const delta = pm * (e1 - e0);
          gm[t] = gm[t]! + gL * delta;
          gdg[t] = gdg[t]! + gL * pm * e0;
          gs += gL * sg * delta;
        }
        gSigmaG[g] = gSigmaG[g]! + gs;
      }
    }
    return total;
  }

  function backward(grad: Float64Array, jacobian: boolean): void {
    // gValues holds the prior's gradient; add the likelihood's
    gBase.fill(0, 0, T);
    gM.fill(0, 0, T);
    for (let g = 0; g < G; g++) {
      const gm = gMu[g]!;
      let gt = 0;
      for (let t = 0; t < T; t++) {
        gBase[t] = gBase[t]! + gm[t]!;
        gt += gm[t]!;
      }
      gTauGeo[g] = gt;
      for (let j = 0; j < J; j++) {
        const z = spec.controls[j]!.z[g]!;
        let s = 0;
        for (let t = 0; t < T; t++) s += gm[t]! * z[t]!;
        gValues[ix.zeta + j] = gValues[ix.zeta + j]! + s;
      }
      for (let e = 0; e < E; e++) {
        const d = spec.events[e]!.values[g]!;
        let s = 0;
        for (let t = 0; t < T; t++) s += gm[t]! * d[t]!;
        gValues[ix.event + e] = gValues[ix.event + e]! + s;
      }
      for (let c = 0; c < C; c++) {
        const cell = cells[c]![g]!;
        const r = cell.resp;
        const gr = cell.gResp;
        const bg = betaGeo[c]![g]!;
        // a lift test on c adds d logp / d D to what mu passes to c's term
        const gl = gD[c]?.[g];
        if (hillFusedBack[c]!) {
          gBetaGeo[c]![g] = hillBackwardTerm(cell, gm, gl, bg, spec.channels[c]!.timeVarying);
          continue;
        }
        let sb = 0;
        if (spec.channels[c]!.timeVarying) {
          for (let t = 0; t < T; t++) {
            const me = mEff[t]!;
            const gt = gl === undefined ? gm[t]! : gm[t]! + gl[t]!;
            const a = gt * r[t]!;
            sb += a * me;
            gM[t] = gM[t]! + a * bg;
            gr[t] = gt * bg * me;
          }
        } else {
          for (let t = 0; t < T; t++) {
            const gt = gl === undefined ? gm[t]! : gm[t]! + gl[t]!;
            sb += gt * r[t]!;
            gr[t] = gt * bg;
          }
        }
        gBetaGeo[c]![g] = sb;
      }
      for (const s of spec.synergies) {
        const gam = values[s.gamma]!;
        const ca = cells[s.a]![g]!;
        const cb = cells[s.b]![g]!;
        const la = gD[s.a]?.[g];
        const lb = gD[s.b]?.[g];
        let sg = 0;
        for (let t = 0; t < T; t++) {
          const a = ca.resp[t]!;
          const b = cb.resp[t]!;
          const gt = gm[t]! + (la === undefined ? 0 : la[t]!) + (lb === undefined ? 0 : lb[t]!);
          sg += gt * a * b;
          ca.gResp[t] = ca.gResp[t]! + gt * gam * b;
          cb.gResp[t] = cb.gResp[t]! + gt * gam * a;
        }
        gValues[s.gamma] = gValues[s.gamma]! + sg;
      }
      // channel pipelines, reverse
      for (let c = 0; c < C; c++) {
        const ch = spec.channels[c]!;
        const cell = cells[c]![g]!;
        // with the fused Hill done, the reverse sweep resumes below it from gA (its gIn)
        const fused = hillFusedBack[c]!;
        let gOut = fused ? cell.gA : cell.gResp;
        for (let s = cell.stages.length - (fused ? 2 : 1); s >= 0; s--) {
          const st = cell.stages[s]!;
          const input = s === 0 ? cell.input : cell.stages[s - 1]!.out;
          const gIn = s > 0 || cell.freq !== null ? (gOut === cell.gA ? cell.gB : cell.gA) : null;
          st.t.backward(input, T, st.p, st.out, gOut, st.gp, gIn, st.ctx);
          for (let k = 0; k < st.gp.length; k++) {
            const i = st.pIdx[k]!;
            gValues[i] = gValues[i]! + st.gp[k]!;
          }
          if (gIn !== null) gOut = gIn;
        }
        if (cell.freq !== null) {
          // input = x * hillF(frequency): d / d hillF = x * d / d input
          for (let t = 0; t < T; t++) gOut[t] = gOut[t]! * cell.x[t]!;
          rfP[0] = values[ch.kf]!;
          rfP[1] = values[ch.sf]!;
          hill.backward(cell.freq, T, rfP, cell.hillOut, gOut, rfGp, null, cell.hillCtx);
          gValues[ch.kf] = gValues[ch.kf]! + rfGp[0]!;
          gValues[ch.sf] = gValues[ch.sf]! + rfGp[1]!;
        }
      }
      const sgIdx = ix.sigma + (ix.sigmaCount > 1 ? g : 0);
      gValues[sgIdx] = gValues[sgIdx]! + gSigmaG[g]!;
    }
    // betaGeo -> beta, u, eta_geo
    for (let c = 0; c < C; c++) {
      const ch = spec.channels[c]!;
      const gb = gBetaGeo[c]!;
      const bg = betaGeo[c]!;
      if (G > 1) {
        const beta = values[ch.beta]!;
        const eta = values[ch.etaGeo]!;
        let sBeta = 0;
        let sEta = 0;
        for (let g = 0; g < G; g++) {
          const a = gb[g]! * bg[g]!;
          sBeta += a;
          const u = values[ch.u + g]!;
          gValues[ch.u + g] = gValues[ch.u + g]! + a * eta;
          sEta += a * (u - eta);
        }
        gValues[ch.beta] = gValues[ch.beta]! + sBeta / beta;
        gValues[ch.etaGeo] = gValues[ch.etaGeo]! + sEta;
      } else gValues[ch.beta] = gValues[ch.beta]! + gb[0]!;
    }
    if (centerLevels) {
      for (let g = 0; g < G; g++) gValues[ix.v + g] = gLevelM[g]!;
    } else if (G > 1 && !collapse) {
      const sTau = values[ix.sTau]!;
      let s = 0;
      for (let g = 0; g < G; g++) {
        gValues[ix.v + g] = gValues[ix.v + g]! + gTauGeo[g]! * sTau;
        s += gTauGeo[g]! * values[ix.v + g]!;
      }
      gValues[ix.sTau] = gValues[ix.sTau]! + s;
    }
    // seasonality and baseline
    for (let k = 0; k < F; k++) {
      const sn = data.fourierSin[k]!;
      const cs = data.fourierCos[k]!;
      let a = 0;
      let b = 0;
      for (let t = 0; t < T; t++) {
        a += gBase[t]! * sn[t]!;
        b += gBase[t]! * cs[t]!;
      }
      gValues[ix.sSeason + k] = gValues[ix.sSeason + k]! + a;
      gValues[ix.cSeason + k] = gValues[ix.cSeason + k]! + b;
    }
    if (spec.baseline === "trend") {
      let a = 0;
      let b = 0;
      for (let t = 0; t < T; t++) {
        a += gBase[t]!;
        b += gBase[t]! * data.tau[t]!;
      }
      gValues[ix.b0] = gValues[ix.b0]! + a;
      gValues[ix.bTrend] = gValues[ix.bTrend]! + b;
    } else if (colNk === 0) {
      knotBackward(gBase, gKn);
      // k_i = k1 + s sum_{j < i} z_j
      const s = values[ix.sRw]!;
      let suffix = 0;
      let gs = 0;
      for (let i = K - 1; i >= 1; i--) {
        suffix += gKn[i]!;
        gValues[ix.zK + i - 1] = gValues[ix.zK + i - 1]! + s * suffix;
        gs += values[ix.zK + i - 1]! * suffix;
      }
      gValues[ix.k1] = gValues[ix.k1]! + suffix + gKn[0]!;
      gValues[ix.sRw] = gValues[ix.sRw]! + gs;
    }
    if (hasTv) {
      // m = exp(f), f = g - mean_{t<T} g, g = B w, w_i = s sum_{j<i} z_j
      let mean = 0;
      for (let t = 0; t < T; t++) {
        gM[t] = gM[t]! * mEff[t]!;
        mean += gM[t]!;
      }
      mean /= T;
      for (let t = 0; t < T; t++) gM[t] = gM[t]! - mean;
      knotBackward(gM, gW);
      const s = values[ix.sM]!;
      let suffix = 0;
      let gs = 0;
      for (let i = K - 1; i >= 1; i--) {
        suffix += gW[i]!;
        gValues[ix.zW + i - 1] = gValues[ix.zW + i - 1]! + s * suffix;
        gs += values[ix.zW + i - 1]! * suffix;
      }
      gValues[ix.sM] = gValues[ix.sM]! + gs;
    }
    // chain rule to the unconstrained scale (+ Jacobian)
    for (let i = 0; i < dim; i++) {
      const c = constraint[i]!;
      const v = values[i]!;
      if (c === REAL) grad[i] = gValues[i]!;
      else if (c === POSITIVE) grad[i] = gValues[i]! * v + (jacobian ? 1 : 0);
      else grad[i] = gValues[i]! * v * (1 - v) + (jacobian ? 1 - 2 * v : 0);
    }
    if (levelMean) {
      // the level in mu was 0 (its base adjoint is not a direction of the sampler); w's gradient
      grad[levelIx] = gLevelW;
      if (jacobian) grad[ix.sTau] = grad[ix.sTau]! - (G - 1);
      // offsetBlend's extra log-Jacobian (G - 1) log c: d log c / d log s_tau = 1 - a
      if (jacobian && blendSm > 0) grad[ix.sTau] = grad[ix.sTau]! + (G - 1) * (1 - blendA);
    } else if (centerLevels && jacobian) grad[ix.sTau] = grad[ix.sTau]! - G;
    // the level in mu was 0 (its base adjoint is not a direction of the sampler); m's gradient
    if (centerNat) grad[levelIx] = gNatM;
    // collapsed: the marginal does not depend on z, whose density is Normal(0, 1)
    if (collapse) {
      grad[levelIx] = -colZ[0]!;
      for (let j = 0; j < colNk; j++) grad[ix.zK + j] = -colZ[1 + j]!;
      for (let g = 0; g < G; g++) grad[ix.v + g] = -colZ[1 + colNk + g]!;
    }
  }

  /**
   * collapseLevels (docs/model.md 10.7, "Collapsed level and offsets"): the block theta = (c, kappa,
   * tau) of the level c ~ N(mu0, s0^2), with collapseKnots the knots' kappa_j = s_rw z_k[j] ~
   * N(0, s_rw^2), and the offsets tau_g = s_tau v_g ~ N(0, s_tau^2), enters geo g's mean linearly,
   * x_gt' theta = c + (A kappa)_t + tau_g, so with e[g, t] = y - mu without the block (mu[g] holds
   * it; colS, colAe its sums), D = diag(1 / sigma_g^2) and P0 the prior precision,
   *   P = P0 + X' D X,  b = P0 m + X' D e,  theta_hat = P^-1 b,  r = e - X theta_hat,
   *   log int p(y | theta) p(theta) dtheta = sum_g [-T/2 log(2 pi sigma_g^2) - |r_g|^2 / (2 sigma_g^2)]
   *     - 1/2 (theta_hat - m)' P0 (theta_hat - m) + 1/2 log|P0| - 1/2 log|P|.
   * Writes the draw theta = theta_hat + L^-T z (P = L L', z the sampler's noise) into values as the
   * canonical level, z_k and v_g, mu at the conditional mean, and with grad the marginal's
   * derivatives, each the conditional expectation of the joint's (Fisher's identity): d/d mu = r /
   * sigma^2 into gMu; d/d sigma_g = -T / sigma + (|r_g|^2 + tr(X_g' X_g Sigma)) / sigma^3 into gSigmaG
   * (Sigma = P^-1); d/d s = sum_i (-1 / s + (theta_hat_i^2 + Sigma_ii) / s^3) over the block's
   * coordinates with prior sd s (s_rw: kappa, s_tau: tau) into gValues.
   */
  function collapsedLikelihood(withGrad: boolean): number {
    const D = colD;
    const nk = colNk;
    const t0 = 1 + nk;
    const sT = values[ix.sTau]!;
    const sR = nk > 0 ? values[ix.sRw]! : 1;
    colP0[0] = 1 / (colS0 * colS0);
    for (let j = 0; j < nk; j++) colP0[1 + j] = 1 / (sR * sR);
    for (let g = 0; g < G; g++) colP0[t0 + g] = 1 / (sT * sT);
    const P = colL;
    P.fill(0);
    colB.fill(0);
    for (let i = 0; i < D; i++) P[i * D + i] = colP0[i]!;
    colB[0] = colMu0 * colP0[0];
    for (let g = 0; g < G; g++) {
      const d = 1 / (sigmaG[g]! * sigmaG[g]!);
      const tg = t0 + g;
      P[0] = P[0]! + d * T;
      P[tg * D + tg] = P[tg * D + tg]! + d * T;
      P[tg * D] = P[tg * D]! + d * T;
      colB[0] = colB[0] + d * colS[g]!;
      colB[tg] = d * colS[g]!;
      for (let j = 0; j < nk; j++) {
        const r = 1 + j;
        P[r * D] = P[r * D]! + d * colA1[j]!;
        P[tg * D + r] = P[tg * D + r]! + d * colA1[j]!;
        for (let k = 0; k <= j; k++) P[r * D + 1 + k] = P[r * D + 1 + k]! + d * colAA[j * nk + k]!;
        colB[r] = colB[r]! + d * colAe[g * nk + j]!;
      }
    }
    // Cholesky in place (lower triangle; P is positive definite: P0 is)
    let logDetL = 0;
    for (let j = 0; j < D; j++) {
      let dj = P[j * D + j]!;
      for (let k = 0; k < j; k++) dj -= P[j * D + k]! * P[j * D + k]!;
      const ljj = Math.sqrt(dj);
      P[j * D + j] = ljj;
      logDetL += Math.log(ljj);
      for (let i = j + 1; i < D; i++) {
        let v = P[i * D + j]!;
        for (let k = 0; k < j; k++) v -= P[i * D + k]! * P[j * D + k]!;
        P[i * D + j] = v / ljj;
      }
    }
    // theta_hat = L^-T L^-1 b
    for (let i = 0; i < D; i++) {
      let v = colB[i]!;
      for (let k = 0; k < i; k++) v -= P[i * D + k]! * colHat[k]!;
      colHat[i] = v / P[i * D + i]!;
    }
    for (let i = D - 1; i >= 0; i--) {
      let v = colHat[i]!;
      for (let k = i + 1; k < D; k++) v -= P[k * D + i]! * colHat[k]!;
      colHat[i] = v / P[i * D + i]!;
    }
    let ll = -logDetL;
    for (let i = 0; i < D; i++) {
      const dev = colHat[i]! - (i === 0 ? colMu0 : 0);
      ll += 0.5 * Math.log(colP0[i]!) - 0.5 * colP0[i]! * dev * dev;
    }
    // the draw theta_hat + L^-T z (colKn-free: the back substitution in colB)
    for (let i = D - 1; i >= 0; i--) {
      let v = colZ[i]!;
      for (let k = i + 1; k < D; k++) v -= P[k * D + i]! * colB[k]!;
      colB[i] = v / P[i * D + i]!;
    }
    values[levelIx] = colHat[0]! + colB[0];
    for (let j = 0; j < nk; j++) values[ix.zK + j] = (colHat[1 + j]! + colB[1 + j]!) / sR;
    for (let g = 0; g < G; g++) {
      const tau = colHat[t0 + g]! + colB[t0 + g]!;
      values[ix.v + g] = tau / sT;
      tauGeo[g] = tau;
    }
    // the block's mean per training week at theta_hat: c_hat + (A kappa_hat)_t
    if (nk > 0) {
      colKn[0] = 0;
      for (let i = 1; i < K; i++) colKn[i] = colKn[i - 1]! + colHat[i]!;
      for (let t = 0; t < T; t++) {
        const lo = knotLo[t]!;
        const a = knotWLo[t]!;
        colShift[t] = colHat[0]! + a * colKn[lo]! + (a === 1 ? 0 : (1 - a) * colKn[lo + 1]!);
      }
    }
    if (withGrad) {
      // Sigma = P^-1 = L^-T L^-1, column by column (colSig row-major, symmetric)
      for (let c = 0; c < D; c++) {
        for (let i = 0; i < D; i++) {
          let v = i === c ? 1 : 0;
          for (let k = 0; k < i; k++) v -= P[i * D + k]! * colSig[k * D + c]!;
          colSig[i * D + c] = v / P[i * D + i]!;
        }
        for (let i = D - 1; i >= 0; i--) {
          let v = colSig[i * D + c]!;
          for (let k = i + 1; k < D; k++) v -= P[k * D + i]! * colSig[k * D + c]!;
          colSig[i * D + c] = v / P[i * D + i]!;
        }
      }
    }
    let gTau = 0;
    for (let g = 0; g < G; g++) {
      const sg = sigmaG[g]!;
      const sg2 = sg * sg;
      const tg = t0 + g;
      const m = mu[g]!;
      const o = obs[g]!;
      const gm = gMu[g]!;
      const tauHat = colHat[tg]!;
      let ss = 0;
      for (let t = 0; t < T; t++) {
        m[t] = m[t]! + (nk > 0 ? colShift[t]! : colHat[0]!) + tauHat;
        const r = o[t]! - m[t]!;
        ss += r * r;
        gm[t] = r / sg2;
      }
      ll += -T * (HALF_LOG_2PI + Math.log(sg)) - (0.5 * ss) / sg2;
      if (!withGrad) continue;
      // tr(X_g' X_g Sigma) over the block (c, kappa, tau_g)
      let tr = T * (colSig[0]! + 2 * colSig[tg]! + colSig[tg * D + tg]!);
      for (let j = 0; j < nk; j++) {
        const r = 1 + j;
        tr += 2 * colA1[j]! * (colSig[r]! + colSig[r * D + tg]!);
        for (let k = 0; k < nk; k++) tr += colAA[j * nk + k]! * colSig[r * D + 1 + k]!;
      }
      gSigmaG[g] = -T / sg + (ss + tr) / (sg2 * sg);
      gTau += -1 / sT + (tauHat * tauHat + colSig[tg * D + tg]!) / (sT * sT * sT);
    }
    if (withGrad) {
      gValues[ix.sTau] = gValues[ix.sTau]! + gTau;
      let gR = 0;
      for (let j = 0; j < nk; j++) {
        const h = colHat[1 + j]!;
        gR += -1 / sR + (h * h + colSig[(1 + j) * D + 1 + j]!) / (sR * sR * sR);
      }
      if (nk > 0) gValues[ix.sRw] = gValues[ix.sRw]! + gR;
    }
    return ll;
  }

  /**
   * Backward of the channel's term bg (m_t) r_t fused with its Hill stage (hill.ts's backward on
   * d/d r_t = gt bg (m_t), same operations): Hill's parameter gradient into gValues, d/d its input
   * into gA (when a stage or the R&F input lies below); for mu's week adjoints gm (+ a lift test's
   * gl) returns d/d bg and adds the time-varying multiplier's adjoint to gM.
   */
  function hillBackwardTerm(
    cell: CellRt,
    gm: Float64Array,
    gl: Float64Array | undefined,
    bg: number,
    tv: boolean,
  ): number {
    const ns = cell.stages.length;
    const st = cell.stages[ns - 1]!;
    const e = ns > 1 ? cell.stages[ns - 2]!.out : cell.input;
    const r = st.out;
    const d = st.ctx.ws;
    const K = st.p[0]!;
    const S = st.p[1]!;
    const gIn = ns > 1 || cell.freq !== null ? cell.gA : null;
    let sb = 0;
    let gK = 0;
    let gS = 0;
    for (let t = 0; t < T; t++) {
      const gt = gl === undefined ? gm[t]! : gm[t]! + gl[t]!;
      const rt = r[t]!;
      let gr: number;
      if (tv) {
        const me = mEff[t]!;
        const a = gt * rt;
        sb += a * me;
        gM[t] = gM[t]! + a * bg;
        gr = gt * bg * me;
      } else {
        sb += gt * rt;
        gr = gt * bg;
      }
      const et = e[t]!;
      if (et > 0) {
        const gz = gr * rt * (1 - rt);
        gK += gz;
        gS += gz * d[t]!;
        if (gIn !== null) gIn[t] = (gz * S) / et;
      } else if (gIn !== null) gIn[t] = 0;
    }
    st.gp[0] = (-gK * S) / K;
    st.gp[1] = gS;
    for (let k = 0; k < 2; k++) {
      const i = st.pIdx[k]!;
      gValues[i] = gValues[i]! + st.gp[k]!;
    }
    return sb;
  }

  function knotBackward(gT: Float64Array, gK: Float64Array): void {
    gK.fill(0);
    for (let t = 0; t < T; t++) {
      const lo = knotLo[t]!;
      const a = knotWLo[t]!;
      gK[lo] = gK[lo]! + a * gT[t]!;
      if (a !== 1) gK[lo + 1] = gK[lo + 1]! + (1 - a) * gT[t]!;
    }
  }

  const model: MmmModelV2 = {
    spec,
    dim,
    logDensityGradient(theta, grad) {
      gValues.fill(0);
      return evaluate(theta, grad, true);
    },
    logDensity(theta) {
      gValues.fill(0);
      return evaluate(theta, null, true);
    },
    evaluate(theta, grad, jacobian, parts) {
      gValues.fill(0);
      return evaluate(theta, grad, jacobian, parts);
    },
    constrain(theta) {
      const out = new Float64Array(dim);
      for (let i = 0; i < dim; i++) {
        const u = theta[i]!;
        const c = constraint[i]!;
        out[i] =
          c === REAL
            ? u
            : c === POSITIVE
              ? Math.exp(u)
              : u >= 0
                ? 1 / (1 + Math.exp(-u))
                : Math.exp(u) / (1 + Math.exp(u));
      }
      return out;
    },
    unconstrain(v) {
      const out = new Float64Array(dim);
      for (let i = 0; i < dim; i++) {
        const c = constraint[i]!;
        out[i] = c === REAL ? v[i]! : c === POSITIVE ? Math.log(v[i]!) : Math.log(v[i]! / (1 - v[i]!));
      }
      return out;
    },
    forward(vals, opts = {}) {
      return forwardAt(vals, opts);
    },
    geoLevels(theta) {
      gValues.fill(0);
      evaluate(theta, null, true);
      const mean = new Float64Array(G);
      for (let g = 0; g < G; g++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += mu[g]![t]!;
        mean[g] = s / T;
      }
      return {
        mean,
        v: Float64Array.from(values.subarray(ix.v, ix.v + (G > 1 ? G : 0))),
        level: levelIx >= 0 ? values[levelIx]! : Number.NaN,
        knots: Float64Array.from(ix.zK >= 0 ? values.subarray(ix.zK, ix.zK + K - 1) : []),
      };
    },
    collapsedNoise(canonical) {
      if (!collapse) throw new Error("collapsedNoise needs collapseLevels");
      const th = Float64Array.from(canonical);
      th[levelIx] = 0;
      th.fill(0, ix.v, ix.v + G);
      if (colNk > 0) th.fill(0, ix.zK, ix.zK + colNk);
      gValues.fill(0);
      evaluate(th, null, true);
      // z = L' (theta - theta_hat), theta in the block's coordinates (c, kappa, tau)
      const D = colD;
      const dev = new Float64Array(D);
      dev[0] = canonical[levelIx]! - colHat[0]!;
      for (let j = 0; j < colNk; j++) dev[1 + j] = values[ix.sRw]! * canonical[ix.zK + j]! - colHat[1 + j]!;
      for (let g = 0; g < G; g++)
        dev[1 + colNk + g] = values[ix.sTau]! * canonical[ix.v + g]! - colHat[1 + colNk + g]!;
      const z = new Float64Array(D);
      for (let i = 0; i < D; i++) {
        let v = 0;
        for (let k = i; k < D; k++) v += colL[k * D + i]! * dev[k]!;
        z[i] = v;
      }
      return z;
    },
    channelTerm(vals, c, g, input, n, out, frequency) {
      channelTermAt(vals, c, g, input, n, out, frequency);
    },
    liftTestImplied(vals) {
      liftImplied.fill(Number.NaN);
      gValues.fill(0);
      evaluate(model.unconstrain(vals), null, false);
      return Float64Array.from(liftImplied);
    },
  };

  let fwdCells: CellRt[][] | undefined;
  function forwardAt(vals: Float64Array, opts: ForwardOptionsV2): ForwardV2 {
    values.set(vals);
    prepare(N);
    const scale = opts.scale ?? [];
    fwdCells ??= makeCells(N);
    const frequencyResponse: ForwardV2["frequencyResponse"] = [];
    const rfInput: ForwardV2["rfInput"] = [];
    const adstock: Float64Array[][] = [];
    const viralEcho: ForwardV2["viralEcho"] = [];
    const exposure: Float64Array[][] = [];
    const response: Float64Array[][] = [];
    const channelTerm: Float64Array[][] = [];
    for (let c = 0; c < C; c++) {
      const rowF: Float64Array[] = [];
      const rowI: Float64Array[] = [];
      const rowA: Float64Array[] = [];
      const rowV: Float64Array[] = [];
      const rowE: Float64Array[] = [];
      const rowR: Float64Array[] = [];
      const rowT: Float64Array[] = [];
      for (let g = 0; g < G; g++) {
        const k = scale[c] ?? 1;
        // a scaled input runs in a fresh cell whose data features come from the data x
        const cell = k === 1 ? fwdCells[c]![g]! : makeCell(c, g, N);
        if (k !== 1) {
          cell.x = Float64Array.from(cell.x, (v) => v * k);
          if (cell.freq === null) cell.input = cell.x;
          for (const st of cell.stages) st.ctx.x = cell.input;
        }
        runCell(c, cell, N);
        rowF.push(cell.freq !== null ? Float64Array.from(cell.hillOut) : new Float64Array(0));
        rowI.push(Float64Array.from(cell.input));
        rowA.push(Float64Array.from(cell.stages[0]!.out));
        const ve = spec.channels[c]!.stages.findIndex((st) => st.stage === "viralEcho");
        if (ve >= 0) {
          // the stage outputs a + o; o alone is reported
          const o = Float64Array.from(cell.stages[ve]!.out);
          const a = cell.stages[ve - 1]!.out;
          for (let t = 0; t < N; t++) o[t] = o[t]! - a[t]!;
          rowV.push(o);
        }
        const ns = cell.stages.length;
        rowE.push(
          Float64Array.from(ns > 1 && cell.freq === null ? cell.stages[ns - 2]!.out : cell.stages[0]!.out),
        );
        rowR.push(Float64Array.from(cell.resp));
        const term = new Float64Array(N);
        const bg = betaGeo[c]![g]!;
        const tv = spec.channels[c]!.timeVarying;
        for (let t = 0; t < N; t++) term[t] = bg * (tv ? mEff[t]! : 1) * cell.resp[t]!;
        rowT.push(term);
      }
      const rf = spec.channels[c]!.role === "rf";
      frequencyResponse.push(rf ? rowF : null);
      rfInput.push(rf ? rowI : null);
      adstock.push(rowA);
      viralEcho.push(rowV.length > 0 ? rowV : null);
      exposure.push(rowE);
      response.push(rowR);
      channelTerm.push(rowT);
    }
    const controls: Float64Array[] = [];
    const synergy: Float64Array[] = [];
    const muOut: Float64Array[] = [];
    const ey: Float64Array[] = [];
    for (let g = 0; g < G; g++) {
      const ctl = new Float64Array(N);
      for (let j = 0; j < J; j++) {
        const zeta = values[ix.zeta + j]!;
        const z = spec.controls[j]!.z[g]!;
        for (let t = 0; t < N; t++) ctl[t] = ctl[t]! + zeta * z[t]!;
      }
      for (let e = 0; e < E; e++) {
        const b = values[ix.event + e]!;
        const d = spec.events[e]!.values[g]!;
        for (let t = 0; t < N; t++) ctl[t] = ctl[t]! + b * d[t]!;
      }
      const syn = new Float64Array(N);
      for (const s of spec.synergies) {
        const gam = values[s.gamma]!;
        for (let t = 0; t < N; t++) syn[t] = syn[t]! + gam * response[s.a]![g]![t]! * response[s.b]![g]![t]!;
      }
      const m = new Float64Array(N);
      const e = new Float64Array(N);
      const sg = sigmaG[g]!;
      for (let t = 0; t < N; t++) {
        let v = base[t]! + tauGeo[g]! + ctl[t]! + syn[t]!;
        for (let c = 0; c < C; c++) v += channelTerm[c]![g]![t]!;
        m[t] = v;
        e[t] = isLog ? Math.exp(v + 0.5 * sg * sg) : v;
      }
      controls.push(ctl);
      synergy.push(syn);
      muOut.push(m);
      ey.push(e);
    }
    // baseline without seasonality
    const seasonality = new Float64Array(N);
    for (let k = 0; k < F; k++)
      for (let t = 0; t < N; t++)
        seasonality[t] =
          seasonality[t]! +
          values[ix.sSeason + k]! * data.fourierSin[k]![t]! +
          values[ix.cSeason + k]! * data.fourierCos[k]![t]!;
    const baseline = new Float64Array(N);
    for (let t = 0; t < N; t++) baseline[t] = base[t]! - seasonality[t]!;
    return {
      baseline,
      seasonality,
      mediaEffectiveness: hasTv ? Float64Array.from(fEff) : new Float64Array(N),
      knots: Float64Array.from(kn.subarray(0, K)),
      mediaRandomWalk: Float64Array.from(w.subarray(0, hasTv ? K : 0)),
      tauGeo: Float64Array.from(tauGeo),
      betaGeo: betaGeo.map((b) => Float64Array.from(b)),
      sigmaGeo: Float64Array.from(sigmaG),
      frequencyResponse,
      rfInput,
      adstock,
      viralEcho,
      exposure,
      response,
      channelTerm,
      controls,
      synergy,
      mu: muOut,
      expectedY: ey,
    };
  }

  // optimizer path: one (channel, geo) cell with its own buffers, grown on demand
  const planCells = new Map<number, { len: number; cell: CellRt }>();
  function channelTermAt(
    vals: Float64Array,
    c: number,
    g: number,
    input: Float64Array,
    n: number,
    out: Float64Array,
    frequency?: Float64Array | "unit",
  ): void {
    values.set(vals);
    const ch = spec.channels[c]!;
    const key = c * G + g;
    let entry = planCells.get(key);
    if (entry === undefined || entry.len < n) {
      const len = Math.max(n, N);
      const stages = ch.stages.map((st): StageRt => {
        const t = getTransform(st.kind);
        return {
          t,
          pIdx: Int32Array.from(st.params),
          p: new Float64Array(st.params.length),
          gp: new Float64Array(st.params.length),
          ctx: {
            x: input,
            lags,
            feature: new Float64Array(t.feature ? len : 0),
            ws: new Float64Array(t.workspaceSize(len, lags)),
          },
          out: new Float64Array(len),
        };
      });
      entry = {
        len,
        cell: {
          x: input,
          input: new Float64Array(len),
          freq: null,
          hillOut: new Float64Array(len),
          hillCtx: { x: input, lags, feature: new Float64Array(0), ws: new Float64Array(len) },
          stages,
          resp: stages[stages.length - 1]!.out,
          gResp: new Float64Array(0),
          gA: new Float64Array(0),
          gB: new Float64Array(0),
        },
      };
      planCells.set(key, entry);
    }
    const cell = entry.cell;
    cell.x = input;
    // R&F: the planned (default: observed) frequency; "unit" = hillF 1 (the term per unit hillF)
    cell.freq =
      ch.role === "rf" && frequency !== "unit" ? (frequency ?? data.channels[ch.data]!.frequency![g]!) : null;
    if (cell.freq === null) cell.input.set(input.subarray(0, n));
    ch.stages.forEach((st, s) => {
      const rt = cell.stages[s]!;
      rt.ctx.x = input;
      if (rt.t.feature) rt.t.feature(input, n, st.constants[g]!, rt.ctx.feature);
    });
    // shared pieces: betaGeo and the effectiveness multiplier
    prepare(Math.min(n, N));
    runCell(c, cell, n);
    const bg = betaGeo[c]![g]!;
    const lastM = mEff[Math.min(N, n) - 1] ?? 1;
    for (let t = 0; t < n; t++)
      out[t] = bg * (ch.timeVarying ? (t < N ? mEff[t]! : lastM) : 1) * cell.resp[t]!;
  }

  return model;
}

/** LogDensityFactoryRef target: the sampler threads build the model from its spec. */
export function createModelV2FromSpec(spec: ModelSpecV2): MmmModelV2 {
  return createModelV2(spec);
}

/**
 * The sampler's parameterization of a geo model (G > 1): each geo offset is sampled as m_g, the
 * geo's mean of mu over the training weeks (v1's centered intercept, per geo), and the
 * coefficients' geo deviations u_{g,c} non-centered (same posterior; the change of variables adds
 * -G log s_tau). The data pin each geo's mean level to about sigma / sqrt(T) while the level and
 * the always-on channels' coefficients trade off against each other; in m_g that trade-off no
 * longer moves the offsets. Measured on the geo conformance data (docs/model.md section 10.7):
 * leapfrog steps per draw 673 -> 97, the previous choice (geo's own level a_g = level + s_tau v_g,
 * log betaGeo centered) and the other combinations are kept as options for such measurements.
 * Canonical theta (the conformance vectors', the draws') <-> sampler theta: toSampler /
 * toCanonical (each runs one forward pass with mean levels). G = 1: the identity.
 */
export interface SamplerModelV2 extends LogDensity {
  model: MmmModelV2;
  logDensity(theta: Float64Array): number;
  toCanonical(theta: Float64Array): Float64Array;
  toSampler(theta: Float64Array): Float64Array;
}

export interface SamplerParameterizationV2 {
  /**
   * How the geo offsets are sampled: "mean" (default) m_g, the geo's mean of mu over the training
   * weeks; "level" a_g = level + s_tau v_g (the geo's own level); "noncentered" v_g itself;
   * "collapsed": the level and the offsets integrated out, their coordinates (the level's and the
   * v_g's) holding the standard normal noise of their exact conditional draw
   * (ModelOptionsV2.collapseLevels; only where collapseExactV2).
   */
  offsets?: "mean" | "level" | "noncentered" | "collapsed";
  /** Per channel (spec order): sample log betaGeo (true) or the canonical u (false, default). */
  channels?: readonly boolean[];
  /**
   * Knots baseline: "noncentered" (default) samples the canonical innovations z_k; "centered"
   * samples each knot's offset from the first, d_i = k_i - k_1 (i = 2..K), so that
   * z_k[i-1] = (d_i - d_{i-1}) / s_rw (log-Jacobian -(K-1) log s_rw); "collapsed" (with the
   * collapsed offsets only) integrates the innovations out with the level and the offsets, their
   * coordinates holding the noise of the exact conditional draw (ModelOptionsV2.collapseKnots).
   */
  knots?: "noncentered" | "centered" | "collapsed";
  /**
   * With mean offsets (G > 1): sample w = sqrt(G) mean_g v_g in place of the level (k1 or b0),
   * true, or the level itself, false (ModelOptionsV2.levelMean).
   */
  levelMean?: boolean;
  /**
   * With levelMean (> 0): the geo offsets' deviations blended between centered and non-centered by
   * s_tau, this value being about a geo mean level's data sd sigma / sqrt(T)
   * (ModelOptionsV2.offsetBlend; docs/model.md section 10.7).
   */
  offsetBlend?: number;
  /** G = 1: sample m, the mean of mu over the training weeks, in place of the level (ModelOptionsV2.centerLevel). */
  centerLevel?: boolean;
}

export function createSamplerModelV2(
  spec: ModelSpecV2,
  param: SamplerParameterizationV2 = {},
): SamplerModelV2 {
  const model = createModelV2(spec);
  const dim = model.dim;
  const G = spec.G;
  const offsets = G > 1 ? (param.offsets ?? "mean") : "noncentered";
  const meanLevels = offsets === "mean";
  const collapsed = offsets === "collapsed";
  if (param.knots === "collapsed" && !collapsed)
    throw new Error('knots "collapsed" needs offsets "collapsed"');
  const knotsCollapsed = collapsed && param.knots === "collapsed" && spec.index.zK >= 0 && spec.knotCount > 1;
  // the density the sampler evaluates: m_g in place of v_g (model options), or the canonical one
  const levelMean = meanLevels && param.levelMean === true;
  const blendSm = levelMean && (param.offsetBlend ?? 0) > 0 ? param.offsetBlend! : 0;
  const level0 = spec.index.k1 >= 0 ? spec.index.k1 : spec.index.b0;
  const centerNat = G === 1 && level0 >= 0 && param.centerLevel === true;
  const inner = meanLevels
    ? createModelV2(spec, {
        centerGeoLevels: true,
        levelMean,
        ...(blendSm > 0 ? { offsetBlend: blendSm } : {}),
      })
    : collapsed
      ? createModelV2(spec, { collapseLevels: true, collapseKnots: param.knots === "collapsed" })
      : centerNat
        ? createModelV2(spec, { centerLevel: true })
        : model;
  // One block per hierarchy handled here: first index of the G canonical coordinates (v, or
  // u[., c]), index of the log-scale (log s_tau, log eta_geo_c), index of the location the geo
  // values are centred on (the level k1 or b0 for the offsets, log beta_c for the coefficients;
  // -1: none) and whether the -scale^2 / 2 of betaGeo belongs to the location. Sampler coordinate
  // per geo:
  //   offsets ("level"): a_g = level + s_tau v_g                 (the geo's own level)
  //   coefficients:      l_g = log beta_c + eta u_g - eta^2 / 2  (= log betaGeo[g, c])
  // Canonical: u_g = (l_g - off) / scale with off = location (- scale^2 / 2). The map is
  // triangular; its log-Jacobian is -G log(scale) per block.
  const level = spec.index.k1 >= 0 ? spec.index.k1 : spec.index.b0;
  const blocks: { first: number; scale: number; loc: number; halfVar: boolean }[] =
    G > 1
      ? [
          ...(offsets === "level"
            ? [{ first: spec.index.v, scale: spec.index.sTau, loc: level, halfVar: false }]
            : []),
          ...spec.channels
            .filter((ch, c) => ch.u >= 0 && param.channels?.[c] === true)
            .map((ch) => ({ first: ch.u, scale: ch.etaGeo, loc: ch.beta, halfVar: true })),
        ]
      : [];
  // centered knots: sampler coordinates zK .. zK+K-2 hold d_2 .. d_K (d_1 = 0)
  const knotN = spec.index.zK >= 0 && param.knots === "centered" ? spec.knotCount - 1 : 0;
  const zK = spec.index.zK;
  const sRw = spec.index.sRw;
  const canon = new Float64Array(dim);
  const offset = (theta: Float64Array, b: (typeof blocks)[number], s: number): number =>
    (b.loc >= 0 ? theta[b.loc]! : 0) - (b.halfVar ? 0.5 * s * s : 0);
  /** The blocks' map (not the mean levels, which the inner model resolves). */
  const fromBlocks = (theta: Float64Array, out: Float64Array) => {
    out.set(theta);
    for (const b of blocks) {
      const s = Math.exp(theta[b.scale]!);
      const inv = 1 / s;
      const off = offset(theta, b, s);
      for (let g = 0; g < G; g++) out[b.first + g] = (theta[b.first + g]! - off) * inv;
    }
    if (knotN > 0) {
      const inv = Math.exp(-theta[sRw]!);
      let prev = 0;
      for (let j = 0; j < knotN; j++) {
        const d = theta[zK + j]!;
        out[zK + j] = (d - prev) * inv;
        prev = d;
      }
    }
  };
  const logJ = (theta: Float64Array) => {
    let s = 0;
    for (const b of blocks) s -= G * theta[b.scale]!;
    if (knotN > 0) s -= knotN * theta[sRw]!;
    return s;
  };
  return {
    model,
    dim,
    logDensityGradient(theta, grad) {
      fromBlocks(theta, canon);
      const lp = inner.logDensityGradient(canon, grad);
      for (const b of blocks) {
        const s = Math.exp(theta[b.scale]!);
        const inv = 1 / s;
        // du_g / d log scale = -u_g (+ scale with the -scale^2 / 2 term); du_g / d loc = -1 / scale
        const ds = b.halfVar ? s : 0;
        let gScale = grad[b.scale]! - G;
        let gLoc = 0;
        for (let g = 0; g < G; g++) {
          const gu = grad[b.first + g]!;
          gScale += gu * (ds - canon[b.first + g]!);
          gLoc -= gu * inv;
          grad[b.first + g] = gu * inv;
        }
        grad[b.scale] = gScale;
        if (b.loc >= 0) grad[b.loc] = grad[b.loc]! + gLoc;
      }
      if (knotN > 0) {
        // z_j = (d_{j+1} - d_j) / s: d/dd_i = (g_z[i-1] - g_z[i]) / s; d/dlog s = -sum g_z z - (K-1)
        const inv = Math.exp(-theta[sRw]!);
        let gScale = grad[sRw]! - knotN;
        for (let j = 0; j < knotN; j++) gScale -= grad[zK + j]! * canon[zK + j]!;
        for (let j = 0; j < knotN; j++) {
          const next = j + 1 < knotN ? grad[zK + j + 1]! : 0;
          grad[zK + j] = (grad[zK + j]! - next) * inv;
        }
        grad[sRw] = gScale;
      }
      return lp + logJ(theta);
    },
    logDensity(theta) {
      fromBlocks(theta, canon);
      return inner.logDensity(canon) + logJ(theta);
    },
    toCanonical(theta) {
      const out = new Float64Array(dim);
      fromBlocks(theta, out);
      if (meanLevels) {
        const lv = inner.geoLevels(out);
        out.set(lv.v, spec.index.v);
        if (levelMean) out[level] = lv.level;
      }
      if (collapsed) {
        const lv = inner.geoLevels(out);
        out.set(lv.v, spec.index.v);
        out[level] = lv.level;
        if (knotsCollapsed) out.set(lv.knots, spec.index.zK);
      }
      if (centerNat) out[level] = inner.geoLevels(out).level;
      return out;
    },
    toSampler(theta) {
      const out = Float64Array.from(theta);
      if (meanLevels) out.set(model.geoLevels(theta).mean, spec.index.v);
      if (collapsed) {
        const z = inner.collapsedNoise(theta);
        const nk = knotsCollapsed ? spec.knotCount - 1 : 0;
        out[level] = z[0]!;
        if (nk > 0) out.set(z.subarray(1, 1 + nk), spec.index.zK);
        out.set(z.subarray(1 + nk), spec.index.v);
      }
      if (centerNat) out[level] = model.geoLevels(theta).mean[0]!;
      if (levelMean) {
        let sv = 0;
        for (let g = 0; g < G; g++) sv += theta[spec.index.v + g]!;
        out[level] = sv / Math.sqrt(G);
      }
      if (blendSm > 0) {
        // x from m_g (out), R_g = m_g - level - s_tau v_g (ModelOptionsV2.offsetBlend's map inverted)
        const s = Math.exp(theta[spec.index.sTau]!);
        const sm2 = blendSm * blendSm;
        const a = (s * s) / (s * s + sm2);
        const c = Math.sqrt((s * s * sm2) / (s * s + sm2));
        const obs = spec.link === "log" ? spec.data.logY! : spec.data.y;
        const T = spec.trainingWeeks;
        const m = Float64Array.from(out.subarray(spec.index.v, spec.index.v + G));
        const yb = new Float64Array(G);
        const e = new Float64Array(G);
        const r = new Float64Array(G);
        let mMean = 0;
        let yMean = 0;
        let eMean = 0;
        let rMean = 0;
        for (let g = 0; g < G; g++) {
          for (let t = 0; t < T; t++) yb[g] = yb[g]! + obs[g]![t]! / T;
          e[g] = theta[level]! + s * theta[spec.index.v + g]!;
          r[g] = m[g]! - e[g]!;
          mMean += m[g]! / G;
          yMean += yb[g]! / G;
          eMean += e[g]! / G;
          rMean += r[g]! / G;
        }
        const xMean = (mMean - yMean) / blendSm;
        for (let g = 0; g < G; g++)
          out[spec.index.v + g] = xMean + (e[g]! - eMean - a * (yb[g]! - yMean - r[g]! + rMean)) / c;
      }
      for (const b of blocks) {
        const s = Math.exp(theta[b.scale]!);
        const off = offset(theta, b, s);
        for (let g = 0; g < G; g++) out[b.first + g] = theta[b.first + g]! * s + off;
      }
      if (knotN > 0) {
        const s = Math.exp(theta[sRw]!);
        let d = 0;
        for (let j = 0; j < knotN; j++) {
          d += s * theta[zK + j]!;
          out[zK + j] = d;
        }
      }
      return out;
    },
  };
}

/** LogDensityFactoryRef target of the sampler threads. */
export function createSamplerModelV2FromSpec(spec: ModelSpecV2): SamplerModelV2 {
  return createSamplerModelV2(spec);
}

/** LogDensityFactoryRef target of the sampler threads, with a parameterization (fit/fit-v2.ts). */
export function createSamplerModelV2FromArgs(args: {
  spec: ModelSpecV2;
  param: SamplerParameterizationV2;
}): SamplerModelV2 {
  return createSamplerModelV2(args.spec, args.param);
}
