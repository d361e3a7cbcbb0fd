"use client";
// The insights page of a v2 run (geo, reach & frequency, organic, units KPI, log link, knots
// baseline, time-varying media): national figures first, then geos, drivers, curves, posterior.
// Everything comes from insight.getV2 (computed once per run on the server).
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Alert, PageHeader, Tabs, buttonClasses } from "@mixcast/ui";
import {
  DecompositionChart,
  DiagnosticsTable,
  FitChart,
  ForestPlot,
  FrequencyRoiChart,
  GeoFitSmallMultiples,
  GeoTableV2,
  MediaEffectivenessChart,
  NationalFiguresV2,
  OrganicChannelsChart,
  ResponseCurvesV2Chart,
  WaterfallChart,
  type ChartStatus,
  type ComponentKindView,
  type DecompositionData,
  type DiagnosticsView,
  type V2Units,
} from "@mixcast/ui/charts";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/root.ts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { currencySymbol, formatDateTime, unitLabel } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";
import { decompositionRuleText } from "@/lib/decomposition-rule.ts";

type InsightsV2 = inferRouterOutputs<AppRouter>["insight"]["getV2"];
type AnalysisPart = Pick<InsightsV2["analysis"], "decomposition" | "totals">;

const NATIONAL = "";

function kindOf(c: InsightsV2["analysis"]["components"][number]): ComponentKindView {
  if (c.kind === "channel") return "channel";
  if (c.kind === "synergy") return "synergy";
  return c.name === "seasonality" ? "seasonality" : c.name === "controls" ? "controls" : "baseline";
}

function labelOf(c: InsightsV2["analysis"]["components"][number], d: InsightsV2): string | undefined {
  if (c.name === "base") return "Base (all media off)";
  if (c.name === "baseline" && d.model.baseline === "knots") return "Baseline (knots)";
  return undefined;
}

/** The analysis of one geo (or national) as the shared decomposition chart's data. */
export function decompositionOf(d: InsightsV2, part: AnalysisPart): DecompositionData {
  const comps = d.analysis.components;
  return {
    dates: d.analysis.dates,
    weekly: comps.map((c) => ({
      name: c.name,
      kind: kindOf(c),
      mean: part.decomposition[c.name] ?? [],
      label: labelOf(c, d),
    })),
    totals: comps.map((c) => {
      const t = part.totals[c.name];
      const mean = t?.mean ?? 0;
      return {
        name: c.name,
        kind: kindOf(c),
        label: labelOf(c, d),
        total: { mean, q05: t?.q05 ?? mean, q95: t?.q95 ?? mean },
        share: { mean: t?.share ?? 0, q05: t?.share ?? 0, q95: t?.share ?? 0 },
      };
    }),
  };
}

function GeoSelect({
  geos,
  value,
  onChange,
  label,
}: {
  geos: string[];
  value: string;
  onChange: (v: string) => void;
  label: string;
}) {
  if (geos.length <= 1) return null;
  return (
    <label className="flex items-center gap-2 text-sm text-muted">
      Geo
      <select
        className="h-8 rounded-md border border-line bg-surface px-2 text-sm text-fg"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-label={label}
      >
        <option value={NATIONAL}>All geos</option>
        {geos.map((g) => (
          <option key={g} value={g}>
            {g}
          </option>
        ))}
      </select>
    </label>
  );
}

