/**
 * Extension point of the log density: extra terms (calibration: lift tests, ROI priors) that
 * see the constrained values and the per-week saturations of the training rows, and add their
 * value and gradient. The model back-propagates what a term adds to `saturation` through each
 * channel's pipeline, so a term only differentiates its own formula.
 */
export interface LogDensityTermContext {
  /** constrained parameter values, parameter order */
  values: Float64Array;
  /** per channel, sat_c,t for the training rows */
  saturation: readonly Float64Array[];
  /** mean on the model scale for the training rows */
  mu: Float64Array;
  /** number of training rows */
  n: number;
}

export interface LogDensityTermGradient {
  /** ADD d term / d values here (constrained space; the model applies the chain rule) */
  values: Float64Array;
  /** ADD d term / d sat_c,t here */
  saturation: Float64Array[];
}

export interface LogDensityTerm {
  name: string;
  /** Returns the term's log density; when grad is not null also adds its gradient. Must not allocate. */
  evaluate(ctx: LogDensityTermContext, grad: LogDensityTermGradient | null): number;
}
