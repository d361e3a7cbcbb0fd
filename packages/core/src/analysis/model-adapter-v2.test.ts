/**
 * Planning on v2 models against the model itself. A case's data are scaled with H holdout weeks
 * (model A) and cut to the training weeks (model B, same scaling constants, same parameters). The
 * horizon response of B over H weeks, fed the holdout weeks' actual inputs as a spend plan, must
 * give the expected KPI that A's own forward computes for those weeks (holdout controls set to
 * their training mean, events off, R&F frequency at the planned level: the planning conventions).
 * This covers every v2 option (geo, knots, trend, time-varying media, log link, R&F, organic,
 * units with a value, sigma per geo, synergy) and every registered adstock and saturation kind,
 * through scenarios and the optimizer's evaluator alike. Also: a brute-force grid check of the
 * optimizer on a small v2 problem, geo splits, bounds and locks.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDatasetV2Csv } from "../data/parse-v2.ts";
import { scaleDatasetV2 } from "../data/scale-v2.ts";
import { Rng } from "../inference/rng.ts";
import type { ModelDataV2 } from "../model/data-v2.ts";
import { createModelV2, type MmmModelV2 } from "../model/model-v2.ts";
import { buildModelSpecV2 } from "../model/spec-v2.ts";
import { transformKinds } from "../transforms/registry.ts";
import { conformanceV2Configs } from "../../test/conformance-v2-cases.ts";
import { horizonResponseV2, planningRatesV2 } from "./model-adapter-v2.ts";
import { optimizeBudget, PlanEvaluator } from "./optimizer.ts";
import { evaluateScenario } from "./scenario.ts";

const dir = join(import.meta.dirname, "../../test/fixtures/conformance-v2");
const H = 6;
const FREQ = 2.5;

function scaled(name: string, holdout: number): ModelDataV2 {
  const config = conformanceV2Configs[name]!;
  const parsed = parseDatasetV2Csv(readFileSync(join(dir, `data_${name}.csv`), "utf8"), config);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("; "));
  return scaleDatasetV2(parsed.dataset, {
    holdoutWeeks: holdout,
    fourierPairs: 2,
    link: config.link ?? "identity",
  });
}

const cut = (a: Float64Array, n: number) => Float64Array.from(a.subarray(0, n));
const cutGeo = (a: Float64Array[], n: number) => a.map((x) => cut(x, n));

/** The data's first n weeks (all of them training), scaling constants kept. */
function truncate(d: ModelDataV2, n: number): ModelDataV2 {
  return {
    ...d,
    weeks: n,
    trainingWeeks: n,
    dates: d.dates.slice(0, n),
    y: cutGeo(d.y, n),
    logY: d.logY && cutGeo(d.logY, n),
    channels: d.channels.map((c) => ({
      ...c,
      x: cutGeo(c.x, n),
      frequency: c.frequency && cutGeo(c.frequency, n),
      spend: c.spend && cutGeo(c.spend, n),
    })),
    controls: d.controls.map((c) => ({ ...c, z: cutGeo(c.z, n) })),
    events: d.events.map((e) => ({ ...e, values: cutGeo(e.values, n) })),
    holidays: d.holidays && cut(d.holidays, n),
    value: d.value && cutGeo(d.value, n),
    tau: cut(d.tau, n),
    fourierSin: d.fourierSin.map((s) => cut(s, n)),
    fourierCos: d.fourierCos.map((s) => cut(s, n)),
  };
}

/** Holdout weeks under the planning conventions: controls at the geo's training mean, frequency at FREQ. */
function planningHoldout(d: ModelDataV2): ModelDataV2 {
  const T = d.trainingWeeks;
  const meanTo = (a: Float64Array) => {
    let s = 0;
    for (let t = 0; t < T; t++) s += a[t]!;
    return s / T;
  };
  for (const c of d.controls) for (const z of c.z) z.fill(meanTo(z), T);
  if (d.holidays) d.holidays.fill(meanTo(d.holidays), T);
  for (const e of d.events) for (const v of e.values) v.fill(0, T);
  for (const c of d.channels) for (const f of c.frequency ?? []) f.fill(FREQ, T);
  return d;
}

