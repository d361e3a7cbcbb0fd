import { readFileSync } from "node:fs";
import { join } from "node:path";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { inferMappingV2, splitChannelSuffix } from "./infer-v2.ts";
import { parseDatasetV2Csv } from "./parse-v2.ts";

const fixtures = join(import.meta.dirname, "../../test/fixtures/conformance-v2");

function inferFile(path: string) {
  const text = readFileSync(path, "utf8");
  const p = Papa.parse<Record<string, string>>(text, { header: true, preview: 20, skipEmptyLines: true });
  return { text, inferred: inferMappingV2(p.meta.fields ?? [], p.data) };
}

describe("splitChannelSuffix", () => {
  it.each([
    ["Channel0_spend", "Channel0", "spend"],
    ["tv_S", "tv", "spend"],
    ["facebook_I", "facebook", "exposure"],
    ["search_clicks_P", "search", "exposure"],
    ["Instagram_impressions", "Instagram", "exposure"],
    ["Channel3_impression", "Channel3", "exposure"],
    ["youtube views", "youtube", "exposure"],
    ["Meta_reach", "Meta", "reach"],
    ["Meta_frequency", "Meta", "frequency"],
    ["TikTokCost", "TikTok", "spend"],
  ])("%s -> stem %s, %s", (name, stem, kind) => {
    expect(splitChannelSuffix(name)).toMatchObject({ stem, kind });
  });

  it.each(["spend", "revenue", "tv", "price_S2"])("%s has no channel suffix", (name) => {
    expect(splitChannelSuffix(name)).toBeNull();
  });
});

