// Chart components in jsdom: data in, the right rows and SVG series out.
import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  AdstockChart,
  AllocationChart,
  DecompositionChart,
  FitChart,
  FlightingChart,
  ForestPlot,
  GeoSmallMultiples,
  ProbabilityMatrix,
  ResponseCurvesChart,
  RoiChart,
  RoiMoveChart,
  ShareChart,
  SocialInsights,
  SpendChart,
  WaterfallChart,
  adstockRows,
  allocationRows,
  curveRows,
  decompositionRows,
  fitRows,
  flightingCsv,
  flightingRows,
  forestRows,
  formatMoney,
  geoPanelRows,
  holdoutRange,
  intervalText,
  intervalBarRows,
  parameterFlag,
  roiMoveSentence,
  rowTooltip,
  saturationNote,
  socialInsightSentences,
  toCsv,
  waterfallRows,
  weeksTo90,
  type DecompositionData,
  type ResponseCurveView,
} from "./index.ts";

afterEach(cleanup);

const units = { currency: "$", kpi: "revenue" };
const iv = (mean: number, half = 0.1 * Math.abs(mean) + 0.01) => ({
  mean,
  q05: mean - half,
  q95: mean + half,
});
const dates = Array.from(
  { length: 12 },
  (_, i) =>
    `2024-${String(1 + Math.floor(i / 4)).padStart(2, "0")}-${String(1 + (i % 4) * 7).padStart(2, "0")}`,
);

const decomposition: DecompositionData = {
  dates,
  weekly: [
    { name: "baseline", kind: "baseline", mean: dates.map(() => 100) },
    { name: "trend", kind: "trend", mean: dates.map((_, t) => t) },
    { name: "events", kind: "events", mean: dates.map(() => 0) },
    { name: "controls", kind: "controls", mean: dates.map(() => -5) },
    { name: "TV", kind: "channel", mean: dates.map(() => 20) },
    { name: "Instagram", kind: "channel", mean: dates.map(() => 10) },
    { name: "TV:Instagram", kind: "synergy", mean: dates.map(() => 1) },
  ],
  totals: [
    { name: "baseline", kind: "baseline", total: iv(1200), share: iv(0.8) },
    { name: "events", kind: "events", total: iv(0, 0), share: iv(0, 0) },
    { name: "controls", kind: "controls", total: iv(-60), share: iv(-0.04) },
    { name: "TV", kind: "channel", total: iv(240), share: iv(0.16) },
    { name: "Instagram", kind: "channel", total: iv(120), share: iv(0.08) },
  ],
};

const channels = [
  {
    name: "TV",
    type: "traditional",
    spend: 1000,
    spendShare: 0.6,
    roi: iv(1.4),
    marginalRoi: iv(0.7),
    contributionShare: iv(0.55),
    viralShare: null,
    networkShare: null,
    authenticityShare: null,
    consistencyShare: null,
  },
  {
    name: "Instagram",
    type: "social",
    spend: 700,
    spendShare: 0.4,
    roi: iv(2.1),
    marginalRoi: iv(1.6),
    contributionShare: iv(0.45),
    viralShare: iv(0.3),
    networkShare: iv(0.12),
    authenticityShare: null,
    consistencyShare: null,
  },
];

const curve: ResponseCurveView = {
  channel: "TV",
  multipliers: [0, 0.5, 1, 1.5, 2],
  spend: [0, 500, 1000, 1500, 2000],
  kpi: { mean: [0, 900, 1400, 1600, 1700], lo: [0, 800, 1200, 1400, 1500], hi: [0, 1000, 1600, 1800, 1900] },
  current: { spend: 1000, kpi: 1400 },
  saturation: { multiplier: 1.25, spend: 1250, threshold: 1 },
};