interface Variant {
  what: string;
  name: string;
  extra?: Record<string, unknown>;
}

const variants: Variant[] = [
  { what: "geo, knots, exposure channels, social + influencer", name: "geo" },
  {
    what: "national R&F, log link, time-varying media, organic, units with a value",
    name: "national_rf_log",
  },
  { what: "geo R&F, log link, sigma per geo, organic influencer, constant value", name: "geo_rf_log" },
  {
    what: "geo, trend baseline, time-varying media, synergy",
    name: "geo",
    extra: { baseline: "trend", timeVaryingMedia: true, synergies: [{ a: "Instagram", b: "Influencer" }] },
  },
  {
    what: "national log link with a synergy and an explicit knot count",
    name: "national_rf_log",
    extra: { knots: 5, synergies: [{ a: "TV", b: "TikTok" }] },
  },
  ...transformKinds("adstock").map((k) => ({
    what: `geo with adstock ${k}`,
    name: "geo",
    extra: { adstock: k },
  })),
  ...transformKinds("saturation").map((k) => ({
    what: `geo with saturation ${k}`,
    name: "geo",
    extra: { saturation: k },
  })),
];

function configOf(v: Variant) {
  const config = conformanceV2Configs[v.name]!;
  const { adstock, saturation, ...rest } = (v.extra ?? {}) as { adstock?: string; saturation?: string };
  return {
    ...config,
    ...rest,
    channels: (config.channels as unknown as Record<string, unknown>[]).map((c) => ({
      ...c,
      ...(adstock && c.role !== "organic" ? { adstock: { kind: adstock } } : {}),
      ...(saturation && c.role !== "organic" && c.reach === undefined
        ? { saturation: { kind: saturation } }
        : {}),
    })),
  } as never;
}

function randomValues(model: MmmModelV2, rng: Rng): Float64Array {
  const th = new Float64Array(model.dim);
  for (let i = 0; i < model.dim; i++) th[i] = 0.5 * rng.normal();
  return model.constrain(th);
}

