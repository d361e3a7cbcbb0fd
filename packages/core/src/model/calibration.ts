/**
 * Calibration terms built from spec.config.liftTests / roiPriors (docs/model.md section 5).
 * The [analysis] module implements them; until then a config that asks for them is refused
 * rather than silently ignored.
 */
import type { ModelSpec } from "./spec.ts";
import type { LogDensityTerm } from "./terms.ts";

export function calibrationTerms(spec: ModelSpec): LogDensityTerm[] {
  if (spec.config.liftTests.length > 0 || spec.config.roiPriors.length > 0) {
    throw new Error("liftTests / roiPriors are not implemented in the log density yet (model/calibration.ts)");
  }
  return [];
}
