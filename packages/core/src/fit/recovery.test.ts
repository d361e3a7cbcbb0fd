/**
 * Parameter recovery (docs/model.md section 7): 156 weeks x 6 channels with one viral social channel
 * and one influencer, NUTS with default settings (4 chains x 1000 warmup + 1000 draws), about 10 s
 * on 2 idle cores. Draws are bit-reproducible for a seed, so the verdict does not depend on the
 * machine's load, only the time does. `pnpm bench --only=core:nuts` reports the same checks with
 * timings, `pnpm bench --only=core:coverage --coverage` repeats them over 20 simulated datasets.
 */
import { describe, expect, it } from "vitest";
import { recoveryVerdict, roiCoverage } from "./recovery.ts";
import { simulate } from "../simulate/simulate.ts";
import { fitModel } from "./fit-model.ts";

describe("recovery on the 156 x 6 scenario", () => {
  it("converges and covers the true ROI of at least 5 of 6 channels", async () => {
    const sim = simulate({ weeks: 156, seed: 7, channels: "recovery" });
    expect(sim.mapping.channels.map((c) => c.type)).toEqual([
      "traditional",
      "digital",
      "digital",
      "traditional",
      "social",
      "influencer",
    ]);
    const fit = await fitModel(sim.dataset, sim.config, { mode: "nuts", seed: 1 });
    expect(fit.settings).toEqual({ chains: 4, warmup: 1000, draws: 1000 });
    const coverage = roiCoverage(fit, sim);
    const verdict = recoveryVerdict(fit, sim);
    expect(fit.diagnostics.rhatMax, JSON.stringify(fit.diagnostics)).toBeLessThanOrEqual(1.01);
    expect(fit.diagnostics.divergences, JSON.stringify(fit.diagnostics)).toBeLessThan(0.005 * 4000);
    expect(verdict.covered, JSON.stringify(coverage)).toBeGreaterThanOrEqual(5);
    expect(verdict.ok).toBe(true);
    expect(fit.diagnostics.converged, fit.diagnostics.reasons.join("; ")).toBe(true);
  }, 300_000);
});
