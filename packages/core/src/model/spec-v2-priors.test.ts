import { describe, expect, it } from "vitest";
import { compilePrior, gammaPrior, normalPrior, priorLogDensity } from "../priors/priors.ts";
import { simulateV2 } from "../simulate/simulate-v2.ts";
import { createModelV2 } from "./model-v2.ts";
import { buildModelSpecV2 } from "./spec-v2.ts";

// A v2 config's parameterPriors (by label) replace the default priors, as in v1: the approved run's
// posterior reaches v2 refits this way. They used to be parsed and then ignored.
describe("v2 parameterPriors", () => {
  const sim = simulateV2({ weeks: 40, seed: 2, geos: 2, channels: 2, holdoutWeeks: 0 });
  const overrides = {
    "beta[TV]": gammaPrior(4, 8),
    "u[north,TV]": normalPrior(0.3, 0.2),
    k1: normalPrior(0.1, 0.05),
  };
  const spec = buildModelSpecV2(sim.data, { ...sim.config, parameterPriors: overrides });
  const base = buildModelSpecV2(sim.data, sim.config);

  it("replace exactly the named parameters' priors", () => {
    spec.parameters.forEach((p, i) => {
      const o = overrides[p.label as keyof typeof overrides];
      expect(p.prior).toEqual(o ?? base.parameters[i]!.prior);
    });
  });

  it("change the log density by exactly the prior difference", () => {
    const withPriors = createModelV2(spec);
    const plain = createModelV2(base);
    const theta = withPriors.unconstrain(sim.values);
    let expected = 0;
    spec.parameters.forEach((p, i) => {
      if (!(p.label in overrides)) return;
      const v = sim.values[i]!;
      expected +=
        priorLogDensity(compilePrior(p.prior), v, null, 0) -
        priorLogDensity(compilePrior(base.parameters[i]!.prior), v, null, 0);
    });
    expect(expected).not.toBe(0);
    expect(withPriors.logDensity(theta) - plain.logDensity(theta)).toBeCloseTo(expected, 8);
  });

  it("refuse a prior whose support does not fit, naming the parameter", () => {
    expect(() =>
      buildModelSpecV2(sim.data, { ...sim.config, parameterPriors: { "eta_geo[TV]": normalPrior(0, 1) } }),
    ).toThrow(
      'parameterPriors["eta_geo[TV]"]: a normal prior (support real) does not fit a positive parameter',
    );
  });
});
