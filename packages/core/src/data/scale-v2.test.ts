/**
 * The v2 data side against the conformance vectors (test/fixtures/conformance-v2, from an
 * independent Stan + R implementation): every `data` array and `scaling` constant of the three
 * cases at 1e-12 (|got - want| <= 1e-12 max(1, |want|)), read from the cases' CSV files through
 * the v2 parser and scaler. The per-geo network / authenticity / consistency features are
 * recomputed from our x with the transforms' own feature code.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { authenticity } from "../transforms/authenticity.ts";
import { consistency, CONSISTENCY_WINDOW } from "../transforms/consistency.ts";
import { rollingMeanExact } from "../transforms/multiplier.ts";
import { network, NETWORK_WINDOW } from "../transforms/network.ts";
import { parseDatasetV2Csv } from "./parse-v2.ts";
import {
  defaultKnotCount,
  knotPositions,
  knotWeights,
  scaleDatasetV2,
  type ScaledDataV2,
} from "./scale-v2.ts";
import type { DataMappingV2 } from "./types.ts";

const dir = join(import.meta.dirname, "../../test/fixtures/conformance-v2");

/** The cases' configs as the fixture README gives them (model-v2 section 7 shape). */
export const conformanceV2Configs: Record<string, DataMappingV2 & Record<string, unknown>> = {
  geo: {
    date: "date",
    kpi: "revenue",
    geo: "geo",
    population: "population",
    holdoutWeeks: 0,
    channels: [
      { column: "TV", type: "traditional" },
      { column: "Search", exposure: "Search_clicks", type: "digital" },
      { column: "Instagram", exposure: "Instagram_impressions", type: "social" },
      { column: "Influencer", type: "influencer" },
    ],
    controls: ["price"],
    link: "identity",
    baseline: "knots",
  },
  national_rf_log: {
    date: "date",
    kpi: "conversions",
    kpiType: "units",
    valueColumn: "revenue_per_conversion",
    holdoutWeeks: 0,
    channels: [
      { column: "TV", type: "traditional" },
      {
        name: "Meta",
        column: "Meta_spend",
        reach: "Meta_reach",
        frequency: "Meta_frequency",
        type: "social",
      },
      { column: "TikTok", exposure: "TikTok_impressions", type: "social" },
      { name: "Newsletter", exposure: "Newsletter_sends", role: "organic", type: "other" },
    ],
    controls: ["promo"],
    link: "log",
    baseline: "knots",
    timeVaryingMedia: true,
  },
  geo_rf_log: {
    date: "date",
    kpi: "signups",
    kpiType: "units",
    valuePerUnit: 90,
    geo: "geo",
    population: "population",
    holdoutWeeks: 0,
    channels: [
      {
        name: "YouTube",
        column: "YouTube_spend",
        reach: "YouTube_reach",
        frequency: "YouTube_frequency",
        type: "digital",
      },
      { column: "Radio", type: "traditional" },
      { name: "Gifting", exposure: "Gifting_views", role: "organic", type: "influencer" },
    ],
    link: "log",
    baseline: "knots",
    sigmaPerGeo: true,
  },
};

const TOL = 1e-12;
let compared = 0;

function close(got: number, want: number | undefined, what: string): void {
  compared += 1;
  if (want === undefined) return void expect.fail(`${what}: missing in the vectors`);
  if (!(Math.abs(got - want) <= TOL * Math.max(1, Math.abs(want))))
    expect.fail(`${what}: got ${got}, want ${want} (diff ${got - want})`);
}

function closeArray(got: ArrayLike<number>, want: readonly number[] | undefined, what: string): void {
  if (want === undefined) return void expect.fail(`${what}: missing in the vectors`);
  expect(got.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) close(got[i]!, want[i], `${what}[${i}]`);
}

function closeGrid(
  got: readonly ArrayLike<number>[],
  want: readonly (readonly number[])[],
  what: string,
): void {
  expect(got.length, `${what} geos`).toBe(want.length);
  want.forEach((row, g) => closeArray(got[g]!, row, `${what}[${g}]`));
}

