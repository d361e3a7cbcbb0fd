import { describe, expect, it } from "vitest";
import { createModelV2 } from "../model/model-v2.ts";
import { simulateV2 } from "../simulate/simulate-v2.ts";
import { fitModelV2, looV2, pointwiseLogLikV2 } from "./fit-v2.ts";

describe("v2 pointwise log-likelihood and PSIS-LOO", () => {
  for (const link of ["identity", "log"] as const)
    it(`sums to the model's own log-likelihood (${link} link; log link: plus the -log y Jacobian)`, () => {
      const sim = simulateV2({ weeks: 52, seed: 8, geos: 3, channels: 2, link, holdoutWeeks: 4 });
      const model = createModelV2(sim.spec);
      const parts = { logPrior: 0, logLikelihood: 0, logJacobian: 0 };
      model.evaluate(model.unconstrain(sim.values), null, true, parts);
      const point = pointwiseLogLikV2(model, sim.values);
      expect(point.length).toBe(3 * 48);
      let jac = 0;
      if (link === "log") for (const s of sim.spec.data.logY!) for (let t = 0; t < 48; t++) jac -= s[t]!;
      const sum = point.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(parts.logLikelihood + jac, 6);
    });

  it("a fit reports LOO: the truth-generating model beats one that drops a strong channel", async () => {
    const sim = simulateV2({ weeks: 78, seed: 9, geos: 2, channels: 2, holdoutWeeks: 0 });
    const fit = await fitModelV2(sim.data, sim.config, { mode: "fast", seed: 1, draws: 400 });
    expect(fit.loo).not.toBeNull();
    expect(fit.loo).toEqual(looV2(createModelV2(sim.spec), fit.draws));
    expect(fit.loo!.paretoKMax).toBeLessThan(0.7);
    const dropped = { ...sim.config, channels: sim.config.channels.slice(1) };
    const worse = await fitModelV2(sim.data, dropped, { mode: "fast", seed: 1, draws: 400 });
    expect(worse.loo!.elpd).toBeLessThan(fit.loo!.elpd - 2 * fit.loo!.se);
    const few = await fitModelV2(sim.data, sim.config, { mode: "fast", seed: 1, draws: 50 });
    expect(few.loo).toBeNull();
  });
});
