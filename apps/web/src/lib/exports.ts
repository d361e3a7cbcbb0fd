// CSV tables of the result views (optimizer, scenario comparison, run comparison, campaign
// scenarios): the rows exactly as the pages show them, with plain column names and numbers left
// unformatted (full precision). Pure functions; the pages hand them to downloadCsv.
import type { CsvCell, CsvTable } from "@mixcast/ui/charts";

export interface Interval {
  mean: number;
  q05: number;
  q95: number;
}

const iv = (v: Interval | null | undefined): CsvCell[] => (v ? [v.mean, v.q05, v.q95] : [null, null, null]);
const ivColumns = (name: string) => [`${name} mean`, `${name} q05`, `${name} q95`];
const weekColumns = (weeks: number) => Array.from({ length: weeks }, (_, w) => `week ${w + 1}`);

/** The optimizer's result as the page shows it (trpc optimizer.run). */
export interface OptimalPlanLike {
  weeks: number;
  allocation: {
    channel: string;
    total: number;
    weekly: number[];
    share: number;
    atBound: string | null;
    currentTotal: number;
    contribution: Interval;
    roi: Interval;
    marginalRoi: number;
  }[];
  roi: Interval;
  uplift: { kpi: Interval; relative: Interval; probabilityBetter: number };
}

/**
 * One row per channel of the optimal plan: totals, change, the weekly amounts (week 1..N of the
 * horizon), contribution and ROI with 90% intervals; the plan-level uplift and ROI shown in the
 * result summary repeat on every row as "plan ..." columns, so the file keeps one header row.
 */
export function optimalPlanCsv(plan: OptimalPlanLike): CsvTable {
  const plain = [
    plan.uplift.kpi.mean,
    plan.uplift.kpi.q05,
    plan.uplift.kpi.q95,
    plan.uplift.relative.mean,
    plan.uplift.probabilityBetter,
    ...iv(plan.roi),
  ];
  return {
    columns: [
      "channel",
      "current total spend",
      "optimal total spend",
      "change",
      "share",
      ...weekColumns(plan.weeks),
      ...ivColumns("contribution"),
      ...ivColumns("roi"),
      "marginal roi",
      "constraint",
      ...ivColumns("plan uplift"),
      "plan relative uplift mean",
      "plan probability better than current",
      ...ivColumns("plan roi"),
    ],
    rows: plan.allocation.map((a) => [
      a.channel,
      a.currentTotal,
      a.total,
      a.total - a.currentTotal,
      a.share,
      ...Array.from({ length: plan.weeks }, (_, w) => a.weekly[w] ?? null),
      ...iv(a.contribution),
      ...iv(a.roi),
      a.marginalRoi,
      a.atBound ?? "",
      ...plain,
    ]),
  };
}

/** A goal's result as the optimizer page shows it (trpc optimizer.goal). */
export interface GoalPlanLike {
  goal: { kind: string };
  feasible: boolean;
  totalSpend: number;
  weeks: number;
  channels: {
    channel: string;
    total: number;
    currentTotal: number;
    weekly: number[];
    share: number;
    atBound: string | null;
    contribution: Interval;
    roi: Interval;
    marginalRoi: number;
  }[];
  kpi: { weeks: number; expected: Interval; incremental: Interval; roi: Interval };
  probabilityBeatsCurrent: number | null;
  probabilityOfTarget: number | null;
  flighting: { tailWeeks: number; probabilityBeatsFlat: number } | null;
}

/**
 * One row per channel of a goal's plan: totals, the spend of every plan week (flighted or flat),
 * contribution, ROI and marginal ROI at the optimum; the plan-level figures (goal, feasibility,
 * KPI and ROI with 90% intervals, the weeks they count, P(beats the current plan)) repeat on every
 * row as "plan ..." columns.
 */
