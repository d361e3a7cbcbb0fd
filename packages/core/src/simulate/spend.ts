/**
 * Weekly spend patterns as media planners buy them: always-on budgets with noise, trend and
 * seasonality; flighted campaigns (on for a few weeks, dark for a few); short bursts over a low
 * or zero base; pulsing (always-on plus bursts). All draws come from the given Rng, so a seed
 * fixes the plan.
 */
import { type Rng } from "../inference/rng.ts";

export type SpendPattern = "always-on" | "flighted" | "burst" | "pulsing";

export interface SpendPlan {
  pattern: SpendPattern;
  /** Average weekly spend over the weeks the channel is live (original currency units). */
  level: number;
  /** Relative week-to-week noise (sd of a log-normal multiplier), default 0.15. */
  noise?: number;
  /** Relative change of the level from the first to the last week (e.g. 0.5 = +50 %). */
  trend?: number;
  /** Amplitude of a yearly cycle relative to the level (0..1), peak near week `seasonPeak`. */
  seasonality?: number;
  seasonPeak?: number;
  /** Flighted: weeks on and off (means; actual lengths vary by +-1). */
  onWeeks?: number;
  offWeeks?: number;
  /** Burst / pulsing: probability that a burst starts in a given week, and its length. */
  burstRate?: number;
  burstWeeks?: number;
  /** Burst: spend between bursts relative to the level (0 = dark between bursts). */
  base?: number;
  /** First live week (0-based); earlier weeks are 0 (a channel launched later). */
  start?: number;
}

function lognormalNoise(rng: Rng, sd: number): number {
  return Math.exp(sd * rng.normal() - 0.5 * sd * sd);
}

/** Rounds to cents like a media invoice. */
function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

export function generateSpend(weeks: number, plan: SpendPlan, rng: Rng): Float64Array {
  const out = new Float64Array(weeks);
  const noise = plan.noise ?? 0.15;
  const trend = plan.trend ?? 0;
  const season = plan.seasonality ?? 0;
  const peak = plan.seasonPeak ?? 47; // late November
  const start = plan.start ?? 0;
  const envelope = (t: number): number =>
    plan.level *
    (1 + (trend * t) / Math.max(1, weeks - 1)) *
    Math.max(0.05, 1 + season * Math.cos((2 * Math.PI * (t - peak)) / 52.18));
  const on = new Uint8Array(weeks);
  switch (plan.pattern) {
    case "always-on":
      on.fill(1);
      break;
    case "flighted": {
      const onW = plan.onWeeks ?? 4;
      const offW = plan.offWeeks ?? 4;
      let t = Math.floor(rng.uniform() * (offW + 1));
      while (t < weeks) {
        const len = Math.max(1, onW + Math.floor(rng.uniform() * 3) - 1);
        for (let k = 0; k < len && t + k < weeks; k += 1) on[t + k] = 1;
        t += len + Math.max(1, offW + Math.floor(rng.uniform() * 3) - 1);
      }
      break;
    }
    case "burst":
    case "pulsing": {
      const rate = plan.burstRate ?? 0.08;
      const len = plan.burstWeeks ?? 3;
      for (let t = 0; t < weeks; t += 1) {
        if (rng.uniform() < rate) for (let k = 0; k < len && t + k < weeks; k += 1) on[t + k] = 2;
      }
      // At least two bursts in the first half, so the channel's effect can be learned from training weeks.
      const half = Math.floor(weeks / 2);
      for (let b = on.subarray(0, half).reduce((n, v) => n + (v === 2 ? 1 : 0), 0); b < 2 * len; b += len) {
        const at = Math.floor(rng.uniform() * Math.max(1, half - len));
        for (let k = 0; k < len && at + k < weeks; k += 1) on[at + k] = 2;
      }
      if (plan.pattern === "pulsing") for (let t = 0; t < weeks; t += 1) on[t] = Math.max(on[t]!, 1);
      break;
    }
  }
  // Bursts carry the budget: scale so that the live-week mean is near `level`.
  const burstBoost = plan.pattern === "burst" ? 1 : plan.pattern === "pulsing" ? 2.5 : 1;
  const base = plan.base ?? 0;
  for (let t = 0; t < weeks; t += 1) {
    if (t < start) continue;
    const state = on[t]!;
    let v: number;
    if (plan.pattern === "burst") v = state === 2 ? envelope(t) : base * envelope(t);
    else if (plan.pattern === "pulsing") v = envelope(t) * (state === 2 ? burstBoost : 0.7);
    else v = state ? envelope(t) : 0;
    out[t] = v > 0 ? cents(v * lognormalNoise(rng, noise)) : 0;
  }
  return out;
}
