import { describe, expect, it } from "vitest";
import { decodeDraws, drawColumn, encodeDraws } from "./draws-codec.ts";
import { holdoutMetrics } from "./metrics.ts";
import { ProgressTracker } from "./progress.ts";

describe("encodeDraws / decodeDraws", () => {
  it("round-trips names and values at float32 precision, little-endian", () => {
    const names = ["b0", "beta[TV]", "alpha[X (Twitter)]"];
    const values = Float64Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.sin(i) * 10 ** (i % 7));
    const bytes = encodeDraws({ names, chains: 2, perChain: 5, values });
    const headerBytes = 24 + Math.ceil(new TextEncoder().encode(JSON.stringify(names)).length / 4) * 4;
    expect(bytes.byteLength).toBe(headerBytes + 30 * 4);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe("MXD1");
    // first value little-endian float32 right after the header
    const first = new DataView(bytes.buffer).getFloat32(headerBytes, true);
    expect(first).toBe(Math.fround(values[0]!));
    const back = decodeDraws(bytes);
    expect(back.names).toEqual(names);
    expect(back.chains).toBe(2);
    expect(back.perChain).toBe(5);
    expect(Array.from(back.values)).toEqual(Array.from(values, (v) => Math.fround(v)));
    expect(Array.from(drawColumn(back, 1)[1]!)).toEqual(
      [0, 1, 2, 3, 4].map((i) => Math.fround(values[(5 + i) * 3 + 1]!)),
    );
  });

  it("rejects foreign or truncated bytes and inconsistent input", () => {
    const bytes = encodeDraws({ names: ["a"], chains: 1, perChain: 2, values: new Float64Array(2) });
    expect(() => decodeDraws(bytes.subarray(0, bytes.length - 1))).toThrow(/expected/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeDraws(bad)).toThrow(/magic/);
    expect(() =>
      encodeDraws({ names: ["a", "b"], chains: 1, perChain: 2, values: new Float64Array(3) }),
    ).toThrow(/expected/);
  });
});

describe("holdoutMetrics", () => {
  it("computes MAPE, R^2, NRMSE and coverage by hand", () => {
    const actual = [100, 200, 300, 400];
    const pred = [110, 190, 300, 380];
    const m = holdoutMetrics(actual, pred, [90, 195, 250, 390], [120, 250, 350, 395]);
    expect(m.weeks).toBe(4);
    expect(m.mape).toBeCloseTo((0.1 + 0.05 + 0 + 0.05) / 4, 12);
    const ssRes = 100 + 100 + 0 + 400;
    expect(m.r2).toBeCloseTo(1 - ssRes / 50000, 12);
    expect(m.nrmse).toBeCloseTo(Math.sqrt(ssRes / 4) / 300, 12);
    expect(m.coverage90).toBe(0.75);
  });
});

describe("ProgressTracker", () => {
  it("aggregates chains into percent, ETA and divergences", () => {
    let now = 0;
    const t = new ProgressTracker(2, 100, () => now);
    now = 10_000;
    const p = t.update({
      chain: 0,
      iteration: 50,
      total: 100,
      phase: "warmup",
      divergences: 1,
      elapsedMs: 10_000,
    });
    expect(p.percent).toBe(25);
    expect(p.etaSeconds).toBeCloseTo(30, 9);
    const q = t.update({
      chain: 1,
      iteration: 100,
      total: 100,
      phase: "sampling",
      divergences: 2,
      elapsedMs: 10_000,
    });
    expect(q.percent).toBe(75);
    expect(q.divergences).toBe(3);
    expect(q.phase).toBe("sampling");
    expect(q.chain).toBe(1);
  });
});
