import { describe, expect, it } from "vitest";
import { simulate } from "../simulate/simulate.ts";
import { loadCase } from "../../test/conformance-v2-cases.ts";
import { fitChain, fitFromChains, fitModel } from "./fit-model.ts";
import { fitChainV2, fitModelV2, fitV2FromChains } from "./fit-v2.ts";
import type { FitOptions } from "./result.ts";

describe("a fit from chains run one at a time", () => {
  it("equals the in-process fit with the same seed: draws, summaries, diagnostics", async () => {
    const sim = simulate({ weeks: 60, seed: 7, channels: 2, holdoutWeeks: 8 });
    const options: FitOptions = { mode: "nuts", chains: 2, warmup: 150, draws: 100, seed: 11 };
    const whole = await fitModel(sim.dataset, sim.config, { ...options, threads: 2 });
    // Chains in reverse order, as separate jobs might finish.
    const one = fitChain(sim.dataset, sim.config, 1, options);
    const zero = fitChain(sim.dataset, sim.config, 0, options);
    expect(one.chain).toBe(1);
    const merged = fitFromChains(sim.dataset, sim.config, [zero, one], options);
    expect(merged.draws.chains).toBe(2);
    expect(merged.draws.perChain).toBe(100);
    expect(Array.from(merged.draws.values)).toEqual(Array.from(whole.draws.values));
    expect(merged.parameters).toEqual(whole.parameters);
    expect(merged.channels).toEqual(whole.channels);
    expect(merged.diagnostics).toEqual(whole.diagnostics);
    expect(merged.loo).toEqual(whole.loo);
    expect(merged.holdout).toEqual(whole.holdout);
    expect(merged.settings).toEqual({ chains: 2, warmup: 150, draws: 100 });
    // R-hat is over both chains: a fit from one chain twice is not the same fit.
    const twice = fitFromChains(
      sim.dataset,
      sim.config,
      [
        fitChain(sim.dataset, sim.config, 0, options),
        { ...fitChain(sim.dataset, sim.config, 0, options), chain: 1 },
      ],
      options,
    );
    expect(twice.diagnostics.rhatMax).not.toEqual(whole.diagnostics.rhatMax);
  }, 60_000);

  it("refuses what it cannot merge: a missing chain, a chain out of place, another draw count", () => {
    const sim = simulate({ weeks: 40, seed: 3, channels: 2, holdoutWeeks: 0 });
    const options: FitOptions = { mode: "nuts", chains: 2, warmup: 20, draws: 10, seed: 1 };
    const c0 = fitChain(sim.dataset, sim.config, 0, options);
    const c1 = fitChain(sim.dataset, sim.config, 1, options);
    expect(() => fitFromChains(sim.dataset, sim.config, [c0], options)).toThrow(/expected 2 chain results/);
    expect(() => fitFromChains(sim.dataset, sim.config, [c1, c0], options)).toThrow(
      /chain result 0 is chain 1/,
    );
    expect(() => fitFromChains(sim.dataset, sim.config, [c0, c1], { ...options, draws: 20 })).toThrow(
      /has 10 draws, expected 20/,
    );
    expect(() => fitChain(sim.dataset, sim.config, 2, options)).toThrow(
      /chain must be an integer in \[0, 1\]/,
    );
  });
});

describe("a v2 (geo) fit from chains run one at a time", () => {
  it("equals fitModelV2 with the same seed", async () => {
    const { data, config } = loadCase("geo_rf_log");
    const options: FitOptions = { mode: "nuts", chains: 2, warmup: 20, draws: 20, seed: 5 };
    const whole = await fitModelV2(data, config, { ...options, threads: 2 });
    const chains = [1, 0].map((c) => fitChainV2(data, config, c, options)).reverse();
    const merged = fitV2FromChains(data, config, chains, options);
    expect(Array.from(merged.draws.values)).toEqual(Array.from(whole.draws.values));
    expect(merged.parameters).toEqual(whole.parameters);
    expect(merged.channels).toEqual(whole.channels);
    expect(merged.geos).toEqual(whole.geos);
    expect(merged.diagnostics).toEqual(whole.diagnostics);
    expect(merged.settings).toEqual(whole.settings);
    expect(merged.geoNames.length).toBeGreaterThan(1);
  }, 60_000);
});
