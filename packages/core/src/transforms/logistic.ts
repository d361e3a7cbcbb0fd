/**
 * Logistic saturation (docs/model.md 2.5): sat = (1 - exp(-lambda e)) / (1 + exp(-lambda e))
 * = tanh(lambda e / 2); 0 at e = 0, tends to 1.
 */
import { gammaPrior } from "../priors/priors.ts";
import type { Transform } from "./types.ts";

export const logisticSaturation: Transform = {
  kind: "logistic",
  stage: "saturation",
  description: "sat = (1 - exp(-lambda e)) / (1 + exp(-lambda e))",
  params: [
    {
      name: "lambda",
      constraint: "positive",
      description: "saturation speed (per mean-spend unit)",
      defaultPrior: () => gammaPrior(3, 2),
    },
  ],
  workspaceSize: () => 0,
  forward(e, n, p, out) {
    const lambda = p[0]!;
    for (let t = 0; t < n; t++) {
      const q = Math.exp(-lambda * e[t]!);
      out[t] = (1 - q) / (1 + q);
    }
  },
  // d sat / d(lambda e) = (1 - sat^2) / 2
  backward(e, n, p, out, gOut, gp, gIn) {
    const lambda = p[0]!;
    let gl = 0;
    for (let t = 0; t < n; t++) {
      const s = out[t]!;
      const g = 0.5 * gOut[t]! * (1 - s * s);
      gl += g * e[t]!;
      if (gIn !== null) gIn[t] = g * lambda;
    }
    gp[0] = gl;
  },
};