describe("csv", () => {
  it("escapes quotes, commas and spreadsheet formulas; blanks non-finite numbers", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["x,y", 'say "hi"'],
          ["=SUM(A1)", Number.NaN],
          [1.5, null],
        ],
      ),
    ).toBe('a,b\n"x,y","say ""hi"""\n"\'=SUM(A1)",\n1.5,\n');
  });

  it("neutralises every formula trigger (OWASP): = + - @ tab CR, also inside a quoted cell", () => {
    const triggers = [
      "=1+1",
      "+1+1",
      "-1+1",
      "@SUM(A1)",
      "\t=1",
      "\r=1",
      "\uFF1D1+1",
      '=HYPERLINK("http://x")',
    ];
    const line = toCsv(
      ["v"],
      triggers.map((t) => [t]),
    )
      .split("\n")
      .slice(1, -1);
    expect(line).toEqual([
      `"'=1+1"`,
      `"'+1+1"`,
      `"'-1+1"`,
      `"'@SUM(A1)"`,
      `"'\t=1"`,
      // The CR stays inside the quoted cell, so the row count of the file is unchanged.
      `"'\r=1"`,
      `"'\uFF1D1+1"`,
      `"'=HYPERLINK(""http://x"")"`,
    ]);
    // Numbers stay numbers (a negative number is not a formula), and harmless text is unchanged.
    expect(toCsv(["n", "s"], [[-3.5, "a-b"]])).toBe("n,s\n-3.5,a-b\n");
  });
});

describe("FitChart", () => {
  const fit = {
    dates,
    actual: dates.map((_, t) => 100 + t),
    fitted: {
      mean: dates.map((_, t) => 101 + t),
      lo: dates.map((_, t) => 95 + t),
      hi: dates.map((_, t) => 107 + t),
    },
    predictive: { lo: dates.map((_, t) => 90 + t), hi: dates.map((_, t) => 112 + t) },
    holdout: dates.map((_, t) => t >= 9),
  };
  it("rows carry the band and holdout flag; holdout range spans the last weeks", () => {
    const rows = fitRows(fit);
    expect(rows[3]).toEqual({
      date: dates[3],
      actual: 103,
      fitted: 104,
      band: [98, 110],
      predictive: [93, 115],
      holdout: false,
    });
    expect(holdoutRange(rows)).toEqual([dates[9], dates[11]]);
    expect(holdoutRange(fitRows({ ...fit, holdout: dates.map(() => false) }))).toBeNull();
  });
  it("renders two bands, fitted and actual lines, the holdout shading and the metrics", () => {
    const { container, getByTestId } = render(
      <FitChart
        data={fit}
        units={units}
        metrics={{ weeks: 3, mape: 0.052, r2: 0.81, nrmse: 0.07, coverage90: 0.9 }}
      />,
    );
    expect(container.querySelector("svg.recharts-surface")).not.toBeNull();
    expect(container.querySelectorAll(".recharts-area")).toHaveLength(2);
    expect(container.querySelectorAll(".recharts-line")).toHaveLength(2);
    expect(container.querySelectorAll(".recharts-reference-area")).toHaveLength(1);
    expect(getByTestId("holdout-metrics").textContent).toContain("5.2%");
  });
  it("shows loading, empty and error states instead of a plot", () => {
    const a = render(<FitChart data={null} units={units} status={{ state: "loading" }} />);
    expect(a.container.querySelector("svg.recharts-surface")).toBeNull();
    expect(a.getByText("Loading chart")).toBeTruthy();
    cleanup();
    const b = render(<FitChart data={{ ...fit, dates: [], actual: [] }} units={units} />);
    expect(b.getByText("Nothing to show yet")).toBeTruthy();
    cleanup();
    const c = render(<FitChart data={null} units={units} status={{ state: "error", message: "boom" }} />);
    expect(c.getByRole("alert").textContent).toContain("boom");
  });
});

