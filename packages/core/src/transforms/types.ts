/**
 * Transform descriptors (docs/model.md section 2): pure functions over Float64Array wrapped
 * with their parameter list, constraints and default priors per channel type. A transform is
 * registered under a string `kind`, which is also its serialization tag in configs and specs.
 */
import type { ChannelType } from "../data/types.ts";
import type { Constraint, Prior } from "../priors/priors.ts";

/** Pipeline position; stages run in this order, all multipliers act before saturation. */
export const stages = [
  "adstock",
  "viralEcho",
  "network",
  "authenticity",
  "consistency",
  "saturation",
] as const;
export type Stage = (typeof stages)[number];

export interface TransformParam {
  /** Parameter block name, also the label stem (`alpha` -> `alpha[TV]`). */
  name: string;
  constraint: Constraint;
  description: string;
  defaultPrior(type: ChannelType): Prior;
}

/** Per-channel, per-call context handed to a transform. */
export interface TransformContext {
  /** Scaled spend of the channel (at least n long). */
  x: Float64Array;
  /** Adstock window L. */
  lags: number;
  /** Data feature computed by `feature()` (multiplier stages), else empty. */
  feature: Float64Array;
  /** Scratch space of `workspaceSize(n, lags)` doubles, valid from forward to backward. */
  ws: Float64Array;
}

export interface Transform {
  kind: string;
  stage: Stage;
  description: string;
  params: readonly TransformParam[];
  workspaceSize(n: number, lags: number): number;
  /**
   * Constants fixed from the training rows (e.g. min/max used to scale a feature); stored in
   * the model spec so that counterfactual spend reuses them.
   */
  constants?(xTrain: Float64Array, nTrain: number): Record<string, number>;
  /** Data feature of the spend series (e.g. the network index), using the training constants. */
  feature?(x: Float64Array, n: number, constants: Record<string, number>, out: Float64Array): void;
  /**
   * out[t] = f(input)[t] for t < n. `input` is the previous stage's output (the spend x for
   * adstock). `p` holds the constrained parameter values in `params` order.
   */
  forward(input: Float64Array, n: number, p: Float64Array, out: Float64Array, ctx: TransformContext): void;
  /**
   * Reverse-mode sweep: given gOut = d target / d out, OVERWRITES gp with d target / d p and, when
   * gIn is not null, OVERWRITES gIn with d target / d input. `out` is the forward output for the
   * same arguments (forward must have run with the same ctx before).
   */
  backward(
    input: Float64Array,
    n: number,
    p: Float64Array,
    out: Float64Array,
    gOut: Float64Array,
    gp: Float64Array,
    gIn: Float64Array | null,
    ctx: TransformContext,
  ): void;
}

/** Open interval a parameter lives in, from its constraint. */
export function paramBounds(constraint: Constraint): [lower: number, upper: number] {
  return constraint === "real" ? [-Infinity, Infinity] : constraint === "positive" ? [0, Infinity] : [0, 1];
}
