/**
 * Prior distributions as plain data (JSON-serializable; validated by priorSchema in config.ts)
 * and their log densities with all normalizing constants (docs/model.md, "Priors"). No zod here:
 * this module is loaded by every sampler thread.
 */

export type Prior =
  | { dist: "normal"; mean: number; sd: number }
  | { dist: "beta"; a: number; b: number }
  | { dist: "gamma"; shape: number; rate: number }
  | { dist: "halfNormal"; scale: number }
  | { dist: "logNormal"; mu: number; sigma: number };

export type Constraint = "real" | "positive" | "unit";

/** Which constraint (support) each family lives on. */
export function priorSupport(prior: Prior): Constraint {
  switch (prior.dist) {
    case "normal":
      return "real";
    case "beta":
      return "unit";
    default:
      return "positive";
  }
}

export const normalPrior = (mean: number, sd: number): Prior => ({ dist: "normal", mean, sd });
export const betaPrior = (a: number, b: number): Prior => ({ dist: "beta", a, b });
export const gammaPrior = (shape: number, rate: number): Prior => ({ dist: "gamma", shape, rate });
export const halfNormalPrior = (scale: number): Prior => ({ dist: "halfNormal", scale });
export const logNormalPrior = (mu: number, sigma: number): Prior => ({ dist: "logNormal", mu, sigma });

const LOG_2PI = Math.log(2 * Math.PI);
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const xm = x - 1;
  let a = LANCZOS[0]!;
  const t = xm + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (xm + i);
  return 0.5 * LOG_2PI + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Family codes used by the compiled prior table (hot loop). */
export const PriorCode = { Normal: 0, Beta: 1, Gamma: 2, HalfNormal: 3, LogNormal: 4 } as const;
export type PriorCode = (typeof PriorCode)[keyof typeof PriorCode];

/** A prior reduced to a code, two shape numbers and its log normalizing constant. */
export interface CompiledPrior {
  code: PriorCode;
  p1: number;
  p2: number;
  logConst: number;
}

export function compilePrior(prior: Prior): CompiledPrior {
  switch (prior.dist) {
    case "normal":
      return {
        code: PriorCode.Normal,
        p1: prior.mean,
        p2: prior.sd,
        logConst: -0.5 * LOG_2PI - Math.log(prior.sd),
      };
    case "beta":
      return {
        code: PriorCode.Beta,
        p1: prior.a,
        p2: prior.b,
        logConst: logGamma(prior.a + prior.b) - logGamma(prior.a) - logGamma(prior.b),
      };
    case "gamma":
      return {
        code: PriorCode.Gamma,
        p1: prior.shape,
        p2: prior.rate,
        logConst: prior.shape * Math.log(prior.rate) - logGamma(prior.shape),
      };
    case "halfNormal":
      return {
        code: PriorCode.HalfNormal,
        p1: 0,
        p2: prior.scale,
        logConst: Math.LN2 - 0.5 * LOG_2PI - Math.log(prior.scale),
      };
    case "logNormal":
      return {
        code: PriorCode.LogNormal,
        p1: prior.mu,
        p2: prior.sigma,
        logConst: -0.5 * LOG_2PI - Math.log(prior.sigma),
      };
  }
}

/**
 * Log density of a compiled prior at x; when dOut is given, writes d/dx into dOut[k].
 * Returns -Infinity outside the support.
 */
export function priorLogDensity(p: CompiledPrior, x: number, dOut: Float64Array | null, k: number): number {
  let lp: number;
  let d: number;
  switch (p.code) {
    case PriorCode.Normal: {
      const z = (x - p.p1) / p.p2;
      lp = p.logConst - 0.5 * z * z;
      d = -z / p.p2;
      break;
    }
    case PriorCode.HalfNormal: {
      const z = x / p.p2;
      lp = x > 0 ? p.logConst - 0.5 * z * z : -Infinity;
      d = -z / p.p2;
      break;
    }
    case PriorCode.Beta: {
      const a1 = p.p1 - 1;
      const b1 = p.p2 - 1;
      lp = x > 0 && x < 1 ? p.logConst + a1 * Math.log(x) + b1 * Math.log1p(-x) : -Infinity;
      d = a1 / x - b1 / (1 - x);
      break;
    }
    case PriorCode.Gamma: {
      const a1 = p.p1 - 1;
      lp = x > 0 ? p.logConst + a1 * Math.log(x) - p.p2 * x : -Infinity;
      d = a1 / x - p.p2;
      break;
    }
    case PriorCode.LogNormal: {
      const lx = Math.log(x);
      const z = (lx - p.p1) / p.p2;
      lp = x > 0 ? p.logConst - lx - 0.5 * z * z : -Infinity;
      d = (-1 - z / p.p2) / x;
      break;
    }
  }
  if (dOut !== null) dOut[k] = d;
  return lp;
}
