/**
 * Influencer authenticity (docs/model.md 2.4): multiplier 1 + phi (1 - |2 s_t - 1|)^2 with
 * s_t = x_t / max_train(x), this week's scaled spend. Peaks at half the training maximum, so
 * moderate spend can outperform the highest. For counterfactual spend above the training
 * maximum the bracket is floored at 0 (no spurious second rise past 1.5x the max).
 */
import { halfNormalPrior } from "../priors/priors.ts";
import { multiplierBackward, multiplierForward } from "./multiplier.ts";
import type { Transform } from "./types.ts";

export const authenticity: Transform = {
  kind: "authenticity",
  stage: "authenticity",
  description: "out_t = in_t (1 + phi (1 - |2 x_t/max(x) - 1|)^2)",
  params: [
    {
      name: "phi",
      constraint: "positive",
      description: "authenticity effect",
      defaultPrior: () => halfNormalPrior(0.2),
    },
  ],
  workspaceSize: () => 0,
  constants(xTrain, nTrain) {
    let max = 0;
    for (let t = 0; t < nTrain; t++) if (xTrain[t]! > max) max = xTrain[t]!;
    return { scaledSpendMax: max };
  },
  feature(x, n, constants, out) {
    const max = constants.scaledSpendMax!;
    for (let t = 0; t < n; t++) {
      const s = max > 0 ? x[t]! / max : 0;
      const b = 1 - Math.abs(2 * s - 1);
      out[t] = b > 0 ? b * b : 0;
    }
  },
  forward(input, n, p, out, ctx) {
    multiplierForward(input, n, p[0]!, out, ctx);
  },
  backward(input, n, p, _out, gOut, gp, gIn, ctx) {
    multiplierBackward(input, n, p[0]!, gOut, gp, gIn, ctx);
  },
};
