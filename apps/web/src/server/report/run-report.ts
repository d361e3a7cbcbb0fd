// What a run's one-page report says, as plain data: headline ROI and cost per incremental KPI
// (CPIK) with 90% intervals, the decomposition, response curves, the recommended plan (the
// optimizer at today's budget), the health verdict with diagnostics, and plain-words sentences.
// render-html.ts and render-pdf.ts draw it; the share page and the REST API use the same data.
import { recentWeeklySpend } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import {
  runSummaryCodec,
  runDiagnosticsCodec,
  type RunDiagnostics,
  type RunSummary,
} from "@mixcast/runs/stored";
import { explainDiagnostics, type DiagnosticMessage } from "@/lib/diagnostics-text.ts";
import type { Actor } from "../actor.ts";
import { badRequest, notFound } from "../errors.ts";
import { runAnalysisFor } from "../insight/get-run-insights.ts";
import { loadRunPosterior } from "../insight/run-posterior.ts";
import { runSpecVersion } from "../insight/run-posterior-v2.ts";
import { buildRunReportV2, type RunReportV2 } from "./run-report-v2.ts";
import { computeOptimalPlan, CURRENT_PLAN_WEEKS } from "../optimizer/run-optimizer.ts";
import { planningPosteriorOfV1 } from "../optimizer/planning-posterior.ts";

export interface ReportInterval {
  mean: number;
  q05: number;
  q95: number;
}

export interface ReportWorkspace {
  name: string;
  /** data: URL of the logo an admin uploaded (PNG or JPEG), or null. */
  logo: string | null;
  currency: string | null;
}

export interface RunReport {
  kind: "run";
  workspace: ReportWorkspace;
  run: {
    id: string;
    modelName: string;
    finishedAt: string | null;
    mode: string;
    trigger: string;
    configVersion: number;
    datasetVersion: number;
    approved: boolean;
  };
  kpiName: string;
  generatedAt: string;
  period: { from: string | null; to: string | null; weeks: number };
  channels: {
    name: string;
    type: string;
    spend: number;
    contribution: ReportInterval;
    roi: ReportInterval;
    /** Spend per incremental KPI unit: spend / contribution (interval bounds swap). Null when the
     *  interval of the contribution reaches zero (the cost is unbounded). */
    cpik: ReportInterval | null;
    marginalRoi: ReportInterval;
  }[];
  decomposition: { name: string; kind: string; share: number; total: ReportInterval }[];
  curves: {
    channel: string;
    spend: number[];
    mean: number[];
    lo: number[];
    hi: number[];
    current: { spend: number; kpi: number };
  }[];
  plan:
    | {
        weeks: number;
        budget: number;
        channels: { name: string; current: number; recommended: number; marginalRoi: number | null }[];
        incrementalKpi: ReportInterval;
        currentIncrementalKpi: ReportInterval;
        upliftKpi: ReportInterval;
        probabilityBetter: number;
        roi: ReportInterval;
      }
    | { error: string };
  health: {
    verdict: "reliable" | "use with care" | "not reliable";
    converged: boolean | null;
    diagnostics: {
      rhatMax: number | null;
      essMin: number | null;
      divergences: number | null;
      ebfmiMin: number | null;
    };
    holdout: { weeks: number; mape: number | null; coverage90: number | null } | null;
    messages: DiagnosticMessage[];
  };
  /** The findings in plain words, most important first. */
  explanations: string[];
}

const iv = (i: { mean: number; q05: number; q95: number }): ReportInterval => ({
  mean: i.mean,
  q05: i.q05,
  q95: i.q95,
});

export function reportWorkspace(w: {
  name: string;
  logo: string | null;
  currency: string | null;
}): ReportWorkspace {
  return {
    name: w.name,
    logo: w.logo && /^data:image\/(png|jpeg);base64,/.test(w.logo) ? w.logo : null,
    currency: w.currency,
  };
}

