// Backtests of a model (docs/analysis.md): written by the worker after each succeeded refit, one
// row per horizon (4, 8, 13 weeks); read here for the accuracy-over-time chart and its CSV.
import type { PrismaClient } from "@mixcast/db";
import type { CsvTable } from "@mixcast/ui/csv";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";

export interface BacktestPoint {
  runId: string;
  scoredRunId: string;
  horizonWeeks: number;
  firstWeek: string;
  lastWeek: string;
  weeks: number;
  mape: number | null;
  crps: number;
  coverage90: number;
  at: Date;
}

/** A model's backtests, oldest scored period first, with the coverage threshold of its alert. */
export async function listBacktests(db: PrismaClient, actor: Pick<Actor, "workspaceId">, modelId: string) {
  const model = await db.model.findFirst({
    where: { id: modelId, workspaceId: actor.workspaceId },
    select: { id: true, name: true, backtestCoverageThreshold: true },
  });
  if (!model) throw notFound("That model");
  const rows = await db.backtest.findMany({
    where: { modelId, workspaceId: actor.workspaceId },
    orderBy: [{ lastWeek: "asc" }, { horizonWeeks: "asc" }, { createdAt: "asc" }],
    take: 600,
  });
  const points: BacktestPoint[] = rows.map((r) => ({
    runId: r.runId,
    scoredRunId: r.scoredRunId,
    horizonWeeks: r.horizonWeeks,
    firstWeek: r.firstWeek,
    lastWeek: r.lastWeek,
    weeks: r.weeks,
    mape: r.mape,
    crps: r.crps,
    coverage90: r.coverage90,
    at: r.createdAt,
  }));
  return {
    modelId: model.id,
    modelName: model.name,
    coverageThreshold: model.backtestCoverageThreshold,
    points,
    chart: accuracyRows(points),
    csv: backtestCsv(points),
  };
}

/** One chart row per refit data end (lastWeek of the 4-week horizon's period, else any). */
export interface AccuracyRow {
  week: string;
  [series: string]: number | string | null;
}

/**
 * The chart's rows: per refit (its scored periods end at the refit's data end), MAPE and coverage
 * per horizon, e.g. { week, "mape4": 0.05, "coverage4": 0.75, "mape13": ... }.
 */
export function accuracyRows(
  points: Pick<BacktestPoint, "runId" | "horizonWeeks" | "lastWeek" | "mape" | "coverage90">[],
): AccuracyRow[] {
  const byRun = new Map<string, AccuracyRow>();
  for (const p of points) {
    const row = byRun.get(p.runId) ?? { week: p.lastWeek };
    if (p.lastWeek > row.week) row.week = p.lastWeek;
    row[`mape${p.horizonWeeks}`] = p.mape;
    row[`coverage${p.horizonWeeks}`] = p.coverage90;
    byRun.set(p.runId, row);
  }
  return [...byRun.values()].sort((a, b) => a.week.localeCompare(b.week));
}

export const BACKTEST_CSV_COLUMNS = [
  "refit_run_id",
  "scored_run_id",
  "horizon_weeks",
  "first_week",
  "last_week",
  "weeks",
  "mape",
  "crps",
  "coverage90",
] as const;

/** The CSV export: one row per refit and horizon, numbers unrounded. */
export function backtestCsv(points: BacktestPoint[]): CsvTable {
  return {
    columns: [...BACKTEST_CSV_COLUMNS],
    rows: points.map((p) => [
      p.runId,
      p.scoredRunId,
      p.horizonWeeks,
      p.firstWeek,
      p.lastWeek,
      p.weeks,
      p.mape,
      p.crps,
      p.coverage90,
    ]),
  };
}
