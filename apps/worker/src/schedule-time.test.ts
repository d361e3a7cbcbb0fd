import { describe, expect, it } from "vitest";
import { localParts, mostRecentSlot, nextSlot, offsetMs, zonedTimeToUtc } from "./schedule-time.ts";

const iso = (t: number) => new Date(t).toISOString();
const at = (s: string) => Date.parse(s);

describe("zone math", () => {
  it("knows Berlin's offsets either side of the 2026 transitions", () => {
    expect(offsetMs(at("2026-03-29T00:59:59Z"), "Europe/Berlin")).toBe(3600_000);
    expect(offsetMs(at("2026-03-29T01:00:00Z"), "Europe/Berlin")).toBe(7200_000);
    expect(offsetMs(at("2026-10-25T00:59:59Z"), "Europe/Berlin")).toBe(7200_000);
    expect(offsetMs(at("2026-10-25T01:00:00Z"), "Europe/Berlin")).toBe(3600_000);
    expect(offsetMs(at("2026-06-01T12:00:00Z"), "Asia/Kolkata")).toBe(5.5 * 3600_000);
  });

  it("maps local wall times to instants, including gaps and repeats", () => {
    const berlin = (day: string, hour: number) => {
      const [y, m, d] = day.split("-").map(Number) as [number, number, number];
      return iso(zonedTimeToUtc({ year: y, month: m, day: d, hour, minute: 0 }, "Europe/Berlin"));
    };
    expect(berlin("2026-03-28", 2)).toBe("2026-03-28T01:00:00.000Z"); // CET
    expect(berlin("2026-03-29", 1)).toBe("2026-03-29T00:00:00.000Z"); // CET, just before the gap
    expect(berlin("2026-03-29", 2)).toBe("2026-03-29T01:00:00.000Z"); // 02:00 does not exist -> 03:00 CEST
    expect(berlin("2026-03-29", 3)).toBe("2026-03-29T01:00:00.000Z"); // 03:00 CEST
    expect(berlin("2026-03-29", 4)).toBe("2026-03-29T02:00:00.000Z");
    expect(berlin("2026-10-25", 2)).toBe("2026-10-25T00:00:00.000Z"); // 02:00 twice -> first (CEST)
    expect(berlin("2026-10-25", 3)).toBe("2026-10-25T02:00:00.000Z"); // CET
    const ny = zonedTimeToUtc({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, "America/New_York");
    expect(iso(ny)).toBe("2026-03-08T07:30:00.000Z"); // gap 02:00-03:00 EST->EDT: 03:30 EDT
    expect(localParts(ny, "America/New_York").hour).toBe(3);
  });

  it("finds the most recent and next weekly slot", () => {
    // Mondays 09:00 Berlin.
    const rule = { weekday: 1, hour: 9, timezone: "Europe/Berlin" };
    expect(iso(mostRecentSlot(rule, at("2026-11-25T12:00:00Z")))).toBe("2026-11-23T08:00:00.000Z");
    expect(iso(mostRecentSlot(rule, at("2026-11-23T08:00:00Z")))).toBe("2026-11-23T08:00:00.000Z");
    expect(iso(mostRecentSlot(rule, at("2026-11-23T07:59:59Z")))).toBe("2026-11-16T08:00:00.000Z");
    expect(iso(nextSlot(rule, at("2026-11-23T08:00:00Z")))).toBe("2026-11-30T08:00:00.000Z");
    // Across spring-forward: Sunday 02:00 Berlin on 2026-03-29 fires at 03:00 CEST.
    const sunday2 = { weekday: 0, hour: 2, timezone: "Europe/Berlin" };
    expect(iso(nextSlot(sunday2, at("2026-03-22T01:00:00Z")))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(nextSlot(sunday2, at("2026-03-29T01:00:00Z")))).toBe("2026-04-05T00:00:00.000Z");
    // Across fall-back: 2026-10-25 02:00 happens twice; one slot only, at the first.
    expect(iso(nextSlot(sunday2, at("2026-10-18T00:00:00Z")))).toBe("2026-10-25T00:00:00.000Z");
    expect(iso(nextSlot(sunday2, at("2026-10-25T00:00:00Z")))).toBe("2026-11-01T01:00:00.000Z");
    // Local weekday differs from the UTC weekday: Monday 01:00 in Tokyo is Sunday 16:00 UTC.
    const tokyo = { weekday: 1, hour: 1, timezone: "Asia/Tokyo" };
    expect(iso(mostRecentSlot(tokyo, at("2026-11-22T16:30:00Z")))).toBe("2026-11-22T16:00:00.000Z");
  });

  it("rejects bad rules with the offending value", () => {
    expect(() => mostRecentSlot({ weekday: 7, hour: 1, timezone: "UTC" }, 0)).toThrow(/weekday/);
    expect(() => mostRecentSlot({ weekday: 1, hour: 24, timezone: "UTC" }, 0)).toThrow(/hour/);
    expect(() => mostRecentSlot({ weekday: 1, hour: 1, timezone: "Mars/Olympus" }, 0)).toThrow(
      /Mars\/Olympus/,
    );
  });
});
