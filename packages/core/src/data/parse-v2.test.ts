import { describe, expect, it } from "vitest";
import {
  MAX_CATEGORICAL_LEVELS,
  parseDatasetV2Csv,
  parseDatasetV2Rows,
  type ParseResultV2,
} from "./parse-v2.ts";
import type { DataMappingV2 } from "./types.ts";
import { weeklyHolidays } from "./holidays.ts";

const GEOS = ["north", "south", "east"];
const POP: Record<string, number> = { north: 8_000_000, south: 5_000_000, east: 3_000_000 };

function isoWeek(start: string, k: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7 * k);
  return d.toISOString().slice(0, 10);
}

interface Row {
  date: string;
  geo: string;
  population: number;
  revenue: number;
  tv: number;
  meta_spend: number;
  meta_reach: number;
  meta_frequency: number;
  newsletter_sends: number;
  price: number;
  promo: string;
}

/** A clean long file: 3 geos x `weeks` weeks, rows week by week. */
function geoRows(weeks = 40, start = "2023-01-02"): Row[] {
  const rows: Row[] = [];
  for (let t = 0; t < weeks; t++)
    for (const geo of GEOS) {
      const on = t % 5 !== 0;
      rows.push({
        date: isoWeek(start, t),
        geo,
        population: POP[geo]!,
        revenue: 1000 + 10 * t + GEOS.indexOf(geo),
        tv: t % 3 === 0 ? 0 : 500 + t,
        meta_spend: on ? 200 + t : 0,
        meta_reach: on ? 10_000 + 7 * t : 0,
        meta_frequency: on ? 1.5 + (t % 4) / 4 : 0,
        newsletter_sends: 3000 + ((t * 37) % 11),
        price: 20 + (t % 3),
        promo: t % 7 === 0 ? "bogo" : t % 11 === 0 ? "discount" : "none",
      });
    }
  return rows;
}

function toCsv(rows: Record<string, unknown>[]): string {
  const header = Object.keys(rows[0]!);
  return [header.join(","), ...rows.map((r) => header.map((h) => String(r[h])).join(","))].join("\n") + "\n";
}

const geoMapping: DataMappingV2 = {
  date: "date",
  kpi: "revenue",
  geo: "geo",
  population: "population",
  holdoutWeeks: 4,
  channels: [
    { column: "tv", type: "traditional" },
    { name: "Meta", column: "meta_spend", reach: "meta_reach", frequency: "meta_frequency", type: "social" },
    { name: "Newsletter", exposure: "newsletter_sends", role: "organic", type: "other" },
  ],
  controls: ["price", "promo"],
};