type Grid = number[][];
type ByName<T> = Record<string, T>;
/** The `data` section of a vectors file (fixture README, "vectors_<case>.json fields"). */
interface VectorsData {
  weeks: number;
  dates: string[];
  geos: string[];
  channels: string[];
  channelRoles: ByName<string>;
  channelTypes: ByName<string>;
  effectColumn: ByName<string>;
  controls: string[];
  controlSpec: unknown[];
  link: string;
  kpiType: string;
  knotCount: number;
  knotPositions: number[];
  knotWeights: number[][];
  y: Grid;
  logY?: Grid;
  x: ByName<Grid>;
  frequency?: ByName<Grid>;
  z?: ByName<Grid>;
  value?: Grid;
  tau: number[];
  fourierSin: number[][];
  fourierCos: number[][];
  networkRollingMean?: ByName<Grid>;
  networkIndex?: ByName<Grid>;
  authenticityShare?: ByName<Grid>;
  authenticity?: ByName<Grid>;
  consistencyRollingMean?: ByName<Grid>;
  consistency?: ByName<Grid>;
  scaling: {
    kpiPerCapitaMean: number;
    population: ByName<number>;
    mediaPerCapitaMean: ByName<number>;
    spendTotal: ByName<number>;
    spendByGeo: ByName<number[]>;
    controlMean?: ByName<number>;
    controlSd?: ByName<number>;
    networkRollingMeanMin?: ByName<number[]>;
    networkRollingMeanMax?: ByName<number[]>;
    influencerScaledMediaMax?: ByName<number[]>;
  };
}

function load(name: string): { v: { data: VectorsData }; scaled: ScaledDataV2 } {
  const v = JSON.parse(readFileSync(join(dir, `vectors_${name}.json`), "utf8")) as { data: VectorsData };
  const cfg = conformanceV2Configs[name]!;
  const parsed = parseDatasetV2Csv(readFileSync(join(dir, `data_${name}.csv`), "utf8"), cfg);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("; "));
  const scaled = scaleDatasetV2(parsed.dataset, {
    holdoutWeeks: 0,
    fourierPairs: 2,
    link: cfg.link ?? "identity",
  });
  return { v, scaled };
}

