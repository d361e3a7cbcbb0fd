import { describe, expect, it } from "vitest";
import { toCsv, type CsvTable } from "@mixcast/ui/charts";
import {
  configChangesCsv,
  goalPlanCsv,
  optimalPlanCsv,
  runAccuracyCsv,
  runAccuracyRows,
  scenarioComparisonCsv,
  scenarioPlanCsv,
  scenarioResultCsv,
  winProbabilitiesCsv,
  type OptimalPlanLike,
  type RunComparisonLike,
  type ScenarioComparisonLike,
  type ScenarioResultLike,
} from "./exports.ts";

const csvOf = (t: CsvTable) => toCsv(t.columns, t.rows);
const col = (t: CsvTable, name: string) => {
  const i = t.columns.indexOf(name);
  expect(i, `column "${name}"`).toBeGreaterThanOrEqual(0);
  return i;
};
const i = (mean: number, q05: number, q95: number) => ({ mean, q05, q95 });

describe("optimalPlanCsv", () => {
  const plan: OptimalPlanLike = {
    weeks: 3,
    allocation: [
      {
        channel: 'TV, "prime"',
        total: 30000.125,
        weekly: [10000.041666666666, 10000.041666666666, 10000.041666666666],
        share: 0.6000025,
        atBound: null,
        currentTotal: 25000,
        contribution: i(1234.5678, 1000.1, 1500.9),
        roi: i(0.0411522, 0.0333, 0.05),
        marginalRoi: 0.012345678,
      },
      {
        channel: "Search",
        total: 19999.875,
        weekly: [6666.625, 6666.625, 6666.625],
        share: 0.3999975,
        atBound: "max",
        currentTotal: 25000,
        contribution: i(2000, 1800, 2200),
        roi: i(0.1, 0.09, 0.11),
        marginalRoi: 0.02,
      },
    ],
    roi: i(0.065, 0.055, 0.075),
    uplift: { kpi: i(345.6789, -12.5, 700), relative: i(0.0123456, -0.001, 0.025), probabilityBetter: 0.935 },
  };

  it("has one header row with week 1..N matching the horizon, and full-precision numbers", () => {
    const t = optimalPlanCsv(plan);
    expect(t.columns.slice(0, 5)).toEqual([
      "channel",
      "current total spend",
      "optimal total spend",
      "change",
      "share",
    ]);
    expect(t.columns.filter((c) => c.startsWith("week "))).toEqual(["week 1", "week 2", "week 3"]);
    expect(t.columns).toContain("contribution q05");
    expect(t.rows).toHaveLength(2);
    for (const r of t.rows) expect(r).toHaveLength(t.columns.length);
    const tv = t.rows[0]!;
    expect(tv[col(t, "optimal total spend")]).toBe(30000.125);
    expect(tv[col(t, "change")]).toBe(5000.125);
    expect(tv[col(t, "week 2")]).toBe(10000.041666666666);
    expect(tv[col(t, "contribution mean")]).toBe(1234.5678);
    expect(tv[col(t, "contribution q95")]).toBe(1500.9);
    expect(tv[col(t, "constraint")]).toBe("");
    expect(t.rows[1]![col(t, "constraint")]).toBe("max");
    expect(t.rows[1]![col(t, "change")]).toBe(-5000.125);
    // plan-level result on every row
    expect(t.rows.map((r) => r[col(t, "plan uplift mean")])).toEqual([345.6789, 345.6789]);
    expect(tv[col(t, "plan probability better than current")]).toBe(0.935);
    expect(tv[col(t, "plan roi q95")]).toBe(0.075);

    const text = csvOf(t);
    expect(text.split("\n")[0]).toBe(t.columns.join(","));
    expect(text).toContain(
      '"TV, ""prime""",25000,30000.125,5000.125,0.6000025,10000.041666666666,10000.041666666666,10000.041666666666,1234.5678,1000.1,1500.9,',
    );
    expect(text).not.toContain("30,000"); // no thousands separators
  });

  it("follows the plan length, e.g. a one-week horizon has only week 1", () => {
    const t = optimalPlanCsv({
      ...plan,
      weeks: 1,
      allocation: plan.allocation.map((a) => ({ ...a, weekly: [a.total] })),
    });
    expect(t.columns.filter((c) => /^week \d+$/.test(c))).toEqual(["week 1"]);
    expect(t.rows[1]![col(t, "week 1")]).toBe(19999.875);
  });
});

