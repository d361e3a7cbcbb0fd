// A scenario comparison as report data: per scenario the spend, expected KPI, incremental KPI and
// ROI with 90% intervals, the P(row beats column) matrix, and plain-words findings.
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { notFound } from "../errors.ts";
import { compareScenarios } from "../scenario/compare-scenarios.ts";
import { plain, pct, reportWorkspace, type ReportInterval, type ReportWorkspace } from "./run-report.ts";

export interface ComparisonReport {
  kind: "comparison";
  workspace: ReportWorkspace;
  modelName: string;
  runId: string;
  kpiName: string;
  generatedAt: string;
  horizonWeeks: number;
  draws: number;
  scenarios: {
    label: string;
    weeks: number;
    totalSpend: number;
    kpi: ReportInterval;
    incrementalKpi: ReportInterval;
    roi: ReportInterval | null;
    assumptions: string[];
  }[];
  /** matrix[i][j] = P(scenario i's KPI > scenario j's KPI); diagonal null. */
  matrix: (number | null)[][];
  best: { label: string; probabilityBeatsAll: number };
  explanations: string[];
}

const iv = (i: { mean: number; q05: number; q95: number }): ReportInterval => ({
  mean: i.mean,
  q05: i.q05,
  q95: i.q95,
});

export async function buildComparisonReport(
  db: PrismaClient,
  actor: Actor,
  input: { scenarioIds: string[]; runId?: string },
  opts: { now?: Date } = {},
): Promise<ComparisonReport> {
  const view = await compareScenarios(db, actor, input);
  const run = await db.run.findFirst({
    where: { id: view.runId, workspaceId: actor.workspaceId },
    select: {
      model: { select: { name: true } },
      configVersion: { select: { config: true } },
      workspace: { select: { name: true, logo: true, currency: true } },
    },
  });
  if (!run) throw notFound("That run");
  const kpiName = (run.configVersion.config as { kpi?: unknown } | null)?.kpi;
  const scenarios = view.items.map((item, i) => {
    const r = view.scenarios[i]!;
    return {
      label: item.label,
      weeks: item.weeks,
      totalSpend: r.totalSpend,
      kpi: iv(r.kpi),
      incrementalKpi: iv(r.incrementalKpi),
      roi: r.roi ? iv(r.roi) : null,
      assumptions: item.assumptions,
    };
  });
  const best = { label: view.best.name, probabilityBeatsAll: view.best.probabilityBeatsAll };
  const kpi = typeof kpiName === "string" ? kpiName : "KPI";
  const explanations = [
    `${best.label} is expected to bring the most ${kpi}; the chance it beats every other plan is ${pct(best.probabilityBeatsAll)}.`,
    ...scenarios.map(
      (s) =>
        `${s.label}: spend ${plain(s.totalSpend)} over ${s.weeks} weeks for about ${plain(s.incrementalKpi.mean)} ${kpi} caused by the plan (90% interval ${plain(s.incrementalKpi.q05)} to ${plain(s.incrementalKpi.q95)}).`,
    ),
    ...view.differingChoices.map((key) => {
      const label = view.items.flatMap((i) => i.choices).find((c) => c.key === key)?.label ?? key;
      const values = view.items.map(
        (i) => `${i.label}: ${i.choices.find((c) => c.key === key)?.value ?? "–"}`,
      );
      return `The plans differ in ${label} (${values.join("; ")}); each is evaluated with its own.`;
    }),
    "Each probability compares the plans on the same posterior draws, so a shared uncertainty (e.g. the baseline) cancels out.",
  ];
  return {
    kind: "comparison",
    workspace: reportWorkspace(run.workspace),
    modelName: run.model.name,
    runId: view.runId,
    kpiName: kpi,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    horizonWeeks: view.horizonWeeks,
    draws: view.draws,
    scenarios,
    matrix: view.matrix,
    best,
    explanations,
  };
}