function errorsOf(r: ParseResultV2) {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe("v2 long (geo) files", () => {
  it("parses a clean file into [geo][week] arrays with roles, population and categorical controls", () => {
    const r = parseDatasetV2Csv(toCsv(geoRows() as never), geoMapping);
    expect(r.ok, r.ok ? "" : r.errors[0]?.message).toBe(true);
    if (!r.ok) return;
    const d = r.dataset;
    expect(d.geos).toEqual(GEOS);
    expect(d.dates).toHaveLength(40);
    expect(Array.from(d.population)).toEqual([8e6, 5e6, 3e6]);
    expect(d.kpi[1]![2]).toBe(1000 + 20 + 1);
    expect(d.channels.map((c) => [c.name, c.role])).toEqual([
      ["tv", "paid"],
      ["Meta", "rf"],
      ["Newsletter", "organic"],
    ]);
    expect(d.channels[2]!.spend).toBeUndefined();
    expect(d.channels[1]!.frequency![0]![1]).toBe(1.75);
    const promo = d.controls[1]!;
    expect(promo.kind).toBe("categorical");
    if (promo.kind !== "categorical") return;
    expect(promo.levels).toEqual(["bogo", "discount", "none"]);
    expect(promo.reference).toBe("none");
    expect(promo.dummies).toEqual(["promo=bogo", "promo=discount"]);
    // counts over the 36 training weeks x 3 geos
    expect(promo.counts).toEqual({ bogo: 18, discount: 9, none: 81 });
  });

  it("accepts rows in any order (geo by geo, unsorted) with the same result", () => {
    const rows = geoRows();
    const byGeo = [...rows].sort(
      (a, b) => GEOS.indexOf(a.geo) - GEOS.indexOf(b.geo) || (a.date < b.date ? 1 : -1),
    );
    const a = parseDatasetV2Csv(toCsv(rows as never), geoMapping);
    const b = parseDatasetV2Rows(byGeo as never, geoMapping);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.dataset.dates).toEqual(a.dataset.dates);
    expect(b.dataset.kpi).toEqual(a.dataset.kpi);
    expect(b.dataset.channels[1]!.reach).toEqual(a.dataset.channels[1]!.reach);
  });

  it("a geo missing a week is an error naming the geo and the week", () => {
    const rows = geoRows().filter((r) => !(r.geo === "south" && r.date === "2023-03-06"));
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows as never), geoMapping));
    expect(errors).toEqual([
      {
        column: "date",
        geo: "south",
        message:
          'Geo "south" has no row for the week of 2023-03-06 (column "date"). Every geo needs a row for every week: add it (spend 0 if nothing ran).',
      },
    ]);
  });

  it("a duplicated (week, geo) is an error naming both rows, the geo and the week", () => {
    const rows = geoRows();
    rows.splice(10, 0, { ...rows[4]! }); // rows[4]: week 1, geo south (spreadsheet row 6)
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows as never), geoMapping));
    expect(errors[0]).toEqual({
      row: 12,
      column: "date",
      geo: "south",
      message:
        'Row 12, column "date" (geo "south"): the week of 2023-01-09 appears twice for this geo (rows 6 and 12). Each geo needs one row per week: merge or delete the duplicate.',
    });
  });

  it("a week missing in every geo names the gap", () => {
    const rows = geoRows().filter((r) => r.date !== "2023-02-06");
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows as never), geoMapping));
    expect(errors[0]!.message).toBe(
      'Column "date": 1 week missing in every geo between 2023-01-30 and 2023-02-13. Add rows for the week of 2023-02-06 for every geo (spend 0 if nothing ran).',
    );
  });

  it("a population of 0 is an error naming row, column and geo", () => {
    const rows = geoRows();
    rows[5]!.population = 0; // week 1, east
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows as never), geoMapping));
    expect(errors).toEqual([
      {
        row: 7,
        column: "population",
        geo: "east",
        message:
          'Row 7, column "population" (geo "east"): the population is 0. It must be above 0 (the number of people in the geo); leave "population" out of the mapping if you do not know it.',
      },
    ]);
  });

  it("a population that varies within a geo is averaged, with a warning", () => {
    const rows = geoRows();
    rows.forEach((r, i) => {
      if (r.geo === "north") r.population = 7_900_000 + 5_000 * Math.floor(i / 3);
    });
    const r = parseDatasetV2Csv(toCsv(rows as never), geoMapping);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dataset.population[0]).toBeCloseTo(7_900_000 + 5_000 * 19.5, 6);
    expect(r.warnings.map((w) => w.message)).toContain(
      'Column "population": the population changes over time in geo "north"; the mean per geo is used.',
    );
  });

  it("an empty geo cell names the row", () => {
    const rows = geoRows();
    rows[3]!.geo = " ";
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows as never), geoMapping));
    expect(errors[0]!.message).toBe(
      'Row 5, column "geo": the geo is empty. Every row needs the geo (region, market) it belongs to.',
    );
  });

  it("cell errors in geo files name the geo too", () => {
    const rows = geoRows() as unknown as Record<string, unknown>[];
    rows[8]!.tv = "n/a";
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows), geoMapping));
    expect(errors[0]).toEqual({
      row: 10,
      column: "tv",
      geo: "east",
      message:
        'Row 10, column "tv" (geo "east"): "n/a" is a missing value. Enter the spend (0 if nothing ran that week).',
    });
  });
});

