// What both renderers (HTML and PDF) show, section by section, built once from the report data:
// titles, tables as rows of strings, figures and sentences. The renderers only lay them out, so
// the HTML and the PDF cannot disagree on a number.
import type { ComparisonReport } from "./comparison-report.ts";
import { curvesFigure, intervalFigure, planFigure, shareBarFigure, type Figure } from "./figures.ts";
import { plain, pct, type ReportInterval, type RunReport } from "./run-report.ts";

export interface ReportTable {
  columns: string[];
  rows: string[][];
  /** Right-align these columns (numbers). */
  numeric: number[];
}

export type ReportBlock =
  | { kind: "table"; table: ReportTable }
  | { kind: "figure"; figure: Figure; title: string }
  | { kind: "paragraph"; text: string; tone?: "good" | "warning" | "danger" | "muted" }
  | { kind: "bullets"; items: string[] };

export interface ReportSection {
  title: string;
  blocks: ReportBlock[];
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  workspace: { name: string; logo: string | null };
  badge: { text: string; tone: "good" | "warning" | "danger" } | null;
  sections: ReportSection[];
  footer: string;
}

/** "1.23 (0.90–1.50)": mean and 90% interval. */
export const interval = (i: ReportInterval | null) =>
  i ? `${plain(i.mean)} (${plain(i.q05)}–${plain(i.q95)})` : "–";

const WIDTH = 523;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "–");

export function runReportDocument(r: RunReport): ReportDocument {
  const money = r.workspace.currency ?? "currency";
  const verdictTone =
    r.health.verdict === "reliable" ? "good" : r.health.verdict === "use with care" ? "warning" : "danger";
  const sections: ReportSection[] = [
    {
      title: "In plain words",
      blocks: [{ kind: "bullets", items: r.explanations }],
    },
    {
      title: `Return by channel (90% intervals; ${r.period.weeks} weeks, ${day(r.period.from)} to ${day(r.period.to)})`,
      blocks: [
        {
          kind: "table",
          table: {
            columns: [
              "Channel",
              `Spend (${money})`,
              `ROI (${r.kpiName} per ${money})`,
              `CPIK (${money} per ${r.kpiName})`,
              "Marginal ROI",
              `Contribution (${r.kpiName})`,
            ],
            numeric: [1, 2, 3, 4, 5],
            rows: r.channels.map((c) => [
              c.name,
              plain(c.spend),
              interval(c.roi),
              c.cpik ? interval(c.cpik) : "unbounded",
              interval(c.marginalRoi),
              interval(c.contribution),
            ]),
          },
        },
        {
          kind: "figure",
          title: "ROI by channel with 90% intervals (dashed: break-even 1)",
          figure: intervalFigure(
            r.channels.map((c) => ({ label: c.name, ...c.roi })),
            { width: WIDTH, reference: 1 },
          ),
        },
      ],
    },
    {
      title: `What drove ${r.kpiName} (decomposition, share of the total)`,
      blocks: [
        {
          kind: "figure",
          title: "Decomposition",
          figure: shareBarFigure(
            r.decomposition.map((d) => ({ label: d.name, share: d.share })),
            { width: WIDTH },
          ),
        },
      ],
    },
    {
      title: "Response curves (incremental KPI against spend over the period; band: 90%; dot: today)",
      blocks: [
        { kind: "figure", title: "Response curves", figure: curvesFigure(r.curves, { width: WIDTH }) },
      ],
    },
    {
      title: "Recommended plan",
      blocks:
        "error" in r.plan
          ? [{ kind: "paragraph", text: `No recommended plan: ${r.plan.error}`, tone: "muted" }]
          : [
              {
                kind: "paragraph",
                text: `Same budget (${plain(r.plan.budget)} ${money} over ${r.plan.weeks} weeks), split to maximize expected ${r.kpiName}: ${interval(r.plan.incrementalKpi)} ${r.kpiName} caused by media against ${interval(r.plan.currentIncrementalKpi)} for the current split; uplift ${interval(r.plan.upliftKpi)}, P(beats the current plan) ${pct(r.plan.probabilityBetter)}.`,
              },
              {
                kind: "figure",
                title: "Current (grey) and recommended (blue) spend per channel",
                figure: planFigure(
                  r.plan.channels.map((c) => ({
                    label: c.name,
                    current: c.current,
                    recommended: c.recommended,
                  })),
                  { width: WIDTH },
                ),
              },
            ],
    },
    {
      title: `Health: ${r.health.verdict}`,
      blocks: [
        {
          kind: "paragraph",
          tone: verdictTone,
          text: [
            `Converged: ${r.health.converged === null ? "unknown" : r.health.converged ? "yes" : "no"}`,
            `R-hat max ${r.health.diagnostics.rhatMax === null ? "–" : r.health.diagnostics.rhatMax.toFixed(3)}`,
            `ESS min ${r.health.diagnostics.essMin === null ? "–" : Math.round(r.health.diagnostics.essMin)}`,
            `divergences ${r.health.diagnostics.divergences ?? "–"}`,
            `E-BFMI min ${r.health.diagnostics.ebfmiMin === null ? "–" : r.health.diagnostics.ebfmiMin.toFixed(2)}`,
            r.health.holdout
              ? `holdout ${r.health.holdout.weeks} weeks: MAPE ${r.health.holdout.mape === null ? "–" : pct(r.health.holdout.mape)}, 90% coverage ${r.health.holdout.coverage90 === null ? "–" : pct(r.health.holdout.coverage90)}`
              : "no holdout",
          ].join(" · "),
        },
        ...(r.health.messages.length
          ? [{ kind: "bullets" as const, items: r.health.messages.map((m) => `${m.title}. ${m.detail}`) }]
          : []),
      ],
    },
  ];
  return {
    title: `${r.run.modelName}: run report`,
    subtitle: `Run ${r.run.id} · finished ${day(r.run.finishedAt)} · ${r.run.mode} fit · config v${r.run.configVersion}, data v${r.run.datasetVersion}${r.run.approved ? " · approved run" : ""}`,
    workspace: { name: r.workspace.name, logo: r.workspace.logo },
    badge: { text: r.health.verdict, tone: verdictTone },
    sections,
    footer: `Generated ${r.generatedAt.slice(0, 16).replace("T", " ")} UTC by Mixcast. Intervals are 90% posterior intervals.`,
  };
}