describe.each(["geo", "national_rf_log", "geo_rf_log"])("conformance v2 data: %s", (name) => {
  const { v, scaled } = load(name);
  const d = v.data;
  const s = d.scaling;
  const G = d.geos.length;
  const T = d.weeks;
  const ch = (n: string) => scaled.channels.find((c) => c.name === n)!;

  it("has the same weeks, geos, channels, roles and control expansion", () => {
    expect(scaled.dates).toEqual(d.dates);
    expect(scaled.geos).toEqual(d.geos);
    expect(scaled.weeks).toBe(T);
    expect(scaled.channels.map((c) => c.name)).toEqual(d.channels);
    for (const c of scaled.channels) {
      expect(c.role, c.name).toBe(d.channelRoles[c.name]);
      expect(c.type, c.name).toBe(d.channelTypes[c.name]);
      expect(c.effectColumn, c.name).toBe(d.effectColumn[c.name]);
    }
    expect(scaled.controls.map((c) => c.name)).toEqual(d.controls);
    expect(scaled.controlSpec).toEqual(d.controlSpec);
    expect(scaled.link).toBe(d.link);
    expect(scaled.kpiType).toBe(d.kpiType);
  });

  it("matches every scaling constant at 1e-12", () => {
    close(scaled.scaling.kpiPerCapitaMean, s.kpiPerCapitaMean, "kpiPerCapitaMean");
    d.geos.forEach((geo: string, g: number) =>
      close(scaled.scaling.population[g]!, s.population[geo], `population ${geo}`),
    );
    scaled.channels.forEach((c, k) =>
      close(scaled.scaling.mediaPerCapitaMean[k]!, s.mediaPerCapitaMean[c.name], `m_c ${c.name}`),
    );
    const paid = scaled.channels.filter((c) => c.role !== "organic");
    expect(Object.keys(s.spendTotal).sort()).toEqual(paid.map((c) => c.name).sort());
    for (const c of paid) {
      const k = scaled.channels.indexOf(c);
      close(scaled.scaling.spendTotal[k]!, s.spendTotal[c.name], `spendTotal ${c.name}`);
      closeArray(scaled.scaling.spendByGeo[k]!, s.spendByGeo[c.name], `spendByGeo ${c.name}`);
    }
    const numeric = scaled.controlSpec.filter((c) => c.kind === "numeric").map((c) => c.column);
    expect(Object.keys(s.controlMean ?? {})).toEqual(numeric);
    numeric.forEach((c, j) => {
      close(scaled.scaling.controlMean[j]!, s.controlMean?.[c], `controlMean ${c}`);
      close(scaled.scaling.controlSd[j]!, s.controlSd?.[c], `controlSd ${c}`);
    });
  });

  it("matches y, logY, x, frequency, z, value, tau and Fourier terms at 1e-12", () => {
    closeGrid(scaled.y, d.y, "y");
    if (d.logY) closeGrid(scaled.logY!, d.logY, "logY");
    else expect(scaled.logY).toBeUndefined();
    for (const [n, want] of Object.entries(d.x as Record<string, number[][]>))
      closeGrid(ch(n).x, want, `x ${n}`);
    for (const [n, want] of Object.entries((d.frequency ?? {}) as Record<string, number[][]>))
      closeGrid(ch(n).frequency!, want, `frequency ${n}`);
    for (const [n, want] of Object.entries((d.z ?? {}) as Record<string, number[][]>))
      closeGrid(scaled.controls.find((c) => c.name === n)!.z, want, `z ${n}`);
    if (d.value) closeGrid(scaled.value!, d.value, "value");
    else expect(scaled.value).toBeUndefined();
    closeArray(scaled.tau, d.tau, "tau");
    d.fourierSin.forEach((w: number[], k: number) => closeArray(scaled.fourierSin[k]!, w, `sin ${k + 1}`));
    d.fourierCos.forEach((w: number[], k: number) => closeArray(scaled.fourierCos[k]!, w, `cos ${k + 1}`));
  });

  it("matches the knot grid at 1e-12", () => {
    const K = defaultKnotCount(T);
    expect(K).toBe(d.knotCount);
    closeArray(knotPositions(T, K), d.knotPositions, "knotPositions");
    const B = knotWeights(T, K);
    d.knotWeights.forEach((row: number[], t: number) => closeArray(B[t]!, row, `knotWeights[${t}]`));
  });

  it("matches the per-geo network, authenticity and consistency data at 1e-12", () => {
    const tmp = new Float64Array(T);
    for (const n of Object.keys(d.networkIndex ?? {})) {
      const x = ch(n).x;
      for (let g = 0; g < G; g++) {
        rollingMeanExact(x[g]!, T, NETWORK_WINDOW, tmp);
        closeArray(tmp, d.networkRollingMean?.[n]?.[g], `networkRollingMean ${n}[${g}]`);
        const constants = network.constants!(x[g]!, T);
        close(
          constants.rollingMeanMin!,
          s.networkRollingMeanMin?.[n]?.[g],
          `networkRollingMeanMin ${n}[${g}]`,
        );
        close(
          constants.rollingMeanMax!,
          s.networkRollingMeanMax?.[n]?.[g],
          `networkRollingMeanMax ${n}[${g}]`,
        );
        network.feature!(x[g]!, T, constants, tmp);
        closeArray(tmp, d.networkIndex?.[n]?.[g], `networkIndex ${n}[${g}]`);
      }
    }
    for (const n of Object.keys(d.authenticity ?? {})) {
      const x = ch(n).x;
      for (let g = 0; g < G; g++) {
        const constants = authenticity.constants!(x[g]!, T);
        close(
          constants.scaledSpendMax!,
          s.influencerScaledMediaMax?.[n]?.[g],
          `influencerScaledMediaMax ${n}[${g}]`,
        );
        closeArray(
          Float64Array.from(x[g]!, (v) => v / constants.scaledSpendMax!),
          d.authenticityShare?.[n]?.[g],
          `authenticityShare ${n}[${g}]`,
        );
        authenticity.feature!(x[g]!, T, constants, tmp);
        closeArray(tmp, d.authenticity?.[n]?.[g], `authenticity ${n}[${g}]`);
        rollingMeanExact(x[g]!, T, CONSISTENCY_WINDOW, tmp);
        closeArray(tmp, d.consistencyRollingMean?.[n]?.[g], `consistencyRollingMean ${n}[${g}]`);
        consistency.feature!(x[g]!, T, {}, tmp);
        closeArray(tmp, d.consistency?.[n]?.[g], `consistency ${n}[${g}]`);
      }
    }
  });
});

describe("conformance v2 data coverage", () => {
  it("compared every array the vectors carry (guards against a test that silently compares nothing)", () => {
    // Every number of the compared fields of the three cases (y alone is 468 + 104 + 208).
    expect(compared).toBe(11_943);
  });
});