describe("v2 channel roles", () => {
  it("an R&F channel with reach but no frequency is an error", () => {
    const mapping: DataMappingV2 = {
      ...geoMapping,
      channels: [{ name: "Meta", column: "meta_spend", reach: "meta_reach", type: "social" }],
    };
    const errors = errorsOf(parseDatasetV2Csv(toCsv(geoRows() as never), mapping));
    expect(errors).toEqual([
      {
        row: 1,
        column: "meta_reach",
        message:
          'Channel "Meta" has a reach column ("meta_reach") but no frequency column. A reach & frequency channel needs both: add "frequency" (average impressions per reached person), or use the reach as "exposure".',
      },
    ]);
  });

  it("an organic channel with a spend column is an error", () => {
    const mapping: DataMappingV2 = {
      ...geoMapping,
      channels: [
        { name: "Newsletter", column: "tv", exposure: "newsletter_sends", role: "organic", type: "other" },
      ],
    };
    const errors = errorsOf(parseDatasetV2Csv(toCsv(geoRows() as never), mapping));
    expect(errors).toEqual([
      {
        row: 1,
        column: "tv",
        message:
          'Channel "Newsletter" is organic but has a spend column ("tv"). Organic channels have an exposure column and no spend: make it a paid channel (role "paid") or remove "column".',
      },
    ]);
  });

  it("frequency 0 in a week with reach is an error", () => {
    const rows = geoRows();
    rows[7]!.meta_frequency = 0; // week 2, south: reach > 0
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows as never), geoMapping));
    expect(errors[0]!.message).toBe(
      'Row 9, column "meta_frequency" (geo "south"): the frequency is 0 but the reach ("meta_reach") is 10014. Frequency (average impressions per reached person) must be above 0 in weeks with reach.',
    );
  });

  it("a paid channel with an exposure column keeps both series", () => {
    const mapping: DataMappingV2 = {
      ...geoMapping,
      channels: [{ name: "Meta", column: "meta_spend", exposure: "meta_reach", type: "social" }],
      controls: [],
    };
    const r = parseDatasetV2Csv(toCsv(geoRows() as never), mapping);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.dataset.channels[0]!;
    expect(c.role).toBe("paid");
    expect(c.columns).toEqual({ spend: "meta_spend", exposure: "meta_reach" });
    expect(c.exposure![0]![1]).toBe(10_007);
    expect(c.spend![0]![1]).toBe(201);
  });
});

describe("v2 KPI: log link and units with a value", () => {
  it("log link with a KPI <= 0 names the first such row", () => {
    const rows = geoRows();
    rows[20]!.revenue = 0;
    rows[25]!.revenue = 0;
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows as never), { ...geoMapping, link: "log" }));
    expect(errors).toEqual([
      {
        row: 22,
        column: "revenue",
        geo: "east",
        message:
          'Row 22, column "revenue" (geo "east"): the KPI is 0, but the log link needs a KPI above 0 in every row. Check this row, or use link "identity".',
      },
    ]);
  });

  it("a units KPI with a non-positive value per unit is an error (column and constant)", () => {
    const rows = geoRows().map((r, i) => ({ ...r, revenue_per_signup: i === 9 ? -2 : 45 }));
    const mapping: DataMappingV2 = { ...geoMapping, kpiType: "units", valueColumn: "revenue_per_signup" };
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows), mapping));
    expect(errors).toEqual([
      {
        row: 11,
        column: "revenue_per_signup",
        geo: "north",
        message:
          'Row 11, column "revenue_per_signup" (geo "north"): the value per unit is -2, but it must be above 0 (the money one unit of "revenue" brings). Fix this row, or leave valueColumn out to report results per unit.',
      },
    ]);
    const constant = errorsOf(
      parseDatasetV2Csv(toCsv(geoRows() as never), { ...geoMapping, kpiType: "units", valuePerUnit: 0 }),
    );
    expect(constant.map((e) => e.message)).toEqual([
      "valuePerUnit is 0, but the value of one unit (e.g. revenue per conversion) must be above 0. Fix it, or leave it out to report results per unit (with cost per incremental unit).",
    ]);
  });

  it("a constant value per unit fills every cell", () => {
    const r = parseDatasetV2Csv(toCsv(geoRows() as never), {
      ...geoMapping,
      kpiType: "units",
      valuePerUnit: 90,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dataset.value!.every((s) => s.every((v) => v === 90))).toBe(true);
  });
});

