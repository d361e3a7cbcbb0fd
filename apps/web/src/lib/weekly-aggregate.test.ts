import { describe, expect, it } from "vitest";
import Papa from "papaparse";
import {
  aggregateDailyToWeekly,
  aggregateDailyToWeeklyInSlices,
  rowSpacingDays,
} from "./weekly-aggregate.ts";

function dailyCsv(days: number, start = "2021-01-01", columns = 3): string {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const lines = [
    ["date", "sales", ...Array.from({ length: columns }, (_, i) => `ch${i}_spend`), "price", "holiday"].join(
      ",",
    ),
  ];
  for (let d = 0; d < days; d++) {
    const date = new Date(t0 + d * 86_400_000).toISOString().slice(0, 10);
    lines.push(
      [
        date,
        100 + d,
        ...Array.from({ length: columns }, (_, i) => i + 1),
        10 + (d % 7),
        d % 7 === 3 ? 1 : 0,
      ].join(","),
    );
  }
  return lines.join("\n");
}

describe("aggregateDailyToWeekly", () => {
  it("sums spend and KPI per Monday week, averages controls, max of events, drops partial weeks", () => {
    // 2021-01-01 is a Friday: Fri-Sun form a partial week, then full weeks from Mon 2021-01-04.
    const r = aggregateDailyToWeekly(dailyCsv(3 + 14 + 2), "date", { price: "mean", holiday: "max" });
    expect(r.weeks).toBe(2);
    expect(r.droppedPartialWeeks).toBe(2);
    const rows = Papa.parse<Record<string, string>>(r.csv.trim(), { header: true }).data;
    expect(rows.map((x) => x.date)).toEqual(["2021-01-04", "2021-01-11"]);
    // sales on days 3..9 = 103..109 -> 742
    expect(Number(rows[0]!.sales)).toBe(742);
    expect(Number(rows[0]!.ch1_spend)).toBe(14);
    expect(Number(rows[0]!.price)).toBeCloseTo(13, 10); // mean of 10..16
    expect(Number(rows[0]!.holiday)).toBe(1);
  });

  it("reports the row and column of a bad cell", () => {
    const csv = dailyCsv(10).replace("2021-01-05,104,1", "2021-01-05,lots,1");
    expect(() => aggregateDailyToWeekly(csv, "date")).toThrow(
      'Row 6, column "sales": "lots" is not a number.',
    );
  });

  it("detects daily vs weekly spacing, and 5 years x 50 columns aggregates quickly", () => {
    const text = dailyCsv(5 * 365, "2020-01-06", 48);
    const rows = Papa.parse<Record<string, string>>(text, { header: true }).data.slice(0, 30);
    expect(rowSpacingDays(rows, "date")).toBe(1);
    const t = performance.now();
    const r = aggregateDailyToWeekly(text, "date");
    const ms = performance.now() - t;
    expect(r.weeks).toBe(260);
    console.log(`[bench] daily->weekly: ${5 * 365} rows x 51 columns in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(2000);
  });

  it("the sliced version gives the same CSV", async () => {
    const text = dailyCsv(400, "2021-01-01", 5);
    const sync = aggregateDailyToWeekly(text, "date", { price: "mean" });
    expect(await aggregateDailyToWeeklyInSlices(text, "date", { price: "mean" }, 37)).toEqual(sync);
  });
});

describe("daily long (geo) files", () => {
  /** 3 geos x `days` days from a Monday; geo g sells 10 * (g + 1) a day, spends g + 1. */
  function geoDaily(days: number, skip?: { geo: string; day: number }): string {
    const t0 = Date.parse("2024-01-01T00:00:00Z"); // a Monday
    const lines = ["date,region,sales,tv_spend,population"];
    for (let d = 0; d < days; d++)
      ["north", "south", "east"].forEach((geo, g) => {
        if (skip && skip.geo === geo && skip.day === d) return;
        const date = new Date(t0 + d * 86_400_000).toISOString().slice(0, 10);
        lines.push([date, geo, 10 * (g + 1), g + 1, 1000 * (g + 1)].join(","));
      });
    return lines.join("\n");
  }

  it("sums per geo and week, keeps the geo column, averages population", () => {
    const w = aggregateDailyToWeekly(geoDaily(21), "date", { population: "mean" }, "region");
    expect(w.weeks).toBe(3);
    const rows = Papa.parse<Record<string, string>>(w.csv.trim(), { header: true }).data;
    expect(rows).toHaveLength(9);
    expect(rows[0]).toEqual({
      date: "2024-01-01",
      region: "north",
      sales: "70",
      tv_spend: "7",
      population: "1000",
    });
    expect(rows[5]).toEqual({
      date: "2024-01-08",
      region: "east",
      sales: "210",
      tv_spend: "21",
      population: "3000",
    });
  });

  it("a week incomplete in one geo is dropped for every geo", () => {
    const w = aggregateDailyToWeekly(geoDaily(21, { geo: "south", day: 9 }), "date", {}, "region");
    expect(w.weeks).toBe(2);
    expect(w.droppedPartialWeeks).toBe(1);
    expect(w.csv).not.toContain("2024-01-08");
  });

  it("a bad cell names its row, column and geo", () => {
    const text = geoDaily(7).replace("2024-01-02,south,20", "2024-01-02,south,abc");
    expect(() => aggregateDailyToWeekly(text, "date", {}, "region")).toThrow(
      /Row 6, column "sales" \(geo south\)/,
    );
  });
});