export function goalPlanCsv(r: GoalPlanLike): CsvTable {
  const plain: CsvCell[] = [
    r.goal.kind,
    r.feasible,
    r.totalSpend,
    r.kpi.weeks,
    ...iv(r.kpi.expected),
    ...iv(r.kpi.incremental),
    ...iv(r.kpi.roi),
    r.probabilityBeatsCurrent,
    r.probabilityOfTarget,
    r.flighting?.probabilityBeatsFlat ?? null,
  ];
  return {
    columns: [
      "channel",
      "current total spend",
      "plan total spend",
      "share",
      ...weekColumns(r.weeks),
      ...ivColumns("contribution"),
      ...ivColumns("roi"),
      "marginal roi at optimum",
      "constraint",
      "plan goal",
      "plan feasible",
      "plan total spend (all channels)",
      "plan kpi weeks",
      ...ivColumns("plan kpi"),
      ...ivColumns("plan incremental kpi"),
      ...ivColumns("plan roi"),
      "plan probability beats current",
      "plan probability of target",
      "plan probability beats flat",
    ],
    rows: r.channels.map((a) => [
      a.channel,
      a.currentTotal,
      a.total,
      a.share,
      ...Array.from({ length: r.weeks }, (_, w) => a.weekly[w] ?? null),
      ...iv(a.contribution),
      ...iv(a.roi),
      a.marginalRoi,
      a.atBound ?? "",
      ...plain,
    ]),
  };
}

/** The scenario comparison (trpc scenario.compare). */
export interface ScenarioComparisonLike {
  scenarios: {
    name: string;
    totalSpend: number;
    kpi: Interval;
    incrementalKpi: Interval;
    roi: Interval | null;
  }[];
  items: { label: string; assumptions: string[] }[];
  matrix: (number | null)[][];
}

/** One row per scenario, as in the "Side by side" table. */
export function scenarioComparisonCsv(d: ScenarioComparisonLike): CsvTable {
  return {
    columns: [
      "scenario",
      "total spend",
      ...ivColumns("kpi"),
      ...ivColumns("incremental kpi"),
      ...ivColumns("roi"),
      "assumptions",
    ],
    rows: d.scenarios.map((s, i) => [
      s.name,
      s.totalSpend,
      ...iv(s.kpi),
      ...iv(s.incrementalKpi),
      ...iv(s.roi),
      (d.items[i]?.assumptions ?? []).join("; "),
    ]),
  };
}

/** P(row scenario beats column scenario): rows = scenario A, columns = scenario B; the diagonal is empty. */
export function winProbabilitiesCsv(d: Pick<ScenarioComparisonLike, "items" | "matrix">): CsvTable {
  const labels = d.items.map((i) => i.label);
  return {
    columns: ["scenario A (row beats column)", ...labels],
    rows: labels.map((l, i) => [l, ...labels.map((_, j) => (i === j ? null : (d.matrix[i]?.[j] ?? null)))]),
  };
}

/** The run comparison (trpc comparison.runs). */
export interface RunComparisonLike {
  a: RunSideLike;
  b: RunSideLike;
  configChanges: { path: string; a: unknown; b: unknown }[];
}
interface RunSideLike {
  holdout: {
    mape: number | null;
    r2: number | null;
    nrmse?: number | null;
    coverage90?: number | null;
  } | null;
  loo: { elpd: number | null } | null;
}

export type Better = "lower" | "higher" | "closer to 90%";
export interface AccuracyRow {
  metric: string;
  better: Better;
  a: number | null;
  b: number | null;
  /** "A", "B", "tie", or null where a run lacks the metric. */
  winner: "A" | "B" | "tie" | null;
}

function winner(a: number | null, b: number | null, better: Better): AccuracyRow["winner"] {
  if (a === null || b === null) return null;
  const [x, y] =
    better === "closer to 90%"
      ? [-Math.abs(a - 0.9), -Math.abs(b - 0.9)]
      : better === "lower"
        ? [-a, -b]
        : [a, b];
  return x > y ? "A" : x < y ? "B" : "tie";
}

