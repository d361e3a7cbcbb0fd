import { describe, expect, it } from "vitest";
import { buildModelSpec, ModelConfigError, simulate, simulateV2 } from "@mixcast/core";
import { decodeModelSpec, decodeModelSpecV2, encodeModelSpec, storedSpecVersion } from "../spec.ts";
import { decodeStoredDraws, DRAWS_ENCODING, encodeStoredDraws } from "../draws.ts";
import {
  decodeStoredModelConfig,
  modelConfigCodec,
  modelConfigV2Codec,
  runInsightsV2Codec,
  roiOfSummary,
  runDiagnosticsCodec,
  runSummaryCodec,
  scenarioPlanCodec,
  StoredShapeError,
} from "./index.ts";

const interval = (mean: number) => ({ mean, sd: 0.1, q05: mean - 0.2, q50: mean, q95: mean + 0.2 });

describe("stored JSON codecs", () => {
  it("encode stores non-finite numbers as null; decode reads them back as null", () => {
    const stored = runDiagnosticsCodec.encode({
      rhatMax: Number.NaN,
      essBulkMin: Number.POSITIVE_INFINITY,
      divergences: 0,
      converged: true,
      reasons: [],
    });
    expect(stored).toEqual({ rhatMax: null, essBulkMin: null, divergences: 0, converged: true, reasons: [] });
    expect(runDiagnosticsCodec.decode(JSON.parse(JSON.stringify(stored)))).toMatchObject({ rhatMax: null });
  });

  it("decode names the column and the field that does not fit; tryDecode gives null", () => {
    const bad = {
      channels: { TV: { type: "traditional", roi: { mean: "high" }, contribution: interval(1) } },
    };
    expect(() => runSummaryCodec.decode(bad)).toThrow(StoredShapeError);
    expect(() => runSummaryCodec.decode(bad)).toThrow(/Run\.summary.*channels\.TV\.roi\.mean/);
    expect(runSummaryCodec.tryDecode(bad)).toBeNull();
    expect(runSummaryCodec.decodeNullable(null)).toBeNull();
    expect(() => runSummaryCodec.encode(bad as never)).toThrow(StoredShapeError);
  });

  it("a summary keeps fields it does not declare (exports stay complete)", () => {
    const summary = { kpiName: "sales", config: { kpi: "sales" }, channels: {} };
    expect(runSummaryCodec.decode(summary)).toEqual(summary);
  });

  it("ROI per channel: only channels whose mean and interval are finite", () => {
    const s = runSummaryCodec.decode({
      channels: {
        TV: { type: "traditional", roi: interval(2), contribution: interval(100) },
        Radio: { type: "traditional", roi: { mean: null, q05: 0, q95: 1 }, contribution: interval(1) },
      },
    });
    expect(roiOfSummary(s)).toEqual({ TV: { mean: 2, q05: 1.8, q95: 2.2 } });
    expect(roiOfSummary(null)).toEqual({});
  });

  it("scenario plans: the week count of every channel must match", () => {
    const plan = { weeks: 2, spend: { TV: [1, 2] } };
    expect(scenarioPlanCodec.decode(plan)).toEqual({ ...plan, assumptions: [], origin: { kind: "manual" } });
    expect(() => scenarioPlanCodec.decode({ weeks: 3, spend: { TV: [1, 2] } })).toThrow(/spend\.TV/);
  });

  it("model config: seed and sampler are read through core's schema", () => {
    const config = {
      date: "date",
      kpi: "sales",
      channels: [{ column: "tv", type: "traditional" }],
      seed: 9,
      sampler: { chains: 2 },
    };
    const decoded = modelConfigCodec.decode(config);
    expect([decoded.seed, decoded.sampler]).toEqual([9, { chains: 2 }]);
    expect(modelConfigCodec.decode(decoded)).toBe(decoded); // parsed once
    expect(() => modelConfigCodec.decode({ ...config, sampler: { chains: 0 } })).toThrow(ModelConfigError);
    expect(modelConfigCodec.tryDecode({ ...config, seed: "x" })).toBeNull();
  });
});

