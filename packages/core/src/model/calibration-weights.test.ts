/**
 * Lift-test weights follow the documented formula (docs/model.md section 11.2):
 * weight = 0.5^(age / halfLife) * exp(-|ln(spendTest / spendRecent)| / spendScale),
 * effective se = se / sqrt(weight).
 */
import { describe, expect, it } from "vitest";
import { liftTestWeight, weighRegistryLiftTests } from "./calibration-weights.ts";

describe("liftTestWeight", () => {
  it("a fresh test at today's spend level keeps its se", () => {
    const w = liftTestWeight({
      end: "2026-06-29",
      se: 100,
      spendPerWeek: 5000,
      recentSpendPerWeek: 5000,
      asOf: "2026-06-29",
    });
    expect(w).toMatchObject({
      ageWeeks: 0,
      ageFactor: 1,
      spendRatio: 1,
      spendFactor: 1,
      weight: 1,
      effectiveSe: 100,
      used: true,
    });
  });

  it("halves the weight per half-life of age (default 52 weeks) and doubles se at a quarter", () => {
    const one = liftTestWeight({
      end: "2025-06-30",
      se: 100,
      spendPerWeek: 1,
      recentSpendPerWeek: 1,
      asOf: "2026-06-29",
    });
    expect(one.ageWeeks).toBe(52);
    expect(one.weight).toBeCloseTo(0.5, 12);
    expect(one.effectiveSe).toBeCloseTo(100 * Math.SQRT2, 10);
    const two = liftTestWeight({
      end: "2024-07-01",
      se: 100,
      spendPerWeek: 1,
      recentSpendPerWeek: 1,
      asOf: "2026-06-29",
    });
    expect(two.ageWeeks).toBe(104);
    expect(two.weight).toBeCloseTo(0.25, 12);
    expect(two.effectiveSe).toBeCloseTo(200, 10);
    // a configurable half-life: 26 weeks at 13 weeks of age
    const h = liftTestWeight(
      { end: "2026-03-30", se: 10, spendPerWeek: 1, recentSpendPerWeek: 1, asOf: "2026-06-29" },
      { halfLifeWeeks: 26 },
    );
    expect(h.ageWeeks).toBe(13);
    expect(h.weight).toBeCloseTo(Math.SQRT1_2, 12);
    // a test that ends after asOf has age 0
    expect(
      liftTestWeight({ end: "2026-08-01", se: 1, spendPerWeek: 1, recentSpendPerWeek: 1, asOf: "2026-06-29" })
        .ageWeeks,
    ).toBe(0);
  });

  it("discounts by exp(-|ln ratio| / scale) whichever side of today's spend the test was", () => {
    const base = { end: "2026-06-29", se: 50, asOf: "2026-06-29" };
    const up = liftTestWeight({ ...base, spendPerWeek: 2000, recentSpendPerWeek: 1000 });
    const down = liftTestWeight({ ...base, spendPerWeek: 500, recentSpendPerWeek: 1000 });
    expect(up.spendRatio).toBe(2);
    expect(up.weight).toBeCloseTo(0.5, 12); // exp(-ln 2) = 1/2
    expect(down.weight).toBeCloseTo(0.5, 12);
    const e = liftTestWeight(
      { ...base, spendPerWeek: 1000 * Math.E, recentSpendPerWeek: 1000 },
      { spendScale: 2 },
    );
    expect(e.weight).toBeCloseTo(Math.exp(-0.5), 12);
    // both discounts multiply: 52 weeks old at 4x the spend -> 0.5 * 0.25
    const both = liftTestWeight({
      end: "2025-06-30",
      se: 80,
      spendPerWeek: 4,
      recentSpendPerWeek: 1,
      asOf: "2026-06-29",
    });
    expect(both.weight).toBeCloseTo(0.125, 12);
    expect(both.effectiveSe).toBeCloseTo(80 / Math.sqrt(0.125), 9);
    // a channel that is off today: weight 0, infinite se, not used
    const off = liftTestWeight({ ...base, spendPerWeek: 1000, recentSpendPerWeek: 0 });
    expect(off).toMatchObject({ weight: 0, effectiveSe: Number.POSITIVE_INFINITY, used: false });
  });
});

describe("weighRegistryLiftTests", () => {
  const dates = Array.from({ length: 30 }, (_, t) =>
    new Date(Date.UTC(2026, 0, 5 + 7 * t)).toISOString().slice(0, 10),
  );
  // two geos; TV spends 100 + 100 per week in the last 13 weeks, 300 + 100 before
  const tv = [
    Float64Array.from({ length: 30 }, (_, t) => (t < 13 ? 300 : 100)),
    Float64Array.from({ length: 30 }, () => 100),
  ];
  const data = {
    dates,
    trainingWeeks: 26,
    geos: ["north", "south"],
    spend: (c: string) => (c === "TV" ? tv : null),
  };
  it("weighs each test against the recent spend of its geos and passes the used ones with the effective se", () => {
    const { pinned, liftTests } = weighRegistryLiftTests(
      [
        // 4 weeks in both geos at 400 / week, recent national level 200 / week: ratio 2
        { id: "a", channel: "TV", start: dates[2]!, end: dates[5]!, lift: 900, se: 100, spend: 1600 },
        // north only, 2 weeks at 100 / week = its recent level
        {
          id: "b",
          channel: "TV",
          start: dates[20]!,
          end: dates[21]!,
          lift: 50,
          se: 10,
          spend: 200,
          geos: ["north"],
        },
        { id: "c", channel: "Radio", start: dates[2]!, end: dates[5]!, lift: 1, se: 1, spend: 10 },
        { id: "d", channel: "TV", start: dates[24]!, end: dates[28]!, lift: 1, se: 1, spend: 10 },
        {
          id: "e",
          channel: "TV",
          start: dates[2]!,
          end: dates[5]!,
          lift: 1,
          se: 1,
          spend: 10,
          geos: ["west"],
        },
      ],
      data,
    );
    const a = pinned[0]!;
    expect(a.weeks).toBe(4);
    expect(a.spendPerWeek).toBe(400);
    expect(a.recentSpendPerWeek).toBe(200);
    expect(a.ageWeeks).toBe(20); // dates[5] to dates[25]
    expect(a.weight).toBeCloseTo(Math.pow(0.5, 20 / 52) * 0.5, 12);
    const b = pinned[1]!;
    expect(b.recentSpendPerWeek).toBe(100);
    expect(b.spendFactor).toBe(1);
    expect(b.ageWeeks).toBe(4);
    expect(pinned.slice(2).map((p) => [p.used, p.excludedReason])).toEqual([
      [false, 'the model has no paid channel "Radio"'],
      [false, "the test reaches into the holdout weeks"],
      [false, "geo west is not in the data"],
    ]);
    expect(liftTests).toEqual([
      { channel: "TV", start: dates[2], end: dates[5], lift: 900, se: a.effectiveSe },
      { channel: "TV", start: dates[20], end: dates[21], lift: 50, se: b.effectiveSe, geos: ["north"] },
    ]);
    expect(a.effectiveSe).toBeCloseTo(100 / Math.sqrt(a.weight), 10);
  });
});