export function RunInsightsV2({ runId }: { runId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.insight.getV2.queryOptions({ workspaceId: ws.id, runId }),
    staleTime: 5 * 60_000,
  });
  const [decompGeo, setDecompGeo] = useState(NATIONAL);
  const [curveGeo, setCurveGeo] = useState(NATIONAL);
  const d = q.data;
  const status: ChartStatus | undefined = q.isPending
    ? { state: "loading" }
    : q.error
      ? { state: "error", message: errorMessage(q.error) }
      : undefined;
  const units: V2Units = {
    currency: currencySymbol(ws.currency),
    kpi: d?.kpi.name ?? "KPI",
    unit: unitLabel(d?.kpi.name),
    kpiType: d?.kpi.type ?? "revenue",
    valueKnown: d?.kpi.valueKnown ?? true,
  };
  const chartUnits = { currency: units.currency, kpi: units.kpi };
  const base = `/w/${ws.id}/runs/${runId}`;
  const geos = d?.model.geos ?? [];
  const isGeo = geos.length > 1;
  const a = d?.analysis ?? null;
  const decompPart: AnalysisPart | null = a ? (decompGeo && a.byGeo?.[decompGeo]) || a : null;
  const decomposition = d && decompPart ? decompositionOf(d, decompPart) : null;
  const decompWhere = decompGeo || "all geos";
  const curves = d
    ? d.responseCurves.map((c) => {
        const g = curveGeo ? c.byGeo?.find((b) => b.geo === curveGeo) : undefined;
        return g
          ? {
              channel: c.channel,
              role: c.role,
              multipliers: c.multipliers,
              spend: g.spend,
              incremental: g.incremental,
            }
          : {
              channel: c.channel,
              role: c.role,
              multipliers: c.multipliers,
              spend: c.spend,
              incremental: c.incremental,
            };
      })
    : null;
  const hasOrganic = d?.channels.some((c) => c.role === "organic") ?? false;
  const hasRf = d?.channels.some((c) => c.role === "rf") ?? false;

  const tabs = [
    {
      key: "returns",
      label: "Returns",
      content: (
        <div className="flex flex-col gap-6">
          <NationalFiguresV2 channels={d?.channels ?? null} units={units} status={status} />
          {isGeo || !d ? <GeoTableV2 rows={d?.geoTable ?? null} units={units} status={status} /> : null}
          {hasOrganic ? (
            <OrganicChannelsChart channels={d?.channels ?? null} units={units} status={status} />
          ) : null}
        </div>
      ),
    },
    {
      key: "drivers",
      label: "Fit & drivers",
      content: (
        <div className="flex flex-col gap-6">
          <FitChart
            data={
              a
                ? {
                    dates: a.dates,
                    actual: a.actual,
                    fitted: { mean: a.expected.mean, lo: a.expected.q05, hi: a.expected.q95 },
                    holdout: a.dates.map((_, t) => t >= a.trainingWeeks),
                  }
                : null
            }
            units={chartUnits}
            metrics={d?.holdout ?? null}
            status={status}
          />
          <DecompositionChart
            data={decomposition}
            units={chartUnits}
            status={status}
            description={`Weekly ${units.kpi} (${decompWhere}) split into its drivers (posterior means, stacked).`}
            actions={
              <GeoSelect
                geos={geos}
                value={decompGeo}
                onChange={setDecompGeo}
                label="Geo of the decomposition"
              />
            }
            footer={<span data-testid="decomposition-rule">{d ? decompositionRuleText(d) : null}</span>}
          />
          <WaterfallChart data={decomposition} units={chartUnits} status={status} />
          {isGeo ? (
            <GeoFitSmallMultiples
              dates={a?.dates ?? []}
              geos={a?.byGeo ? geos.flatMap((g) => (a.byGeo?.[g] ? [{ geo: g, ...a.byGeo[g] }] : [])) : null}
              trainingWeeks={a?.trainingWeeks ?? 0}
              kpi={units.kpi}
              status={status}
            />
          ) : null}
          {d?.model.timeVaryingMedia || !d ? (
            <MediaEffectivenessChart rows={d?.mediaEffectiveness ?? null} status={status} />
          ) : null}
        </div>
      ),
    },
    {
      key: "curves",
      label: hasRf ? "Response & frequency" : "Response curves",
      content: (
        <div className="flex flex-col gap-6">
          <ResponseCurvesV2Chart
            curves={curves}
            units={units}
            geoLabel={curveGeo || "all geos"}
            status={status}
            actions={
              <GeoSelect
                geos={geos}
                value={curveGeo}
                onChange={setCurveGeo}
                label="Geo of the response curves"
              />
            }
          />
          {hasRf || !d ? (
            <FrequencyRoiChart
              curves={
                d
                  ? d.frequencyCurves.map((f) => ({
                      channel: f.channel,
                      frequencies: f.frequencies,
                      roi: f.roi,
                      per: f.per,
                      optimal: f.optimal,
                      observed: f.observed,
                    }))
                  : null
              }
              units={units}
              status={status}
            />
          ) : null}
        </div>
      ),
    },
    {
      key: "posterior",
      label: "Posterior",
      content: (
        <div className="flex flex-col gap-6">
          <ForestPlot parameters={d?.parameters ?? null} status={status} />
          {d ? (
            <DiagnosticsTable
              parameters={d.parameters}
              diagnostics={(d.diagnostics ?? null) as DiagnosticsView | null}
              chains={d.chains}
            />
          ) : null}
        </div>
      ),
    },
  ];

  const facts = d
    ? [
        isGeo ? `${geos.length} geos` : "national",
        d.kpi.type === "units"
          ? `units KPI (${d.kpi.name}${d.kpi.valueKnown ? ", with a value per unit" : ""})`
          : null,
        d.model.link === "log" ? "multiplicative (log link)" : null,
        d.model.baseline === "knots" ? "knots baseline" : null,
        d.model.timeVaryingMedia ? "time-varying media" : null,
      ].filter(Boolean)
    : [];

  return (
    <>
      <PageHeader
        title={d ? `Insights: ${d.run.modelName}` : "Run insights"}
        description={
          d
            ? `${d.run.mode} fit · ${facts.join(" · ")} · dataset v${d.run.datasetVersion} · config v${d.run.configVersion} · finished ${formatDateTime(d.run.finishedAt)} · curves from ${d.drawsUsed} posterior draws`
            : "What each channel returned, nationally and per geo, with how sure the model is."
        }
        actions={
          <>
            <Link className={buttonClasses("secondary")} href={base}>
              Run summary
            </Link>
            <a className={buttonClasses("secondary")} href={`/api/w/${ws.id}/runs/${runId}/draws.csv`}>
              Download draws (CSV)
            </a>
          </>
        }
      />
      {d && d.diagnostics && d.diagnostics.converged === false ? (
        <div className="mb-4">
          <Alert tone="danger" title="Not converged: treat these charts as diagnostics, not decisions">
            The sampler did not reach a reliable answer; see the Posterior tab.
          </Alert>
        </div>
      ) : null}
      <div data-testid="insights" data-ready={d ? "true" : "false"} data-model-version="2">
        <Tabs tabs={tabs} />
      </div>
    </>
  );
}
