import { describe, expect, it } from "vitest";
import { parseModelConfigV2 } from "../model/config-v2.ts";
import { simulateV2 } from "../simulate/simulate-v2.ts";
import { BacktestError } from "./backtest.ts";
import { backtestForecastV2, sliceDatasetV2 } from "./backtest-v2.ts";

// 117 weeks; the "approved run" saw the first 104 and is scored on the 13 after. The simulation's
// truth is on the scale of its first 104 weeks (13 held out), the scored run's training range.
const cases = [
  {
    name: "3 geos, log link, units KPI with R&F and organic",
    opts: { geos: 3, link: "log", units: true, rf: true, organic: true },
  },
  { name: "national, identity link", opts: { geos: 1, link: "identity", channels: 3 } },
] as const;

describe.each(cases)("backtestForecastV2: $name", ({ opts }) => {
  const sim = simulateV2({ weeks: 117, seed: 4, holdoutWeeks: 13, ...opts });
  const config = parseModelConfigV2({ ...sim.config, holdoutWeeks: 0 });
  const seenThrough = sim.dataset.dates[103]!;
  const names = Object.keys(sim.truth.parameters);
  const drawsAt = (values: Record<string, number>, n = 400) => ({
    names,
    chains: 1,
    perChain: n,
    values: Float64Array.from({ length: n * names.length }, (_, k) => values[names[k % names.length]!]!),
  });
  const level = names.find((n) => n === "k1" || n === "b0")!;

  it("scores the national KPI of the unseen weeks; the truth forecasts them well", () => {
    const score = backtestForecastV2({
      csv: sim.csv,
      config,
      seenThrough,
      draws: drawsAt(sim.truth.parameters),
    });
    expect(score.weeks).toBe(13);
    expect(score.firstWeek).toBe(sim.dataset.dates[104]);
    expect(score.lastWeek).toBe(sim.dataset.dates[116]);
    const national = (t: number) => sim.dataset.kpi.reduce((s, series) => s + series[t]!, 0);
    score.weekly.forEach((w, h) => expect(w.actual).toBeCloseTo(national(104 + h), 6));
    expect(score.coverage90).toBeGreaterThanOrEqual(0.75);
    expect(score.mape).toBeLessThan(0.1);
    for (const w of score.weekly) expect(w.lower).toBeLessThan(w.upper);
  });

  it("a biased posterior scores worse, and a horizon cuts the weeks", () => {
    const truth = backtestForecastV2({
      csv: sim.csv,
      config,
      seenThrough,
      draws: drawsAt(sim.truth.parameters),
    });
    const biased = backtestForecastV2({
      csv: sim.csv,
      config,
      seenThrough,
      draws: drawsAt({ ...sim.truth.parameters, [level]: sim.truth.parameters[level]! + 0.4 }),
    });
    expect(biased.mape).toBeGreaterThan(2 * truth.mape);
    expect(biased.crps).toBeGreaterThan(2 * truth.crps);
    expect(biased.coverage90).toBeLessThan(truth.coverage90);
    const four = backtestForecastV2({
      csv: sim.csv,
      config,
      seenThrough,
      draws: drawsAt(sim.truth.parameters),
      horizonWeeks: 4,
    });
    expect(four.weeks).toBe(4);
    expect(four.lastWeek).toBe(sim.dataset.dates[107]);
    // the first 4 weeks of the 13-week backtest are the same forecast
    expect(four.weekly.map((w) => w.actual)).toEqual(truth.weekly.slice(0, 4).map((w) => w.actual));
  });

  it("refuses when the scored run's last week is gone or nothing is unseen", () => {
    const draws = drawsAt(sim.truth.parameters, 2);
    expect(() => backtestForecastV2({ csv: sim.csv, config, seenThrough: "2020-01-01", draws })).toThrow(
      BacktestError,
    );
    expect(() =>
      backtestForecastV2({ csv: sim.csv, config, seenThrough: sim.dataset.dates[116]!, draws }),
    ).toThrow(/no weeks after/);
  });
});

describe("sliceDatasetV2", () => {
  it("cuts every per-week series of every geo and keeps the rest", () => {
    const sim = simulateV2({
      weeks: 30,
      seed: 2,
      geos: 2,
      rf: true,
      organic: true,
      units: true,
      holdoutWeeks: 4,
    });
    const cut = sliceDatasetV2(sim.dataset, 10);
    expect(cut.dates).toEqual(sim.dataset.dates.slice(0, 10));
    expect(cut.geos).toEqual(sim.dataset.geos);
    for (const g of [0, 1]) {
      expect(Array.from(cut.kpi[g]!)).toEqual(Array.from(sim.dataset.kpi[g]!.slice(0, 10)));
      for (const [c, ch] of cut.channels.entries()) {
        for (const key of ["spend", "exposure", "reach", "frequency"] as const) {
          const full = sim.dataset.channels[c]![key];
          expect(ch[key]?.[g]?.length ?? null).toBe(full ? 10 : null);
        }
      }
      if (sim.dataset.value) expect(cut.value![g]!.length).toBe(10);
    }
  });
});
