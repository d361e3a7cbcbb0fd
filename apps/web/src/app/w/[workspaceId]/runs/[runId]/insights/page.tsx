"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useDeferredValue } from "react";
import { Alert, PageHeader, Tabs, buttonClasses } from "@mixcast/ui";
import {
  AdstockChart,
  DecompositionChart,
  DiagnosticsTable,
  FitChart,
  ForestPlot,
  ResponseCurvesChart,
  RoiChart,
  RoiMoveChart,
  ShareChart,
  SocialInsights,
  SpendChart,
  WaterfallChart,
  type ChartStatus,
  type ChartUnits,
  type DiagnosticsView,
} from "@mixcast/ui/charts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { currencySymbol, formatDateTime } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";
import { RunInsightsV2 } from "./insights-v2.tsx";

/** v2 runs (geo, R&F, organic, units KPI, log link, ...) have their own view (insight.getV2). */
export default function RunInsightsPage() {
  const ws = useWorkspace();
  const { runId } = useParams<{ runId: string }>();
  const trpc = useTRPC();
  const run = useQuery({ ...trpc.run.get.queryOptions({ workspaceId: ws.id, runId }), staleTime: 60_000 });
  if (run.data?.summary?.modelVersion === 2) return <RunInsightsV2 runId={runId} />;
  return <RunInsightsV1 runId={runId} ready={run.isSuccess || run.isError} />;
}

function RunInsightsV1({ runId, ready }: { runId: string; ready: boolean }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.insight.get.queryOptions({ workspaceId: ws.id, runId }),
    staleTime: 5 * 60_000,
    // wait for the run's model version: a v2 run is served by insight.getV2
    enabled: ready,
  });
  const d = q.data;
  const a = d?.analysis ?? null;
  const status: ChartStatus | undefined = q.isPending
    ? { state: "loading" }
    : q.error
      ? { state: "error", message: errorMessage(q.error) }
      : undefined;
  // The fit chart renders as soon as the data is in; every other chart renders from a deferred
  // copy in a time-sliced background render, so the page answers input while they draw.
  const later = useDeferredValue(d);
  const la = later?.analysis ?? null;
  const laterStatus: ChartStatus | undefined = status ?? (later ? undefined : { state: "loading" });
  const units: ChartUnits = { currency: currencySymbol(ws.currency), kpi: d?.kpiName ?? "KPI" };
  const base = `/w/${ws.id}/runs/${runId}`;

  const tabs = [
    {
      key: "fit",
      label: "Fit & drivers",
      content: (
        <div className="flex flex-col gap-6">
          <FitChart
            data={a ? { dates: a.dates, ...a.fit } : null}
            units={units}
            metrics={d?.holdout ?? null}
            status={status}
          />
          <DecompositionChart
            data={
              la
                ? { dates: la.dates, weekly: la.decomposition.weekly, totals: la.decomposition.totals }
                : null
            }
            units={units}
            status={laterStatus}
          />
          <div className="grid gap-6 xl:grid-cols-2">
            <WaterfallChart
              data={
                la
                  ? { dates: la.dates, weekly: la.decomposition.weekly, totals: la.decomposition.totals }
                  : null
              }
              units={units}
              status={laterStatus}
            />
            <SpendChart spend={later?.spend ?? null} units={units} status={laterStatus} />
          </div>
        </div>
      ),
    },
    {
      key: "roi",
      label: "ROI",
      content: (
        <div className="flex flex-col gap-6">
          <RoiChart channels={la?.channels ?? null} units={units} status={laterStatus} />
          <ShareChart channels={la?.channels ?? null} status={laterStatus} />
          <RoiMoveChart
            moves={later?.refresh?.channels ?? (later ? [] : null)}
            units={units}
            status={laterStatus}
            previousLabel={
              later?.refresh
                ? `Previous run (${formatDateTime(later.refresh.previousFinishedAt)})`
                : "Previous run"
            }
          />
        </div>
      ),
    },
    {
      key: "curves",
      label: "Response & carryover",
      content: (
        <div className="flex flex-col gap-6">
          <ResponseCurvesChart curves={la?.responseCurves ?? null} units={units} status={laterStatus} />
          <AdstockChart adstock={la?.adstock ?? null} status={laterStatus} />
        </div>
      ),
    },
    {
      key: "social",
      label: "Social & influencer",
      content: (
        <SocialInsights
          channels={la?.channels ?? null}
          synergies={la?.synergies ?? null}
          status={laterStatus}
        />
      ),
    },
    {
      key: "posterior",
      label: "Posterior",
      content: (
        <div className="flex flex-col gap-6">
          <ForestPlot parameters={later?.parameters ?? null} status={laterStatus} />
          {later ? (
            <DiagnosticsTable
              parameters={later.parameters}
              diagnostics={(later.diagnostics ?? null) as DiagnosticsView | null}
              chains={later.chains}
            />
          ) : null}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={d ? `Insights: ${d.run.modelName}` : "Run insights"}
        description={
          d
            ? `${d.run.mode} fit · dataset v${d.run.datasetVersion} · config v${d.run.configVersion} · finished ${formatDateTime(d.run.finishedAt)} · ${a?.draws.note ?? ""}`
            : "Charts of what drove the KPI, what each channel returns, and how sure the model is."
        }
        actions={
          <>
            <Link className={buttonClasses("secondary")} href={base}>
              Run summary
            </Link>
            <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/runs/compare?a=${runId}`}>
              Compare with another run
            </Link>
            <Link className={buttonClasses("primary")} href={`${base}/optimizer`}>
              Optimize budget
            </Link>
          </>
        }
      />
      {d && d.diagnostics && (d.diagnostics as { converged?: boolean }).converged === false ? (
        <div className="mb-4">
          <Alert tone="danger" title="Not converged: treat these charts as diagnostics, not decisions">
            The sampler did not reach a reliable answer; see the Posterior tab.
          </Alert>
        </div>
      ) : null}
      <div data-testid="insights" data-ready={d ? "true" : "false"}>
        <Tabs tabs={tabs} />
      </div>
    </>
  );
}