describe("v2 shapes", () => {
  it("a v2 summary reads back: channels without ROI (organic), CPIK, optimal frequency, per geo", () => {
    const summary = {
      modelVersion: 2,
      kpiType: "units",
      link: "identity",
      geoNames: ["north", "south"],
      channels: {
        Meta: {
          type: "social",
          role: "rf",
          roi: interval(2),
          cpik: interval(5),
          contribution: interval(9),
          optimalFrequency: interval(3),
        },
        Newsletter: { type: "other", role: "organic", contribution: interval(4), incremental: interval(4) },
      },
      geos: { north: { channels: { Meta: { incremental: interval(4), cpik: interval(6) } } } },
    };
    const back = runSummaryCodec.decode(JSON.parse(JSON.stringify(runSummaryCodec.encode(summary as never))));
    expect(back.channels?.Newsletter?.roi).toBeUndefined();
    expect(back.channels?.Meta?.optimalFrequency?.mean).toBe(3);
    expect(back.geos?.north?.channels.Meta?.cpik?.mean).toBe(6);
    expect(roiOfSummary(back)).toEqual({ Meta: { mean: 2, q05: 1.8, q95: 2.2 } });
    expect(() => runSummaryCodec.decode({ ...summary, modelVersion: 3 })).toThrow(/modelVersion/);
  });

  it("the web's v2 insights artifact reads back, and a v1 analysis is not taken for one", () => {
    const band = { mean: [0, 1], lo: [0, 0.5], hi: [0, 1.5] };
    const insights = {
      version: 2,
      responseCurves: [
        { channel: "Meta", role: "rf", multipliers: [0, 1], spend: [0, 10], incremental: band, value: null },
      ],
      frequencyCurves: [
        {
          channel: "Meta",
          frequencies: [1, 2],
          roi: band,
          per: "value",
          optimal: { mean: 2, sd: 0, q05: 2, q50: 2, q95: 2 },
          observed: Number.NaN,
          drawsUsed: 2,
        },
      ],
      analysis: null,
      drawsUsed: 2,
    };
    const back = runInsightsV2Codec.decode(
      JSON.parse(JSON.stringify(runInsightsV2Codec.encode(insights as never))),
    );
    expect(back.frequencyCurves[0]!.optimal.mean).toBe(2);
    expect(back.frequencyCurves[0]!.observed).toBeNull(); // NaN is stored as null
    expect(runInsightsV2Codec.tryDecode({ version: 1, dates: [], channels: [] })).toBeNull();
    expect(runInsightsV2Codec.tryDecode({ ...insights, responseCurves: [{ channel: "Meta" }] })).toBeNull();
  });

  it("configs are routed by usesV2Features: v1 stays v1, a geo config is v2", () => {
    const v1 = { date: "date", kpi: "sales", channels: [{ column: "tv", type: "traditional" }] };
    expect(decodeStoredModelConfig(v1).version).toBe(1);
    const v2 = { ...v1, geo: "region", kpiType: "units", valuePerUnit: 20 };
    const d = decodeStoredModelConfig(v2);
    expect(d.version).toBe(2);
    expect(d.version === 2 && d.config.baseline).toBeUndefined();
    // a v1 reader refuses it rather than silently dropping the geo
    expect(() => modelConfigCodec.decode(v2)).toThrow(/v2 features/);
    expect(modelConfigCodec.tryDecode({ ...v1, link: "log" })).toBeNull();
    expect(() => modelConfigV2Codec.encode({ ...v2, kpiType: "revenue" } as never)).toThrow(/valuePerUnit/);
    expect(() =>
      decodeStoredModelConfig({ ...v1, channels: [{ role: "organic", column: "x", type: "other" }] }),
    ).toThrow(ModelConfigError);
  });

  it("a v2 model spec (geo data, Int32Array knots) reads back bit for bit", () => {
    const sim = simulateV2({ weeks: 40, geos: 2, seed: 2, rf: true });
    const json = JSON.parse(JSON.stringify(encodeModelSpec(sim.spec)));
    expect(storedSpecVersion(json)).toBe(2);
    const back = decodeModelSpecV2(json);
    expect(back.knotLo).toBeInstanceOf(Int32Array);
    expect(Array.from(back.knotLo)).toEqual(Array.from(sim.spec.knotLo));
    expect(back.data.y[1]).toEqual(sim.spec.data.y[1]);
    expect(back.parameters).toEqual(sim.spec.parameters);
    expect(() =>
      decodeModelSpecV2(
        encodeModelSpec(
          buildModelSpec(simulate({ weeks: 30, seed: 1 }).dataset, simulate({ weeks: 30, seed: 1 }).config),
        ),
      ),
    ).toThrow(StoredShapeError);
  });
});

describe("stored model spec", () => {
  it("reads back bit for bit through JSON, typed arrays and non-finite numbers included", () => {
    const sim = simulate({ weeks: 40, seed: 4, channels: 3 });
    const spec = buildModelSpec(sim.dataset, sim.config);
    const tweaked = {
      ...spec,
      sigma: Number.NaN,
      y: Float64Array.from(spec.y, (v, i) => (i === 0 ? -0 : v)),
    };
    const back = decodeModelSpec(JSON.parse(JSON.stringify(encodeModelSpec(tweaked))));
    expect(back.y).toBeInstanceOf(Float64Array);
    expect(Object.is(back.y[0], -0)).toBe(true);
    expect(Array.from(back.y.slice(1))).toEqual(Array.from(spec.y.slice(1)));
    expect(back.channels[1]!.spend).toEqual(spec.channels[1]!.spend);
    expect(back.sigma).toBeNaN();
    expect(back.parameters).toEqual(spec.parameters);
    expect(back.config).toEqual(spec.config);
    expect(() => decodeModelSpec({ version: 2 })).toThrow(StoredShapeError);
  });
});

describe("stored draws", () => {
  it("round-trip through the deflated Float32 format", () => {
    const values = Float64Array.from({ length: 2 * 50 * 3 }, (_, i) => Math.sin(i) * 10);
    const draws = { names: ["a", "b[1]", "sigma"], chains: 2, perChain: 50, values };
    const stored = encodeStoredDraws(draws);
    expect(stored.encoding).toBe(DRAWS_ENCODING);
    expect(stored.sizeBytes).toBe(stored.bytes.byteLength);
    const back = decodeStoredDraws(stored.bytes, stored.encoding);
    expect([back.names, back.chains, back.perChain]).toEqual([draws.names, 2, 50]);
    expect(Array.from(back.values)).toEqual(Array.from(Float32Array.from(values)));
  });
});
