// Runs that succeeded before the worker stored a run's model spec and refresh comparison with its
// outcome get them here, once, so the web only ever reads stored views (it parses no CSV for a
// posterior and computes no ROI comparison). The sweeper calls this every tick, a few runs at a
// time, oldest first (a run's comparison reads the previous run's stored summary).
import { buildModelSpec, parseDatasetCsv } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { refreshComparisonFor, storeRunViews } from "@mixcast/runs";
import { modelConfigCodec, runSummaryCodec } from "@mixcast/runs/stored";

export interface BackfillResult {
  stored: string[];
  /** Runs whose dataset or config no longer parses: left as they are (the web says so). */
  skipped: { runId: string; reason: string }[];
}

export async function backfillRunViews(
  prisma: PrismaClient,
  options: { limit?: number; exclude?: Set<string> } = {},
): Promise<BackfillResult> {
  const result: BackfillResult = { stored: [], skipped: [] };
  const runs = await prisma.run.findMany({
    where: {
      status: "succeeded",
      AND: [{ artifacts: { some: { kind: "draws" } } }, { artifacts: { none: { kind: "spec" } } }],
      ...(options.exclude?.size ? { id: { notIn: [...options.exclude] } } : {}),
    },
    orderBy: [{ finishedAt: "asc" }, { id: "asc" }],
    take: options.limit ?? 5,
    select: {
      id: true,
      modelId: true,
      finishedAt: true,
      summary: true,
      datasetVersion: { select: { csv: true } },
      configVersion: { select: { config: true } },
    },
  });
  for (const run of runs) {
    const skip = (reason: string) => {
      result.skipped.push({ runId: run.id, reason });
      options.exclude?.add(run.id);
    };
    const config = modelConfigCodec.tryDecode(run.configVersion.config);
    if (!config) {
      skip("its model config no longer parses");
      continue;
    }
    const parsed = parseDatasetCsv(run.datasetVersion.csv, config, { holdoutWeeks: config.holdoutWeeks });
    if (!parsed.ok) {
      skip(`its dataset no longer parses: ${parsed.errors[0]?.message ?? "unknown error"}`);
      continue;
    }
    const spec = buildModelSpec(parsed.dataset, config);
    const summary = runSummaryCodec.tryDecode(run.summary) ?? {};
    const refreshComparison = await refreshComparisonFor(prisma, run, summary);
    if (await storeRunViews(prisma, run.id, { spec, refreshComparison })) result.stored.push(run.id);
  }
  return result;
}
