/**
 * Test helpers shared by the v2 model tests (not part of the package): the conformance-v2 cases
 * (test/fixtures/conformance-v2) as configs, data and models, and a v1 dataset as a one-geo v2
 * dataset.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parseDatasetV2Csv } from "../src/data/parse-v2.ts";
import { scaleDatasetV2 } from "../src/data/scale-v2.ts";
import type { DataMappingV2, Dataset, DatasetV2 } from "../src/data/types.ts";
import type { ModelDataV2 } from "../src/model/data-v2.ts";
import { createModelV2, type MmmModelV2 } from "../src/model/model-v2.ts";
import { buildModelSpecV2 } from "../src/model/spec-v2.ts";

const dir = join(import.meta.dirname, "fixtures/conformance-v2");

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

export const CASES = ["geo", "national_rf_log", "geo_rf_log"] as const;

export function loadCase(name: string): {
  v: any;
  data: ModelDataV2;
  model: MmmModelV2;
  config: DataMappingV2 & Record<string, unknown>;
} {
  const v = JSON.parse(readFileSync(join(dir, `vectors_${name}.json`), "utf8"));
  const config = conformanceV2Configs[name]!;
  const parsed = parseDatasetV2Csv(readFileSync(join(dir, `data_${name}.csv`), "utf8"), config);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("; "));
  const data = scaleDatasetV2(parsed.dataset, {
    holdoutWeeks: 0,
    fourierPairs: 2,
    link: config.link ?? "identity",
  });
  const model = createModelV2(buildModelSpecV2(data, config));
  return { v, data, model, config };
}

export function near(got: number, want: number, tol: number, what: string): void {
  if (!(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want))))
    expect.fail(`${what}: got ${got}, want ${want} (diff ${got - want})`);
}
/** A v1 dataset as the one-geo v2 dataset it is (population 1, paid channels, numeric controls). */
export function datasetAsV2(d: Dataset): DatasetV2 {
  return {
    dates: d.dates,
    geos: ["national"],
    population: Float64Array.of(1),
    kpiName: d.kpiName,
    kpiType: "revenue",
    kpi: [d.kpi],
    channels: d.channels.map((c) => ({
      name: c.name,
      type: c.type,
      role: "paid" as const,
      columns: { spend: c.name },
      spend: [c.spend],
    })),
    controls: d.controls.map((c) => ({ name: c.name, kind: "numeric" as const, values: [c.values] })),
    events: d.events.map((e) => ({ name: e.name, values: [e.values] })),
  };
}
