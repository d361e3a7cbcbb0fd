/**
 * Calibration terms built from spec.config.liftTests / roiPriors (docs/model.md section 5):
 * lift-test likelihood and ROI priors, implemented by [analysis] in analysis/calibration.ts.
 */
import { calibrationTermsFor } from "../analysis/calibration.ts";
import type { ModelSpec } from "./spec.ts";
import type { LogDensityTerm } from "./terms.ts";

export function calibrationTerms(spec: ModelSpec): LogDensityTerm[] {
  return calibrationTermsFor(spec);
}
