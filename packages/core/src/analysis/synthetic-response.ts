/**
 * Synthetic posteriors for tests and benchmarks of the optimizer and scenarios: channels with
 * known Hill curves, per-draw parameters scattered around them (lognormal), a random spend
 * history for carryover. Not used by the product path.
 */
import type { ChannelType } from "../data/types.ts";
import type { HorizonResponse } from "./horizon-response.ts";
import {
  type ChannelDraw,
  ChannelHorizon,
  type ChannelHistory,
  defaultStages,
  geometricAdstockWeights,
} from "./media-pipeline.ts";
import { seededRandom } from "./stats.ts";

export interface SyntheticChannel {
  name: string;
  type?: ChannelType;
  spendMean: number;
  beta: number;
  alpha: number;
  K: number;
  S: number;
  kappa?: number;
  delta?: number;
  eta?: number;
  phi?: number;
  psi?: number;
}

export interface SyntheticOptions {
  channels: SyntheticChannel[];
  draws: number;
  weeks: number;
  historyWeeks?: number;
  /** Lognormal sd of per-draw multiplicative noise on beta, K (0 = every draw equals the truth). */
  spread?: number;
  seed?: number;
  kpiScale?: number;
  pairs?: { a: number; b: number; gamma: number }[];
  lags?: number;
}

function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function syntheticResponse(o: SyntheticOptions): HorizonResponse {
  const rng = seededRandom(o.seed ?? 7);
  const T = o.historyWeeks ?? 52;
  const L = o.lags ?? 8;
  const spread = o.spread ?? 0.2;
  const C = o.channels.length;
  const D = o.draws;
  const beta = new Float64Array(D * C);
  const curves = o.channels.map((ch, c) => {
    const x = Float64Array.from({ length: T }, () => Math.max(0, 1 + 0.5 * normal(rng)));
    let m = 0;
    for (const v of x) m += v;
    m /= T;
    for (let t = 0; t < T; t++) x[t] = (x[t] as number) / m;
    let maxX = 0;
    let rmin = Number.POSITIVE_INFINITY;
    let rmax = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < T; t++) {
      maxX = Math.max(maxX, x[t] as number);
      let r = 0;
      for (let j = 0; j < 4 && j <= t; j++) r += x[t - j] as number;
      rmin = Math.min(rmin, r / 4);
      rmax = Math.max(rmax, r / 4);
    }
    const history: ChannelHistory = {
      name: ch.name,
      type: ch.type ?? "digital",
      stages: defaultStages(ch.type ?? "digital"),
      spendMean: ch.spendMean,
      x,
      networkMin: rmin,
      networkMax: rmax,
      maxX,
    };
    const params: ChannelDraw[] = [];
    for (let d = 0; d < D; d++) {
      const b = ch.beta * Math.exp(spread * normal(rng));
      beta[d * C + c] = b;
      params.push({
        beta: b,
        adstockWeights: geometricAdstockWeights(ch.alpha, L),
        K: ch.K * Math.exp(spread * normal(rng)),
        S: ch.S,
        lambda: 0,
        rho: 0,
        kappa: ch.kappa ?? 0,
        delta: ch.delta ?? 0,
        eta: ch.eta ?? 0,
        phi: ch.phi ?? 0,
        psi: ch.psi ?? 0,
      });
    }
    return new ChannelHorizon(history, params, o.weeks);
  });
  const pairs = (o.pairs ?? []).map((p) => ({ a: p.a, b: p.b }));
  const gamma = new Float64Array(D * pairs.length);
  (o.pairs ?? []).forEach((p, k) => {
    for (let d = 0; d < D; d++) gamma[d * pairs.length + k] = p.gamma;
  });
  return {
    channels: o.channels.map((c) => c.name),
    weeks: o.weeks,
    draws: D,
    kpiScale: o.kpiScale ?? 100000,
    beta,
    pairs,
    gamma,
    base: new Float64Array(D).fill((o.kpiScale ?? 100000) * o.weeks),
    curves,
  };
}
