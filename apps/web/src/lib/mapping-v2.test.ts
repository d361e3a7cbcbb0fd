import { describe, expect, it } from "vitest";
import { simulateV2 } from "@mixcast/core";
import { buildMappingV2, suggestChoices, type ColumnChoiceV2 } from "./mapping-v2.ts";

function sample(csv: string) {
  const lines = csv.trim().split("\n");
  const headers = lines[0]!.split(",");
  const rows = lines
    .slice(1, 40)
    .map((l) => Object.fromEntries(l.split(",").map((v, i) => [headers[i]!, v])));
  return { headers, rows };
}

describe("upload mapping v2", () => {
  it("suggests a long geo file's roles; the built mapping is the simulator's config", () => {
    const sim = simulateV2({
      weeks: 40,
      geos: 2,
      seed: 1,
      units: true,
      rf: true,
      organic: true,
      channels: 2,
    });
    const { headers, rows } = sample(sim.csv);
    const { choices, settings } = suggestChoices(headers, rows);
    expect(choices.find((c) => c.column === "Newsletter_sends")?.role).toBe("organic");
    expect(choices.find((c) => c.column === "Meta_reach")).toMatchObject({ role: "reach", channel: "Meta" });
    expect(settings.kpiType).toBe("units");
    const built = buildMappingV2(choices, settings);
    expect(built.problems).toEqual([]);
    expect(built.v1).toBeNull();
    expect(built.channels.map((c) => [c.name, c.role])).toEqual([
      ["TV", "paid"],
      ["Search", "paid"],
      ["Meta", "rf"],
      ["Newsletter", "organic"],
    ]);
    const m = built.mapping!;
    expect(m).toMatchObject({
      geo: "geo",
      population: "population",
      kpiType: "units",
      valueColumn: "revenue_per_conversion",
    });
    expect(m.channels).toEqual(sim.config.channels);
  });

  it("a wide spend-only file stays a v1 mapping", () => {
    const csv = "date,sales,tv_spend,search_spend,price\n2024-01-01,100,1,2,3\n2024-01-08,110,1,2,3\n";
    const { headers, rows } = sample(csv);
    const { choices, settings } = suggestChoices(headers, rows);
    const built = buildMappingV2(choices, settings);
    expect(built.v1).toEqual({
      date: "date",
      kpi: "sales",
      channels: [
        { column: "tv_spend", type: "traditional" },
        { column: "search_spend", type: "digital" },
      ],
      controls: ["price"],
    });
  });

  it("refuses incomplete channels, naming the channel", () => {
    const c = (column: string, role: ColumnChoiceV2["role"], channel = column): ColumnChoiceV2 => ({
      column,
      role,
      channel,
      type: "social",
      reason: "",
    });
    const settings = { kpiType: "revenue" as const, valuePerUnit: null, holidayCountry: "" };
    const base = [c("date", "date"), c("sales", "kpi")];
    expect(buildMappingV2([...base, c("meta_reach", "reach", "Meta")], settings).problems).toEqual([
      expect.stringMatching(/Channel "Meta" has reach column meta_reach.* but no spend column/),
      expect.stringMatching(/Channel "Meta" needs both a reach and a frequency/),
    ]);
    expect(buildMappingV2([...base, c("tv", "channel"), c("rpc", "value")], settings).problems[0]).toMatch(
      /value per unit, which only applies to a units KPI/,
    );
    expect(
      buildMappingV2([...base, c("news", "organic", "News"), c("news_spend", "channel", "News")], settings)
        .problems[0],
    ).toMatch(/Channel "News" is organic/);
  });
});
