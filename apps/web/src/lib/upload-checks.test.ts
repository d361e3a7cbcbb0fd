import { describe, expect, it } from "vitest";
import type { DataMappingV2 } from "@mixcast/core";
import { buildMappingV2, suggestChoices } from "./mapping-v2.ts";
import { checkUpload, geoPages, perGeoSeries } from "./upload-checks.ts";

/**
 * A long file: `geos` geos x `weeks` weeks; geo g's KPI is 1000 (g + 1) + week, TV spend 10 (g + 1)
 * + (week mod 5), Search spend 3 + ((week + g) mod 4). `searchCopiesTv`: Search = 2 x TV
 * (a near-duplicate channel).
 */
function longCsv(geos: number, weeks: number, searchCopiesTv = false): string {
  const lines = ["date,geo,sales,TV_spend,Search_spend"];
  const t0 = Date.parse("2023-01-02T00:00:00Z");
  for (let w = 0; w < weeks; w++) {
    const date = new Date(t0 + w * 7 * 86_400_000).toISOString().slice(0, 10);
    for (let g = 0; g < geos; g++) {
      const tv = 10 * (g + 1) + (w % 5);
      const search = searchCopiesTv ? 2 * tv : 3 + ((w + g) % 4);
      lines.push([date, `G${String(g).padStart(2, "0")}`, 1000 * (g + 1) + w, tv, search].join(","));
    }
  }
  return `${lines.join("\n")}\n`;
}

const mapping: DataMappingV2 = {
  date: "date",
  kpi: "sales",
  geo: "geo",
  channels: [
    { name: "TV", column: "TV_spend", type: "traditional" },
    { name: "Search", column: "Search_spend", type: "digital" },
  ],
};

describe("checks before saving a dataset", () => {
  it("per geo: KPI and total spend per week, largest KPI first", () => {
    const r = checkUpload(longCsv(3, 60), mapping, null);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const series = perGeoSeries(r.dataset!);
    expect(series.map((s) => s.geo)).toEqual(["G02", "G01", "G00"]);
    const g1 = series[1]!;
    expect(g1.dates).toHaveLength(60);
    expect(g1.kpi.slice(0, 3)).toEqual([2000, 2001, 2002]);
    // week 7: TV 20 + 2, Search 3 + (8 mod 4) = 3
    expect(g1.spend[7]).toBe(25);
    expect(g1.totalKpi).toBe(60 * 2000 + (59 * 60) / 2);
    let total = 0;
    for (let w = 0; w < 60; w++) total += 20 + (w % 5) + 3 + ((w + 1) % 4);
    expect(g1.totalSpend).toBe(total);
  });

  it("many geos are paged 12 at a time, the largest first", () => {
    const r = checkUpload(longCsv(30, 40), mapping, null);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const pages = geoPages(perGeoSeries(r.dataset!));
    expect(pages.map((p) => p.geos.length)).toEqual([12, 12, 6]);
    expect(pages[0]!.label).toBe("Largest 12 by KPI");
    expect(pages[0]!.geos[0]!.geo).toBe("G29");
    expect(pages[2]!.label).toBe("Geos 25–30 by KPI (G05 … G00)");
  });

  it("a channel that copies another is a blocking near-duplicate; the clean file has none", () => {
    const dup = checkUpload(longCsv(3, 60, true), mapping, null);
    if (!dup.ok) throw new Error("should parse");
    expect(dup.report.blocking).toBe(true);
    const f = dup.report.findings.find((x) => x.code === "near-duplicate");
    expect(f).toMatchObject({ severity: "blocking", columns: ["TV_spend", "Search_spend"] });
    expect(f!.value).toBeCloseTo(1, 6);
    const clean = checkUpload(longCsv(3, 60), mapping, null);
    if (!clean.ok) throw new Error("should parse");
    expect(clean.report.findings.filter((x) => x.severity === "blocking")).toEqual([]);
    expect(clean.report.geos).toBe(3);
  });

  it("a wide file goes through the v1 parser with the default model's 13 holdout weeks; no geo series", () => {
    const csv = longCsv(1, 60).replace(/,G00,/g, ",").replace("date,geo,", "date,");
    const lines = csv.trim().split("\n");
    const headers = lines[0]!.split(",");
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [headers[i]!, v])));
    const built = buildMappingV2(suggestChoices(headers, rows).choices, {
      kpiType: "revenue",
      valuePerUnit: null,
      holidayCountry: "",
    });
    expect(built.v1).not.toBeNull();
    const r = checkUpload(csv, built.mapping!, built.v1);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.dataset).toBeNull();
    expect(r.holdoutWeeks).toBe(13);
    expect(r.report.trainingWeeks).toBe(47);
  });

  it("a file that does not parse reports its errors with row and column instead of checks", () => {
    const r = checkUpload(longCsv(2, 30).replace("2023-01-16", "2023-13-16"), mapping, null);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ column: "date" });
    expect(r.errorCount).toBeGreaterThan(0);
  });
});