describe("v2 planning horizon vs the model's own forward (every option, every transform)", () => {
  for (const v of variants) {
    it(v.what, () => {
      const config = configOf(v);
      const full = planningHoldout(scaled(v.name, H));
      const T = full.trainingWeeks;
      const A = createModelV2(buildModelSpecV2(full, config));
      const B = createModelV2(buildModelSpecV2(truncate(full, T), config));
      expect(B.spec.parameters.map((p) => p.label)).toEqual(A.spec.parameters.map((p) => p.label));
      const rng = new Rng(3);
      const D = 3;
      const rows = Array.from({ length: D }, () => randomValues(A, rng));
      const values = new Float64Array(D * A.dim);
      rows.forEach((r, d) => values.set(r, d * A.dim));
      const draws = { values, draws: D, dim: A.dim };
      const rf = Object.fromEntries(
        B.spec.channels.filter((c) => c.role === "rf").map((c) => [c.name, FREQ]),
      );
      const resp = horizonResponseV2(B, draws, H, { geoPlan: "perGeo", frequency: rf });
      expect(resp.weeks).toBe(H);
      // the holdout's actual inputs as a spend plan per line (organic: its actual exposure is fixed
      // at the plan's level, so give organic channels their holdout mean and compare with that)
      const spend: Record<string, number[]> = {};
      for (const line of resp.lines) {
        const ch = B.spec.channels[line.channel]!;
        const x = full.channels[ch.data]!.x[line.geos[0]!]!;
        spend[line.name] = Array.from({ length: H }, (_, h) => x[T + h]! / line.inputPerCurrency[0]!);
      }
      for (const m of resp.media) {
        if (!m.fixed) continue;
        const c = resp.media.indexOf(m);
        const x = full.channels[A.spec.channels[c]!.data]!.x;
        // A's holdout organic input: flat at the fixed level
        for (let g = 0; g < x.length; g++) x[g]!.fill(m.fixed[g]!, T);
      }
      const A2 = createModelV2(buildModelSpecV2(full, config));
      const ev = evaluateScenario(resp, { name: "holdout", weeks: H, spend });
      for (let d = 0; d < D; d++) {
        const fw = A2.forward(rows[d]!);
        let want = 0;
        for (let g = 0; g < A.spec.G; g++) {
          let s = 0;
          for (let h = 0; h < H; h++) s += fw.expectedY[g]![T + h]!;
          want += resp.kpiScale[g]! * s;
        }
        expect(Math.abs(ev.kpi[d]! - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
      }
      // the optimizer's evaluator on flat plans = scenarios on the same flat plans
      const flat = resp.lines.map((l) => (1.1 * H) / l.inputPerCurrency[0]!);
      const pe = new PlanEvaluator(
        resp,
        Int32Array.from({ length: D }, (_, i) => i),
      );
      pe.setAll(flat);
      const kpi = pe.kpiTotals();
      const sc = evaluateScenario(resp, {
        name: "flat",
        weeks: H,
        spend: Object.fromEntries(resp.lines.map((l, i) => [l.name, flat[i]! / H])),
      });
      for (let d = 0; d < D; d++)
        expect(Math.abs(kpi[d]! - sc.kpi[d]!)).toBeLessThanOrEqual(1e-9 * Math.abs(sc.kpi[d]!));
    });
  }
});

describe("v2 optimizer", () => {
  const name = "national_rf_log";
  const data = scaled(name, 0);
  const model = createModelV2(buildModelSpecV2(data, conformanceV2Configs[name]!));
  const vec = JSON.parse(readFileSync(join(dir, `vectors_${name}.json`), "utf8"));
  const rows: Float64Array[] = vec.points.map((p: { constrainedVector: number[] }) =>
    Float64Array.from(p.constrainedVector),
  );
  const values = new Float64Array(rows.length * model.dim);
  rows.forEach((r, d) => values.set(r, d * model.dim));
  const draws = { values, draws: rows.length, dim: model.dim };

  it("spend -> input at historical cost per unit; R&F at the chosen frequency; organic fixed", () => {
    const rates = planningRatesV2(model, { frequency: { Meta: 3 } });
    const spec = model.spec;
    const T = spec.trainingWeeks;
    rates.forEach((r, c) => {
      const ch = spec.channels[c]!;
      const d = data.channels[ch.data]!;
      if (ch.role === "organic") {
        let s = 0;
        for (let t = T - 13; t < T; t++) s += d.x[0]![t]!;
        expect(r.fixedInput![0]).toBeCloseTo(s / 13, 12);
        return;
      }
      let sx = 0;
      let ss = 0;
      for (let t = T - 13; t < T; t++) {
        sx += d.x[0]![t]! * (ch.role === "rf" ? d.frequency![0]![t]! : 1);
        ss += d.spend![0]![t]!;
      }
      const want =
        ch.name === "TV"
          ? 1 / data.scaling.mediaPerCapitaMean[ch.data]!
          : sx / ss / (ch.role === "rf" ? 3 : 1);
      expect(r.inputPerCurrency[0]! / want).toBeCloseTo(1, 12);
    });
  });

  it("matches a brute-force grid over two channels (third locked, log link, R&F, organic)", () => {
    const resp = horizonResponseV2(model, draws, 8, { frequency: { Meta: 3 } });
    expect(resp.channels).toEqual(["TV", "Meta", "TikTok"]);
    const recent = resp.lines.map((l) => {
      let s = 0;
      for (let t = l.history.length - 8; t < l.history.length; t++) s += l.history[t]!;
      return s;
    });
    const budget = recent.reduce((a, b) => a + b, 0);
    const locked = recent[2]!;
    const plan = optimizeBudget(resp, { budget, bounds: { TikTok: { locked } }, seed: 2 });
    const total = plan.allocation.reduce((a, b) => a + b.total, 0);
    expect(Math.abs(total - budget)).toBeLessThanOrEqual(1e-9 * budget);
    expect(plan.allocation[2]!.total).toBe(locked);
    expect(plan.allocation[2]!.atBound).toBe("locked");
    expect(plan.measure).toBe("value");
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const objective = (tv: number) =>
      mean(
        evaluateScenario(resp, {
          name: "grid",
          weeks: 8,
          spend: { TV: tv / 8, Meta: (budget - locked - tv) / 8, TikTok: locked / 8 },
        }).kpi,
      );
    const rest = budget - locked;
    let best = -Infinity;
    for (let i = 0; i <= 400; i++) best = Math.max(best, objective((rest * i) / 400));
    const got = objective(plan.allocation[0]!.total);
    expect(got).toBeGreaterThanOrEqual(best - 1e-9 * Math.abs(best));
    // the plan's expected KPI is the scenario evaluation of the same plan
    expect(plan.expectedKpi.mean).toBeCloseTo(got, 6);
  });

  it("geo models: national plans split by historical share; per-geo plans; bounds and a risk objective", () => {
    const geo = "geo_rf_log";
    const gd = scaled(geo, 0);
    const gm = createModelV2(buildModelSpecV2(gd, conformanceV2Configs[geo]!));
    const gv = JSON.parse(readFileSync(join(dir, `vectors_${geo}.json`), "utf8"));
    const grows: Float64Array[] = gv.points.map((p: { constrainedVector: number[] }) =>
      Float64Array.from(p.constrainedVector),
    );
    const gvals = new Float64Array(grows.length * gm.dim);
    grows.forEach((r, d) => gvals.set(r, d * gm.dim));
    const gdraws = { values: gvals, draws: grows.length, dim: gm.dim };
    const nat = horizonResponseV2(gm, gdraws, 6, { frequency: { YouTube: 2 } });
    const budget = 5e5;
    const plan = optimizeBudget(nat, {
      budget,
      bounds: { Radio: { min: 1e5, max: 4e5 } },
      objective: { kind: "quantile", q: 0.25 },
      seed: 1,
    });
    expect(plan.allocation.reduce((a, b) => a + b.total, 0)).toBeCloseTo(budget, 6);
    const radio = plan.allocation.find((a) => a.channel === "Radio")!;
    expect(radio.total).toBeGreaterThanOrEqual(1e5 - 1e-6);
    expect(radio.total).toBeLessThanOrEqual(4e5 + 1e-6);
    // the geo split is the last 13 training weeks' spend share
    const T = gm.spec.trainingWeeks;
    const spend = gd.channels.find((c) => c.name === "Radio")!.spend!;
    const geoSpend = spend.map((s) => s.subarray(T - 13, T).reduce((a, b) => a + b, 0));
    const tot = geoSpend.reduce((a, b) => a + b, 0);
    gd.geos.forEach((g, i) => expect(radio.byGeo![g]! / radio.total).toBeCloseTo(geoSpend[i]! / tot, 12));
    const perGeo = horizonResponseV2(gm, gdraws, 6, { frequency: { YouTube: 2 }, geoPlan: "perGeo" });
    expect(perGeo.channels.length).toBe(2 * gd.geos.length);
    expect(perGeo.channels[0]).toBe(`YouTube@${gd.geos[0]}`);
    const p2 = optimizeBudget(perGeo, { budget, seed: 1 });
    expect(p2.allocation.reduce((a, b) => a + b.total, 0)).toBeCloseTo(budget, 6);
    // a per-geo plan can do at least as well as the national split (its feasible set contains it)
    expect(p2.expectedKpi.mean).toBeGreaterThanOrEqual(
      optimizeBudget(nat, { budget, seed: 1 }).expectedKpi.mean * (1 - 1e-6),
    );
  });
});
