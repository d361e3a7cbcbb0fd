import { describe, expect, it } from "vitest";
import { syntheticDataset } from "../model/synthetic.ts";
import { DataScalingError, scaleDataset } from "./scale.ts";

describe("scaleDataset", () => {
  const ds = syntheticDataset({ weeks: 20 });
  const opts = {
    channels: ["ch1", "ch2"],
    controls: ["price"],
    events: ["event1"],
    holdoutWeeks: 5,
    fourierPairs: 1,
  };
  const s = scaleDataset(ds, opts);

  it("computes every constant over the training rows and applies it to all rows", () => {
    expect(s.weeks).toBe(20);
    expect(s.trainingWeeks).toBe(15);
    const kpi = Array.from(ds.kpi.subarray(0, 15));
    const m = kpi.reduce((a, b) => a + b) / 15;
    expect(s.scaling.kpiMean).toBeCloseTo(m, 9);
    expect(s.y[19]).toBeCloseTo(ds.kpi[19]! / m, 14);
    const sp = Array.from(ds.channels[1]!.spend.subarray(0, 15));
    const sm = sp.reduce((a, b) => a + b) / 15; // zero weeks included
    expect(s.scaling.spendMean[1]).toBeCloseTo(sm, 9);
    expect(s.scaling.spendTotal[1]).toBeCloseTo(sm * 15, 6);
    expect(s.channels[1]!.x[17]).toBeCloseTo(ds.channels[1]!.spend[17]! / sm, 14);
    expect(s.channels[0]!.x[0]).toBe(0);
    const p = Array.from(ds.controls[0]!.values.subarray(0, 15));
    const pm = p.reduce((a, b) => a + b) / 15;
    const sd = Math.sqrt(p.reduce((a, b) => a + (b - pm) ** 2, 0) / 14); // sample sd
    expect(s.scaling.controlMean[0]).toBeCloseTo(pm, 12);
    expect(s.scaling.controlSd[0]).toBeCloseTo(sd, 12);
    let zs = 0;
    for (let t = 0; t < 15; t++) zs += s.controls[0]!.z[t]!;
    expect(zs).toBeCloseTo(0, 12);
    expect(s.tau[0]).toBe(0);
    expect(s.tau[14]).toBe(1);
    expect(s.fourierSin[0]![0]).toBeCloseTo(Math.sin((2 * Math.PI) / 52.18), 15);
    expect(s.fourierCos[0]![9]).toBeCloseTo(Math.cos((2 * Math.PI * 10) / 52.18), 15);
    expect(Array.from(s.events[0]!.values)).toEqual(Array.from(ds.events[0]!.values));
  });

  it("with holdoutWeeks 0 uses all rows", () => {
    const all = scaleDataset(ds, { ...opts, holdoutWeeks: 0 });
    expect(all.trainingWeeks).toBe(20);
    expect(all.tau[19]).toBe(1);
  });

  it("rejects negative spend and constant controls", () => {
    const neg = {
      ...ds,
      channels: ds.channels.map((c, i) =>
        i === 1 ? { ...c, spend: Float64Array.from(c.spend, (v, t) => (t === 4 ? -1 : v)) } : c,
      ),
    };
    expect(() => scaleDataset(neg, opts)).toThrow(DataScalingError);
    const flat = { ...ds, controls: [{ name: "price", values: new Float64Array(20).fill(3) }] };
    expect(() => scaleDataset(flat, opts)).toThrow(/constant/);
  });
});
