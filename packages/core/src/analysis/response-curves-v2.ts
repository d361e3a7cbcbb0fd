/**
 * Response curves of v2 models (docs/analysis.md, "v2 models"): per channel, the incremental KPI
 * (and value, when known) over the scored weeks when the channel's input is multiplied by m in
 * every week and geo, versus m = 0, with the counterfactual definition of model-v2 section 4
 * (E[y] differences, so the log link and synergies are handled; data features stay as computed
 * from the data). Each point runs the channel through the model's own pipeline
 * (model/channel-pipeline.ts) in every geo and recombines it with the rest of the forward's mean:
 * equal to `model.forward(values, { scale })` (response-curves-v2.test.ts) at a fraction of its cost.
 */
import { ChannelPipeline } from "../model/channel-pipeline.ts";
import type { MmmModelV2 } from "../model/model-v2.ts";
import { drawRow, type PosteriorDraws } from "./model-adapter.ts";
import { columnBands, thinIndices } from "./stats.ts";

export interface ResponseCurveV2 {
  channel: string;
  role: "paid" | "rf" | "organic";
  multipliers: number[];
  /** Training spend at each multiplier (null for organic channels). */
  spend: number[] | null;
  /** Incremental KPI (original units, all geos, scored weeks) versus m = 0: mean and 90 % band. */
  incremental: { mean: number[]; lo: number[]; hi: number[] };
  /** Incremental value (money) when a value is known (revenue KPI, or units with a value). */
  value: { mean: number[]; lo: number[]; hi: number[] } | null;
  /** With `byGeo`: the same curve in each geo (its spend, its incremental KPI and value). */
  byGeo?: ResponseCurveGeoV2[];
}

export interface ResponseCurveGeoV2 {
  geo: string;
  spend: number[] | null;
  incremental: { mean: number[]; lo: number[]; hi: number[] };
  value: { mean: number[]; lo: number[]; hi: number[] } | null;
}

export interface ResponseCurvesV2Options {
  /** Draws used (evenly thinned), default 100. */
  maxDraws?: number;
  /** Input multipliers, default 0, 0.25, ..., 3. */
  multipliers?: number[];
  /** Also each geo's own curve (geo models; the national curve is their sum). */
  byGeo?: boolean;
}

