/**
 * Network effect (docs/model.md 2.3): multiplier 1 + eta r_t, r_t the 4-week trailing mean of
 * x, min-max scaled by the training rolling means (0 when max = min). The training min and max
 * stay fixed for counterfactual spend; r is floored at 0 there (never a penalty below 1).
 */
import { halfNormalPrior } from "../priors/priors.ts";
import { multiplierBackward, multiplierForward, rollingMeanExact } from "./multiplier.ts";
import type { Transform } from "./types.ts";

export const NETWORK_WINDOW = 4;

export const network: Transform = {
  kind: "network",
  stage: "network",
  description: "out_t = in_t (1 + eta r_t), r = min-max scaled 4-week trailing mean of x",
  params: [
    {
      name: "eta",
      constraint: "positive",
      description: "network effect strength",
      defaultPrior: () => halfNormalPrior(0.2),
    },
  ],
  workspaceSize: () => 0,
  constants(xTrain, nTrain) {
    const rm = new Float64Array(nTrain);
    rollingMeanExact(xTrain, nTrain, NETWORK_WINDOW, rm);
    let min = Infinity;
    let max = -Infinity;
    for (let t = 0; t < nTrain; t++) {
      const v = rm[t]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { rollingMeanMin: min, rollingMeanMax: max };
  },
  feature(x, n, constants, out) {
    rollingMeanExact(x, n, NETWORK_WINDOW, out);
    const min = constants.rollingMeanMin!;
    const range = constants.rollingMeanMax! - min;
    for (let t = 0; t < n; t++) {
      const r = range > 0 ? (out[t]! - min) / range : 0;
      out[t] = r > 0 ? r : 0;
    }
  },
  forward(input, n, p, out, ctx) {
    multiplierForward(input, n, p[0]!, out, ctx);
  },
  backward(input, n, p, _out, gOut, gp, gIn, ctx) {
    multiplierBackward(input, n, p[0]!, gOut, gp, gIn, ctx);
  },
};