describe("scenario comparison", () => {
  const d: ScenarioComparisonLike = {
    scenarios: [
      {
        name: "Q3 / Base, flat",
        totalSpend: 130000,
        kpi: i(51234.56789, 50000, 52500),
        incrementalKpi: i(8123.25, 7000, 9000),
        roi: i(0.0624865, 0.0538, 0.0692),
      },
      {
        name: 'Q3 / "Heavy" TV',
        totalSpend: 150000.5,
        kpi: i(52000, 50500, 53500),
        incrementalKpi: i(9000, 7500, 10500),
        roi: null,
      },
    ],
    items: [
      { label: "Q3 / Base, flat", assumptions: [] },
      { label: 'Q3 / "Heavy" TV', assumptions: ["Video lift (x1.2)", "Gen Z (x0.9)"] },
    ],
    matrix: [
      [null, 0.3125],
      [0.6875, null],
    ],
  };

  it("one row per scenario with KPI, incremental KPI and ROI intervals", () => {
    const t = scenarioComparisonCsv(d);
    expect(t.columns).toEqual([
      "scenario",
      "total spend",
      "kpi mean",
      "kpi q05",
      "kpi q95",
      "incremental kpi mean",
      "incremental kpi q05",
      "incremental kpi q95",
      "roi mean",
      "roi q05",
      "roi q95",
      "assumptions",
    ]);
    expect(t.rows[0]).toEqual([
      "Q3 / Base, flat",
      130000,
      51234.56789,
      50000,
      52500,
      8123.25,
      7000,
      9000,
      0.0624865,
      0.0538,
      0.0692,
      "",
    ]);
    expect(t.rows[1]![col(t, "roi mean")]).toBeNull();
    expect(csvOf(t).split("\n")[2]).toBe(
      '"Q3 / ""Heavy"" TV",150000.5,52000,50500,53500,9000,7500,10500,,,,Video lift (x1.2); Gen Z (x0.9)',
    );
  });

  it("win probabilities: rows = scenario A, columns = scenario B, empty diagonal", () => {
    const t = winProbabilitiesCsv(d);
    expect(t.columns).toEqual(["scenario A (row beats column)", "Q3 / Base, flat", 'Q3 / "Heavy" TV']);
    expect(t.rows).toEqual([
      ["Q3 / Base, flat", null, 0.3125],
      ['Q3 / "Heavy" TV', 0.6875, null],
    ]);
    expect(csvOf(t)).toBe(
      'scenario A (row beats column),"Q3 / Base, flat","Q3 / ""Heavy"" TV"\n"Q3 / Base, flat",,0.3125\n"Q3 / ""Heavy"" TV",0.6875,\n',
    );
  });
});

describe("run comparison", () => {
  const d: RunComparisonLike = {
    a: { holdout: { mape: 0.0834567, r2: 0.91234, nrmse: 0.1, coverage90: 0.85 }, loo: { elpd: -412.3456 } },
    b: { holdout: { mape: 0.0712, r2: 0.93, nrmse: 0.1, coverage90: 0.92 }, loo: null },
    configChanges: [
      { path: "channels[TV].adstock.maxLag", a: 8, b: 12 },
      { path: "seasonality", a: { fourier: 2 }, b: null },
    ],
  };
  const labels = ["A: config v1 (traditional)", "B: config v2"] as const;

  it("accuracy: one row per metric with raw values and the winner", () => {
    const rows = runAccuracyRows(d);
    expect(rows.map((r) => [r.metric, r.winner])).toEqual([
      ["Holdout MAPE", "B"],
      ["Holdout R²", "B"],
      ["Holdout NRMSE", "tie"],
      ["Holdout 90% coverage", "B"],
      ["PSIS-LOO elpd", null],
    ]);
    const t = runAccuracyCsv(d, labels);
    expect(t.columns).toEqual(["metric", "better", "A: config v1 (traditional)", "B: config v2", "winner"]);
    expect(t.rows[0]).toEqual(["Holdout MAPE", "lower", 0.0834567, 0.0712, "B"]);
    expect(t.rows[4]).toEqual(["PSIS-LOO elpd", "higher", -412.3456, null, ""]);
    expect(csvOf(t)).toContain("\nPSIS-LOO elpd,higher,-412.3456,,\n");
  });

  it("config changes: objects as JSON, missing values empty", () => {
    const t = configChangesCsv(d, labels);
    expect(t.rows).toEqual([
      ["channels[TV].adstock.maxLag", 8, 12],
      ["seasonality", '{"fourier":2}', null],
    ]);
    expect(csvOf(t)).toContain('\nseasonality,"{""fourier"":2}",\n');
  });
});

