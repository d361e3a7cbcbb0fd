/**
 * Calibration end to end in fast mode (MAP + Laplace): a tight lift test over the training weeks
 * moves the channel's ROI interval to contain the tested ROI and narrows it.
 */
import { describe, expect, it } from "vitest";
import { findMap, laplace } from "../inference/fast-mode.ts";
import { createModel } from "./model.ts";
import { buildModelSpec } from "./spec.ts";
import { simulate } from "../simulate/simulate.ts";
import { summarize } from "../analysis/stats.ts";

function roiDraws(
  config: Parameters<typeof buildModelSpec>[1],
  dataset: Parameters<typeof buildModelSpec>[0],
  channel: string,
): Float64Array {
  const spec = buildModelSpec(dataset, config);
  const model = createModel(spec);
  const map = findMap(model, { starts: 3, seed: 11 });
  const lap = laplace(model, map.mode, { draws: 400, seed: 12 });
  const c = spec.channels.findIndex((ch) => ch.name === channel);
  const out = new Float64Array(lap.draws);
  for (let d = 0; d < lap.draws; d++) {
    const v = model.constrain(lap.samples.subarray(d * lap.dim, (d + 1) * lap.dim));
    const f = model.forward(v);
    let s = 0;
    for (let t = 0; t < spec.trainingWeeks; t++) s += f.channel[c]![t]!;
    out[d] = (s * spec.scaling.kpiMean) / spec.scaling.spendTotal[c]!;
  }
  return out;
}

describe("calibration in a fit", () => {
  it("a tight lift test moves the ROI interval to contain it and narrows it", () => {
    const sim = simulate({ weeks: 104, seed: 5, channels: 3, holdoutWeeks: 0 });
    const channel = "Search";
    const before = summarize(roiDraws(sim.config, sim.dataset, channel));
    // a test that disagrees with the uncalibrated posterior: ROI well above its 95% quantile
    const target = before.q95 + 2 * before.sd;
    const spec0 = buildModelSpec(sim.dataset, sim.config);
    const c = spec0.channels.findIndex((ch) => ch.name === channel);
    const lift = target * spec0.scaling.spendTotal[c]!;
    const dates = sim.dataset.dates;
    const calibrated = {
      ...sim.config,
      liftTests: [{ channel, start: dates[0]!, end: dates[dates.length - 1]!, lift, se: 0.02 * lift }],
    };
    const after = summarize(roiDraws(calibrated, sim.dataset, channel));
    expect(target).toBeGreaterThan(before.q95);
    expect(after.q05).toBeLessThanOrEqual(target);
    expect(after.q95).toBeGreaterThanOrEqual(target);
    expect(after.q95 - after.q05).toBeLessThan(before.q95 - before.q05);
  }, 60_000);
});
