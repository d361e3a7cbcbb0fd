/**
 * What the platform shows of a fitted v2 model beyond the per-channel summaries of fit-v2.ts: the
 * decomposition of the expected KPI (decomposeV2, shared/docs/model-v2.md section 4) and the fit
 * (actual KPI against E[kpi] with a 90 % band), nationally (summed over geos) and per geo, over a
 * thinned set of posterior draws. Components add up to E[kpi] in every week and geo, draw by draw,
 * so their means add up too.
 */
import type { MmmModelV2 } from "../model/model-v2.ts";
import { decomposeV2 } from "./incrementality-v2.ts";
import { quantileSorted, thinIndices } from "./stats.ts";

export interface WeeklyBandV2 {
  mean: number[];
  q05: number[];
  q95: number[];
}

export interface ComponentTotalV2 {
  /** sum over the training weeks (and geos), KPI units */
  mean: number;
  q05: number;
  q95: number;
  /** mean share of the expected KPI over the training weeks */
  share: number;
}

export interface DecompositionComponentV2 {
  name: string;
  /** base: baseline / seasonality / controls (identity link) or the whole base (log link) */
  kind: "base" | "channel" | "synergy";
  role?: "paid" | "rf" | "organic";
}

export interface GeoAnalysisV2 {
  actual: number[];
  expected: WeeklyBandV2;
  /** component -> weekly posterior mean */
  decomposition: Record<string, number[]>;
  totals: Record<string, ComponentTotalV2>;
}

export interface RunAnalysisV2 extends GeoAnalysisV2 {
  version: 2;
  /** "additive": the terms of mu; "log-share": media total split in proportion to log-space terms */
  rule: "additive" | "log-share";
  dates: string[];
  trainingWeeks: number;
  geos: string[];
  kpiName: string;
  kpiType: "revenue" | "units";
  components: DecompositionComponentV2[];
  /** Per geo (geo models only). */
  byGeo?: Record<string, GeoAnalysisV2>;
  drawsUsed: number;
}

/** Posterior draws of constrained values (fit/draws-codec.ts's Draws; analysis/ does not import fit/). */
export interface DrawsV2 {
  names: string[];
  chains: number;
  perChain: number;
  values: Float64Array;
}

export interface AnalyzeV2Options {
  /** Draws used (evenly thinned), default 200. */
  maxDraws?: number;
}

/** The decomposition and fit of a v2 model over its posterior draws (constrained values). */
export function analyzeRunV2(model: MmmModelV2, draws: DrawsV2, opts: AnalyzeV2Options = {}): RunAnalysisV2 {
  const spec = model.spec;
  const { data, G, weeks: N, trainingWeeks: T } = spec;
  const dim = draws.names.length;
  if (dim !== model.dim)
    throw new Error(`draws have ${dim} parameters, the model ${model.dim}; they belong to another model`);
  const total = draws.chains * draws.perChain;
  const picks = thinIndices(total, opts.maxDraws ?? 200);
  const D = picks.length;
  if (D === 0) throw new Error("no posterior draws to analyze");

  // Actual KPI in original units from the scaled data.
  const my = data.scaling.kpiPerCapitaMean;
  const actualGeo = data.y.map((series, g) =>
    Array.from(series, (v) => v * data.scaling.population[g]! * my),
  );

  let names: string[] = [];
  let rule: RunAnalysisV2["rule"] = "additive";
  // sums[component][geo][week] of the component over draws; expected[draw][geo][week]
  let sums: Float64Array[][] = [];
  const expected = Array.from({ length: D }, () => Array.from({ length: G }, () => new Float64Array(N)));
  // totals[component][draw][geo] over training weeks; expTotal[draw][geo]
  let totals: Float64Array[][] = [];
  const expTotal = Array.from({ length: D }, () => new Float64Array(G));
  for (let d = 0; d < D; d++) {
    const flat = picks[d]!;
    const values = draws.values.subarray(flat * dim, (flat + 1) * dim);
    const dec = decomposeV2(model, values);
    if (d === 0) {
      rule = dec.rule;
      names = Object.keys(dec.components);
      sums = names.map(() => Array.from({ length: G }, () => new Float64Array(N)));
      totals = names.map(() => Array.from({ length: D }, () => new Float64Array(G)));
    }
    names.forEach((name, k) => {
      const comp = dec.components[name]!;
      for (let g = 0; g < G; g++) {
        const row = comp[g]!;
        const acc = sums[k]![g]!;
        let s = 0;
        for (let t = 0; t < N; t++) {
          acc[t]! += row[t]!;
          if (t < T) s += row[t]!;
        }
        totals[k]![d]![g] = s;
      }
    });
    for (let g = 0; g < G; g++) {
      const e = dec.expectedKpi[g]!;
      expected[d]![g]!.set(e);
      let s = 0;
      for (let t = 0; t < T; t++) s += e[t]!;
      expTotal[d]![g] = s;
    }
  }

  const channelByName = new Map(spec.channels.map((c) => [c.name, c]));
  const components: DecompositionComponentV2[] = names.map((name) => {
    const ch = channelByName.get(name);
    if (ch) return { name, kind: "channel", role: ch.role };
    return { name, kind: name === "synergy" ? "synergy" : "base" };
  });

  /** Analysis over a set of geos (one geo, or all of them summed). */
  const over = (geos: number[]): GeoAnalysisV2 => {
    const actual = Array.from({ length: N }, (_, t) => geos.reduce((s, g) => s + actualGeo[g]![t]!, 0));
    const col = new Float64Array(D);
    const band: WeeklyBandV2 = { mean: [], q05: [], q95: [] };
    for (let t = 0; t < N; t++) {
      let m = 0;
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (const g of geos) s += expected[d]![g]![t]!;
        col[d] = s;
        m += s;
      }
      col.sort();
      band.mean.push(m / D);
      band.q05.push(quantileSorted(col, 0.05));
      band.q95.push(quantileSorted(col, 0.95));
    }
    const decomposition: Record<string, number[]> = {};
    const compTotals: Record<string, ComponentTotalV2> = {};
    const expT = new Float64Array(D);
    for (let d = 0; d < D; d++) for (const g of geos) expT[d]! += expTotal[d]![g]!;
    names.forEach((name, k) => {
      decomposition[name] = Array.from(
        { length: N },
        (_, t) => geos.reduce((s, g) => s + sums[k]![g]![t]!, 0) / D,
      );
      const tot = new Float64Array(D);
      let share = 0;
      for (let d = 0; d < D; d++) {
        for (const g of geos) tot[d]! += totals[k]![d]![g]!;
        share += expT[d]! !== 0 ? tot[d]! / expT[d]! : 0;
      }
      const mean = tot.reduce((a, b) => a + b, 0) / D;
      tot.sort();
      compTotals[name] = {
        mean,
        q05: quantileSorted(tot, 0.05),
        q95: quantileSorted(tot, 0.95),
        share: share / D,
      };
    });
    return { actual, expected: band, decomposition, totals: compTotals };
  };

  const all = Array.from({ length: G }, (_, g) => g);
  const national = over(all);
  const byGeo: Record<string, GeoAnalysisV2> | undefined =
    G > 1 ? Object.fromEntries(data.geos.map((name, g) => [name, over([g])])) : undefined;
  return {
    version: 2,
    rule,
    dates: [...data.dates],
    trainingWeeks: T,
    geos: [...data.geos],
    kpiName: data.kpiName,
    kpiType: data.kpiType,
    components,
    ...national,
    ...(byGeo ? { byGeo } : {}),
    drawsUsed: D,
  };
}
