// What the report of a v2 run (geo, reach & frequency, organic, units KPI, log link) says, as plain
// data: national ROI and cost per incremental unit (CPIK) with units named ("conversions per $",
// "$ per incremental conversion"), the per-geo table of the top geos with intervals, the optimal
// frequency of R&F channels, organic contribution and share (no ROI: organic has no spend), the
// decomposition with the rule that splits it under the log link, and the model's health. The
// numbers are the insights page's (getRunInsightsV2, from the worker's summary over all draws).
import type { PrismaClient } from "@mixcast/db";
import { runDiagnosticsCodec, runSummaryCodec } from "@mixcast/runs/stored";
import { currencySymbol, unitLabel } from "@/components/format.ts";
import { decompositionRuleText } from "@/lib/decomposition-rule.ts";
import type { Actor } from "../actor.ts";
import { getRunInsightsV2, type ChannelFiguresV2 } from "../insight/get-run-insights-v2.ts";
import {
  loadReportRun,
  reportRunHeader,
  plain,
  pct,
  reportHealth,
  reportWorkspace,
  type ReportInterval,
  type RunReport,
} from "./run-report.ts";

/** Geos in the report's per-geo table (the largest by spend); the app's geo table has them all. */
export const REPORT_TOP_GEOS = 5;

export interface RunReportV2Channel {
  name: string;
  role: "paid" | "rf" | "organic";
  spend: number;
  incremental: ReportInterval | null;
  share: ReportInterval | null;
  /** Money per money: revenue KPI, or a units KPI with a value per unit. Null for organic. */
  roi: ReportInterval | null;
  /** Units KPI: incremental units per unit of spend (the units form of ROI). */
  unitsPerMoney: ReportInterval | null;
  /** Units KPI: spend per incremental unit. */
  cpik: ReportInterval | null;
  marginalRoi: ReportInterval | null;
  /** R&F: the frequency (exposures per person per week) that maximizes ROI, with its interval. */
  optimalFrequency: ReportInterval | null;
}

export interface RunReportV2 {
  kind: "run_v2";
  workspace: RunReport["workspace"];
  run: RunReport["run"];
  kpiName: string;
  kpi: {
    type: "revenue" | "units";
    valueKnown: boolean;
    /** One unit in words ("conversion"). */
    unit: string;
    /** The currency's symbol ("$"), or "currency unit". */
    money: string;
    /** Column labels: "conversions per $", "$ per incremental conversion", ... */
    labels: { roi: string; unitsPerMoney: string; cpik: string; incremental: string };
  };
  generatedAt: string;
  period: { from: string | null; to: string | null; weeks: number };
  model: {
    link: "identity" | "log";
    rule: "additive" | "log-share";
    /** The sentence the insights page shows under the decomposition. */
    ruleText: string;
    baseline: "trend" | "knots";
    geos: number;
  };
  channels: RunReportV2Channel[];
  /** Top geos by paid spend, one row per paid / R&F channel. */
  geoTable: {
    geo: string;
    channel: string;
    spend: number;
    incremental: ReportInterval | null;
    roi: ReportInterval | null;
    unitsPerMoney: ReportInterval | null;
    cpik: ReportInterval | null;
  }[];
  geosShown: number;
  decomposition: { name: string; kind: string; share: number; total: ReportInterval }[];
  health: RunReport["health"];
  explanations: string[];
}

const perSpend = (i: ReportInterval | null, spend: number): ReportInterval | null =>
  i && spend > 0 ? { mean: i.mean / spend, q05: i.q05 / spend, q95: i.q95 / spend } : null;

export function v2ReportLabels(o: {
  kpiName: string;
  type: "revenue" | "units";
  unit: string;
  money: string;
}) {
  return {
    roi:
      o.type === "units"
        ? `ROI (value of ${o.unit}s per ${o.money} spent)`
        : `ROI (${o.kpiName} per ${o.money})`,
    unitsPerMoney: `${o.unit}s per ${o.money}`,
    cpik: `${o.money} per incremental ${o.unit}`,
    incremental: o.type === "units" ? `incremental ${o.unit}s` : `incremental ${o.kpiName}`,
  };
}