describe("v2 categorical controls", () => {
  it(`a categorical control with 200 levels is an error (at most ${MAX_CATEGORICAL_LEVELS})`, () => {
    const rows = geoRows(70).map((r, i) => ({ ...r, store: `store-${String(i % 200).padStart(3, "0")}` }));
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows), { ...geoMapping, controls: ["store"] }));
    expect(errors).toEqual([
      {
        column: "store",
        message:
          'Column "store": the control has 200 different text values ("store-000", "store-001", "store-002", ...), but a categorical control can have at most 50 levels (one dummy each). Group the levels, map an id-like column as the geo, or leave it out of the controls.',
      },
    ]);
  });

  it("levels in code-point order; the reference is the most frequent, ties to the first", () => {
    const rows = geoRows().map((r, i) => ({ ...r, tier: ["b", "B", "a", "é"][i % 4] }));
    const r = parseDatasetV2Csv(toCsv(rows), { ...geoMapping, controls: ["tier"] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.dataset.controls[0]!;
    if (c.kind !== "categorical") throw new Error("not categorical");
    expect(c.levels).toEqual(["B", "a", "b", "é"]);
    expect(c.reference).toBe("B"); // 27 each over 108 training cells: tie, first in code-point order
    expect(c.dummies).toEqual(["tier=a", "tier=b", "tier=é"]);
  });

  it("a text column with a few numbers stays categorical; a numeric one with a typo is numeric with an error", () => {
    const rows = geoRows().map((r, i) => ({ ...r, price: i === 4 ? "twenty" : r.price }));
    const errors = errorsOf(parseDatasetV2Csv(toCsv(rows), { ...geoMapping, controls: ["price"] }));
    expect(errors[0]!.message).toBe(
      'Row 6, column "price" (geo "south"): "twenty" is not a number. Use a plain number such as 1234.50 (currency symbols and thousands separators are accepted).',
    );
  });
});

describe("v2 national files and holidays", () => {
  it("a wide national file is one geo with population 1 and the v1 date rules", () => {
    const rows = geoRows()
      .filter((r) => r.geo === "north")
      .map(({ geo: _g, population: _p, ...rest }) => rest);
    const r = parseDatasetV2Csv(toCsv(rows), {
      ...geoMapping,
      geo: undefined,
      population: undefined,
      holidays: { country: "DE" },
    });
    expect(r.ok, r.ok ? "" : r.errors[0]?.message).toBe(true);
    if (!r.ok) return;
    expect(r.dataset.geos).toEqual(["national"]);
    expect(Array.from(r.dataset.population)).toEqual([1]);
    // 2023-04-03..09 holds Good Friday (7th); 2023-04-10 Easter Monday; 2023-05-01 Labour Day
    const h = r.dataset.holidays!;
    const at = (iso: string) => h.counts[r.dataset.dates.indexOf(iso)];
    expect(at("2023-04-03")).toBe(1);
    expect(at("2023-04-10")).toBe(1);
    expect(at("2023-05-01")).toBe(1);
    expect(at("2023-03-06")).toBe(0);
    expect(h.names[r.dataset.dates.indexOf("2023-04-03")]).toEqual(["Karfreitag"]);
  });

  it("counts every public holiday of the week (Christmas week 2023 in Germany: 2; Bavaria adds Epiphany)", () => {
    const weeks = ["2023-12-25", "2024-01-01", "2024-01-08"];
    expect(Array.from(weeklyHolidays(weeks, "DE").counts)).toEqual([2, 1, 0]);
    expect(Array.from(weeklyHolidays(weeks, "DE", "BY").counts)).toEqual([2, 2, 0]);
    expect(Array.from(weeklyHolidays(["2024-07-01", "2024-11-25"], "US").counts)).toEqual([1, 1]);
  });

  it("an unknown holiday country or region is an error", () => {
    const errors = errorsOf(
      parseDatasetV2Csv(toCsv(geoRows() as never), { ...geoMapping, holidays: { country: "XX" } }),
    );
    expect(errors[0]!.message).toBe(
      'holidays: "XX" is not a country code the holiday calendar knows. Use an ISO 3166 code such as DE, US, GB or FR.',
    );
    const region = errorsOf(
      parseDatasetV2Csv(toCsv(geoRows() as never), {
        ...geoMapping,
        holidays: { country: "DE", region: "ZZ" },
      }),
    );
    expect(region[0]!.message).toMatch(/^holidays: "ZZ" is not a region of DE \(regions: BB, BE, BW, BY/);
  });
});
