// Every posterior draw of a succeeded run as CSV: the constrained parameters (model scale, the
// labels of docs/model.md) and, per channel, the draw's ROI and contribution over the training
// weeks in original units, so an analyst can redo any summary outside Mixcast.
import { z } from "zod";
import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { toCsv, type CsvCell } from "@mixcast/ui/csv";
import { loadRunPosterior } from "../insight/run-posterior.ts";

export const exportRunDrawsInput = z.object({ runId: z.string().min(1) });

export async function exportRunDrawsCsv(
  db: PrismaExecutor,
  actor: Actor,
  input: z.infer<typeof exportRunDrawsInput>,
): Promise<{ csv: string; rows: number }> {
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