/** The accuracy table's rows (raw values; MAPE and coverage as fractions). */
export function runAccuracyRows(d: RunComparisonLike): AccuracyRow[] {
  const rows: [string, number | null | undefined, number | null | undefined, Better][] = [
    ["Holdout MAPE", d.a.holdout?.mape, d.b.holdout?.mape, "lower"],
    ["Holdout R²", d.a.holdout?.r2, d.b.holdout?.r2, "higher"],
    ["Holdout NRMSE", d.a.holdout?.nrmse, d.b.holdout?.nrmse, "lower"],
    ["Holdout 90% coverage", d.a.holdout?.coverage90, d.b.holdout?.coverage90, "closer to 90%"],
    ["PSIS-LOO elpd", d.a.loo?.elpd, d.b.loo?.elpd, "higher"],
  ];
  return rows.map(([metric, a, b, better]) => ({
    metric,
    better,
    a: a ?? null,
    b: b ?? null,
    winner: winner(a ?? null, b ?? null, better),
  }));
}

/** One row per metric, the two runs as columns (as on the page). */
export function runAccuracyCsv(d: RunComparisonLike, labels: readonly [string, string]): CsvTable {
  return {
    columns: ["metric", "better", labels[0], labels[1], "winner"],
    rows: runAccuracyRows(d).map((r) => [r.metric, r.better, r.a, r.b, r.winner ?? ""]),
  };
}

const configValue = (v: unknown): CsvCell =>
  v === null || v === undefined ? null : typeof v === "object" ? JSON.stringify(v) : (v as CsvCell);

/** Every config setting that differs: one row per setting, the two runs as columns. */
export function configChangesCsv(
  d: Pick<RunComparisonLike, "configChanges">,
  labels: readonly [string, string],
): CsvTable {
  return {
    columns: ["setting", labels[0], labels[1]],
    rows: d.configChanges.map((c) => [c.path, configValue(c.a), configValue(c.b)]),
  };
}

/** A scenario's weekly plan: rows = channels, columns = week 1..N and the channel's total. */
export function scenarioPlanCsv(plan: { weeks: number; spend: Record<string, number[]> }): CsvTable {
  return {
    columns: ["channel", ...weekColumns(plan.weeks), "total"],
    rows: Object.entries(plan.spend).map(([channel, weekly]) => {
      const cells = Array.from({ length: plan.weeks }, (_, w) => weekly[w] ?? null);
      return [channel, ...cells, cells.reduce<number>((s, v) => s + (v ?? 0), 0)];
    }),
  };
}

/** A scenario's evaluation (trpc scenario.evaluate result). */
export interface ScenarioResultLike {
  weeks: number;
  horizonWeeks: number;
  totalSpend: number;
  incrementalKpi: Interval;
  roi: Interval | null;
  channels: Record<string, { spend: number; contribution: Interval; roi: Interval | null }>;
  assumptions: { label: string; multiplier: number; appliedTo: string[] }[];
}

/**
 * One row per channel: spend, contribution and ROI with 90% intervals; the plan-level summary
 * (horizon, total spend, incremental KPI, ROI, assumptions) repeats as "plan ..." columns.
 */
export function scenarioResultCsv(r: ScenarioResultLike): CsvTable {
  const assumptions = r.assumptions
    .map((a) => `${a.label} (x${a.multiplier} on ${a.appliedTo.join(", ") || "no channel"})`)
    .join("; ");
  const plain = [r.weeks, r.horizonWeeks, r.totalSpend, ...iv(r.incrementalKpi), ...iv(r.roi), assumptions];
  return {
    columns: [
      "channel",
      "spend",
      ...ivColumns("contribution"),
      ...ivColumns("roi"),
      "plan weeks",
      "plan horizon weeks",
      "plan total spend",
      ...ivColumns("plan incremental kpi"),
      ...ivColumns("plan roi"),
      "plan assumptions",
    ],
    rows: Object.entries(r.channels).map(([channel, v]) => [
      channel,
      v.spend,
      ...iv(v.contribution),
      ...iv(v.roi),
      ...plain,
    ]),
  };
}
