import { describe, expect, it } from "vitest";
import { createModelV2 } from "../model/model-v2.ts";
import { simulateV2 } from "../simulate/simulate-v2.ts";
import { fitModelV2, holdoutV2 } from "./fit-v2.ts";

// 2 geos, log link, units KPI; the last 8 of 104 weeks held out.
const sim = simulateV2({
  weeks: 104,
  seed: 6,
  geos: 2,
  channels: 2,
  link: "log",
  units: true,
  holdoutWeeks: 8,
});
const model = createModelV2(sim.spec);
const names = sim.spec.parameters.map((p) => p.label);
const drawsAt = (values: Record<string, number>, n = 300) => ({
  names,
  chains: 1,
  perChain: n,
  values: Float64Array.from({ length: n * names.length }, (_, k) => values[names[k % names.length]!]!),
});
const level = names.find((n) => n === "k1" || n === "b0")!;

describe("holdoutV2", () => {
  it("the true parameters predict the held-out national KPI well; a biased level does not", () => {
    const truth = holdoutV2(model, drawsAt(sim.truth.parameters), 1)!;
    expect(truth.weeks).toBe(8);
    expect(truth.mape).toBeLessThan(0.1);
    expect(truth.coverage90).toBeGreaterThanOrEqual(0.625);
    const biased = holdoutV2(
      model,
      drawsAt({ ...sim.truth.parameters, [level]: sim.truth.parameters[level]! + 0.4 }),
      1,
    )!;
    expect(biased.mape).toBeGreaterThan(2 * truth.mape);
    expect(biased.coverage90).toBeLessThan(truth.coverage90);
  });

  it("fitModelV2 reports it (fast mode), and null without holdout weeks", async () => {
    const fit = await fitModelV2(sim.data, sim.config, { mode: "fast", seed: 3, draws: 200 });
    expect(fit.holdout).not.toBeNull();
    expect(fit.holdout).toEqual(holdoutV2(model, fit.draws, 3));
    expect(fit.holdout!.mape).toBeLessThan(0.15);
    const whole = simulateV2({ weeks: 60, seed: 6, geos: 2, channels: 2, holdoutWeeks: 0 });
    const none = await fitModelV2(whole.data, whole.config, { mode: "fast", seed: 3, draws: 50 });
    expect(none.holdout).toBeNull();
  });
});
