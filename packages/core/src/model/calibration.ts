/**
 * Calibration terms of the log density (docs/model.md section 5), plugged into the model through
 * its LogDensityTerm extension point (model/terms.ts; model.ts calls calibrationTerms).
 *
 * Lift test (channel c, weeks W, measured lift m in KPI units, standard error se):
 *   log Normal(m | L, se),  L = kpiMean * beta_c * sum_{t in W} sat_c,t
 * i.e. the model-implied lift is the channel's own contribution in the test weeks (what switching
 * the channel off for those weeks would lose, ignoring carryover after the test).
 *
 * ROI prior (channel c, prior p on ROI_c): ROI_c = beta_c * A_c, A_c = kpiMean * sum_{t<n} sat_c,t /
 * spend_c (training weeks). The term adds  log p(beta_c A_c) + log A_c - log p_beta(beta_c), so that
 * conditional on the other parameters beta_c has exactly the density implied by the ROI prior (the
 * change of variables beta -> ROI has Jacobian A_c), replacing the beta prior.
 */
import { type CompiledPrior, compilePrior, priorLogDensity } from "../priors/priors.ts";
import type { ModelSpec } from "./spec.ts";
import type { LogDensityTerm, LogDensityTermContext, LogDensityTermGradient } from "./terms.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function channelIndex(spec: ModelSpec, name: string, what: string): number {
  const c = spec.channels.findIndex((ch) => ch.name === name);
  if (c < 0)
    throw new Error(
      `${what}: unknown channel "${name}" (channels: ${spec.channels.map((ch) => ch.name).join(", ")})`,
    );
  return c;
}

/** Training-row indices of the weeks from start to end (ISO dates, inclusive). */
export function liftTestWeeks(spec: ModelSpec, channel: string, start: string, end: string): Int32Array {
  const what = `lift test of "${channel}" (${start} to ${end})`;
  if (end < start) throw new Error(`${what}: end is before start`);
  const rows: number[] = [];
  spec.dates.forEach((d, t) => {
    if (d >= start && d <= end) rows.push(t);
  });
  if (rows.length === 0) throw new Error(`${what}: no data week falls in that range`);
  const last = rows[rows.length - 1] as number;
  if (last >= spec.trainingWeeks) {
    throw new Error(
      `${what}: covers holdout weeks (training ends ${spec.dates[spec.trainingWeeks - 1]}); lift tests must lie in the training weeks`,
    );
  }
  return Int32Array.from(rows);
}

export function liftTestTerm(
  spec: ModelSpec,
  test: { channel: string; start: string; end: string; lift: number; se: number; geos?: string[] },
): LogDensityTerm {
  const c = channelIndex(spec, test.channel, "lift test");
  if (test.geos !== undefined && test.geos.length > 0)
    throw new Error(
      `lift test of "${test.channel}" names geos (${test.geos.join(", ")}) but the data have no geo column`,
    );
  const weeks = liftTestWeeks(spec, test.channel, test.start, test.end);
  if (!(test.se > 0)) throw new Error(`lift test of "${test.channel}": se must be > 0`);
  const betaIdx = (spec.channels[c] as { beta: number }).beta;
  const k = spec.scaling.kpiMean;
  const se2 = test.se * test.se;
  const logConst = -HALF_LOG_2PI - Math.log(test.se);
  return {
    name: `lift[${test.channel}:${test.start}..${test.end}]`,
    evaluate(ctx: LogDensityTermContext, grad: LogDensityTermGradient | null): number {
      const sat = ctx.saturation[c] as Float64Array;
      const beta = ctx.values[betaIdx] as number;
      let s = 0;
      for (let i = 0; i < weeks.length; i++) s += sat[weeks[i] as number] as number;
      const implied = k * beta * s;
      const r = test.lift - implied;
      if (grad) {
        const g = r / se2; // d logp / d implied
        grad.values[betaIdx] = (grad.values[betaIdx] as number) + g * k * s;
        const gs = grad.saturation[c] as Float64Array;
        const gb = g * k * beta;
        for (let i = 0; i < weeks.length; i++) {
          const t = weeks[i] as number;
          gs[t] = (gs[t] as number) + gb;
        }
      }
      return logConst - (0.5 * r * r) / se2;
    },
  };
}

export function roiPriorTerm(
  spec: ModelSpec,
  roiPrior: { channel: string; prior: Parameters<typeof compilePrior>[0] },
): LogDensityTerm {
  const c = channelIndex(spec, roiPrior.channel, "ROI prior");
  const betaIdx = (spec.channels[c] as { beta: number }).beta;
  const roiP: CompiledPrior = compilePrior(roiPrior.prior);
  const betaP: CompiledPrior = compilePrior(
    (spec.parameters[betaIdx] as { prior: Parameters<typeof compilePrior>[0] }).prior,
  );
  const kc = spec.scaling.kpiMean / (spec.scaling.spendTotal[c] as number);
  const n = spec.trainingWeeks;
  const d = new Float64Array(2);
  return {
    name: `roiPrior[${roiPrior.channel}]`,
    evaluate(ctx: LogDensityTermContext, grad: LogDensityTermGradient | null): number {
      const sat = ctx.saturation[c] as Float64Array;
      const beta = ctx.values[betaIdx] as number;
      let s = 0;
      for (let t = 0; t < n; t++) s += sat[t] as number;
      const A = kc * s;
      if (!(A > 0)) return Number.NEGATIVE_INFINITY;
      const roi = beta * A;
      const lp = priorLogDensity(roiP, roi, d, 0) + Math.log(A) - priorLogDensity(betaP, beta, d, 1);
      if (grad) {
        const dRoi = d[0] as number;
        grad.values[betaIdx] = (grad.values[betaIdx] as number) + dRoi * A - (d[1] as number);
        const gs = grad.saturation[c] as Float64Array;
        const gt = dRoi * beta * kc + 1 / s;
        for (let t = 0; t < n; t++) gs[t] = (gs[t] as number) + gt;
      }
      return lp;
    },
  };
}

/** All calibration terms the spec's config asks for. */
export function calibrationTermsFor(spec: ModelSpec): LogDensityTerm[] {
  return [
    ...spec.config.liftTests.map((t) => liftTestTerm(spec, t)),
    ...spec.config.roiPriors.map((r) => roiPriorTerm(spec, r)),
  ];
}

/** The calibration terms of a spec (its config's lift tests and ROI priors), as the model adds them. */
export function calibrationTerms(spec: ModelSpec): LogDensityTerm[] {
  return calibrationTermsFor(spec);
}
