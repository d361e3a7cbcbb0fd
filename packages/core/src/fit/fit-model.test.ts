import { describe, expect, it } from "vitest";
import { createModel } from "../model/model.ts";
import { buildModelSpec } from "../model/spec.ts";
import { simulate } from "../simulate/simulate.ts";
import { decodeDraws, encodeDraws } from "./draws-codec.ts";
import { fitModel } from "./fit-model.ts";
import { ENGINE_VERSION } from "./result.ts";
import type { FitProgress } from "./progress.ts";
import { serializeFitResult } from "./serialize.ts";

describe("fitModel fast mode", () => {
  it("draws fit the data's level: the mean fit over the training weeks equals the mean KPI (demo brand)", async () => {
    // The demo brand's seven channels: a Laplace approximation in the canonical parameters put
    // the mean fit 3 sigma above the data here (draws off the curved b0 / log-beta ridge).
    const sim = simulate({ weeks: 156, seed: 11 });
    const r = await fitModel(sim.dataset, sim.config, { mode: "fast", seed: 1, draws: 300 });
    const spec = buildModelSpec(sim.dataset, sim.config);
    const model = createModel(spec);
    const { values, chains, perChain } = r.draws;
    const total = chains * perChain;
    const T = spec.trainingWeeks;
    let bias = 0;
    for (let s = 0; s < total; s++) {
      const mu = model.forward(values.slice(s * model.dim, (s + 1) * model.dim)).mu;
      for (let t = 0; t < T; t++) bias += (mu[t]! - spec.y[t]!) / (T * total);
    }
    expect(Math.abs(bias) / r.parameters.sigma!.mean).toBeLessThan(0.1);
  });

  it("recovers a small simulated dataset roughly and fills every part of the result", async () => {
    const sim = simulate({ weeks: 104, seed: 5, channels: 3, holdoutWeeks: 8 });
    const phases = new Set<string>();
    const r = await fitModel(sim.dataset, sim.config, {
      mode: "fast",
      seed: 3,
      draws: 400,
      onProgress: (p: FitProgress) => phases.add(p.phase),
    });
    expect(r.engineVersion).toBe(ENGINE_VERSION);
    expect(r.approximate).toBe(true);
    expect(r.mode).toBe("fast");
    expect(r.seed).toBe(3);
    expect([...phases]).toEqual(["preparing", "optimizing", "summarizing", "done"]);
    expect(Object.keys(r.parameters).sort()).toEqual(Object.keys(sim.truth.parameters).sort());
    // 90 % intervals cover most true parameters; the noise level is recovered within 25 %
    const inside = Object.entries(r.parameters).filter(
      ([k, v]) => sim.truth.parameters[k]! >= v.q05 && sim.truth.parameters[k]! <= v.q95,
    );
    expect(inside.length / Object.keys(r.parameters).length).toBeGreaterThanOrEqual(0.8);
    expect(r.parameters.sigma!.mean / sim.truth.parameters.sigma!).toBeGreaterThan(0.75);
    expect(r.parameters.sigma!.mean / sim.truth.parameters.sigma!).toBeLessThan(1.33);
    // ROI intervals cover the truth for at least 2 of 3 channels
    const covered = Object.entries(r.channels).filter(([name, ch]) => {
      const truth = sim.truth.channels[name]!.roi;
      return truth >= ch.roi.q05 && truth <= ch.roi.q95;
    });
    expect(covered.length).toBeGreaterThanOrEqual(2);
    for (const [name, ch] of Object.entries(r.channels)) {
      expect(ch.spend).toBeCloseTo(sim.truth.channels[name]!.spend, 6);
      expect(ch.contribution.mean / ch.spend).toBeCloseTo(ch.roi.mean, 9);
    }
    expect(r.holdout?.weeks).toBe(8);
    expect(r.holdout!.mape).toBeLessThan(0.2);
    expect(r.draws.chains).toBe(1);
    expect(r.draws.perChain).toBe(400);
    expect(r.draws.values.length).toBe(400 * r.draws.names.length);
    const json = JSON.parse(JSON.stringify(serializeFitResult(r))) as Record<string, unknown>;
    expect(json.draws).toBeUndefined();
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        "parameters",
        "channels",
        "diagnostics",
        "holdout",
        "timing",
        "engineVersion",
        "seed",
      ]),
    );
    expect((json.diagnostics as { rhatMax: unknown }).rhatMax).toBeNull();
    const back = decodeDraws(encodeDraws(r.draws));
    expect(back.values[5]).toBeCloseTo(r.draws.values[5]!, 5);
  }, 60_000);
});

describe("fitModel NUTS", () => {
  it("samples the model in worker threads, reproducibly, with diagnostics and progress", async () => {
    const sim = simulate({ weeks: 60, seed: 9, channels: 2, holdoutWeeks: 6 });
    const progress: FitProgress[] = [];
    const opts = {
      mode: "nuts",
      chains: 2,
      warmup: 150,
      draws: 100,
      seed: 11,
      onProgress: (p: FitProgress) => progress.push(p),
    } as const;
    const r = await fitModel(sim.dataset, sim.config, opts);
    expect(r.approximate).toBe(false);
    expect(r.draws.chains).toBe(2);
    expect(Number.isFinite(r.diagnostics.rhatMax)).toBe(true);
    expect(r.diagnostics.rhatMax).toBeLessThan(1.2);
    expect(r.parameters["beta[TV]"]!.rhat).toBeGreaterThan(0.9);
    expect(r.loo).not.toBeNull();
    expect(Number.isFinite(r.loo!.elpd)).toBe(true);
    const sampling = progress.filter((p) => p.phase === "warmup" || p.phase === "sampling");
    expect(sampling.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.percent).toBe(100);
    expect(sampling.every((p, i) => i === 0 || p.percent >= sampling[i - 1]!.percent)).toBe(true);
    const again = await fitModel(sim.dataset, sim.config, { ...opts, onProgress: undefined });
    expect(Array.from(again.draws.values)).toEqual(Array.from(r.draws.values));
  }, 120_000);
});
