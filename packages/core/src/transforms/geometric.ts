/** Geometric adstock (docs/model.md 2.1): w_l = alpha^l, normalized over the full window. */
import type { ChannelType } from "../data/types.ts";
import { betaPrior } from "../model/priors.ts";
import { weightedAdstockBackward, weightedAdstockForward, weightedWorkspaceSize } from "./adstock-weighted.ts";
import type { Transform } from "./types.ts";

/** Default retention prior per channel type (model.md section 3). */
export const alphaPriorByType: Record<ChannelType, [number, number]> = {
  traditional: [5, 3],
  digital: [2, 4],
  social: [2, 6],
  influencer: [3, 4],
  other: [3, 3],
};

/** Writes w_l = alpha^l into ws[0..L) and, when withGrad, dw_l = l alpha^(l-1) into ws[L..2L). */
function geometricWeights(alpha: number, lags: number, ws: Float64Array, withGrad: boolean): void {
  let pw = 1; // alpha^l by running product (no Math.pow)
  let pwPrev = 0; // alpha^(l-1)
  for (let l = 0; l < lags; l++) {
    ws[l] = pw;
    if (withGrad) ws[lags + l] = l * pwPrev;
    pwPrev = pw;
    pw *= alpha;
  }
}

export const geometricAdstock: Transform = {
  kind: "geometric",
  stage: "adstock",
  description: "a_t = sum_l alpha^l x_{t-l} / sum_l alpha^l over l = 0..L-1",
  params: [
    {
      name: "alpha",
      constraint: "unit",
      description: "weekly retention rate",
      defaultPrior: (type) => betaPrior(...alphaPriorByType[type]),
    },
  ],
  workspaceSize: weightedWorkspaceSize(1),
  forward(input, n, p, out, ctx) {
    geometricWeights(p[0]!, ctx.lags, ctx.ws, false);
    weightedAdstockForward(input, n, ctx.ws, ctx.lags, out);
  },
  backward(input, n, p, out, gOut, gp, gIn, ctx) {
    geometricWeights(p[0]!, ctx.lags, ctx.ws, true);
    weightedAdstockBackward(input, n, ctx.lags, 1, out, gOut, gp, gIn, ctx);
  },
};
