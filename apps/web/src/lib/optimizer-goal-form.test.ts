import { describe, expect, it } from "vitest";
import {
  parseBoundDrafts,
  parseGoalDraft,
  parsePlanningDraft,
  type GoalDraft,
} from "./optimizer-goal-form.ts";

const draft = (patch: Partial<GoalDraft>): GoalDraft => ({
  kind: "max-kpi",
  weeks: "13",
  budget: "1000",
  targetKpi: "",
  probability: "80",
  mroi: "",
  roi: "",
  maxBudget: "",
  ...patch,
});

describe("parseGoalDraft", () => {
  it("turns each goal's fields into the server's goal (probability from percent)", () => {
    expect(parseGoalDraft(draft({}))).toEqual({
      ok: true,
      weeks: 13,
      goal: { kind: "max-kpi", budget: 1000 },
    });
    expect(
      parseGoalDraft(draft({ kind: "min-spend", targetKpi: "5000", probability: "90", maxBudget: "2e6" })),
    ).toEqual({
      ok: true,
      weeks: 13,
      goal: { kind: "min-spend", targetKpi: 5000, probability: 0.9 },
      maxBudget: 2e6,
    });
    expect(parseGoalDraft(draft({ kind: "target-mroi", mroi: "1.2" }))).toMatchObject({
      goal: { kind: "target-mroi", mroi: 1.2 },
    });
    expect(parseGoalDraft(draft({ kind: "target-roi", roi: "3" }))).toMatchObject({
      goal: { kind: "target-roi", roi: 3 },
    });
  });

  it("names every field that is wrong, and only the fields of the chosen goal", () => {
    const r = parseGoalDraft(
      draft({ kind: "min-spend", weeks: "0", targetKpi: "", probability: "100", budget: "-1" }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      weeks: expect.stringMatching(/^Horizon:/),
      targetKpi: expect.stringMatching(/^Target KPI:/),
      probability: expect.stringMatching(/^Probability:/),
    });
    const m = parseGoalDraft(draft({ kind: "target-roi", roi: "abc", maxBudget: "-5" }));
    expect(m).toEqual({
      ok: false,
      errors: {
        roi: expect.stringMatching(/^Overall ROI:/),
        maxBudget: expect.stringMatching(/^Search ceiling:/),
      },
    });
    expect(parseGoalDraft(draft({ budget: "" }))).toEqual({
      ok: false,
      errors: { budget: "Total budget: enter an amount above zero." },
    });
  });
});

describe("parseBoundDrafts", () => {
  it("keeps typed bounds and weekly maxima, and names the channel of a bad one", () => {
    const r = parseBoundDrafts({
      TV: { min: "100", max: "50", locked: false, weeklyMax: "" },
      Search: { min: "", max: "900", locked: false, weeklyMax: "200" },
      Radio: { min: "", max: "", locked: true },
      Social: { min: "", max: "", locked: false, weeklyMax: "-3" },
    });
    expect(r.bounds).toEqual({ TV: { min: 100 }, Search: { max: 900 }, Radio: { locked: true } });
    expect(r.weeklyBounds).toEqual({ Search: { max: 200 } });
    expect(r.errors).toEqual({
      "TV.max": "Maximum for TV: it is below the minimum.",
      "Social.weeklyMax": "Weekly maximum for Social: enter an amount of 0 or more.",
    });
  });
});

describe("parsePlanningDraft", () => {
  it("keeps typed frequencies and organic levels, leaves empty ones to the defaults, names bad ones", () => {
    expect(parsePlanningDraft("perGeo", { Meta: "2.5", TikTok: "" }, { Posts: "0" })).toEqual({
      planning: { geoPlan: "perGeo", frequency: { Meta: 2.5 }, organic: { Posts: 0 } },
      errors: {},
    });
    const r = parsePlanningDraft("national", { Meta: "0" }, { Posts: "-1" });
    expect(r.errors).toEqual({
      "frequency.Meta": expect.stringMatching(/^Frequency of Meta:/),
      "organic.Posts": expect.stringMatching(/^Weekly level of Posts:/),
    });
  });
});
