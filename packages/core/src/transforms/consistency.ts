/**
 * Influencer consistency (docs/model.md 2.4): multiplier 1 + psi (1 - exp(-m_t)), m_t the
 * 8-week trailing mean of the (mean-scaled) spend x.
 */
import { halfNormalPrior } from "../priors/priors.ts";
import { multiplierBackward, multiplierForward, rollingMeanExact } from "./multiplier.ts";
import type { Transform } from "./types.ts";

export const CONSISTENCY_WINDOW = 8;

export const consistency: Transform = {
  kind: "consistency",
  stage: "consistency",
  description: "out_t = in_t (1 + psi (1 - exp(-m_t))), m = 8-week trailing mean of x",
  params: [
    {
      name: "psi",
      constraint: "positive",
      description: "consistency effect",
      defaultPrior: () => halfNormalPrior(0.2),
    },
  ],
  workspaceSize: () => 0,
  feature(x, n, _constants, out) {
    rollingMeanExact(x, n, CONSISTENCY_WINDOW, out);
    for (let t = 0; t < n; t++) out[t] = 1 - Math.exp(-out[t]!);
  },
  forward(input, n, p, out, ctx) {
    multiplierForward(input, n, p[0]!, out, ctx);
  },
  backward(input, n, p, _out, gOut, gp, gIn, ctx) {
    multiplierBackward(input, n, p[0]!, gOut, gp, gIn, ctx);
  },
};
