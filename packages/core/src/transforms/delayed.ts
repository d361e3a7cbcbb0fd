/**
 * Delayed adstock (Jin et al. 2017, "Bayesian methods for media mix modeling with carryover
 * and shape effects"): w_l = alpha^((l - theta)^2), peak at lag theta, normalized over the
 * full window L.
 */
import { betaPrior, gammaPrior } from "../priors/priors.ts";
import {
  weightedAdstockBackward,
  weightedAdstockForward,
  weightedWorkspaceSize,
} from "./adstock-weighted.ts";
import { alphaPriorByType } from "./geometric.ts";
import type { Transform } from "./types.ts";

/**
 * Weights are divided by the largest one (exponents shifted by their maximum) so that a peak
 * lag far outside the window cannot underflow every weight to 0; the normalized adstock and its
 * gradient are unchanged by a common factor (the factor's own derivative cancels in a / W).
 */
function delayedWeights(
  alpha: number,
  theta: number,
  lags: number,
  ws: Float64Array,
  withGrad: boolean,
): void {
  const la = Math.log(alpha);
  let m = -Infinity;
  for (let l = 0; l < lags; l++) {
    const d = l - theta;
    if (d * d * la > m) m = d * d * la;
  }
  for (let l = 0; l < lags; l++) {
    const d = l - theta;
    const w = Math.exp(d * d * la - m);
    ws[l] = w;
    if (withGrad) {
      ws[lags + l] = (d * d * w) / alpha; // dw/dalpha
      ws[2 * lags + l] = -2 * d * la * w; // dw/dtheta
    }
  }
}

export const delayedAdstock: Transform = {
  kind: "delayed",
  stage: "adstock",
  description: "a_t = sum_l alpha^((l-theta)^2) x_{t-l} / sum_l alpha^((l-theta)^2)",
  params: [
    {
      name: "alpha",
      constraint: "unit",
      description: "retention rate",
      defaultPrior: (type) => betaPrior(...alphaPriorByType[type]),
    },
    {
      name: "theta",
      constraint: "positive",
      description: "lag of the peak effect (weeks)",
      defaultPrior: () => gammaPrior(2, 2),
    },
  ],
  workspaceSize: weightedWorkspaceSize(2),
  forward(input, n, p, out, ctx) {
    delayedWeights(p[0]!, p[1]!, ctx.lags, ctx.ws, false);
    weightedAdstockForward(input, n, ctx.ws, ctx.lags, out);
  },
  backward(input, n, p, out, gOut, gp, gIn, ctx) {
    delayedWeights(p[0]!, p[1]!, ctx.lags, ctx.ws, true);
    weightedAdstockBackward(input, n, ctx.lags, 2, out, gOut, gp, gIn, ctx);
  },
};
