// The scenario editor's pure parts: per-geo grouping with totals, and the v2 held inputs
// (R&F frequency, organic levels) between the plan and the draft.
import { describe, expect, it } from "vitest";
import { draftFromPlan, geoGroups, planFromDraft, splitLine, type PlanValue } from "./scenario-editor.tsx";

describe("per-geo plans", () => {
  it("splits channel@geo lines and groups them by geo with each geo's total", () => {
    expect(splitLine("Meta@north")).toEqual(["Meta", "north"]);
    expect(splitLine("TV")).toEqual(["TV", null]);
    expect(
      geoGroups({
        "TV@north": ["10", "20"],
        "Meta@north": ["5", ""],
        "TV@south": ["1", "x"],
      }),
    ).toEqual([
      { geo: "north", lines: ["TV@north", "Meta@north"], total: 35 },
      { geo: "south", lines: ["TV@south"], total: 1 },
    ]);
  });
});

describe("held inputs round trip", () => {
  const plan: PlanValue = {
    weeks: 2,
    spend: { "TV@north": [10, 20], "Meta@north": [5, 5] },
    assumptions: [],
    origin: { kind: "manual" },
    planning: { geoPlan: "perGeo", frequency: { Meta: 2.5 }, organic: { Posts: 300 } },
  };
  it("keeps the geo plan, frequency and organic level; empty fields fall back to the defaults", () => {
    const d = draftFromPlan("Geo", plan, Object.keys(plan.spend));
    expect(d.planning).toEqual({ geoPlan: "perGeo", frequency: { Meta: "2.5" }, organic: { Posts: "300" } });
    expect(planFromDraft(d)).toEqual({ ok: true, plan });
    const cleared = planFromDraft({ ...d, planning: { ...d.planning!, frequency: { Meta: "" } } });
    expect(cleared.ok && cleared.plan.planning).toEqual({
      geoPlan: "perGeo",
      frequency: {},
      organic: { Posts: 300 },
    });
  });
  it("names the channel of a bad frequency or level", () => {
    const d = draftFromPlan("Geo", plan, Object.keys(plan.spend));
    const r = planFromDraft({
      ...d,
      planning: { geoPlan: "perGeo", frequency: { Meta: "0" }, organic: { Posts: "-2" } },
    });
    expect(r).toEqual({
      ok: false,
      problems: [
        'Frequency of Meta: "0" is not a number above zero.',
        'Weekly level of Posts: "-2" is not an amount of zero or more.',
      ],
    });
  });
});
