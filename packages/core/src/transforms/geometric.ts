/**
 * Geometric adstock (docs/model.md 2.1): w_l = alpha^l, normalized over the full window L.
 * Computed in O(T) by the window recursion s_t = alpha s_{t-1} + x_t - alpha^L x_{t-L}
 * (a_t = s_t / W), instead of the O(T L) convolution: this is the sampler's hot loop. Weeks whose
 * whole window is zero spend are set to exactly 0 (the recursion would leave rounding residue,
 * and Hill needs e = 0 exactly there); rounding can never make s negative.
 */
import type { ChannelType } from "../data/types.ts";
import { betaPrior } from "../priors/priors.ts";
import type { Transform } from "./types.ts";

/** Default retention prior per channel type (model.md section 3). */
export const alphaPriorByType: Record<ChannelType, [number, number]> = {
  traditional: [5, 3],
  digital: [2, 4],
  social: [2, 6],
  influencer: [3, 4],
  other: [3, 3],
};

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
  workspaceSize: () => 0,
  forward(x, n, p, out, ctx) {
    const alpha = p[0]!;
    const L = ctx.lags;
    let W = 0;
    let aL = 1; // alpha^L by running product (no Math.pow)
    for (let l = 0; l < L; l++) {
      W += aL;
      aL *= alpha;
    }
    const inv = 1 / W;
    let s = 0;
    let nonzero = 0; // nonzero spend weeks inside the window
    for (let t = 0; t < n; t++) {
      const xt = x[t]!;
      s = alpha * s + xt;
      if (xt !== 0) nonzero++;
      if (t >= L) {
        const xo = x[t - L]!;
        if (xo !== 0) {
          s -= aL * xo;
          nonzero--;
        }
      }
      if (nonzero === 0 || s < 0) s = 0;
      out[t] = s * inv;
    }
  },
  // d s_t / d alpha = s_{t-1} + alpha ds_{t-1} - L alpha^(L-1) x_{t-L};
  // d a_t / d alpha = (ds_t - a_t dW) / W; d target / d x_s = sum_l alpha^l g_{s+l} / W.
  backward(x, n, p, out, gOut, gp, gIn, ctx) {
    const alpha = p[0]!;
    const L = ctx.lags;
    let W = 0;
    let dW = 0;
    let pw = 1;
    let pwPrev = 0;
    for (let l = 0; l < L; l++) {
      W += pw;
      dW += l * pwPrev;
      pwPrev = pw;
      pw *= alpha;
    }
    const aL = pw;
    const LaL1 = L * pwPrev; // L alpha^(L-1)
    let ds = 0;
    let sPrev = 0;
    let gds = 0;
    let ga = 0;
    for (let t = 0; t < n; t++) {
      ds = sPrev + alpha * ds;
      if (t >= L) ds -= LaL1 * x[t - L]!;
      const at = out[t]!;
      if (at === 0) ds = 0;
      const g = gOut[t]!;
      gds += g * ds;
      ga += g * at;
      sPrev = at * W;
    }
    gp[0] = (gds - dW * ga) / W;
    if (gIn !== null) {
      let h = 0;
      for (let s = n - 1; s >= 0; s--) {
        h = gOut[s]! + alpha * h;
        if (s + L < n) h -= aL * gOut[s + L]!;
        gIn[s] = h / W;
      }
    }
  },
};
