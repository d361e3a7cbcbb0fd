/**
 * Power saturation (docs/model.md 2.5): sat = e^rho, rho in (0, 1), the classic ridge-MMM
 * diminishing-returns curve (unbounded), offered for comparison. 0 at e = 0.
 */
import { betaPrior } from "../priors/priors.ts";
import type { Transform } from "./types.ts";

export const powerSaturation: Transform = {
  kind: "power",
  stage: "saturation",
  description: "sat = e^rho",
  params: [
    { name: "rho", constraint: "unit", description: "elasticity", defaultPrior: () => betaPrior(2, 2) },
  ],
  // ws[0..n): log e (0 where e <= 0)
  workspaceSize: (n) => n,
  forward(e, n, p, out, ctx) {
    const rho = p[0]!;
    const le = ctx.ws;
    for (let t = 0; t < n; t++) {
      const et = e[t]!;
      if (et > 0) {
        const l = Math.log(et);
        le[t] = l;
        out[t] = Math.exp(rho * l);
      } else {
        le[t] = 0;
        out[t] = 0;
      }
    }
  },
  backward(e, n, p, out, gOut, gp, gIn, ctx) {
    const rho = p[0]!;
    const le = ctx.ws;
    let gr = 0;
    for (let t = 0; t < n; t++) {
      const et = e[t]!;
      if (et > 0) {
        const g = gOut[t]! * out[t]!;
        gr += g * le[t]!;
        if (gIn !== null) gIn[t] = (g * rho) / et;
      } else if (gIn !== null) gIn[t] = 0;
    }
    gp[0] = gr;
  },
};
