/**
 * Synthetic posteriors for tests and benchmarks of the optimizer and scenarios: channels with
 * known Hill curves, per-draw parameters scattered around them (lognormal), a random spend
 * history for carryover, run through the registry pipeline (model/channel-pipeline.ts) exactly as
 * a fitted model's channels are. Not used by the product path.
 */
import type { ChannelType } from "../data/types.ts";
import type { HorizonResponse } from "./horizon-response.ts";
import type { PipelineStage } from "../model/channel-pipeline.ts";
import { defaultPipeline, getTransform } from "../transforms/registry.ts";
import { MediaHorizon } from "./horizon-response.ts";
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

/** Parameter positions in each synthetic draw's values vector. */
const POS = { beta: 0, alpha: 1, K: 2, S: 3, kappa: 4, delta: 5, eta: 6, phi: 7, psi: 8 } as const;

export function syntheticResponse(o: SyntheticOptions): HorizonResponse {
  const rng = seededRandom(o.seed ?? 7);
  const T = o.historyWeeks ?? 52;
  const L = o.lags ?? 8;
  const spread = o.spread ?? 0.2;
  const D = o.draws;
  const H = o.weeks;
  const media = o.channels.map((ch) => {
    const x = Float64Array.from({ length: T }, () => Math.max(0, 1 + 0.5 * normal(rng)));
    let m = 0;
    for (const v of x) m += v;
    m /= T;
    for (let t = 0; t < T; t++) x[t] = (x[t] as number) / m;
    const type = ch.type ?? "digital";
    const def = defaultPipeline(type);
    const stage = (kind: string, params: number[]): PipelineStage => {
      const t = getTransform(kind);
      return { stage: t.stage, kind, params, constants: t.constants ? t.constants(x, T) : {} };
    };
    const stages: PipelineStage[] = [stage(def.adstock, [POS.alpha])];
    if (def.viralEcho) stages.push(stage("viralEcho", [POS.kappa, POS.delta]));
    if (def.network) stages.push(stage("network", [POS.eta]));
    if (def.authenticity) stages.push(stage("authenticity", [POS.phi]));
    if (def.consistency) stages.push(stage("consistency", [POS.psi]));
    stages.push(stage("hill", [POS.K, POS.S]));
    const values: Float64Array[] = [];
    for (let d = 0; d < D; d++) {
      const v = new Float64Array(9);
      v[POS.beta] = ch.beta * Math.exp(spread * normal(rng));
      v[POS.alpha] = ch.alpha;
      v[POS.K] = ch.K * Math.exp(spread * normal(rng));
      v[POS.S] = ch.S;
      v[POS.kappa] = ch.kappa ?? 0;
      v[POS.delta] = ch.delta ?? 0;
      v[POS.eta] = ch.eta ?? 0;
      v[POS.phi] = ch.phi ?? 0;
      v[POS.psi] = ch.psi ?? 0;
      values.push(v);
    }
    return {
      history: x,
      horizon: new MediaHorizon({
        name: ch.name,
        stages: { perGeo: [stages] },
        lags: L,
        history: [x],
        values,
        coefficient: Float64Array.from(values, (v) => v[POS.beta] as number),
        timeVarying: false,
        weeks: H,
      }),
    };
  });
  const pairs = (o.pairs ?? []).map((p) => ({ a: p.a, b: p.b }));
  const gamma = new Float64Array(D * pairs.length);
  (o.pairs ?? []).forEach((p, k) => {
    for (let d = 0; d < D; d++) gamma[d * pairs.length + k] = p.gamma;
  });
  return {
    channels: o.channels.map((c) => c.name),
    lines: o.channels.map((ch, c) => ({
      name: ch.name,
      channel: c,
      geos: [0],
      inputPerCurrency: Float64Array.of(1 / ch.spendMean),
      geoShare: Float64Array.of(1),
      history: Float64Array.from((media[c] as { history: Float64Array }).history, (v) => v * ch.spendMean),
    })),
    weeks: H,
    draws: D,
    geos: ["national"],
    link: "identity",
    measure: "kpi",
    kpiScale: Float64Array.of(o.kpiScale ?? 100000),
    media: media.map((m) => m.horizon),
    pairs,
    gamma,
    // base 1 per week: the KPI without media is kpiScale x weeks
    base: new Float64Array(D * H).fill(1),
    halfVar: new Float64Array(D),
    effectiveness: new Float64Array(D * H).fill(1),
  };
}