describe("campaign scenarios", () => {
  it("plan: rows = channels, columns = week 1..N and total", () => {
    const t = scenarioPlanCsv({
      weeks: 4,
      spend: { 'Social, "paid"': [100.5, 200.25, 0, 1000000.125], Search: [1, 2, 3, 4] },
    });
    expect(t.columns).toEqual(["channel", "week 1", "week 2", "week 3", "week 4", "total"]);
    expect(t.rows[0]).toEqual(['Social, "paid"', 100.5, 200.25, 0, 1000000.125, 1000300.875]);
    expect(t.rows[1]).toEqual(["Search", 1, 2, 3, 4, 10]);
    expect(csvOf(t)).toBe(
      'channel,week 1,week 2,week 3,week 4,total\n"Social, ""paid""",100.5,200.25,0,1000000.125,1000300.875\nSearch,1,2,3,4,10\n',
    );
  });

  it("evaluation: per-channel spend and contribution with intervals, plan summary as columns", () => {
    const r: ScenarioResultLike = {
      weeks: 13,
      horizonWeeks: 21,
      totalSpend: 26000,
      incrementalKpi: i(3100.123, 2500, 3700),
      roi: i(0.119235, 0.0961, 0.1423),
      channels: {
        TV: { spend: 13000, contribution: i(1500.5, 1200, 1800), roi: i(0.1154, 0.0923, 0.1385) },
        "Meta, Reels": { spend: 13000, contribution: i(1600, 1300, 1900), roi: null },
      },
      assumptions: [{ label: "Video lift", multiplier: 1.2, appliedTo: ["Meta, Reels"] }],
    };
    const t = scenarioResultCsv(r);
    expect(t.columns.slice(0, 8)).toEqual([
      "channel",
      "spend",
      "contribution mean",
      "contribution q05",
      "contribution q95",
      "roi mean",
      "roi q05",
      "roi q95",
    ]);
    expect(t.rows[0]!.slice(0, 8)).toEqual(["TV", 13000, 1500.5, 1200, 1800, 0.1154, 0.0923, 0.1385]);
    expect(t.rows[1]![col(t, "roi mean")]).toBeNull();
    expect(t.rows[1]![col(t, "plan incremental kpi mean")]).toBe(3100.123);
    expect(t.rows[0]![col(t, "plan horizon weeks")]).toBe(21);
    expect(t.rows[0]![col(t, "plan assumptions")]).toBe("Video lift (x1.2 on Meta, Reels)");
    expect(csvOf(t).split("\n")[2]).toMatch(
      /^"Meta, Reels",13000,1600,1300,1900,,,,13,21,26000,3100.123,2500,3700,0.119235,0.0961,0.1423,"Video lift \(x1.2 on Meta, Reels\)"$/,
    );
  });
});

describe("goalPlanCsv", () => {
  it("one row per channel with every plan week, and the plan's figures on every row", () => {
    const t = goalPlanCsv({
      goal: { kind: "min-spend" },
      feasible: true,
      totalSpend: 300,
      weeks: 2,
      channels: [
        {
          channel: "TV",
          total: 200,
          currentTotal: 150,
          weekly: [150, 50],
          share: 2 / 3,
          atBound: null,
          contribution: i(40, 30, 50),
          roi: i(0.2, 0.15, 0.25),
          marginalRoi: 0.11,
        },
        {
          channel: "Search",
          total: 100,
          currentTotal: 100,
          weekly: [50, 50],
          share: 1 / 3,
          atBound: "locked",
          contribution: i(30, 20, 40),
          roi: i(0.3, 0.2, 0.4),
          marginalRoi: 0.1,
        },
      ],
      kpi: {
        weeks: 6,
        expected: i(1000, 900, 1100),
        incremental: i(70, 50, 90),
        roi: i(0.7 / 3, 0.5 / 3, 0.3),
      },
      probabilityBeatsCurrent: 0.83,
      probabilityOfTarget: 0.81,
      flighting: { tailWeeks: 4, probabilityBeatsFlat: 0.66 },
    });
    expect(t.rows).toHaveLength(2);
    expect(t.rows[0]![col(t, "week 1")]).toBe(150);
    expect(t.rows[0]![col(t, "week 2")]).toBe(50);
    expect(t.columns).not.toContain("week 3");
    expect(t.rows[1]![col(t, "constraint")]).toBe("locked");
    expect(t.rows[1]![col(t, "marginal roi at optimum")]).toBe(0.1);
    for (const row of t.rows) {
      expect(row[col(t, "plan kpi weeks")]).toBe(6);
      expect(row[col(t, "plan probability beats current")]).toBe(0.83);
      expect(row[col(t, "plan probability beats flat")]).toBe(0.66);
      expect(row[col(t, "plan kpi q95")]).toBe(1100);
    }
    expect(csvOf(t).trim().split("\n")).toHaveLength(3);
  });
});
