"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  ErrorState,
  PageHeader,
  ProgressBar,
  RunStatusBadge,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  buttonClasses,
  useToast,
} from "@mixcast/ui";
import { LiftTestsPanel } from "@/components/lift-tests-panel.tsx";
import { ModelHealthCard } from "@/components/model-health-card.tsx";
import { RunReview } from "@/components/run-review.tsx";
import { ReportActions } from "@/components/report-actions.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { formatDateTime, formatDuration, formatNumber, unitLabel } from "@/components/format.ts";
import { explainDiagnostics } from "@/lib/diagnostics-text.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const PHASES: Record<string, string> = {
  queued: "Waiting for a worker",
  starting: "Starting",
  warmup: "Warming up the sampler",
  sampling: "Sampling",
  fitting: "Fitting",
  storing: "Saving results",
  done: "Done",
};

function downloadJson(name: string, data: unknown) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export default function RunPage() {
  const ws = useWorkspace();
  const { runId } = useParams<{ runId: string }>();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  // Polls while the run is in flight; the state lives in the database, so a reload resumes here.
  const run = useQuery({
    ...trpc.run.get.queryOptions({ workspaceId: ws.id, runId }),
    refetchInterval: (q) =>
      q.state.data && (q.state.data.status === "queued" || q.state.data.status === "running") ? 1500 : false,
  });
  const cancel = useMutation(
    trpc.run.cancel.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.run.pathKey() });
        toast.show({
          title:
            r.status === "cancelled" ? "Run cancelled" : "Cancelling: the worker stops within a few seconds",
        });
      },
      onError: (e) => toast.show({ tone: "danger", title: "Could not cancel", message: errorMessage(e) }),
    }),
  );
  if (run.isPending) return <Spinner />;
  if (run.error) return <ErrorState message={errorMessage(run.error)} />;
  const r = run.data;
  const summary = r.summary;
  const diagnostics = r.diagnostics;
  const progress = r.progress ?? {};
  const inFlight = r.status === "queued" || r.status === "running";
  const totalDraws = summary?.settings ? summary.settings.chains * summary.settings.draws : null;
  const messages = explainDiagnostics(
    diagnostics
      ? {
          ...diagnostics,
          converged: r.converged,
          draws: totalDraws,
          chains: summary?.settings?.chains ?? null,
        }
      : r.converged === false
        ? { converged: false }
        : null,
    { approximate: summary?.approximate ?? r.mode === "fast" },
  );
  const notConverged = r.status === "succeeded" && r.converged === false;
  const channels = Object.entries(summary?.channels ?? {});
  // v2 units KPI (conversions, sign-ups): cost per incremental unit beside ROI.
  const unitsKpi = summary?.kpiType === "units";
  const unitName = unitLabel(summary?.kpiName);

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            Run of {r.model.name} <RunStatusBadge status={r.status} converged={r.converged} />
            {r.summary?.priorsFrom ? (
              <Link
                href={`/w/${ws.id}/runs/${r.summary.priorsFrom.runId}`}
                title={`Fitted with priors moment-matched to that run's posterior (sd ×${r.summary.priorsFrom.widen}); see docs/model.md`}
              >
                <Badge tone="info">priors from approved run {r.summary.priorsFrom.runId.slice(0, 8)}</Badge>
              </Link>
            ) : null}
          </span>
        }
        description={`${r.trigger === "schedule" ? "Scheduled" : `Started by ${r.createdBy?.name ?? "someone"}`} · ${r.mode} fit · dataset v${r.datasetVersion.version} · config v${r.configVersion.version} · seed ${r.seed}`}
        actions={
          <>
            <Link className="text-sm text-primary hover:underline" href={`/w/${ws.id}/models/${r.model.id}`}>
              Open model
            </Link>
            {r.status === "succeeded" ? (
              <>
                <Link className={buttonClasses("primary")} href={`/w/${ws.id}/runs/${r.id}/insights`}>
                  Insights
                </Link>
                <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/runs/${r.id}/optimizer`}>
                  Optimizer
                </Link>
                <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/runs/compare?a=${r.id}`}>
                  Compare
                </Link>
              </>
            ) : null}
            {inFlight && ws.can("analyst") ? (
              <Button
                variant="danger"
                onClick={() => cancel.mutate({ workspaceId: ws.id, runId })}
                loading={cancel.isPending}
                disabled={!!r.cancelRequestedAt}
              >
                {r.cancelRequestedAt ? "Cancelling…" : "Cancel run"}
              </Button>
            ) : null}
            {r.status === "succeeded" ? (
              <Button
                variant="secondary"
                onClick={() =>
                  downloadJson(`mixcast-run-${r.id}.json`, {
                    run: {
                      id: r.id,
                      model: r.model,
                      mode: r.mode,
                      seed: r.seed,
                      datasetVersion: r.datasetVersion.version,
                      configVersion: r.configVersion.version,
                      converged: r.converged,
                      queuedAt: r.queuedAt,
                      finishedAt: r.finishedAt,
                    },
                    config: r.configVersion.config,
                    diagnostics: r.diagnostics,
                    summary: r.summary,
                  })
                }
              >
                Download result JSON
              </Button>
            ) : null}
            {r.status === "succeeded" ? (
              <a
                className={buttonClasses("secondary")}
                href={`/api/w/${ws.id}/runs/${r.id}/draws.csv`}
                download
                title="Every posterior draw: parameters (model scale), ROI and contribution per channel"
              >
                Download draws CSV
              </a>
            ) : null}
            {r.status === "succeeded" ? (
              <ReportActions
                pdfHref={`/api/w/${ws.id}/runs/${r.id}/report.pdf`}
                htmlHref={`/api/w/${ws.id}/runs/${r.id}/report.html`}
                share={{ kind: "run_report", runId: r.id }}
              />
            ) : null}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        {inFlight ? (
          <Card>
            <CardHeader
              title="Progress"
              description="You can leave this page; the fit keeps running on the worker."
            />
            <CardBody>
              <ProgressBar
                value={r.status === "queued" ? 0 : (progress.percent ?? r.percent)}
                label={
                  PHASES[progress.phase ?? (r.status === "queued" ? "queued" : "starting")] ??
                  progress.phase ??
                  "Running"
                }
                detail={
                  <span className="flex flex-wrap gap-x-4" data-testid="progress-detail">
                    {progress.chain !== undefined && progress.chain !== null ? (
                      <span>
                        Chain {progress.chain + 1}
                        {progress.chains ? ` of ${progress.chains.length}` : ""}
                      </span>
                    ) : null}
                    {progress.iteration !== undefined && progress.of ? (
                      <span>
                        Iteration {progress.iteration} of {progress.of}
                      </span>
                    ) : null}
                    {progress.etaSeconds !== undefined && progress.etaSeconds !== null ? (
                      <span>About {formatDuration(progress.etaSeconds)} left</span>
                    ) : null}
                    {progress.divergences ? (
                      <span className="text-warning">{progress.divergences} divergences so far</span>
                    ) : null}
                    {r.status === "queued" ? <span>Queued {formatDateTime(r.queuedAt)}</span> : null}
                  </span>
                }
              />
              {progress.chains && progress.chains.length > 1 ? (
                <ul className="mt-3 grid gap-1 text-sm text-muted" data-testid="chain-progress">
                  {progress.chains.map((c) => (
                    <li key={c.chain} className="flex flex-wrap gap-x-3">
                      <span className="font-medium">Chain {c.chain + 1}</span>
                      <span>
                        {PHASES[c.phase ?? ""] ?? c.phase ?? "Running"} · {c.iteration} of {c.total}
                      </span>
                      {c.divergences ? (
                        <span className="text-warning">{c.divergences} divergences</span>
                      ) : null}
                      {c.workerId ? <span>on {c.workerId}</span> : null}
                      {c.attempt && c.attempt > 1 ? <span>attempt {c.attempt}</span> : null}
                    </li>
                  ))}
                </ul>
              ) : null}
            </CardBody>
          </Card>
        ) : null}

        {r.status === "failed" ? (
          <ErrorState title="This fit failed" message={r.error ?? "The worker reported no reason."} />
        ) : null}
        {r.status === "cancelled" ? (
          <Alert tone="info" title="This run was cancelled">
            Nothing was saved from it. Start a new fit from the model page.
          </Alert>
        ) : null}

        {r.overriddenChecks ? (
          <Alert tone="warning" title="Started with overridden blocking data checks">
            <span data-testid="overridden-checks">
              Started with overridden blocking data checks:{" "}
              {r.overriddenChecks.findings.map((f) => `${f.code} (${f.columns.join(", ")})`).join("; ")}
              {r.overriddenChecks.by === "model-setting"
                ? " (the model is set to fit scheduled refits despite blocking checks)."
                : ` (“Fit anyway” ticked by ${r.createdBy?.name ?? "a former member"}).`}{" "}
              Read its numbers with that in mind.
            </span>
          </Alert>
        ) : null}

        {notConverged ? (
          <Alert tone="danger" title="Not converged: do not use these numbers for decisions">
            The sampler did not reach a reliable answer. The estimates below are shown only to help diagnose
            the model.
          </Alert>
        ) : null}

        {r.status === "succeeded" ? (
          <ModelHealthCard health={summary?.health} nextTestHref={`/w/${ws.id}/runs/${r.id}/next-test`} />
        ) : null}

        {r.status === "succeeded" ? <LiftTestsPanel workspaceId={ws.id} runId={r.id} /> : null}

        {r.status === "succeeded" ? <RunReview runId={r.id} kpiName={kpiNameOf(summary)} /> : null}

        {r.status === "succeeded" ? (
          <Card>
            <CardHeader title="Diagnostics" description="Can these results be trusted?" />
            <CardBody className="flex flex-col gap-3">
              {messages.length === 0 ? (
                <Alert tone="success" title="The fit converged">
                  Chains agreed (R-hat ≤ 1.01), enough effective draws, no divergences.
                </Alert>
              ) : null}
              {messages.map((m) => (
                <Alert key={m.title} tone={m.severity} title={m.title}>
                  {m.detail}
                </Alert>
              ))}
              {diagnostics ? (
                <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-5">
                  <div>
                    <dt className="text-muted">Max R-hat</dt>
                    <dd className="tabular-nums">{formatNumber(diagnostics.rhatMax ?? null, 3)}</dd>
                  </div>
                  <div>
                    <dt className="text-muted">Min bulk ESS</dt>
                    <dd className="tabular-nums">{formatNumber(diagnostics.essBulkMin ?? null, 0)}</dd>
                  </div>
                  <div>
                    <dt className="text-muted">Divergences</dt>
                    <dd className="tabular-nums">{diagnostics.divergences ?? "—"}</dd>
                  </div>
                  <div>
                    <dt className="text-muted">Min E-BFMI</dt>
                    <dd className="tabular-nums">{formatNumber(diagnostics.ebfmiMin ?? null, 2)}</dd>
                  </div>
                  <div>
                    <dt className="text-muted">Duration</dt>
                    <dd className="tabular-nums">
                      {formatDuration(
                        r.startedAt && r.finishedAt
                          ? (new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime()) / 1000
                          : null,
                      )}
                    </dd>
                  </div>
                </dl>
              ) : null}
              {summary?.holdout ? (
                <p className="text-sm text-muted">
                  Holdout ({summary.holdout.weeks} weeks not used for fitting): MAPE{" "}
                  {formatNumber(summary.holdout.mape === null ? null : summary.holdout.mape * 100, 1)}%, R²{" "}
                  {formatNumber(summary.holdout.r2, 2)}
                  {typeof summary.holdout.coverage90 === "number"
                    ? `, ${formatNumber(summary.holdout.coverage90 * 100, 0)}% of weeks inside the 90% band`
                    : ""}
                  .
                </p>
              ) : null}
            </CardBody>
          </Card>
        ) : null}

        {r.status === "succeeded" && channels.length > 0 ? (
          <Card className={notConverged ? "opacity-70" : undefined}>
            <CardHeader
              title={
                notConverged ? "Return on investment (unreliable: not converged)" : "Return on investment"
              }
              description={
                unitsKpi
                  ? `ROI: value of the incremental ${unitName}s per unit of spend (when a value per ${unitName} is known). Cost per incremental ${unitName}: spend / incremental ${unitName}s. 90% credible intervals (5th to 95th percentile).`
                  : "KPI per unit of spend, with 90% credible intervals (5th to 95th percentile)."
              }
            />
            <CardBody>
              <Table caption="ROI per channel">
                <THead>
                  <tr>
                    <Th>Channel</Th>
                    <Th>Type</Th>
                    <Th className="text-right">ROI (mean)</Th>
                    <Th className="text-right">90% interval</Th>
                    {unitsKpi ? (
                      <>
                        <Th className="text-right">Cost per incremental {unitName} (mean)</Th>
                        <Th className="text-right">90% interval</Th>
                      </>
                    ) : null}
                    <Th className="text-right">Contribution (mean)</Th>
                    <Th className="text-right">90% interval</Th>
                  </tr>
                </THead>
                <TBody>
                  {channels.map(([name, c]) => (
                    <Tr key={name} data-testid="roi-row">
                      <Td className="font-medium">{name}</Td>
                      <Td>
                        {c.type}
                        {c.role === "organic" ? " (organic)" : c.role === "rf" ? " (reach & frequency)" : ""}
                      </Td>
                      {c.roi ? (
                        <>
                          <Td numeric>{formatNumber(c.roi.mean)}</Td>
                          <Td numeric>
                            {formatNumber(c.roi.q05)} – {formatNumber(c.roi.q95)}
                          </Td>
                        </>
                      ) : (
                        <Td colSpan={2} className="text-right text-xs text-muted">
                          {c.role === "organic"
                            ? "organic: no spend, no ROI"
                            : "no value per unit: see cost per unit"}
                        </Td>
                      )}
                      {unitsKpi ? (
                        c.cpik ? (
                          <>
                            <Td numeric>{formatNumber(c.cpik.mean)}</Td>
                            <Td numeric>
                              {formatNumber(c.cpik.q05)} – {formatNumber(c.cpik.q95)}
                            </Td>
                          </>
                        ) : (
                          <Td colSpan={2} className="text-right text-muted">
                            —
                          </Td>
                        )
                      ) : null}
                      <Td numeric>{formatNumber(c.contribution.mean, 0)}</Td>
                      <Td numeric>
                        {formatNumber(c.contribution.q05, 0)} – {formatNumber(c.contribution.q95, 0)}
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </CardBody>
          </Card>
        ) : null}
      </div>
    </>
  );
}

function kpiNameOf(summary: unknown): string {
  const name = (summary as { kpiName?: unknown } | null)?.kpiName;
  return typeof name === "string" ? name : "KPI";
}
