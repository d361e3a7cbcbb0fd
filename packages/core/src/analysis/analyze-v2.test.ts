import { describe, expect, it } from "vitest";
import { createModelV2 } from "../model/model-v2.ts";
import { simulateV2 } from "../simulate/simulate-v2.ts";
import { analyzeRunV2 } from "./analyze-v2.ts";
import { decomposeV2 } from "./incrementality-v2.ts";

/** Two "draws": the simulation's truth and the truth with every value nudged by 1 %. */
function drawsOf(values: Float64Array, names: string[]) {
  const out = new Float64Array(values.length * 2);
  out.set(values);
  out.set(
    values.map((v) => v * 1.01),
    values.length,
  );
  return { names, chains: 1, perChain: 2, values: out };
}

describe.each([
  ["identity, 3 geos, units", { geos: 3, units: true, rf: true, organic: true }],
  ["log link, 2 geos", { geos: 2, link: "log" as const }],
])("analyzeRunV2: %s", (_label, options) => {
  const sim = simulateV2({ weeks: 52, seed: 3, ...options });
  const model = createModelV2(sim.spec);
  const draws = drawsOf(
    sim.values,
    sim.spec.parameters.map((p) => p.label),
  );
  const a = analyzeRunV2(model, draws);

  it("components add up to E[kpi] in every week, nationally and per geo", () => {
    expect(a.drawsUsed).toBe(2);
    expect(a.geos).toEqual(sim.dataset.geos);
    for (const part of [a, ...Object.values(a.byGeo ?? {})]) {
      for (let t = 0; t < a.dates.length; t++) {
        const sum = Object.values(part.decomposition).reduce((s, series) => s + series[t]!, 0);
        expect(sum).toBeCloseTo(part.expected.mean[t]!, 6);
        expect(part.expected.q05[t]!).toBeLessThanOrEqual(part.expected.q95[t]! + 1e-9);
      }
    }
  });

  it("national figures are the sums of the geos; actual is the file's KPI", () => {
    const geos = Object.values(a.byGeo!);
    expect(geos).toHaveLength(sim.dataset.geos.length);
    for (let t = 0; t < a.dates.length; t += 7) {
      expect(a.actual[t]).toBeCloseTo(
        sim.dataset.kpi.reduce((s, series) => s + series[t]!, 0),
        6,
      );
      expect(a.expected.mean[t]).toBeCloseTo(
        geos.reduce((s, g) => s + g.expected.mean[t]!, 0),
        6,
      );
    }
  });

  it("totals over the training weeks match a direct decomposition at the first draw's mean", () => {
    const d0 = decomposeV2(model, sim.values);
    const d1 = decomposeV2(
      model,
      sim.values.map((v) => v * 1.01),
    );
    const T = a.trainingWeeks;
    const sumT = (rows: Float64Array[]) =>
      rows.reduce((s, row) => s + row.subarray(0, T).reduce((x, y) => x + y, 0), 0);
    for (const name of Object.keys(d0.components)) {
      const want = (sumT(d0.components[name]!) + sumT(d1.components[name]!)) / 2;
      expect(a.totals[name]!.mean).toBeCloseTo(want, 4);
    }
    const shares = Object.values(a.totals).reduce((s, t) => s + t.share, 0);
    expect(shares).toBeCloseTo(1, 9);
    expect(a.rule).toBe(sim.spec.link === "log" ? "log-share" : "additive");
    const channels = a.components.filter((c) => c.kind === "channel");
    expect(channels.map((c) => c.name)).toEqual(sim.spec.channels.map((c) => c.name));
  });
});