/** Plain-words findings of a v2 report, most important first. */
export function explainRunReportV2(r: Omit<RunReportV2, "explanations">): string[] {
  const out: string[] = [];
  const { labels, money, unit } = r.kpi;
  const paid = r.channels.filter((c) => c.role !== "organic");
  const value = (c: RunReportV2Channel) => c.roi ?? c.unitsPerMoney;
  const ranked = paid.filter((c) => value(c)).sort((a, b) => value(b)!.mean - value(a)!.mean);
  const best = ranked[0];
  if (best) {
    const v = value(best)!;
    out.push(
      r.kpi.type === "units"
        ? `${best.name} returned the most: ${plain(v.mean)} ${labels.unitsPerMoney} (90% interval ${plain(v.q05)} to ${plain(v.q95)})${best.cpik ? `, that is ${plain(best.cpik.mean)} ${labels.cpik}` : ""}.`
        : `${best.name} returned the most: each ${money} spent brought about ${plain(v.mean)} ${r.kpiName} (90% interval ${plain(v.q05)} to ${plain(v.q95)}).`,
    );
  }
  for (const c of r.channels.filter((x) => x.optimalFrequency))
    out.push(
      `${c.name} is a reach & frequency channel: its return per ${money} is highest at about ${plain(c.optimalFrequency!.mean)} exposures per person per week (90% interval ${plain(c.optimalFrequency!.q05)} to ${plain(c.optimalFrequency!.q95)}).`,
    );
  for (const c of r.channels.filter((x) => x.role === "organic" && x.share))
    out.push(
      `${c.name} (organic, no spend) contributed about ${pct(c.share!.mean)} of ${r.kpiName}${c.incremental ? ` (${plain(c.incremental.mean)} ${labels.incremental})` : ""}; organic channels have no ROI.`,
    );
  if (r.model.geos > 1)
    out.push(
      `The model has ${r.model.geos} geos; national figures sum all of them. The per-geo table shows the ${r.geosShown} largest by spend.`,
    );
  if (r.model.rule === "log-share")
    out.push(
      `Multiplicative model: the decomposition splits the joint media effect by the log-share rule (see "What drove ${r.kpiName}").`,
    );
  if (r.kpi.type === "units" && !r.kpi.valueKnown)
    out.push(`No value per ${unit} is known, so returns are in ${labels.unitsPerMoney}, not money.`);
  out.push(
    r.health.verdict === "reliable"
      ? "The fit passed its health checks: the numbers above can be used for decisions."
      : r.health.verdict === "use with care"
        ? "The fit has warnings (see Health): use the numbers with care."
        : "The fit failed its health checks (see Health): do not base decisions on these numbers.",
  );
  return out;
}

export async function buildRunReportV2(
  db: PrismaClient,
  actor: Actor,
  runId: string,
  opts: { now?: Date } = {},
): Promise<RunReportV2> {
  const run = await loadReportRun(db, actor, runId);
  const view = await getRunInsightsV2(db, actor, runId, { curves: false });
  const summary = runSummaryCodec.decodeNullable(run.summary) ?? {};
  const diagnostics = runDiagnosticsCodec.decodeNullable(run.diagnostics) ?? summary.diagnostics ?? null;
  const workspace = reportWorkspace(run.workspace);
  const unit = unitLabel(view.kpi.name);
  const money = workspace.currency ? currencySymbol(workspace.currency) : "currency unit";
  const labels = v2ReportLabels({ kpiName: view.kpi.name, type: view.kpi.type, unit, money });
  const units = view.kpi.type === "units";

  const channel = (c: ChannelFiguresV2): RunReportV2Channel => ({
    name: c.name,
    role: c.role,
    spend: c.spend,
    incremental: c.incremental,
    share: c.share,
    roi: c.role === "organic" || (units && !view.kpi.valueKnown) ? null : c.roi,
    unitsPerMoney: units && c.role !== "organic" ? perSpend(c.incremental, c.spend) : null,
    cpik: units && c.role !== "organic" ? c.cpik : null,
    marginalRoi: c.role === "organic" ? null : c.marginalRoi,
    optimalFrequency: c.role === "rf" ? c.optimalFrequency : null,
  });

  const spendByGeo = new Map<string, number>();
  for (const row of view.geoTable) spendByGeo.set(row.geo, (spendByGeo.get(row.geo) ?? 0) + row.spend);
  const topGeos = [...spendByGeo.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, REPORT_TOP_GEOS)
    .map(([g]) => g);
  const geoTable = topGeos.flatMap((geo) =>
    view.geoTable
      .filter((r) => r.geo === geo && r.role !== "organic")
      .map((r) => ({
        geo,
        channel: r.channel,
        spend: r.spend,
        incremental: r.incremental,
        roi: units && !view.kpi.valueKnown ? null : r.roi,
        unitsPerMoney: units ? perSpend(r.incremental, r.spend) : null,
        cpik: units ? r.cpik : null,
      })),
  );

  const a = view.analysis;
  const decomposition = a.components.map((c) => {
    const t = a.totals[c.name];
    return {
      name: c.name === "base" ? "Base (all media off)" : c.name,
      kind: c.kind,
      share: t?.share ?? 0,
      total: { mean: t?.mean ?? 0, q05: t?.q05 ?? 0, q95: t?.q95 ?? 0 },
    };
  });
  const dates = a.dates.slice(0, a.trainingWeeks);
  const base: Omit<RunReportV2, "explanations"> = {
    kind: "run_v2",
    workspace,
    run: reportRunHeader(run),
    kpiName: view.kpi.name,
    kpi: { type: view.kpi.type, valueKnown: view.kpi.valueKnown, unit, money, labels },
    generatedAt: (opts.now ?? new Date()).toISOString(),
    period: { from: dates[0] ?? null, to: dates[dates.length - 1] ?? null, weeks: a.trainingWeeks },
    model: {
      link: view.model.link,
      rule: view.model.rule,
      ruleText: decompositionRuleText(view),
      baseline: view.model.baseline,
      geos: view.model.geos.length,
    },
    channels: view.channels.map(channel),
    geoTable,
    geosShown: topGeos.length,
    decomposition,
    health: reportHealth({
      mode: run.mode,
      converged: run.converged,
      summary,
      diagnostics,
      draws: summary.settings ? summary.settings.draws * summary.settings.chains : 0,
    }),
  };
  return { ...base, explanations: explainRunReportV2(base) };
}
