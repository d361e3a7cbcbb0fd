/**
 * Weibull adstock, CDF (survival) variant after Robyn: the weight of lag l is the Weibull
 * survival function w_l = exp(-(l / lambda)^k) (w_0 = 1), normalized over the full window L.
 * shape k < 1 decays fast then lingers, k > 1 keeps the effect flat before it drops; lambda
 * is the lag (weeks) at which the weight has fallen to exp(-1).
 */
import { gammaPrior } from "../priors/priors.ts";
import {
  weightedAdstockBackward,
  weightedAdstockForward,
  weightedWorkspaceSize,
} from "./adstock-weighted.ts";
import type { Transform } from "./types.ts";

function weibullWeights(
  shape: number,
  scale: number,
  lags: number,
  ws: Float64Array,
  withGrad: boolean,
): void {
  ws[0] = 1;
  if (withGrad) {
    ws[lags] = 0;
    ws[2 * lags] = 0;
  }
  for (let l = 1; l < lags; l++) {
    const lr = Math.log(l / scale);
    const q = Math.exp(shape * lr); // (l/lambda)^k
    const w = Math.exp(-q);
    ws[l] = w;
    if (withGrad && w === 0) {
      // far in the tail (q = Infinity): the weight and its derivatives are 0
      ws[lags + l] = 0;
      ws[2 * lags + l] = 0;
    } else if (withGrad) {
      ws[lags + l] = -w * q * lr; // dw/dk
      ws[2 * lags + l] = (w * q * shape) / scale; // dw/dlambda
    }
  }
}

export const weibullAdstock: Transform = {
  kind: "weibull",
  stage: "adstock",
  description: "a_t = sum_l w_l x_{t-l} / sum_l w_l with w_l = exp(-(l/lambda)^k) (Weibull survival)",
  params: [
    {
      name: "wshape",
      constraint: "positive",
      description: "Weibull shape k",
      defaultPrior: () => gammaPrior(3, 2),
    },
    {
      name: "wscale",
      constraint: "positive",
      description: "Weibull scale lambda (weeks)",
      defaultPrior: () => gammaPrior(3, 1),
    },
  ],
  workspaceSize: weightedWorkspaceSize(2),
  forward(input, n, p, out, ctx) {
    weibullWeights(p[0]!, p[1]!, ctx.lags, ctx.ws, false);
    weightedAdstockForward(input, n, ctx.ws, ctx.lags, out);
  },
  backward(input, n, p, out, gOut, gp, gIn, ctx) {
    weibullWeights(p[0]!, p[1]!, ctx.lags, ctx.ws, true);
    weightedAdstockBackward(input, n, ctx.lags, 2, out, gOut, gp, gIn, ctx);
  },
};