describe("decomposition", () => {
  it("stacks every non-zero component (events dropped) with synergy labelled", () => {
    const rows = decompositionRows(decomposition);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ["Baseline", "Controls", "Instagram", "Synergy TV × Instagram", "TV", "Trend", "date"].sort(),
    );
    const { container } = render(<DecompositionChart data={decomposition} units={units} />);
    expect(container.querySelectorAll(".recharts-area")).toHaveLength(6);
  });
  it("waterfall floats each driver from the running sum and ends at the fitted total", () => {
    const rows = waterfallRows(decomposition);
    expect(rows.map((r) => r.name)).toEqual(["Baseline", "Controls", "TV", "Instagram", "Total (fitted)"]);
    expect(rows[1]!.range).toEqual([1140, 1200]); // negative controls float down from 1200
    expect(rows[2]!.range).toEqual([1140, 1380]);
    expect(rows.at(-1)!.range).toEqual([0, 1500]);
    const { container } = render(<WaterfallChart data={decomposition} units={units} />);
    expect(container.querySelectorAll(".recharts-bar-rectangle")).toHaveLength(5);
  });
});

describe("ROI and shares", () => {
  it("interval rows turn q05/q95 into asymmetric error bars", () => {
    const rows = intervalBarRows(
      [{ label: "TV", values: { roi: { mean: 1.5, q05: 1.0, q95: 2.5 } } }],
      [{ key: "roi", name: "ROI" }],
    );
    expect(rows[0]!.roi).toBe(1.5);
    expect(rows[0]!.roi__err).toEqual([0.5, 1.0]);
  });
  it("ROI chart draws ROI and marginal ROI per channel with error bars and a break-even line", () => {
    const { container } = render(<RoiChart channels={channels} units={units} />);
    expect(container.querySelectorAll(".recharts-bar-rectangle")).toHaveLength(4);
    const bars = [...container.querySelectorAll(".recharts-errorBar")];
    expect(bars.length).toBeGreaterThanOrEqual(4);
    for (const g of bars) {
      // the whisker has length and is drawn at full scale (not left at an animation's scaleY(0))
      const [, stem] = [...g.querySelectorAll("line")];
      expect(Math.abs(Number(stem!.getAttribute("y1")) - Number(stem!.getAttribute("y2")))).toBeGreaterThan(
        1,
      );
      expect(g.innerHTML).not.toContain("scaleY(0)");
    }
    expect(container.querySelectorAll(".recharts-reference-line")).toHaveLength(1);
  });
  it("share chart puts spend share next to contribution share", () => {
    const { container } = render(<ShareChart channels={channels} />);
    expect(container.querySelectorAll(".recharts-bar-rectangle")).toHaveLength(4);
  });
});

