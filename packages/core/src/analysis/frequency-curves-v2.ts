/**
 * ROI versus frequency of reach & frequency channels (shared/docs/model-v2.md section 3; docs/analysis.md,
 * "v2 models"): per R&F channel, incremental value (units without a value) per spend when the
 * channel's frequency is f in every cell with reach, at the current reach, for f from 1 to the
 * largest observed frequency, over evenly thinned posterior draws; with the optimal frequency (the
 * argmax, draw by draw: incrementality-v2.ts's optimalFrequency on the same grid) and the frequency
 * the channel actually ran at (impressions / reach over the scored weeks).
 */
import type { MmmModelV2 } from "../model/model-v2.ts";
import { valuePerSpendByFrequency } from "./incrementality-v2.ts";
import { drawRow, type PosteriorDraws } from "./model-adapter.ts";
import { columnBands, summarize, thinIndices, type Interval } from "./stats.ts";

export interface FrequencyCurveV2 {
  channel: string;
  frequencies: number[];
  /** Value (money) per spend, or units per spend when no value is known: mean and 90 % band. */
  roi: { mean: number[]; lo: number[]; hi: number[] };
  /** "value": ROI in money per money; "units": KPI units per money (units KPI without a value). */
  per: "value" | "units";
  /** Posterior of the argmax over the grid (the draws used here). */
  optimal: Interval;
  /** Impressions / reach over the scored weeks and geos: the frequency the channel ran at. */
  observed: number;
  drawsUsed: number;
}

export interface FrequencyCurvesV2Options {
  /** Draws used (evenly thinned), default 100. */
  maxDraws?: number;
  /** Grid intervals over [1, max observed frequency], default 200 (as the run summary's). */
  grid?: number;
}

export function frequencyCurvesV2(
  model: MmmModelV2,
  draws: PosteriorDraws,
  opts: FrequencyCurvesV2Options = {},
): FrequencyCurveV2[] {
  const spec = model.spec;
  const { data, G, trainingWeeks: T } = spec;
  const grid = opts.grid ?? 200;
  const idx = thinIndices(draws.draws, opts.maxDraws ?? 100);
  const D = idx.length;
  const rf = spec.channels.flatMap((ch, c) => (ch.role === "rf" ? [c] : []));
  if (rf.length === 0 || D === 0) return [];
  const per: FrequencyCurveV2["per"] =
    data.kpiType === "units" && data.value === undefined ? "units" : "value";
  const ratios = rf.map(() => new Float64Array(D * (grid + 1)));
  const optimal = rf.map(() => new Float64Array(D));
  const freqs = rf.map(() => [] as number[]);
  idx.forEach((di, i) => {
    const v = drawRow(draws, di);
    const full = model.forward(v);
    rf.forEach((c, j) => {
      const { frequencies, ratio } = valuePerSpendByFrequency(model, v, full, c, grid);
      ratios[j]!.set(ratio, i * (grid + 1));
      let best = 1;
      let bestRatio = -Infinity;
      for (let k = 0; k <= grid; k++)
        if (ratio[k]! > bestRatio) {
          bestRatio = ratio[k]!;
          best = frequencies[k]!;
        }
      optimal[j]![i] = best;
      if (i === 0) freqs[j] = Array.from(frequencies);
    });
  });
  return rf.map((c, j) => {
    const ch = spec.channels[c]!;
    const d = data.channels[ch.data]!;
    let reach = 0;
    let imps = 0;
    for (let g = 0; g < G; g++)
      for (let t = 0; t < T; t++) {
        const r = d.x[g]![t]! * data.scaling.population[g]!;
        reach += r;
        imps += r * d.frequency![g]![t]!;
      }
    return {
      channel: ch.name,
      frequencies: freqs[j]!,
      roi: columnBands(ratios[j]!, D, grid + 1),
      per,
      optimal: summarize(optimal[j]!),
      observed: reach > 0 ? imps / reach : Number.NaN,
      drawsUsed: D,
    };
  });
}
