/**
 * Lift tests against the posterior, and the calibration score per channel (docs/model.md section
 * 11.4). Per used test k: the model's implied lift over the test's weeks and geos, draw by draw
 * (v1: kpiMean beta_c sum_{t in W} sat_c,t; v2: the counterfactual lift, MmmModelV2.liftTestImplied),
 * summarized as a_k (mean), b_k (sd) and its 90 % interval, beside the measured m_k and the
 * effective se_k.
 *
 * Calibration score of channel c (a Gaussian proxy from the calibrated fit alone, no second fit):
 * take each test's implied lift as a_k times the channel's strength (the tests measure the same
 * strength over other weeks), in units of the posterior mean (strength 1). Then
 *   I_k = (a_k / se_k)^2                 what test k says about the strength (precision)
 *   P1  = 1 / mean_k (b_k / a_k)^2       the calibrated posterior's precision
 *   share       = sum_k I_k / P1         the tests' share of the posterior precision (0..1)
 *   P0  = P1 - sum_k I_k                 the precision the data and priors alone give
 *   mean0       = (P1 - sum_k I_k m_k / a_k) / P0
 *   shift       = (1 - mean0) sqrt(P0)   how far the tests moved the channel's effect (and ROI),
 *                                        in sds of the posterior without them (+ = up)
 *   widthRatio  = sqrt(P0 / P1)          interval width with the tests / without them
 * Tests whose posterior mean a_k is not positive carry no relative information and are left out
 * of the score. When the tests hold all the precision (share >= 0.99) shift is null and
 * widthRatio 0.1 at most: the fit without them is not recoverable from this fit.
 */
import type { MmmModel } from "../model/model.ts";
import type { MmmModelV2 } from "../model/model-v2.ts";
import type { ModelSpec } from "../model/spec.ts";
import { liftTestWeeks } from "../model/calibration.ts";
import { drawRow, type PosteriorDraws } from "./model-adapter.ts";
import { type Interval, summarize } from "./stats.ts";

export interface CalibrationTestInput {
  /** registry id of the pinned test */
  id: string;
  channel: string;
  lift: number;
  /** effective se (se / sqrt(weight)) */
  se: number;
  /** implied lift per draw */
  implied: ArrayLike<number>;
}

export interface CalibrationTestResult {
  id: string;
  channel: string;
  lift: number;
  se: number;
  implied: Interval;
  /** (m - a) / sqrt(b^2 + se^2): how far the test is from the model, in combined sds */
  z: number;
}

export interface CalibrationChannelScore {
  channel: string;
  tests: number;
  share: number;
  shift: number | null;
  widthRatio: number;
}

export interface CalibrationReport {
  tests: CalibrationTestResult[];
  channels: CalibrationChannelScore[];
}

const FULL_SHARE = 0.99;

export function calibrationReport(inputs: readonly CalibrationTestInput[]): CalibrationReport {
  const tests = inputs.map((t): CalibrationTestResult => {
    const implied = summarize(t.implied);
    return {
      id: t.id,
      channel: t.channel,
      lift: t.lift,
      se: t.se,
      implied,
      z: (t.lift - implied.mean) / Math.sqrt(implied.sd * implied.sd + t.se * t.se),
    };
  });
  const channels: CalibrationChannelScore[] = [];
  for (const channel of [...new Set(tests.map((t) => t.channel))]) {
    const own = tests.filter((t) => t.channel === channel && t.implied.mean > 0 && Number.isFinite(t.se));
    if (own.length === 0) {
      channels.push({ channel, tests: 0, share: 0, shift: null, widthRatio: 1 });
      continue;
    }
    let rel2 = 0;
    let info = 0;
    let infoM = 0;
    for (const t of own) {
      const a = t.implied.mean;
      rel2 += (t.implied.sd / a) ** 2 / own.length;
      const I = (a / t.se) ** 2;
      info += I;
      infoM += (I * t.lift) / a;
    }
    const P1 = 1 / rel2;
    const share = Math.min(1, info / P1);
    if (share >= FULL_SHARE) {
      channels.push({
        channel,
        tests: own.length,
        share,
        shift: null,
        widthRatio: Math.sqrt(1 - FULL_SHARE),
      });
      continue;
    }
    const P0 = P1 - info;
    const mean0 = (P1 - infoM) / P0;
    channels.push({
      channel,
      tests: own.length,
      share,
      shift: (1 - mean0) * Math.sqrt(P0),
      widthRatio: Math.sqrt(P0 / P1),
    });
  }
  return { tests, channels };
}

/** Evenly spaced draw indices, at most `max` of them. */
function thinned(n: number, max: number): number[] {
  const k = Math.min(n, max);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

/**
 * v1: the implied lift of each test per draw, kpiMean sum_{t in W} beta_c sat_c,t (the lift-test
 * term's L), from the model's forward pass.
 */
export function liftTestImpliedDrawsV1(
  spec: ModelSpec,
  model: MmmModel,
  draws: PosteriorDraws,
  tests: readonly { channel: string; start: string; end: string }[],
  maxDraws = 1000,
): Float64Array[] {
  const idx = thinned(draws.draws, maxDraws);
  const rows = tests.map((t) => liftTestWeeks(spec, t.channel, t.start, t.end));
  const cs = tests.map((t) => spec.channels.findIndex((ch) => ch.name === t.channel));
  const out = tests.map(() => new Float64Array(idx.length));
  idx.forEach((d, i) => {
    const f = model.forward(drawRow(draws, d));
    tests.forEach((_, k) => {
      const ch = f.channel[cs[k]!]!;
      let s = 0;
      for (const t of rows[k]!) s += ch[t]!;
      out[k]![i] = s * spec.scaling.kpiMean;
    });
  });
  return out;
}

/** v2: the implied lift of each of the spec's lift tests per draw (its counterfactual lift). */
export function liftTestImpliedDrawsV2(
  model: MmmModelV2,
  draws: PosteriorDraws,
  maxDraws = 1000,
): Float64Array[] {
  const idx = thinned(draws.draws, maxDraws);
  const out = model.spec.liftTests.map(() => new Float64Array(idx.length));
  idx.forEach((d, i) => {
    const implied = model.liftTestImplied(drawRow(draws, d));
    out.forEach((o, k) => (o[i] = implied[k]!));
  });
  return out;
}
