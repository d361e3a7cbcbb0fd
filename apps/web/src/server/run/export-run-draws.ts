// Every posterior draw of a succeeded run as CSV: the constrained parameters (model scale, the
// labels of docs/model.md) and, per channel, the draw's ROI and contribution over the training
// weeks in original units, so an analyst can redo any summary outside Mixcast.
import { z } from "zod";
import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { toCsv, type CsvCell } from "@mixcast/ui/csv";
import { incrementalityAt } from "@mixcast/core";
import { loadRunPosterior } from "../insight/run-posterior.ts";
import { loadRunPosteriorV2, runSpecVersion } from "../insight/run-posterior-v2.ts";

export const exportRunDrawsInput = z.object({ runId: z.string().min(1) });

export async function exportRunDrawsCsv(
  db: PrismaExecutor,
  actor: Actor,
  input: z.infer<typeof exportRunDrawsInput>,
): Promise<{ csv: string; rows: number }> {
  if ((await runSpecVersion(db, actor, input.runId)) === 2) return exportRunDrawsCsvV2(db, actor, input);
  const p = await loadRunPosterior(db, actor, input.runId);
  const { model, draws, names, chains } = p;
  const spec = model.spec;
  const perChain = draws.draws / chains;
  const channels = spec.channels.map((c) => c.name);
  const header = [
    "chain",
    "draw",
    ...names,
    ...channels.map((c) => `roi[${c}]`),
    ...channels.map((c) => `contribution[${c}]`),
  ];
  const rows: CsvCell[][] = [];
  const mu = new Float64Array(spec.weeks);
  const sums = new Float64Array(channels.length);
  const logLik = new Float64Array(spec.trainingWeeks);
  const kpiMean = spec.scaling.kpiMean;
  for (let s = 0; s < draws.draws; s++) {
    const values = draws.values.subarray(s * draws.dim, (s + 1) * draws.dim);
    model.drawQuantities(values, mu, sums, logLik);
    const cells: CsvCell[] = [Math.floor(s / perChain) + 1, (s % perChain) + 1];
    for (let j = 0; j < draws.dim; j++) cells.push(values[j]);
    for (let c = 0; c < channels.length; c++) cells.push((kpiMean * sums[c]!) / spec.scaling.spendTotal[c]!);
    for (let c = 0; c < channels.length; c++) cells.push(kpiMean * sums[c]!);
    rows.push(cells);
  }
  return { csv: toCsv(header, rows), rows: draws.draws };
}

/**
 * A v2 run's draws: the constrained parameters and, per draw, the counterfactual quantities of
 * shared/docs/model-v2.md section 4 from core's incrementalityAt (training weeks, original units):
 * per channel incremental KPI, share, ROI (paid, value known), CPIK (paid, units KPI), optimal
 * frequency (R&F, the run summary's grid of 200), marginal ROI (paid: the return of a 1 % larger
 * input, as the run summary's; units KPI without a value: the marginal cost per incremental unit,
 * marginal_cpik); per geo incremental, ROI and CPIK (geo models); media effectiveness f_t per week
 * (time-varying media).
 */
export async function exportRunDrawsCsvV2(
  db: PrismaExecutor,
  actor: Actor,
  input: z.infer<typeof exportRunDrawsInput>,
): Promise<{ csv: string; rows: number }> {
  const { model, draws, names, chains } = await loadRunPosteriorV2(db, actor, input.runId);
  const spec = model.spec;
  const { data, G } = spec;
  const perChain = draws.draws / chains;
  const units = data.kpiType === "units";
  const hasValue = !units || data.value !== undefined;
  const channels = spec.channels;
  const paid = channels.filter((c) => c.role !== "organic");
  const rf = channels.flatMap((c, i) => (c.role === "rf" ? [i] : []));
  const geoCols = G > 1;
  const tv = spec.config.timeVaryingMedia;
  const header = [
    "chain",
    "draw",
    ...names,
    ...channels.map((c) => `incremental[${c.name}]`),
    ...channels.map((c) => `share[${c.name}]`),
    ...(hasValue ? paid.map((c) => `roi[${c.name}]`) : []),
    ...(units ? paid.map((c) => `cpik[${c.name}]`) : []),
    ...rf.map((i) => `optimal_frequency[${channels[i]!.name}]`),
    ...paid.map((c) => `${hasValue ? "marginal_roi" : "marginal_cpik"}[${c.name}]`),
    ...(geoCols
      ? data.geos.flatMap((geo) => [
          ...channels.map((c) => `incremental[${c.name}@${geo}]`),
          ...(hasValue ? paid.map((c) => `roi[${c.name}@${geo}]`) : []),
          ...(units ? paid.map((c) => `cpik[${c.name}@${geo}]`) : []),
        ])
      : []),
    ...(tv ? data.dates.map((d) => `media_effectiveness[${d}]`) : []),
  ];
  const paidIdx = channels.flatMap((c, i) => (c.role !== "organic" ? [i] : []));
  const rows: CsvCell[][] = [];
  for (let s = 0; s < draws.draws; s++) {
    const values = draws.values.subarray(s * draws.dim, (s + 1) * draws.dim);
    // full: marginal ROI and the optimal frequency (grid of 200) per paid / R&F channel
    const r = incrementalityAt(model, values, { frequencyGrid: 200 });
    const cells: CsvCell[] = [Math.floor(s / perChain) + 1, (s % perChain) + 1];
    for (let j = 0; j < draws.dim; j++) cells.push(values[j]);
    channels.forEach((_, c) => cells.push(r.incremental[c]));
    channels.forEach((_, c) => cells.push(r.incrementalShare[c]));
    if (hasValue) for (const c of paidIdx) cells.push(r.roi[c]);
    if (units) for (const c of paidIdx) cells.push(r.cpik[c]);
    for (const c of rf) cells.push(r.optimalFrequency[c]);
    for (const c of paidIdx) cells.push(r.marginalRoi[c]);
    if (geoCols)
      for (let g = 0; g < G; g++) {
        channels.forEach((_, c) => cells.push(r.incrementalByGeo[c]![g]));
        if (hasValue) for (const c of paidIdx) cells.push(r.roiByGeo[c]![g]);
        if (units) for (const c of paidIdx) cells.push(r.cpikByGeo[c]![g]);
      }
    if (tv) for (let t = 0; t < spec.weeks; t++) cells.push(r.mediaEffectiveness[t]);
    rows.push(cells);
  }
  return { csv: toCsv(header, rows), rows: draws.draws };
}