describe("inferMappingV2", () => {
  it("pairs spend and exposure of one stem into one channel (Meridian's naming)", () => {
    const headers = [
      "time",
      "conversions",
      "revenue_per_conversion",
      "Channel0_impression",
      "Channel1_impression",
      "Channel0_spend",
      "Channel1_spend",
      "Organic_channel0_impression",
      "competitor_sales_control",
      "Promo",
    ];
    const row = Object.fromEntries(headers.map((h) => [h, h === "time" ? "2021-01-25" : "1.5"]));
    const r = inferMappingV2(headers, [row]);
    expect(r.warnings).toEqual([]);
    expect(r.mapping).toEqual({
      date: "time",
      kpi: "conversions",
      kpiType: "units",
      valueColumn: "revenue_per_conversion",
      channels: [
        { name: "Channel0", column: "Channel0_spend", exposure: "Channel0_impression", type: "other" },
        { name: "Channel1", column: "Channel1_spend", exposure: "Channel1_impression", type: "other" },
        { name: "Organic_channel0", exposure: "Organic_channel0_impression", role: "organic", type: "other" },
      ],
      controls: ["competitor_sales_control", "Promo"],
    });
    expect(r.summary[0]).toBe("date time; KPI conversions (units, value per unit revenue_per_conversion)");
    expect(r.summary).toContain(
      "channel Channel0 (other, paid): spend Channel0_spend, exposure Channel0_impression drives the effect",
    );
    // named organic: no "no spend column" remark
    expect(r.summary).toContain(
      "channel Organic_channel0 (other, organic): exposure Organic_channel0_impression",
    );
  });

  it("reads Robyn's _S / _I / _P suffixes and an organic newsletter", () => {
    const headers = [
      "DATE",
      "revenue",
      "tv_S",
      "facebook_I",
      "search_clicks_P",
      "search_S",
      "facebook_S",
      "competitor_sales_B",
      "events",
      "newsletter",
    ];
    const row: Record<string, string> = Object.fromEntries(headers.map((h) => [h, "10"]));
    row.DATE = "2015-11-23";
    row.events = "na";
    const r = inferMappingV2(headers, [row]);
    expect(r.mapping.channels).toEqual([
      { name: "tv", column: "tv_S", type: "traditional" },
      { name: "facebook", column: "facebook_S", exposure: "facebook_I", type: "social" },
      { name: "search", column: "search_S", exposure: "search_clicks_P", type: "digital" },
      { name: "newsletter", exposure: "newsletter", role: "organic", type: "other" },
    ]);
    expect(r.mapping.kpiType).toBeUndefined();
    expect(r.mapping.controls).toEqual(["competitor_sales_B", "events"]);
  });

  it.each([
    [
      "data_geo.csv",
      {
        date: "date",
        kpi: "revenue",
        geo: "geo",
        population: "population",
        channels: [
          { column: "TV", type: "traditional" },
          { column: "Search", exposure: "Search_clicks", type: "digital" },
          { column: "Instagram", exposure: "Instagram_impressions", type: "social" },
          { column: "Influencer", type: "influencer" },
        ],
        controls: ["price"],
      },
    ],
    [
      "data_national_rf_log.csv",
      {
        date: "date",
        kpi: "conversions",
        kpiType: "units",
        valueColumn: "revenue_per_conversion",
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
      },
    ],
    [
      "data_geo_rf_log.csv",
      {
        date: "date",
        kpi: "signups",
        kpiType: "units",
        geo: "geo",
        population: "population",
        channels: [
          {
            name: "YouTube",
            column: "YouTube_spend",
            reach: "YouTube_reach",
            frequency: "YouTube_frequency",
            type: "social",
          },
          { column: "Radio", type: "traditional" },
          { name: "Gifting", exposure: "Gifting_views", role: "organic", type: "influencer" },
        ],
      },
    ],
  ])(
    "infers the conformance case %s as its README configures it (types aside), and the file then parses",
    (file, want) => {
      const { text, inferred } = inferFile(join(fixtures, file));
      expect(inferred.warnings).toEqual([]);
      expect(inferred.mapping).toEqual(want);
      const parsed = parseDatasetV2Csv(text, { ...inferred.mapping, holdoutWeeks: 0 });
      expect(parsed.ok).toBe(true);
    },
  );

  it("an incomplete reach & frequency group is left out with a warning", () => {
    const headers = ["week", "sales", "meta_spend", "meta_reach", "tv_spend"];
    const r = inferMappingV2(headers, [
      { week: "2024-01-01", sales: "1", meta_spend: "1", meta_reach: "1", tv_spend: "1" },
    ]);
    expect(r.mapping.channels).toEqual([{ name: "tv", column: "tv_spend", type: "traditional" }]);
    expect(r.warnings).toEqual([
      'Columns "meta_spend", "meta_reach" look like a reach & frequency channel "meta", but its frequency column is missing; they were left out. Add the column or map the channel in --config.',
    ]);
  });

  it("says when it finds no channel", () => {
    const r = inferMappingV2(
      ["date_week", "y", "x1", "x2", "t"],
      [{ date_week: "2018-04-02", y: "1", x1: "0.3", x2: "0", t: "0" }],
    );
    expect(r.mapping.kpi).toBe("y");
    expect(r.warnings[0]).toBe(
      "No channel columns found: no column is named like spend (<channel>_spend, _cost, _S) or like a known channel (tv, search, facebook ...). If x1, x2 are spend, list them as channels in the config (or rename them <channel>_spend).",
    );
    expect(r.columns.find((c) => c.column === "t")!.role).toBe("ignore");
  });

  it("a numeric geo code (DMA) that repeats across rows is the geo column", () => {
    const rows = [501, 502, 501, 502].map((dma, i) => ({
      week: i < 2 ? "2024-01-01" : "2024-01-08",
      dma: String(dma),
      sales: "10",
      tv_spend: "5",
    }));
    const r = inferMappingV2(["week", "dma", "sales", "tv_spend"], rows);
    expect(r.mapping.geo).toBe("dma");
    const national = inferMappingV2(["week", "dma", "sales", "tv_spend"], [rows[0]!, rows[3]!]);
    expect(national.mapping.geo).toBeUndefined();
  });
});