export function comparisonReportDocument(r: ComparisonReport): ReportDocument {
  const money = r.workspace.currency ?? "currency";
  const labels = r.scenarios.map((s) => s.label);
  return {
    title: `${r.modelName}: scenario comparison`,
    subtitle: `${r.scenarios.length} plans · evaluated on run ${r.runId} · horizon ${r.horizonWeeks} weeks incl. carry-over · ${r.draws} draws`,
    workspace: { name: r.workspace.name, logo: r.workspace.logo },
    badge: null,
    sections: [
      { title: "In plain words", blocks: [{ kind: "bullets", items: r.explanations }] },
      {
        title: "Plans (90% intervals)",
        blocks: [
          {
            kind: "table",
            table: {
              columns: [
                "Plan",
                "Weeks",
                `Spend (${money})`,
                `Expected ${r.kpiName}`,
                `${r.kpiName} from the plan`,
                "ROI",
              ],
              numeric: [1, 2, 3, 4, 5],
              rows: r.scenarios.map((s) => [
                s.label,
                String(s.weeks),
                plain(s.totalSpend),
                interval(s.kpi),
                interval(s.incrementalKpi),
                interval(s.roi),
              ]),
            },
          },
          {
            kind: "figure",
            title: `Expected ${r.kpiName} per plan`,
            figure: intervalFigure(
              r.scenarios.map((s) => ({ label: s.label, ...s.kpi })),
              { width: WIDTH },
            ),
          },
        ],
      },
      {
        title: "P(row beats column)",
        blocks: [
          {
            kind: "table",
            table: {
              columns: ["", ...labels],
              numeric: labels.map((_, i) => i + 1),
              rows: r.matrix.map((row, i) => [labels[i]!, ...row.map((p) => (p === null ? "–" : pct(p)))]),
            },
          },
        ],
      },
    ],
    footer: `Generated ${r.generatedAt.slice(0, 16).replace("T", " ")} UTC by Mixcast. Intervals are 90% posterior intervals.`,
  };
}
