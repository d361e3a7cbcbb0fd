/**
 * The calibration score (docs/model.md section 11.4): on a Gaussian case where the posterior
 * without the tests is known it recovers the shift and the width ratio; in a real v2 fit a strong
 * lift test moves the channel's posterior toward it and the score says how far.
 */
import { describe, expect, it } from "vitest";
import { loadCase } from "../../test/conformance-v2-cases.ts";
import { fitModelV2 } from "../fit/fit-v2.ts";
import { Rng } from "../inference/rng.ts";
import type { ModelConfigV2Input } from "../model/config-v2.ts";
import { createModelV2 } from "../model/model-v2.ts";
import { buildModelSpecV2 } from "../model/spec-v2.ts";
import { calibrationReport, liftTestImpliedDrawsV2 } from "./calibration-score.ts";
import { posteriorDraws } from "./model-adapter.ts";

function normalDraws(rng: Rng, mean: number, sd: number, n: number): Float64Array {
  // antithetic pairs, rescaled to exact moments so the check is about the formula, not Monte Carlo
  const z = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    z[i] = rng.normal();
    if (i + 1 < n) z[i + 1] = -z[i]!;
  }
  let ss = 0;
  for (const v of z) ss += v * v;
  const k = Math.sqrt(n / ss);
  return Float64Array.from(z, (v) => mean + sd * k * v);
}

describe("calibrationReport on a Gaussian case", () => {
  it("recovers the shift in prior-fit sds, the width ratio and the tests' precision share", () => {
    // strength s: without tests N(mu0 = 1000, s0 = 200) in lift units (a = lift per unit strength = 1)
    const mu0 = 1000;
    const s0 = 200;
    const m = 1500;
    const se = 150;
    const p1 = 1 / s0 ** 2 + 1 / se ** 2;
    const mu1 = (mu0 / s0 ** 2 + m / se ** 2) / p1;
    const s1 = Math.sqrt(1 / p1);
    const rng = new Rng(4);
    const r = calibrationReport([
      { id: "t1", channel: "TV", lift: m, se, implied: normalDraws(rng, mu1, s1, 20000) },
    ]);
    const ch = r.channels[0]!;
    expect(ch.share).toBeCloseTo(s1 ** 2 / se ** 2, 3); // = 0.64
    expect(ch.share).toBeCloseTo(0.64, 3);
    expect(ch.widthRatio).toBeCloseTo(s1 / s0, 3); // 0.6
    // the shift in sds of the no-test posterior: (mu1 - mu0) / s0 in relative units, here 1.6
    expect(ch.shift!).toBeCloseTo((mu1 - mu0) / s0, 2);
    expect(r.tests[0]!.implied.mean).toBeCloseTo(mu1, 6);
    expect(r.tests[0]!.z).toBeCloseTo((m - mu1) / Math.sqrt(s1 ** 2 + se ** 2), 3);
  });

  it("two tests of one channel add their precision; a test that agrees shifts nothing", () => {
    const rng = new Rng(5);
    // posterior N(1, 0.1) relative; tests at a = 100 and 400 with se 20 and 80 (I = 25 each, P1 = 100)
    const r = calibrationReport([
      { id: "a", channel: "TV", lift: 100, se: 20, implied: normalDraws(rng, 100, 10, 20000) },
      { id: "b", channel: "TV", lift: 400, se: 80, implied: normalDraws(rng, 400, 40, 20000) },
      { id: "c", channel: "Radio", lift: 5, se: 1, implied: normalDraws(rng, -3, 1, 2000) },
    ]);
    const tv = r.channels.find((c) => c.channel === "TV")!;
    expect(tv.tests).toBe(2);
    expect(tv.share).toBeCloseTo(0.5, 3);
    expect(tv.widthRatio).toBeCloseTo(Math.SQRT1_2, 3);
    expect(tv.shift!).toBeCloseTo(0, 6);
    // a non-positive implied lift carries no relative information
    expect(r.channels.find((c) => c.channel === "Radio")).toEqual({
      channel: "Radio",
      tests: 0,
      share: 0,
      shift: null,
      widthRatio: 1,
    });
  });
});

const NUTS = { mode: "nuts", chains: 2, warmup: 150, draws: 150, seed: 3, threads: 2 } as const;

describe("a strong lift test in a v2 fit (NUTS, short)", () => {
  it("moves the channel's posterior toward the test, narrows it, and the score measures the move", async () => {
    const { data, config } = loadCase("national_rf_log");
    const channel = "TV";
    const before = (await fitModelV2(data, config, NUTS)).channels[channel]!.incremental;
    // a test over every training week that says the channel brought far more than the fit thinks
    const target = before.q95 + 2 * before.sd;
    const test = {
      channel,
      start: data.dates[0]!,
      end: data.dates[data.trainingWeeks - 1]!,
      lift: target,
      se: 0.1 * target,
    };
    const calibrated = { ...config, liftTests: [test] } as ModelConfigV2Input;
    const fit = await fitModelV2(data, calibrated, NUTS);
    const after = fit.channels[channel]!.incremental;
    expect(target).toBeGreaterThan(before.q95);
    // toward the test, by about what a Gaussian combination of the two says
    const pred =
      (before.mean / before.sd ** 2 + target / test.se ** 2) / (1 / before.sd ** 2 + 1 / test.se ** 2);
    expect(after.mean - before.mean).toBeGreaterThan(0.3 * (target - before.mean));
    expect(after.mean).toBeLessThan(target);
    expect(Math.abs(after.mean / pred - 1)).toBeLessThan(0.1);
    expect(after.sd / after.mean).toBeLessThan(before.sd / before.mean);

    const model = createModelV2(buildModelSpecV2(data, calibrated));
    const implied = liftTestImpliedDrawsV2(model, posteriorDraws(model, fit.draws));
    // the test's implied lift over all training weeks is the channel's incremental KPI
    const report = calibrationReport([{ id: "t", ...test, implied: implied[0]! }]);
    expect(report.tests[0]!.implied.mean / after.mean).toBeCloseTo(1, 6);
    const score = report.channels[0]!;
    expect(score.share).toBeGreaterThan(0.3);
    expect(score.share).toBeLessThan(0.99);
    expect(score.widthRatio).toBeLessThan(1);
    // the proxy's shift (no-test sds) against the real one from the uncalibrated fit
    const realShift = (after.mean - before.mean) / before.sd;
    expect(score.shift!).toBeGreaterThan(0);
    expect(score.shift! / realShift).toBeGreaterThan(0.5);
    expect(score.shift! / realShift).toBeLessThan(2);
  }, 120_000);
});
