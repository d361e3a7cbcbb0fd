// What both renderers (HTML and PDF) show, section by section, built once from the report data:
// titles, tables as rows of strings, figures and sentences. The renderers only lay them out, so
// the HTML and the PDF cannot disagree on a number.
import type { ComparisonReport } from "./comparison-report.ts";
import { curvesFigure, intervalFigure, planFigure, shareBarFigure, type Figure } from "./figures.ts";
import { plain, pct, type ReportInterval, type RunReport } from "./run-report.ts";
import type { RunReportV2 } from "./run-report-v2.ts";

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
    healthSection(r.health),
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

/** The health section, the same for v1 and v2 runs. */
function healthSection(h: RunReport["health"]): ReportSection {
  const tone = h.verdict === "reliable" ? "good" : h.verdict === "use with care" ? "warning" : "danger";
  return {
    title: `Health: ${h.verdict}`,
    blocks: [
      {
        kind: "paragraph",
        tone,
        text: [
          `Converged: ${h.converged === null ? "unknown" : h.converged ? "yes" : "no"}`,
          `R-hat max ${h.diagnostics.rhatMax === null ? "–" : h.diagnostics.rhatMax.toFixed(3)}`,
          `ESS min ${h.diagnostics.essMin === null ? "–" : Math.round(h.diagnostics.essMin)}`,
          `divergences ${h.diagnostics.divergences ?? "–"}`,
          `E-BFMI min ${h.diagnostics.ebfmiMin === null ? "–" : h.diagnostics.ebfmiMin.toFixed(2)}`,
          h.holdout
            ? `holdout ${h.holdout.weeks} weeks: MAPE ${h.holdout.mape === null ? "–" : pct(h.holdout.mape)}, 90% coverage ${h.holdout.coverage90 === null ? "–" : pct(h.holdout.coverage90)}`
            : "no holdout",
        ].join(" · "),
      },
      ...(h.messages.length
        ? [{ kind: "bullets" as const, items: h.messages.map((m) => `${m.title}. ${m.detail}`) }]
        : []),
    ],
  };
}

const ROLE_WORDS = { paid: "paid", rf: "reach & frequency", organic: "organic" } as const;

/** The report of a v2 run (geo, R&F, organic, units KPI, log link): units named in every column. */
export function runReportV2Document(r: RunReportV2): ReportDocument {
  const { labels, money } = r.kpi;
  const units = r.kpi.type === "units";
  const tone =
    r.health.verdict === "reliable" ? "good" : r.health.verdict === "use with care" ? "warning" : "danger";
  const paid = r.channels.filter((c) => c.role !== "organic");
  const organic = r.channels.filter((c) => c.role === "organic");
  const rf = r.channels.filter((c) => c.optimalFrequency);
  const showRoi = !units || r.kpi.valueKnown;
  const returnColumns = [
    ...(showRoi ? [labels.roi] : []),
    ...(units ? [labels.unitsPerMoney, `CPIK (${labels.cpik})`] : []),
  ];
  const returnCells = (c: {
    roi: ReportInterval | null;
    unitsPerMoney: ReportInterval | null;
    cpik: ReportInterval | null;
  }) => [
    ...(showRoi ? [interval(c.roi)] : []),
    ...(units ? [interval(c.unitsPerMoney), c.cpik ? interval(c.cpik) : "unbounded"] : []),
  ];
  const headline = (c: RunReportV2["channels"][number]) => (showRoi ? c.roi : c.unitsPerMoney);
  const figureRows = paid.flatMap((c) => {
    const h = headline(c);
    return h ? [{ label: c.name, ...h }] : [];
  });
  const sections: ReportSection[] = [
    { title: "In plain words", blocks: [{ kind: "bullets", items: r.explanations }] },
    {
      title: `National return by channel${r.model.geos > 1 ? ` (all ${r.model.geos} geos)` : ""} (90% intervals; ${r.period.weeks} weeks, ${day(r.period.from)} to ${day(r.period.to)})`,
      blocks: [
        {
          kind: "table",
          table: {
            columns: [
              "Channel",
              "Role",
              `Spend (${money})`,
              ...returnColumns,
              "Marginal ROI",
              `Contribution (${labels.incremental})`,
            ],
            numeric: Array.from({ length: 3 + returnColumns.length }, (_, i) => i + 2),
            rows: paid.map((c) => [
              c.name,
              ROLE_WORDS[c.role],
              plain(c.spend),
              ...returnCells(c),
              interval(c.marginalRoi),
              interval(c.incremental),
            ]),
          },
        },
        ...(figureRows.length
          ? [
              {
                kind: "figure" as const,
                title: `${showRoi ? "ROI" : labels.unitsPerMoney} by channel with 90% intervals${showRoi ? " (dashed: break-even 1)" : ""}`,
                figure: intervalFigure(figureRows, { width: WIDTH, ...(showRoi ? { reference: 1 } : {}) }),
              },
            ]
          : []),
      ],
    },
  ];
  if (rf.length)
    sections.push({
      title: "Reach & frequency: optimal frequency (exposures per person per week, 90% interval)",
      blocks: [
        {
          kind: "table",
          table: {
            columns: ["Channel", "Optimal frequency", showRoi ? labels.roi : labels.unitsPerMoney],
            numeric: [1, 2],
            rows: rf.map((c) => [c.name, interval(c.optimalFrequency), interval(headline(c))]),
          },
        },
      ],
    });
  if (organic.length)
    sections.push({
      title: "Organic channels (no spend, so no ROI)",
      blocks: [
        {
          kind: "table",
          table: {
            columns: ["Channel", `Contribution (${labels.incremental})`, `Share of ${r.kpiName}`],
            numeric: [1, 2],
            rows: organic.map((c) => [
              c.name,
              interval(c.incremental),
              c.share ? `${pct(c.share.mean)} (${pct(c.share.q05)}–${pct(c.share.q95)})` : "–",
            ]),
          },
        },
      ],
    });
  if (r.geoTable.length)
    sections.push({
      title: `By geo: the ${r.geosShown} largest of ${r.model.geos} geos by spend (90% intervals)`,
      blocks: [
        {
          kind: "table",
          table: {
            columns: [
              "Geo",
              "Channel",
              `Spend (${money})`,
              ...returnColumns,
              `Contribution (${labels.incremental})`,
            ],
            numeric: Array.from({ length: 2 + returnColumns.length }, (_, i) => i + 2),
            rows: r.geoTable.map((g) => [
              g.geo,
              g.channel,
              plain(g.spend),
              ...returnCells(g),
              interval(g.incremental),
            ]),
          },
        },
      ],
    });
  sections.push(
    {
      title: `What drove ${r.kpiName} (decomposition, share of the total)`,
      blocks: [
        { kind: "paragraph", text: r.model.ruleText, tone: "muted" },
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
    healthSection(r.health),
  );
  return {
    title: `${r.run.modelName}: run report`,
    subtitle: `Run ${r.run.id} · finished ${day(r.run.finishedAt)} · ${r.run.mode} fit · ${r.model.geos > 1 ? `${r.model.geos} geos · ` : ""}${r.model.link === "log" ? "multiplicative (log link)" : "additive"} · config v${r.run.configVersion}, data v${r.run.datasetVersion}${r.run.approved ? " · approved run" : ""}`,
    workspace: { name: r.workspace.name, logo: r.workspace.logo },
    badge: { text: r.health.verdict, tone },
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
