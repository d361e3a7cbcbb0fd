/**
 * Viral echo (docs/model.md 2.2): organic reach fed by last week's exposure,
 * o_t = kappa a_{t-1} + delta o_{t-1}, o_1 = 0; output a_t + o_t.
 */
import { betaPrior } from "../priors/priors.ts";
import type { Transform } from "./types.ts";

export const viralEcho: Transform = {
  kind: "viralEcho",
  stage: "viralEcho",
  description: "out_t = a_t + o_t, o_t = kappa a_{t-1} + delta o_{t-1}, o_1 = 0",
  params: [
    {
      name: "kappa",
      constraint: "unit",
      description: "viral coefficient",
      defaultPrior: () => betaPrior(1.5, 8),
    },
    { name: "delta", constraint: "unit", description: "viral decay", defaultPrior: () => betaPrior(2, 2) },
  ],
  // ws[0..n) holds o
  workspaceSize: (n) => n,
  forward(a, n, p, out, ctx) {
    const kappa = p[0]!;
    const delta = p[1]!;
    const o = ctx.ws;
    let oPrev = 0;
    let aPrev = 0;
    for (let t = 0; t < n; t++) {
      const ot = kappa * aPrev + delta * oPrev;
      o[t] = ot;
      const at = a[t]!;
      out[t] = at + ot;
      aPrev = at;
      oPrev = ot;
    }
  },
  // lam_t = d/d o_t = gOut_t + delta lam_{t+1}; d/d a_t = gOut_t + kappa lam_{t+1}
  backward(a, n, p, _out, gOut, gp, gIn, ctx) {
    const kappa = p[0]!;
    const delta = p[1]!;
    const o = ctx.ws;
    let lamNext = 0;
    let gk = 0;
    let gd = 0;
    for (let t = n - 1; t >= 0; t--) {
      const g = gOut[t]!;
      if (gIn !== null) gIn[t] = g + kappa * lamNext;
      const lam = g + delta * lamNext;
      if (t > 0) {
        gk += lam * a[t - 1]!;
        gd += lam * o[t - 1]!;
      }
      lamNext = lam;
    }
    gp[0] = gk;
    gp[1] = gd;
  },
};
