// Backtests (docs/analysis.md): when a refit of a model succeeds, the model's approved runs whose
// data ended 4, 8 and 13 weeks (or more) before the refit's are scored on the following 4, 8 and
// 13 weeks, which they had not seen, with the data as the refit has it (core backtestForecast:
// MAPE, CRPS, 90 % interval coverage). One Backtest row per refit and horizon; a coverage below
// the model's threshold raises a `backtest_coverage` alert.
import {
  BacktestError,
  backtestForecast,
  backtestForecastV2,
  parseDatasetCsv,
  parseDatasetV2Csv,
  type BacktestScore,
} from "@mixcast/core";
import type { Prisma, PrismaClient } from "@mixcast/db";
import { decodeStoredDraws } from "@mixcast/runs";
import { decodeStoredModelConfig, type StoredModelConfig } from "@mixcast/runs/stored";
import { raiseAlert } from "./alerts.ts";

export const BACKTEST_HORIZONS = [4, 8, 13] as const;
/** Approved runs looked at, newest approvals first. */
const MAX_CANDIDATES = 30;

export interface BacktestRow {
  horizonWeeks: number;
  scoredRunId: string;
  weeks: number;
  firstWeek: string;
  lastWeek: string;
  mape: number | null;
  crps: number;
  coverage90: number;
}

export interface BacktestOutcome {
  stored: BacktestRow[];
  skipped: { horizonWeeks: number; reason: string }[];
  alerts: string[];
}

/** The last week of `csv` read with a run's config (v1 or v2 mapping); null when it does not parse. */
function lastDate(csv: string, stored: StoredModelConfig): string | null {
  const parsed =
    stored.version === 2
      ? parseDatasetV2Csv(csv, stored.config, { holdoutWeeks: 0 })
      : parseDatasetCsv(csv, stored.config, { holdoutWeeks: 0 });
  return parsed.ok ? (parsed.dataset.dates.at(-1) ?? null) : null;
}

type Draws = ReturnType<typeof decodeStoredDraws>;

/** Scores one approved run on the refit's data (v2 models: the national KPI, summed over geos). */
function score(
  csv: string,
  stored: StoredModelConfig,
  seenThrough: string,
  draws: Draws,
  horizon: number,
  seed: number,
): BacktestScore {
  if (stored.version === 2)
    return backtestForecastV2({
      csv,
      config: stored.config,
      seenThrough,
      draws,
      horizonWeeks: horizon,
      seed,
    });
  const config = stored.config;
  const parsed = parseDatasetCsv(csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok)
    throw new BacktestError(
      `the refit's data does not fit the approved run's columns: ${parsed.errors[0]?.message ?? "?"}`,
    );
  return backtestForecast({
    dataset: parsed.dataset,
    config,
    seenThrough,
    draws,
    horizonWeeks: horizon,
    seed,
  });
}

const minusWeeks = (iso: string, weeks: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) - weeks * 7 * 86_400_000).toISOString().slice(0, 10);

/** Scores the approved runs 4, 8 and 13 weeks behind the succeeded run `runId`. */
export async function backtestRefit(prisma: PrismaClient, runId: string): Promise<BacktestOutcome> {
  const out: BacktestOutcome = { stored: [], skipped: [], alerts: [] };
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      status: true,
      seed: true,
      workspaceId: true,
      datasetVersion: { select: { csv: true } },
      configVersion: { select: { config: true } },
      model: { select: { id: true, name: true, backtestCoverageThreshold: true } },
    },
  });
  if (!run || run.status !== "succeeded") return out;
  const refitEnd = lastDate(run.datasetVersion.csv, decodeStoredModelConfig(run.configVersion.config));
  if (!refitEnd) return out;

  const approvals = await prisma.runApproval.findMany({
    where: { modelId: run.model.id, runId: { not: run.id }, run: { status: "succeeded" } },
    orderBy: { at: "desc" },
    distinct: ["runId"],
    take: MAX_CANDIDATES,
    select: {
      run: {
        select: {
          id: true,
          datasetVersion: { select: { csv: true } },
          configVersion: { select: { config: true } },
        },
      },
    },
  });
  const candidates: { runId: string; stored: StoredModelConfig; seenThrough: string }[] = [];
  for (const { run: a } of approvals) {
    try {
      const stored = decodeStoredModelConfig(a.configVersion.config);
      const seenThrough = lastDate(a.datasetVersion.csv, stored);
      if (seenThrough) candidates.push({ runId: a.id, stored, seenThrough });
    } catch {
      // An approved run whose config no longer decodes cannot be scored; the others still can.
    }
  }

  for (const horizon of BACKTEST_HORIZONS) {
    const cutoff = minusWeeks(refitEnd, horizon);
    const scored = candidates
      .filter((c) => c.seenThrough <= cutoff)
      .reduce<(typeof candidates)[number] | null>(
        (best, c) => (!best || c.seenThrough > best.seenThrough ? c : best),
        null,
      );
    if (!scored) {
      out.skipped.push({ horizonWeeks: horizon, reason: `no approved run with data ending by ${cutoff}` });
      continue;
    }
    try {
      const artifact = await prisma.runArtifact.findFirst({
        where: { runId: scored.runId, kind: "draws" },
        select: { bytes: true, encoding: true },
      });
      if (!artifact?.bytes) throw new BacktestError("the approved run has no stored draws");
      const draws = decodeStoredDraws(artifact.bytes, artifact.encoding);
      const result = score(
        run.datasetVersion.csv,
        scored.stored,
        scored.seenThrough,
        draws,
        horizon,
        run.seed,
      );
      const row: BacktestRow = {
        horizonWeeks: horizon,
        scoredRunId: scored.runId,
        weeks: result.weeks,
        firstWeek: result.firstWeek,
        lastWeek: result.lastWeek,
        mape: Number.isFinite(result.mape) ? result.mape : null,
        crps: result.crps,
        coverage90: result.coverage90,
      };
      const data = {
        ...row,
        workspaceId: run.workspaceId,
        modelId: run.model.id,
        weekly: JSON.parse(JSON.stringify(result.weekly)) as Prisma.InputJsonValue,
      };
      await prisma.backtest.upsert({
        where: { runId_horizonWeeks: { runId: run.id, horizonWeeks: horizon } },
        create: { ...data, runId: run.id },
        update: data,
      });
      out.stored.push(row);
      const threshold = run.model.backtestCoverageThreshold;
      if (row.coverage90 < threshold) {
        const id = await raiseAlert(prisma, {
          workspaceId: run.workspaceId,
          modelId: run.model.id,
          runId: run.id,
          kind: "backtest_coverage",
          title: `${run.model.name}: ${horizon}-week backtest coverage ${(row.coverage90 * 100).toFixed(0)} %`,
          message:
            `The approved run ${scored.runId} (data through ${scored.seenThrough}) had ${(row.coverage90 * 100).toFixed(0)} % of the ` +
            `${row.weeks} weeks ${row.firstWeek}..${row.lastWeek} inside its 90 % interval, below the model's ` +
            `threshold of ${(threshold * 100).toFixed(0)} %; MAPE ${row.mape === null ? "n/a" : `${(row.mape * 100).toFixed(1)} %`}. ` +
            "Its intervals are too narrow or its forecasts drift: review the model before trusting its plans.",
          details: { ...row, threshold },
          dedupeKey: `backtest_coverage:${scored.runId}:${horizon}:${row.lastWeek}`,
        });
        if (id) out.alerts.push(id);
      }
    } catch (error) {
      out.skipped.push({ horizonWeeks: horizon, reason: (error as Error).message });
    }
  }
  return out;
}
