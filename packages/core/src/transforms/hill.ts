/**
 * Hill saturation (docs/model.md 2.5): sat = e^S / (e^S + K^S), computed as
 * inv_logit(S (log e - log K)) for e > 0 and exactly 0 for e = 0.
 */
import { gammaPrior } from "../priors/priors.ts";
import { fastExp, fastLog } from "./fast-math.ts";
import type { Transform } from "./types.ts";

export const hill: Transform = {
  kind: "hill",
  stage: "saturation",
  description: "sat = inv_logit(S (log e - log K)), 0 at e = 0",
  params: [
    {
      name: "K",
      constraint: "positive",
      description: "half-saturation exposure (mean-spend units)",
      defaultPrior: () => gammaPrior(2, 2),
    },
    { name: "S", constraint: "positive", description: "Hill shape", defaultPrior: () => gammaPrior(3, 2) },
  ],
  // ws[0..n): log e - log K (0 where e <= 0)
  workspaceSize: (n) => n,
  forward(e, n, p, out, ctx) {
    const logK = Math.log(p[0]!);
    const S = p[1]!;
    const d = ctx.ws;
    for (let t = 0; t < n; t++) {
      const et = e[t]!;
      if (et > 0) {
        const dt = Math.log(et) - logK;
        d[t] = dt;
        // exp(-z) may overflow to Infinity for z < -709, giving exactly 0, which is right
        out[t] = 1 / (1 + Math.exp(-S * dt));
      } else {
        d[t] = 0;
        out[t] = 0;
      }
    }
  },
  // dsat/dz = sat (1 - sat); z = S (log e - log K)
  backward(e, n, p, out, gOut, gp, gIn, ctx) {
    const K = p[0]!;
    const S = p[1]!;
    const d = ctx.ws;
    let gK = 0;
    let gS = 0;
    for (let t = 0; t < n; t++) {
      const et = e[t]!;
      if (et > 0) {
        const s = out[t]!;
        const gz = gOut[t]! * s * (1 - s);
        gK += gz;
        gS += gz * d[t]!;
        if (gIn !== null) gIn[t] = (gz * S) / et;
      } else if (gIn !== null) gIn[t] = 0;
    }
    gp[0] = (-gK * S) / K;
    gp[1] = gS;
  },
};

/**
 * The same Hill with the table-driven exp / log of fast-math.ts (faithfully rounded, not
 * bit-identical to Math.exp / Math.log): the v1 model's sampler target uses it (model.ts), where
 * the two transcendentals per week and channel were about half of a gradient call
 * (docs/model.md section 6). The registry keeps `hill` (v2 models, analysis code).
 */
export const hillFastMath: Transform = {
  ...hill,
  forward(e, n, p, out, ctx) {
    const logK = Math.log(p[0]!);
    const S = p[1]!;
    const d = ctx.ws;
    for (let t = 0; t < n; t++) {
      const et = e[t]!;
      if (et > 0) {
        const dt = fastLog(et) - logK;
        d[t] = dt;
        out[t] = 1 / (1 + fastExp(-S * dt));
      } else {
        d[t] = 0;
        out[t] = 0;
      }
    }
  },
};