describe("response curves and adstock", () => {
  it("curve rows, saturation note and one plot per channel with today's spend marked", () => {
    expect(curveRows(curve)[2]).toEqual({ multiplier: 1, spend: 1000, kpi: 1400, band: [1200, 1600] });
    expect(saturationNote(curve, "$")).toMatch(/saturates around \$1\.3K \(1\.3x/);
    expect(saturationNote({ ...curve, saturation: null }, "$")).toMatch(/no saturation point/);
    const { container } = render(
      <ResponseCurvesChart curves={[curve, { ...curve, channel: "Search" }]} units={units} />,
    );
    expect(container.querySelectorAll("figure[data-curve]")).toHaveLength(2);
    expect(container.querySelectorAll(".recharts-reference-dot")).toHaveLength(2);
    expect(container.querySelectorAll(".recharts-reference-line")).toHaveLength(2);
  });
  it("adstock rows by lag and weeks to 90% of the effect", () => {
    const a = {
      channel: "TV",
      lags: [0, 1, 2, 3],
      weight: { mean: [0.5, 0.3, 0.15, 0.05], lo: [0.4, 0.2, 0.1, 0.02], hi: [0.6, 0.4, 0.2, 0.08] },
    };
    expect(adstockRows([a])[1]).toEqual({ lag: 1, TV: 0.3 });
    expect(weeksTo90(a)).toBe(3);
    const { container } = render(<AdstockChart adstock={[a, { ...a, channel: "Radio" }]} />);
    expect(container.querySelectorAll(".recharts-line")).toHaveLength(2);
  });
  it("spend chart stacks one area per channel", () => {
    const { container } = render(
      <SpendChart
        spend={{
          dates,
          channels: [
            { name: "TV", weekly: dates.map(() => 5) },
            { name: "Search", weekly: dates.map(() => 3) },
          ],
        }}
        units={units}
      />,
    );
    expect(container.querySelectorAll(".recharts-area")).toHaveLength(2);
  });
  it("geo small multiples: one panel per geo with its KPI line and spend area and its totals", () => {
    const geo = (name: string, k: number) => ({
      geo: name,
      dates,
      kpi: dates.map((_, t) => k * 100 + t),
      spend: dates.map(() => k * 10),
      totalKpi: dates.reduce((s, _, t) => s + k * 100 + t, 0),
      totalSpend: dates.length * k * 10,
    });
    const g = geo("North", 2);
    expect(geoPanelRows(g)[3]).toEqual({ date: dates[3], kpi: 203, spend: 20 });
    const { getAllByTestId, container } = render(
      <GeoSmallMultiples geos={[g, geo("South", 1), geo("East", 3)]} units={units} />,
    );
    const panels = getAllByTestId("geo-panel");
    expect(panels.map((p) => p.querySelector("figcaption span")?.textContent)).toEqual([
      "North",
      "South",
      "East",
    ]);
    expect(panels[1]!.textContent).toContain(`spend ${formatMoney(dates.length * 10, units.currency)}`);
    expect(container.querySelectorAll(".recharts-line")).toHaveLength(3);
    expect(container.querySelectorAll(".recharts-area")).toHaveLength(3);
  });
});

describe("social, posterior, refresh, planning", () => {
  it("social insights say it in words, with the interval", () => {
    const s = socialInsightSentences(channels, [
      { a: "TV", b: "Instagram", contribution: iv(10), lift: { mean: 0.08, q05: 0.02, q95: 0.14 } },
    ]);
    expect(s).toHaveLength(3);
    expect(s[0]).toBe(
      "Instagram: 30% (likely between 26% and 34%) of its effect comes from people sharing and re-sharing (the viral echo), on top of the paid reach itself.",
    );
    expect(s[2]).toMatch(/^Running TV and Instagram together boosts their combined effect by 8%;/);
    const neg = socialInsightSentences(
      [],
      [{ a: "TV", b: "Search", contribution: iv(-1), lift: { mean: -0.03, q05: -0.09, q95: 0.02 } }],
    );
    expect(neg[0]).toMatch(/cannibalizes .* by 3% \(not clearly different from zero\)/);
    const { container } = render(<SocialInsights channels={channels} synergies={[]} />);
    expect(container.querySelectorAll(".recharts-bar-rectangle")).toHaveLength(2); // viral + network of Instagram
  });
  it("forest plot rows per family, flags from R-hat and ESS", () => {
    const params = [
      { label: "beta[TV]", mean: 0.2, q05: 0.1, q95: 0.3, rhat: 1.0, essBulk: 900, essTail: 800 },
      { label: "beta[Instagram]", mean: 0.4, q05: 0.3, q95: 0.6, rhat: 1.03, essBulk: 900, essTail: 800 },
      { label: "sigma", mean: 0.05, q05: 0.04, q95: 0.06, rhat: 1.0, essBulk: 120, essTail: 800 },
    ];
    expect(forestRows(params, "beta").map((r) => r.err)).toEqual([
      [0.1, 0.09999999999999998],
      [0.10000000000000003, 0.19999999999999996],
    ]);
    expect(parameterFlag(params[0]!)).toBeNull();
    expect(parameterFlag(params[1]!)).toMatch(/R-hat/);
    expect(parameterFlag(params[2]!)).toMatch(/bulk/);
    // core's 100 effective draws per chain: 120 is enough for one chain, not for two
    expect(parameterFlag(params[2]!, 1)).toBeNull();
    expect(parameterFlag(params[2]!, 2)).toMatch(/bulk/);
    expect(parameterFlag({ ...params[0]!, essBulk: 250, essTail: 250 }, 2)).toBeNull();
    expect(parameterFlag({ ...params[0]!, essBulk: 250, essTail: 250 }, 4)).toMatch(/bulk/);
    const { container } = render(<ForestPlot parameters={params} />);
    expect(container.querySelectorAll(".recharts-scatter-symbol")).toHaveLength(2);
  });
  it("refresh view flags moves outside the previous interval", () => {
    const move = {
      channel: "TV",
      previous: iv(1.2),
      current: iv(1.6),
      delta: 0.4,
      relativeDelta: 0.3333,
      flagged: true,
    };
    expect(roiMoveSentence(move)).toMatch(/^TV: ROI up from 1\.20 to 1\.60 \(\+33%\) — outside/);
    const { container, getByText } = render(<RoiMoveChart moves={[move]} units={units} />);
    expect(container.querySelectorAll(".recharts-bar-rectangle")).toHaveLength(2);
    cleanup();
    expect(render(<RoiMoveChart moves={[]} units={units} />).getByText(/first succeeded run/)).toBeTruthy();
    void getByText;
  });
  it("flighting: one stacked bar per channel per week, rows and CSV per week", () => {
    const plan = {
      weeks: 3,
      channels: [
        { channel: "TV", weekly: [10, 0, 20] },
        { channel: "Search", weekly: [5, 5, 5] },
      ],
    };
    expect(flightingRows(plan)).toEqual([
      { week: "W1", TV: 10, Search: 5 },
      { week: "W2", TV: 0, Search: 5 },
      { week: "W3", TV: 20, Search: 5 },
    ]);
    expect(flightingCsv(plan)).toEqual({
      columns: ["channel", "total", "week 1", "week 2", "week 3"],
      rows: [
        ["TV", 30, 10, 0, 20],
        ["Search", 15, 5, 5, 5],
      ],
    });
    const f = render(<FlightingChart plan={plan} units={units} tailWeeks={4} />);
    expect(f.container.querySelectorAll(".recharts-bar")).toHaveLength(2);
    expect(f.getByText(/4 weeks after them/)).toBeTruthy();
    cleanup();
  });
  it("allocation and P(A beats B) matrix", () => {
    expect(allocationRows([{ channel: "TV", currentTotal: 100, total: 80, atBound: null }])).toEqual([
      { channel: "TV", current: 100, optimal: 80, change: -20, atBound: null },
    ]);
    const a = render(
      <AllocationChart
        allocation={[
          { channel: "TV", currentTotal: 100, total: 80, atBound: null },
          { channel: "Search", currentTotal: 50, total: 70, atBound: "max" },
        ]}
        units={units}
      />,
    );
    expect(a.container.querySelectorAll(".recharts-bar-rectangle")).toHaveLength(4);
    cleanup();
    const m = render(
      <ProbabilityMatrix
        labels={["A", "B"]}
        matrix={[
          [null, 0.93],
          [0.07, null],
        ]}
      />,
    );
    const cells = [...m.getByTestId("p-matrix").querySelectorAll("td")].map((td) => td.textContent);
    expect(cells).toEqual(["—", "93%", "7%", "—"]);
  });
});

describe("interval tooltips", () => {
  it("intervalText quotes mean (lo–hi); rowTooltip shows the hovered row, nothing off a row", () => {
    expect(intervalText(1400, [1200, 1600])).toBe("1.4K (1.2K–1.6K)");
    expect(intervalText(2, [1, 3], (x) => x.toFixed(1))).toBe("2.0 (1.0–3.0)");
    const Content = rowTooltip((r: { date: string; v: number }) => ({
      title: r.date,
      lines: [{ name: "Value", value: r.v }],
    }));
    expect(Content({ active: false, payload: [{ payload: { date: "d", v: 1 } }] })).toBeNull();
    const { getByRole } = render(
      <>{Content({ active: true, payload: [{ payload: { date: "2024-01-01", v: 7 } }] })}</>,
    );
    expect(getByRole("tooltip").textContent).toBe("2024-01-01Value7");
  });
});