/** Two significant digits for sentences: 1.8, 0.43, 12, 1,300. */
export function plain(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString("en-US");
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export const pct = (p: number) => `${Math.round(p * 100)}%`;

/** Plain-words findings: best and weakest channel, break-even, saturation, the plan, health. */
export function explainRunReport(r: Omit<RunReport, "explanations">): string[] {
  const money = r.workspace.currency ?? "currency unit";
  const out: string[] = [];
  const ranked = [...r.channels].sort((a, b) => b.roi.mean - a.roi.mean);
  const best = ranked[0];
  const worst = ranked[ranked.length - 1];
  if (best)
    out.push(
      `${best.name} returned the most: each ${money} spent brought about ${plain(best.roi.mean)} ${r.kpiName} (90% interval ${plain(best.roi.q05)} to ${plain(best.roi.q95)}).`,
    );
  if (worst && worst !== best)
    out.push(
      `${worst.name} returned the least: about ${plain(worst.roi.mean)} ${r.kpiName} per ${money} (90% interval ${plain(worst.roi.q05)} to ${plain(worst.roi.q95)}).`,
    );
  const uncertain = r.channels.filter((c) => c.roi.q05 <= 0).map((c) => c.name);
  if (uncertain.length > 0)
    out.push(
      `The data cannot rule out that ${uncertain.join(", ")} had no effect at all (the interval of its return reaches zero).`,
    );
  const saturated = r.channels.filter((c) => c.marginalRoi.mean < 0.5 * c.roi.mean).map((c) => c.name);
  if (saturated.length > 0)
    out.push(
      `${saturated.join(", ")} ${saturated.length === 1 ? "is" : "are"} near saturation: the next ${money} there returns less than half of the average.`,
    );
  const media = r.decomposition.filter((d) => d.kind === "channel" || d.kind === "synergy");
  const mediaShare = media.reduce((a, d) => a + d.share, 0);
  out.push(
    `Media explains about ${pct(mediaShare)} of ${r.kpiName}; the rest is baseline, trend, season and controls.`,
  );
  if ("error" in r.plan) out.push(`No recommended plan: ${r.plan.error}`);
  else {
    const plan = r.plan;
    // Moves smaller than 5% of an even weekly share are noise, not advice.
    const threshold = (0.05 * plan.budget) / Math.max(1, r.channels.length);
    const moves = plan.channels
      .map((c) => ({ name: c.name, delta: c.recommended - c.current }))
      .filter((m) => Math.abs(m.delta) > threshold)
      .sort((a, b) => b.delta - a.delta);
    const up = moves.filter((m) => m.delta > 0).map((m) => m.name);
    const down = moves.filter((m) => m.delta < 0).map((m) => m.name);
    out.push(
      `With the same budget over ${plan.weeks} weeks, ${up.length ? `moving money to ${up.join(", ")}` : "keeping the split"}${down.length ? ` from ${down.join(", ")}` : ""} adds about ${plain(plan.upliftKpi.mean)} ${r.kpiName} (90% interval ${plain(plan.upliftKpi.q05)} to ${plain(plan.upliftKpi.q95)}); the chance it beats the current plan is ${pct(plan.probabilityBetter)}.`,
    );
  }
  out.push(
    r.health.verdict === "reliable"
      ? "The fit passed its health checks: the numbers above can be used for decisions."
      : r.health.verdict === "use with care"
        ? "The fit has warnings (see Health): use the numbers with care."
        : "The fit failed its health checks (see Health): do not base decisions on these numbers.",
  );
  return out;
}

/** The health verdict, diagnostics and their plain-words messages of a stored run (v1 or v2). */
export function reportHealth(o: {
  mode: string;
  converged: boolean | null;
  summary: RunSummary;
  diagnostics: RunDiagnostics | null;
  /** Post-warmup draws stored. */
  draws: number;
}): RunReport["health"] {
  const { summary, diagnostics } = o;
  const messages = explainDiagnostics(
    diagnostics ? { ...diagnostics, chains: summary.settings?.chains ?? null, draws: o.draws } : null,
    { approximate: o.mode === "fast" || summary.approximate === true },
  );
  const converged = o.converged ?? diagnostics?.converged ?? null;
  const verdict: RunReport["health"]["verdict"] =
    converged === false || messages.some((m) => m.severity === "danger")
      ? "not reliable"
      : messages.some((m) => m.severity === "warning" || m.severity === "info")
        ? "use with care"
        : "reliable";
  const essMin = Math.min(diagnostics?.essBulkMin ?? Infinity, diagnostics?.essTailMin ?? Infinity);
  return {
    verdict,
    converged,
    diagnostics: {
      rhatMax: diagnostics?.rhatMax ?? null,
      essMin: Number.isFinite(essMin) ? essMin : null,
      divergences: diagnostics?.divergences ?? null,
      ebfmiMin: diagnostics?.ebfmiMin ?? null,
    },
    holdout: summary.holdout
      ? {
          weeks: summary.holdout.weeks,
          mape: summary.holdout.mape ?? null,
          coverage90: summary.holdout.coverage90 ?? null,
        }
      : null,
    messages,
  };
}

/** The run a v1 or v2 report is about, in the actor's workspace; refused unless it succeeded. */
export async function loadReportRun(db: PrismaClient, actor: Actor, runId: string) {
  const run = await db.run.findFirst({
    where: { id: runId, workspaceId: actor.workspaceId },
    select: {
      id: true,
      status: true,
      mode: true,
      trigger: true,
      finishedAt: true,
      summary: true,
      diagnostics: true,
      converged: true,
      model: { select: { name: true, approvedRunId: true } },
      configVersion: { select: { version: true } },
      datasetVersion: { select: { version: true } },
      workspace: { select: { name: true, logo: true, currency: true } },
    },
  });
  if (!run) throw notFound("That run");
  if (run.status !== "succeeded")
    throw badRequest(`A report needs a succeeded run; this one is ${run.status}.`);
  return run;
}

/** The report's run header (name, versions, approval) from the loaded run. */
export function reportRunHeader(run: Awaited<ReturnType<typeof loadReportRun>>) {
  return {
    id: run.id,
    modelName: run.model.name,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    mode: run.mode,
    trigger: run.trigger,
    configVersion: run.configVersion.version,
    datasetVersion: run.datasetVersion.version,
    approved: run.model.approvedRunId === run.id,
  };
}

export async function buildRunReport(
  db: PrismaClient,
  actor: Actor,
  runId: string,
  opts: { now?: Date } = {},
): Promise<RunReport | RunReportV2> {
  // geo / R&F / organic / units / log-link runs have their own report (run-report-v2.ts)
  if ((await runSpecVersion(db, actor, runId)) === 2) return buildRunReportV2(db, actor, runId, opts);
  const run = await loadReportRun(db, actor, runId);
  const [{ analysis }, posterior] = await Promise.all([
    runAnalysisFor(db, actor, runId),
    loadRunPosterior(db, actor, runId),
  ]);
  const summary = runSummaryCodec.decodeNullable(run.summary) ?? {};
  const diagnostics = runDiagnosticsCodec.decodeNullable(run.diagnostics) ?? summary.diagnostics ?? null;

  const channels = analysis.channels.map((c) => ({
    name: c.name,
    type: c.type,
    spend: c.spend,
    contribution: iv(c.contribution),
    roi: iv(c.roi),
    cpik:
      c.contribution.q05 > 0 && c.contribution.mean > 0
        ? {
            mean: c.spend / c.contribution.mean,
            q05: c.spend / c.contribution.q95,
            q95: c.spend / c.contribution.q05,
          }
        : null,
    marginalRoi: iv(c.marginalRoi),
  }));
  const decomposition = analysis.decomposition.totals.map((t) => ({
    name: t.name,
    kind: t.kind,
    share: t.share.mean,
    total: iv(t.total),
  }));
  const curves = analysis.responseCurves.map((c) => ({
    channel: c.channel,
    spend: c.spend,
    mean: c.kpi.mean,
    lo: c.kpi.lo,
    hi: c.kpi.hi,
    current: { spend: c.current.spend, kpi: c.current.kpi },
  }));

  let plan: RunReport["plan"];
  try {
    const weeks = CURRENT_PLAN_WEEKS;
    // Today's budget: the current weekly spend per channel, over the horizon.
    const budget =
      recentWeeklySpend(posterior.model.spec, CURRENT_PLAN_WEEKS).reduce((a, b) => a + b, 0) * weeks;
    if (!(budget > 0)) throw badRequest("there was no spend in the last 13 weeks to re-plan.");
    const result = computeOptimalPlan(planningPosteriorOfV1(posterior), {
      runId,
      weeks,
      budget,
      bounds: {},
      objective: { kind: "mean" },
    });
    plan = {
      weeks,
      budget,
      channels: result.allocation.map((a) => ({
        name: a.channel,
        current: a.currentTotal,
        recommended: a.total,
        marginalRoi: Number.isFinite(a.marginalRoi) ? a.marginalRoi : null,
      })),
      incrementalKpi: iv(result.incrementalKpi),
      currentIncrementalKpi: iv(result.current.incrementalKpi),
      upliftKpi: iv(result.uplift.kpi),
      probabilityBetter: result.uplift.probabilityBetter,
      roi: iv(result.roi),
    };
  } catch (error) {
    plan = { error: error instanceof Error ? error.message : "the optimizer failed." };
  }

  const health = reportHealth({
    mode: run.mode,
    converged: run.converged,
    summary,
    diagnostics,
    draws: posterior.draws.draws,
  });
  const dates = analysis.dates.slice(0, analysis.scoredWeeks);
  const base: Omit<RunReport, "explanations"> = {
    kind: "run",
    workspace: reportWorkspace(run.workspace),
    run: reportRunHeader(run),
    kpiName: posterior.config.kpi,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    period: { from: dates[0] ?? null, to: dates[dates.length - 1] ?? null, weeks: analysis.scoredWeeks },
    channels,
    decomposition,
    curves,
    plan,
    health,
  };
  return { ...base, explanations: explainRunReport(base) };
}
