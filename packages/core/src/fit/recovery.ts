/** Recovery checks of docs/model.md section 7 for a fit of simulated data with known truth. */
import type { Simulation } from "../simulate/simulate.ts";
import type { FitResult } from "./result.ts";

export interface RoiCoverage {
  channel: string;
  truth: number;
  q05: number;
  q50: number;
  q95: number;
  covered: boolean;
}

/** Which channels' 90 % ROI intervals contain the true ROI. */
export function roiCoverage(fit: FitResult, sim: Simulation): RoiCoverage[] {
  return Object.entries(fit.channels).map(([channel, ch]) => {
    const truth = sim.truth.channels[channel]!.roi;
    return {
      channel,
      truth,
      q05: ch.roi.q05,
      q50: ch.roi.q50,
      q95: ch.roi.q95,
      covered: truth >= ch.roi.q05 && truth <= ch.roi.q95,
    };
  });
}

/** R-hat <= 1.01, divergences < 0.5 % of draws, true ROI covered for >= 5 channels (of 6). */
export function recoveryVerdict(
  fit: FitResult,
  sim: Simulation,
): { rhatOk: boolean; divergencesOk: boolean; covered: number; ok: boolean } {
  const total = fit.settings.chains * fit.settings.draws;
  const covered = roiCoverage(fit, sim).filter((c) => c.covered).length;
  const rhatOk = fit.diagnostics.rhatMax <= 1.01;
  const divergencesOk = fit.diagnostics.divergences < 0.005 * total;
  return {
    rhatOk,
    divergencesOk,
    covered,
    ok: rhatOk && divergencesOk && covered >= Math.min(5, Object.keys(fit.channels).length - 1),
  };
}
