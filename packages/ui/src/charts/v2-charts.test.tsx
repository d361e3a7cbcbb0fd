// The v2 insights charts in jsdom: rows, CSV and labels from the data, and the SVG series drawn.
import { cleanup, fireEvent, render, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  FrequencyRoiChart,
  GeoFitSmallMultiples,
  GeoTableV2,
  MediaEffectivenessChart,
  NationalFiguresV2,
  OrganicChannelsChart,
  ResponseCurvesV2Chart,
  curveV2Rows,
  frequencyCsv,
  frequencySentence,
  geoFitCsv,
  geoTableCsv,
  geoTableRows,
  nationalFiguresCsv,
  unitsPerMoney,
  v2Labels,
  type ChannelFiguresView,
  type FrequencyCurveView,
  type GeoRowView,
  type V2Units,
} from "./index.ts";

afterEach(cleanup);

const iv = (mean: number, half = 0.1 * Math.abs(mean)) => ({ mean, q05: mean - half, q95: mean + half });
const units: V2Units = {
  currency: "$",
  kpi: "conversions",
  unit: "conversion",
  kpiType: "units",
  valueKnown: true,
};
const noValue: V2Units = { ...units, valueKnown: false };

const channels: ChannelFiguresView[] = [
  {
    name: "Search",
    type: "digital",
    role: "paid",
    spend: 1000,
    incremental: iv(200),
    share: iv(0.1),
    roi: iv(3),
    cpik: iv(5),
    marginalRoi: iv(2),
    optimalFrequency: null,
  },
  {
    name: "Meta",
    type: "social",
    role: "rf",
    spend: 500,
    incremental: iv(50),
    share: iv(0.03),
    roi: iv(1.5),
    cpik: iv(10),
    marginalRoi: iv(1),
    optimalFrequency: iv(3.2, 0.8),
  },
  {
    name: "Newsletter",
    type: "other",
    role: "organic",
    spend: 0,
    incremental: iv(80),
    share: iv(0.04),
    roi: null,
    cpik: null,
    marginalRoi: null,
    optimalFrequency: null,
  },
];

describe("national figures", () => {
  it("labels units KPIs: conversions per $, $ per incremental conversion, ROI in money with a value", () => {
    const L = v2Labels(units);
    expect(L.unitsPerMoney).toBe("conversions per $");
    expect(L.cpik).toBe("$ per incremental conversion");
    expect(L.roi).toBe("ROI (value of conversions per $ spent)");
    // incremental / spend: exact per quantile because spend is fixed
    expect(unitsPerMoney(channels[0]!)).toEqual({ mean: 0.2, q05: 0.18, q95: 0.22 });
    expect(unitsPerMoney(channels[2]!)).toBeNull();
    const csv = nationalFiguresCsv(channels, units);
    expect(csv.columns).toContain("cpik_q95");
    expect(csv.columns).toContain("roi_mean");
    const row = csv.rows[2]!;
    expect(row[csv.columns.indexOf("roi_mean")]).toBeNull(); // organic: no ROI
    expect(row[csv.columns.indexOf("spend")]).toBeNull();
    // no value per unit: no ROI columns at all
    expect(nationalFiguresCsv(channels, noValue).columns).not.toContain("roi_mean");
  });

  it("renders a row per channel, organic without ROI, and a ROI and a CPIK bar chart", () => {
    const { container, getAllByTestId, getAllByText, getByText } = render(
      <NationalFiguresV2 channels={channels} units={units} />,
    );
    expect(getAllByTestId("v2-channel-row")).toHaveLength(3);
    expect(getByText("no spend, no ROI")).toBeTruthy();
    expect(getAllByText("$ per incremental conversion").length).toBeGreaterThanOrEqual(1);
    // two bar charts of the two paid channels
    expect(container.querySelectorAll(".recharts-bar-rectangle")).toHaveLength(4);
  });
});

describe("geo table", () => {
  const rows: GeoRowView[] = [
    {
      geo: "North",
      channel: "Search",
      role: "paid",
      spend: 600,
      incremental: iv(120),
      roi: iv(2),
      cpik: iv(5),
    },
    {
      geo: "South",
      channel: "Search",
      role: "paid",
      spend: 400,
      incremental: iv(80),
      roi: iv(4),
      cpik: iv(5),
    },
    {
      geo: "North",
      channel: "Newsletter",
      role: "organic",
      spend: 0,
      incremental: iv(30),
      roi: null,
      cpik: null,
    },
    {
      geo: "South",
      channel: "Newsletter",
      role: "organic",
      spend: 0,
      incremental: iv(50),
      roi: null,
      cpik: null,
    },
  ];
  it("sorts by any column, missing values last, and filters by channel", () => {
    expect(geoTableRows(rows, null, { key: "roi", dir: "desc" }).map((r) => `${r.geo}/${r.channel}`)).toEqual(
      ["South/Search", "North/Search", "North/Newsletter", "South/Newsletter"],
    );
    expect(geoTableRows(rows, null, { key: "roi", dir: "asc" })[0]!.geo).toBe("North");
    expect(geoTableRows(rows, "Newsletter", { key: "incremental", dir: "desc" }).map((r) => r.geo)).toEqual([
      "South",
      "North",
    ]);
    const csv = geoTableCsv(rows);
    expect(csv.rows[0]).toEqual(["North", "Search", "paid", 600, 120, 108, 132, 2, 1.8, 2.2, 5, 4.5, 5.5]);
  });

  it("a click on a header sorts the rendered table, the select shows one channel", () => {
    const { getAllByTestId, getByRole, getByLabelText } = render(<GeoTableV2 rows={rows} units={units} />);
    const firstGeo = () => within(getAllByTestId("geo-row")[0]!).getAllByRole("cell")[0]!.textContent;
    expect(firstGeo()).toBe("North");
    fireEvent.click(getByRole("button", { name: /ROI/ }));
    expect(within(getAllByTestId("geo-row")[0]!).getAllByRole("cell")[1]!.textContent).toBe("Search");
    expect(firstGeo()).toBe("South"); // highest ROI first
    fireEvent.change(getByLabelText("Channel shown in the geo table"), { target: { value: "Newsletter" } });
    expect(getAllByTestId("geo-row")).toHaveLength(2);
  });

  it("a national model says there are no geos", () => {
    const { getByText } = render(<GeoTableV2 rows={[]} units={units} />);
    expect(getByText(/national model/)).toBeTruthy();
  });
});