export function responseCurvesV2(
  model: MmmModelV2,
  draws: PosteriorDraws,
  opts: ResponseCurvesV2Options = {},
): ResponseCurveV2[] {
  const spec = model.spec;
  const { data, G, weeks: N, trainingWeeks: T } = spec;
  const mults = opts.multipliers ?? Array.from({ length: 13 }, (_, i) => i / 4);
  const M = mults.length;
  const idx = thinIndices(draws.draws, opts.maxDraws ?? 100);
  const D = idx.length;
  const C = spec.channels.length;
  const isLog = spec.link === "log";
  const my = data.scaling.kpiPerCapitaMean;
  const units = data.kpiType === "units";
  const hasValue = !units || data.value !== undefined;
  const pipes = spec.channels.map((ch) =>
    Array.from(
      { length: G },
      (_, g) =>
        new ChannelPipeline(
          ch.stages.map((st) => ({
            stage: st.stage,
            kind: st.kind,
            params: st.params,
            constants: st.constants[g]!,
          })),
          spec.adstockLags,
          N,
        ),
    ),
  );
  const kpi = Array.from({ length: C }, () => new Float64Array(D * M));
  const val = Array.from({ length: C }, () => new Float64Array(D * M));
  const perGeo = opts.byGeo === true && G > 1;
  // [channel][geo] draws x multipliers, when asked for
  const kpiGeo = perGeo
    ? Array.from({ length: C }, () => Array.from({ length: G }, () => new Float64Array(D * M)))
    : null;
  const valGeo = perGeo
    ? Array.from({ length: C }, () => Array.from({ length: G }, () => new Float64Array(D * M)))
    : null;
  const xm = new Float64Array(N);
  const mu = new Float64Array(N);
  idx.forEach((di, i) => {
    const v = drawRow(draws, di);
    const fw = model.forward(v);
    for (let c = 0; c < C; c++) {
      const ch = spec.channels[c]!;
      const d = data.channels[ch.data]!;
      // E[y] totals per multiplier, summed over geos (KPI and value)
      const totK = new Float64Array(M);
      const totV = new Float64Array(M);
      for (let g = 0; g < G; g++) {
        const pop = data.scaling.population[g]!;
        const half = isLog ? 0.5 * fw.sigmaGeo[g]! ** 2 : 0;
        const bg = fw.betaGeo[c]![g]!;
        const pipe = pipes[c]![g]!;
        pipe.setParams(v);
        // the mean without channel c's term and its synergy terms
        const without = Float64Array.from(fw.mu[g]!);
        const term = fw.channelTerm[c]![g]!;
        for (let t = 0; t < N; t++) without[t] = without[t]! - term[t]!;
        const pairs = spec.synergies.filter((s) => s.a === c || s.b === c);
        for (const s of pairs) {
          const gam = v[s.gamma]!;
          const ra = fw.response[s.a]![g]!;
          const rb = fw.response[s.b]![g]!;
          for (let t = 0; t < N; t++) without[t] = without[t]! - gam * ra[t]! * rb[t]!;
        }
        for (let k = 0; k < M; k++) {
          const m = mults[k]!;
          let r: Float64Array;
          if (ch.role === "rf") {
            // R&F: the adstock of reach x hillF(frequency) is linear in the reach
            const r1 = fw.response[c]![g]!;
            r = xm;
            for (let t = 0; t < N; t++) r[t] = m * r1[t]!;
          } else {
            const x = d.x[g]!;
            for (let t = 0; t < N; t++) xm[t] = m * x[t]!;
            r = pipe.run(xm, x, N);
          }
          for (let t = 0; t < T; t++) {
            let u = without[t]! + bg * (ch.timeVarying ? Math.exp(fw.mediaEffectiveness[t]!) : 1) * r[t]!;
            for (const s of pairs) {
              const other = fw.response[s.a === c ? s.b : s.a]![g]!;
              u += v[s.gamma]! * r[t]! * (s.a === s.b ? r[t]! : other[t]!);
            }
            mu[t] = u;
          }
          let sk = 0;
          let sv = 0;
          for (let t = 0; t < T; t++) {
            const e = isLog ? Math.exp(mu[t]! + half) : mu[t]!;
            sk += e;
            sv += e * (data.value ? data.value[g]![t]! : 1);
          }
          totK[k] = totK[k]! + pop * my * sk;
          totV[k] = totV[k]! + pop * my * sv;
          if (kpiGeo && valGeo) {
            kpiGeo[c]![g]![i * M + k] = pop * my * sk;
            valGeo[c]![g]![i * M + k] = pop * my * sv;
          }
        }
        if (kpiGeo && valGeo) {
          const z = mults.indexOf(0);
          const kg = kpiGeo[c]![g]!;
          const vg = valGeo[c]![g]!;
          const k0 = z >= 0 ? kg[i * M + z]! : 0;
          const v0 = z >= 0 ? vg[i * M + z]! : 0;
          for (let k = 0; k < M; k++) {
            kg[i * M + k] = kg[i * M + k]! - k0;
            vg[i * M + k] = vg[i * M + k]! - v0;
          }
        }
      }
      const z = mults.indexOf(0);
      for (let k = 0; k < M; k++) {
        kpi[c]![i * M + k] = totK[k]! - (z >= 0 ? totK[z]! : 0);
        val[c]![i * M + k] = totV[k]! - (z >= 0 ? totV[z]! : 0);
      }
    }
  });
  return spec.channels.map((ch, c) => {
    const spendTotal = data.scaling.spendTotal[ch.data]!;
    return {
      channel: ch.name,
      role: ch.role,
      multipliers: mults,
      spend: ch.role === "organic" ? null : mults.map((m) => m * spendTotal),
      incremental: columnBands(kpi[c]!, D, M),
      value: hasValue ? columnBands(val[c]!, D, M) : null,
      ...(kpiGeo && valGeo
        ? {
            byGeo: data.geos.map((geo, g) => {
              const geoSpend = data.scaling.spendByGeo[ch.data]![g]!;
              return {
                geo,
                spend: ch.role === "organic" ? null : mults.map((m) => m * geoSpend),
                incremental: columnBands(kpiGeo[c]![g]!, D, M),
                value: hasValue ? columnBands(valGeo[c]![g]!, D, M) : null,
              };
            }),
          }
        : {}),
    };
  });
}
