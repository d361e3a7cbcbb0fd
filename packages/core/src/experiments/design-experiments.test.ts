import { describe, expect, it } from "vitest";
import { seededRandom } from "../analysis/stats.ts";
import { syntheticResponse } from "../analysis/synthetic-response.ts";
import { designExperiments, normalCdf, testStandardError, Z_ALPHA_POWER } from "./design-experiments.ts";

function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300))) * Math.cos(2 * Math.PI * rng());
}

/** Three channels with the same curve; `uncertain` gets a lognormal sd of 0.6 on its coefficient. */
function response(uncertain: number, draws = 200) {
  const resp = syntheticResponse({
    channels: [
      { name: "TV", spendMean: 1000, beta: 0.3, alpha: 0.5, K: 1, S: 1.5 },
      { name: "Search", spendMean: 1000, beta: 0.3, alpha: 0.5, K: 1, S: 1.5 },
      { name: "Social", spendMean: 1000, beta: 0.3, alpha: 0.5, K: 1, S: 1.5 },
    ],
    draws,
    weeks: 13,
    spread: 0.02,
    seed: 3,
    kpiScale: 20000,
  });
  const rng = seededRandom(17);
  const coef = resp.media[uncertain]!.coefficient;
  for (let d = 0; d < coef.length; d++) coef[d] = coef[d]! * Math.exp(0.6 * gauss(rng) - 0.18);
  return resp;
}

describe("designExperiments", () => {
  it("MDE at 80 % power matches the closed form (z_0.975 + z_0.8) x sigma sqrt(2w) / spend moved", () => {
    const resp = response(1);
    const sigma = 800;
    const d = designExperiments(resp, { currentWeekly: [1000, 1000, 1000], noiseSd: sigma, simulations: 50 });
    expect(Z_ALPHA_POWER).toBeCloseTo(2.8016, 4);
    for (const ch of d.channels) {
      expect(ch.mdeByWeeks.map((m) => m.weeks)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      for (const m of ch.mdeByWeeks) {
        const closed =
          (2.8016 * sigma * Math.sqrt(2 * m.weeks)) / (Math.abs(ch.test.change) * 1000 * m.weeks);
        expect(m.mde).toBeCloseTo(closed, 2);
        expect(m.mdeKpi).toBeCloseTo(Z_ALPHA_POWER * sigma * Math.sqrt(2 * m.weeks), 6);
      }
      // the recommended duration is the first with 80 % power against the expected lift (or 12)
      const rec = ch.mdeByWeeks.find((m) => m.weeks === ch.recommendedWeeks)!;
      if (ch.recommendedWeeks < 12) expect(rec.power).toBeGreaterThanOrEqual(0.8 - 1e-9);
      const before = ch.mdeByWeeks.filter((m) => m.weeks < ch.recommendedWeeks);
      for (const m of before) expect(m.power).toBeLessThan(0.8);
    }
    // geo designs: Var = w sigma^2 / (s (1 - s)), measured on a share s of the market
    expect(testStandardError(800, 4, "geo", 0.5)).toBeCloseTo(800 * Math.sqrt(16), 9);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
  });

  it("ranks first by value of information the channel whose uncertainty changes the optimal plan", () => {
    for (const uncertain of [0, 2]) {
      const resp = response(uncertain);
      const d = designExperiments(resp, {
        currentWeekly: [1000, 1000, 1000],
        noiseSd: 300,
        simulations: 150,
      });
      const first = d.channels[0]!;
      expect(first.name).toBe(resp.channels[uncertain]);
      expect(first.rank).toBe(1);
      expect(first.valueOfInformation).toBeGreaterThan(0);
      // the others' value of information is much smaller (their ROI is known to +-2 %)
      for (const other of d.channels.slice(1))
        expect(other.valueOfInformation).toBeLessThan(0.25 * first.valueOfInformation);
      // and the test narrows the uncertain channel's ROI interval by preposterior simulation
      expect(first.expectedIntervalReduction).toBeGreaterThan(0.2);
    }
  });

  it("a noisier market gives a smaller expected interval reduction", () => {
    const resp = response(1);
    const quiet = designExperiments(resp, {
      currentWeekly: [1000, 1000, 1000],
      noiseSd: 200,
      simulations: 150,
      channels: ["Search"],
    });
    const noisy = designExperiments(resp, {
      currentWeekly: [1000, 1000, 1000],
      noiseSd: 5000,
      simulations: 150,
      channels: ["Search"],
    });
    expect(quiet.channels[0]!.expectedIntervalReduction).toBeGreaterThan(
      noisy.channels[0]!.expectedIntervalReduction + 0.1,
    );
  });
});
