import { describe, expect, it } from "vitest";
import { parseDatasetV2Csv } from "../data/parse-v2.ts";
import { scaleDatasetV2 } from "../data/scale-v2.ts";
import { parseModelConfigV2 } from "../model/config-v2.ts";
import { createModelV2 } from "../model/model-v2.ts";
import { buildModelSpecV2 } from "../model/spec-v2.ts";
import { incrementalityAt } from "../analysis/incrementality-v2.ts";
import { simulateV2, type SimulateV2Options } from "./simulate-v2.ts";

const shapes: [string, SimulateV2Options][] = [
  ["national, exposures", { weeks: 104 }],
  ["geo 6, R&F, organic", { weeks: 104, geos: 6, rf: true, organic: true }],
  [
    "national units + value, log link, R&F, organic, time-varying",
    { weeks: 104, units: true, link: "log", rf: true, organic: true, timeVarying: true },
  ],
  [
    "geo 5 units, log link, holidays",
    { weeks: 80, geos: 5, units: true, link: "log", holidays: { country: "DE" }, channels: 3 },
  ],
];

describe.each(shapes)("simulateV2: %s", (_name, options) => {
  const sim = simulateV2({ seed: 11, ...options });
  const G = options.geos ?? 1;

  it("writes a file that its own config parses, with every requested shape", () => {
    const config = parseModelConfigV2(sim.config);
    expect(config.link).toBe(options.link ?? "identity");
    expect(config.kpiType).toBe(options.units ? "units" : "revenue");
    const parsed = parseDatasetV2Csv(sim.csv, sim.config, { holdoutWeeks: config.holdoutWeeks });
    expect(parsed.ok, parsed.ok ? "" : parsed.errors[0]!.message).toBe(true);
    if (!parsed.ok) return;
    const d = parsed.dataset;
    expect(d.geos).toHaveLength(G);
    expect(d.dates).toHaveLength(options.weeks!);
    const roles = d.channels.map((c) => c.role);
    expect(roles.includes("rf")).toBe(options.rf ?? false);
    expect(roles.includes("organic")).toBe(options.organic ?? false);
    expect(
      d.channels.filter((c) => c.columns.exposure !== undefined && c.role === "paid").length,
    ).toBeGreaterThan(0);
    expect(d.controls.find((c) => c.name === "promo")?.kind).toBe("categorical");
    if (options.units) expect(d.value).toBeDefined();
    if (options.holidays) expect(d.holidays!.counts.some((v) => v > 0)).toBe(true);
    if (G > 1) expect(new Set(d.population).size).toBeGreaterThan(1);
  });

  it("spends like planners buy: flights with dark weeks, always-on search, sporadic influencer, R&F frequency only with reach", () => {
    const ch = (n: string) => sim.dataset.channels.find((c) => c.name === n)!;
    const zeroShare = (series: Float64Array[]) =>
      series.reduce((s, v) => s + v.filter((x) => x === 0).length, 0) / (series.length * series[0]!.length);
    const tv = ch("TV").spend!;
    expect(zeroShare(tv)).toBeGreaterThan(0.3);
    expect(zeroShare(tv)).toBeLessThan(0.8);
    if (G > 1) {
      // some region sits out a flight that others run
      const skipped = tv[0]!.some((_, t) => tv.some((s) => s[t]! > 0) && tv.some((s) => s[t] === 0));
      expect(skipped).toBe(true);
    }
    if (sim.dataset.channels.some((c) => c.name === "Search"))
      expect(zeroShare(ch("Search").spend!)).toBeLessThan(0.15);
    if (options.rf) {
      const m = ch("Meta");
      m.reach!.forEach((r, g) => r.forEach((v, t) => expect(v > 0).toBe(m.frequency![g]![t]! > 0)));
      expect(zeroShare(m.reach!)).toBeGreaterThan(0);
    }
    if (sim.dataset.channels.some((c) => c.name === "Influencer"))
      expect(zeroShare(ch("Influencer").spend!)).toBeGreaterThan(0.5);
  });

  it("the truth is the model's counterfactual on exactly the written data (recomputed from CSV + config + parameters)", () => {
    const parsed = parseDatasetV2Csv(sim.csv, sim.config);
    if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
    const config = parseModelConfigV2(sim.config);
    const data = scaleDatasetV2(parsed.dataset, {
      holdoutWeeks: config.holdoutWeeks,
      fourierPairs: config.fourierPairs,
      link: config.link,
    });
    const spec = buildModelSpecV2(data, config);
    const model = createModelV2(spec);
    const values = Float64Array.from(spec.parameters, (p) => {
      const v = sim.truth.parameters[p.label];
      if (v === undefined) throw new Error(`truth has no ${p.label}`);
      return v;
    });
    const inc = incrementalityAt(model, values, { incrementalOnly: true });
    spec.channels.forEach((c, k) => {
      const t = sim.truth.channels[c.name]!;
      const incremental = inc.incremental[k]!;
      // the weekly increments add up to the training total
      const weeklySum = t.weekly.slice(0, sim.truth.trainingWeeks).reduce((a, b) => a + b, 0);
      expect(Math.abs(weeklySum - incremental)).toBeLessThanOrEqual(1e-9 * Math.abs(incremental));
      if (c.role === "rf") {
        expect(t.optimalFrequency).toBeGreaterThanOrEqual(1);
      }
      expect(Math.abs(incremental - t.incremental)).toBeLessThanOrEqual(1e-9 * Math.abs(t.incremental));
      if (c.role !== "organic") {
        expect(t.roi!).toBeGreaterThan(0.3);
        expect(t.roi!).toBeLessThan(6);
        if (options.units) expect(t.cpik).toBeCloseTo(t.spend / t.incremental, 9);
      } else expect(t.roi).toBeUndefined();
      expect(t.share).toBeGreaterThan(0.002);
    });
    expect(Object.keys(sim.truth.byGeo ?? {})).toHaveLength(G > 1 ? G : 0);
  });

  it("the written KPI scatters around the truth's E[y] with the truth's sigma (the rescaling is right)", () => {
    const fwd = createModelV2(sim.spec).forward(sim.values);
    const d = sim.data;
    const sig = (g: number) => sim.values[sim.spec.index.sigma + (sim.spec.index.sigmaCount > 1 ? g : 0)]!;
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (let g = 0; g < G; g++)
      for (let t = 0; t < d.weeks; t++) {
        const obs = d.link === "log" ? d.logY![g]![t]! : d.y[g]![t]!;
        const r = (obs - fwd.mu[g]![t]!) / sig(g);
        sum += r;
        sumSq += r * r;
        n += 1;
      }
    const mean = sum / n;
    const sd = Math.sqrt(sumSq / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(sd).toBeGreaterThan(0.85);
    expect(sd).toBeLessThan(1.15);
  });
});

describe("simulateV2", () => {
  it("is reproducible by seed and differs across seeds", () => {
    expect(simulateV2({ weeks: 60, geos: 3, seed: 5 }).csv).toBe(
      simulateV2({ weeks: 60, geos: 3, seed: 5 }).csv,
    );
    expect(simulateV2({ weeks: 60, geos: 3, seed: 6 }).csv).not.toBe(
      simulateV2({ weeks: 60, geos: 3, seed: 5 }).csv,
    );
  });

  it("time-varying media: f_t is centred over the training weeks", () => {
    const sim = simulateV2({ weeks: 80, seed: 2, timeVarying: true });
    const f = sim.truth.mediaEffectiveness!;
    const T = sim.truth.trainingWeeks;
    expect(Math.abs(f.slice(0, T).reduce((a, b) => a + b, 0) / T)).toBeLessThan(1e-12);
    expect(Math.max(...f) - Math.min(...f)).toBeGreaterThan(0.01);
  });

  it("lineup: channels by name (Search paid, Meta and TikTok R&F, organic Instagram posts), named geos with given populations, a small R&F audience", () => {
    const names = ["Ohio", "Texas", "Utah"];
    const populations = [11_800_000, 29_100_000, 3_300_000];
    const sim = simulateV2({
      weeks: 60,
      seed: 3,
      geos: 3,
      geoNames: names,
      populations,
      lineup: { paid: ["Search"], rf: ["Meta", "TikTok"], organic: ["Instagram"] },
      units: true,
      rfAudience: 0.01,
    });
    expect(sim.config.channels).toEqual([
      { column: "Search", type: "digital", exposure: "Search_clicks" },
      {
        name: "Meta",
        column: "Meta_spend",
        reach: "Meta_reach",
        frequency: "Meta_frequency",
        type: "social",
      },
      {
        name: "TikTok",
        column: "TikTok_spend",
        reach: "TikTok_reach",
        frequency: "TikTok_frequency",
        type: "social",
      },
      { name: "Instagram", exposure: "Instagram_posts", role: "organic", type: "social" },
    ]);
    const d = sim.dataset;
    expect(d.geos).toEqual(names);
    expect(Array.from(d.population)).toEqual(populations);
    expect(d.channels.map((c) => [c.name, c.role])).toEqual([
      ["Search", "paid"],
      ["Meta", "rf"],
      ["TikTok", "rf"],
      ["Instagram", "organic"],
    ]);
    // a 1 % audience: weekly frequency well above the 1.4 floor, reach at most 70 % of the audience
    for (const name of ["Meta", "TikTok"]) {
      const ch = d.channels.find((c) => c.name === name)!;
      const live = ch.frequency!.flatMap((f) => Array.from(f).filter((v) => v > 0));
      expect(live.reduce((a, b) => a + b, 0) / live.length).toBeGreaterThan(2);
      ch.reach!.forEach((r, g) =>
        r.forEach((v) => expect(v).toBeLessThanOrEqual(0.7 * 0.01 * populations[g]! + 0.5)),
      );
      expect(sim.truth.channels[name]!.optimalFrequency).toBeGreaterThanOrEqual(1);
    }
    // organic posts: whole posts per state and week, with skipped weeks, about 60 a week in all
    const byGeo = d.channels.find((c) => c.name === "Instagram")!.exposure!;
    const posts = byGeo.flatMap((s) => Array.from(s));
    expect(posts.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    expect(posts.some((v) => v === 0)).toBe(true);
    const weeklyTotal = posts.reduce((a, b) => a + b, 0) / 60;
    expect(weeklyTotal).toBeGreaterThan(45);
    expect(weeklyTotal).toBeLessThan(65);
    expect(sim.truth.channels.Instagram!.roi).toBeUndefined();
    expect(sim.truth.channels.TikTok!.roi).toBeGreaterThan(0.3);
  });

  it("lineup: refuses unknown and repeated channels, and geo names or populations of the wrong length", () => {
    expect(() => simulateV2({ weeks: 40, lineup: { rf: ["Snapchat"] } })).toThrow(
      /no reach & frequency channel "Snapchat"/,
    );
    expect(() => simulateV2({ weeks: 40, lineup: { paid: ["Instagram"], organic: ["Instagram"] } })).toThrow(
      /"Instagram" is in the lineup twice/,
    );
    expect(() => simulateV2({ weeks: 40, lineup: {} })).toThrow(/no channel/);
    expect(() => simulateV2({ weeks: 40, geos: 2, geoNames: ["a"] })).toThrow(/1 names for 2 geos/);
    expect(() => simulateV2({ weeks: 40, geos: 2, populations: [1, -1] })).toThrow(/2 positive numbers/);
    expect(() => simulateV2({ weeks: 40, rfAudience: 0 })).toThrow(/rfAudience/);
  });
});