describe("fit per geo", () => {
  it("draws one chart per geo and exports long rows with the holdout flag", () => {
    const dates = ["2024-01-01", "2024-01-08", "2024-01-15"];
    const geo = (name: string, k: number) => ({
      geo: name,
      actual: [1, 2, 3].map((x) => x * k),
      expected: { mean: [1, 2, 3].map((x) => x * k), q05: [0, 1, 2], q95: [2, 3, 4].map((x) => x * k) },
    });
    const geos = [geo("North", 1), geo("South", 2)];
    const csv = geoFitCsv(dates, geos, 2);
    expect(csv.rows).toHaveLength(6);
    expect(csv.rows[5]).toEqual(["South", "2024-01-15", 6, 6, 2, 8, true]);
    const { container } = render(
      <GeoFitSmallMultiples dates={dates} geos={geos} trainingWeeks={2} kpi="conversions" />,
    );
    expect(container.querySelectorAll("figure[data-geo]")).toHaveLength(2);
    expect(container.querySelectorAll(".recharts-area")).toHaveLength(2);
  });
});

describe("response curves and frequency", () => {
  it("R&F curves say the reach grows at today's frequency; organic curves run on the multiplier", () => {
    const band = { mean: [0, 10, 15], lo: [0, 8, 11], hi: [0, 12, 19] };
    const curves = [
      {
        channel: "Meta",
        role: "rf" as const,
        multipliers: [0, 1, 2],
        spend: [0, 500, 1000],
        incremental: band,
      },
      {
        channel: "Newsletter",
        role: "organic" as const,
        multipliers: [0, 1, 2],
        spend: null,
        incremental: band,
      },
    ];
    expect(curveV2Rows(curves[1]!).map((r) => r.x)).toEqual([0, 1, 2]);
    expect(curveV2Rows(curves[0]!)[2]).toEqual({ multiplier: 2, x: 1000, kpi: 15, band: [11, 19] });
    const { getByText, container } = render(
      <ResponseCurvesV2Chart curves={curves} units={units} geoLabel="All geos" />,
    );
    expect(getByText("Meta: response to reach, frequency held at today's")).toBeTruthy();
    expect(container.querySelectorAll("figure[data-curve]")).toHaveLength(2);
  });

  it("ROI versus frequency marks the optimal frequency with its interval", () => {
    const curve: FrequencyCurveView = {
      channel: "Meta",
      frequencies: [1, 2, 3, 4],
      roi: { mean: [1, 1.4, 1.3, 1.1], lo: [0.8, 1.1, 1, 0.9], hi: [1.2, 1.7, 1.6, 1.3] },
      per: "value",
      optimal: { mean: 2.2, q05: 1.8, q95: 2.9 },
      observed: 3.5,
    };
    expect(frequencySentence(curve)).toBe(
      "Best return per unit of spend at about 2.2 exposures per reached person (90%: 1.8 to 2.9). It ran at 3.5 on average.",
    );
    const csv = frequencyCsv([curve]);
    expect(csv.rows).toHaveLength(4);
    expect(csv.rows[1]).toEqual(["Meta", 2, 1.4, 1.1, 1.7, "value", 2.2, 1.8, 2.9, 3.5]);
    const { getByTestId, container } = render(<FrequencyRoiChart curves={[curve]} units={units} />);
    expect(getByTestId("frequency-sentence").textContent).toContain("1.8 to 2.9");
    expect(container.querySelectorAll(".recharts-reference-area")).toHaveLength(1);
    cleanup();
    expect(
      render(<FrequencyRoiChart curves={[]} units={units} />).getByText(/no reach & frequency/),
    ).toBeTruthy();
  });
});

describe("organic and media effectiveness", () => {
  it("organic channels: share bars and the reason there is no ROI", () => {
    const { container, getByText } = render(<OrganicChannelsChart channels={channels} units={units} />);
    expect(container.querySelectorAll(".recharts-bar-rectangle")).toHaveLength(1);
    expect(getByText(/no ROI or cost per conversion/)).toBeTruthy();
  });

  it("media effectiveness: a band and a median line, or a plain empty state when the model has none", () => {
    const rows = [
      { date: "2024-01-01", q05: 0.8, q50: 0.95, q95: 1.1 },
      { date: "2024-01-08", q05: 0.9, q50: 1.05, q95: 1.2 },
    ];
    const { container } = render(<MediaEffectivenessChart rows={rows} />);
    expect(container.querySelectorAll(".recharts-area")).toHaveLength(1);
    cleanup();
    expect(
      render(<MediaEffectivenessChart rows={null} />).getByText(/time-varying media is off/),
    ).toBeTruthy();
  });
});
