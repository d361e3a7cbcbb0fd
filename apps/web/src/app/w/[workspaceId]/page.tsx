"use client";
// The workspace home: what a team lands on. Per model its approved numbers (top channels by ROI
// with 90% intervals), what changed since the last approval, refits waiting for approval, the
// next scheduled refit and data freshness; then the workspace's recent alerts.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import {
  Alert,
  Badge,
  buttonClasses,
  Card,
  CardBody,
  CardHeader,
  EmptyState,
  PageHeader,
  Spinner,
} from "@mixcast/ui";
import { formatDateTime } from "@/components/format.ts";
import { WEEKDAYS } from "@/components/schedule-form.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const f2 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(2);

function daysAgo(d: Date | string | null): string {
  if (!d) return "never";
  const days = Math.floor((Date.now() - new Date(d).getTime()) / 86_400_000);
  return days <= 0 ? "today" : days === 1 ? "yesterday" : `${days} days ago`;
}

export default function WorkspaceHome() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const home = useQuery(trpc.home.get.queryOptions({ workspaceId: ws.id }));
  const base = `/w/${ws.id}`;
  if (home.isPending) return <Spinner label="Loading the workspace" />;
  if (home.error) return <Alert tone="danger">{errorMessage(home.error)}</Alert>;
  const { models, datasetCount, alerts } = home.data;

  return (
    <>
      <PageHeader
        title={ws.name}
        description="Approved numbers, refits waiting for you, alerts and data freshness."
      />
      {models.length === 0 ? (
        datasetCount === 0 ? (
          <EmptyState
            title="Start with your weekly data"
            next="Upload a CSV with one row per week (date, KPI, spend per channel), or push one with an API token from Settings."
            action={
              <Link className={buttonClasses("primary")} href={`${base}/datasets/new`}>
                Upload a dataset
              </Link>
            }
          />
        ) : (
          <EmptyState
            title="No model yet"
            next="Create a model on one of your datasets, fit it, and approve the run stakeholders should see."
            action={
              <Link className={buttonClasses("primary")} href={`${base}/models`}>
                Create a model
              </Link>
            }
          />
        )
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          {models.map((m) => (
            <Card key={m.id}>
              <CardHeader
                title={
                  <Link className="hover:underline" href={`${base}/models/${m.id}`}>
                    {m.name}
                  </Link>
                }
                description={
                  m.approved
                    ? `Approved ${m.approved.approval ? `by ${m.approved.approval.by}, ${formatDateTime(m.approved.approval.at)}` : ""}${m.approved.approval?.note ? ` — “${m.approved.approval.note}”` : ""}`
                    : "No approved run yet"
                }
              />
              <CardBody className="flex flex-col gap-4 text-sm" data-testid="home-model">
                {m.approved ? (
                  <div>
                    <h3 className="mb-1 font-semibold">Top channels by ROI (90% interval)</h3>
                    <ol className="flex flex-col gap-1">
                      {m.approved.topChannels.map((c) => (
                        <li key={c.name} className="flex justify-between gap-2">
                          <span>{c.name}</span>
                          <span className="tabular-nums">
                            {f2(c.mean)}{" "}
                            <span className="text-muted">
                              ({f2(c.q05)}–{f2(c.q95)})
                            </span>
                          </span>
                        </li>
                      ))}
                    </ol>
                    <Link
                      className="mt-2 inline-block underline"
                      href={`${base}/runs/${m.approved.runId}/insights`}
                    >
                      Insights of the approved run
                    </Link>
                  </div>
                ) : (
                  <p className="text-muted">
                    {m.pending.length
                      ? "Review a finished run below and approve it: insights, plans and this page then use it."
                      : "Fit the model, then approve the run stakeholders should see."}
                  </p>
                )}
                {m.sinceLastApproval ? (
                  <div>
                    <h3 className="mb-1 font-semibold">What changed since the last approval</h3>
                    <p>
                      {m.sinceLastApproval.weeksAdded} week(s) added, {m.sinceLastApproval.weeksRevised}{" "}
                      revised, {m.sinceLastApproval.weeksRemoved} removed; {m.sinceLastApproval.configChanges}{" "}
                      config change(s)
                      {m.sinceLastApproval.engineChanged ? "; new engine version" : ""}.
                      {m.sinceLastApproval.stabilityScore !== null
                        ? ` Stability ${f2(m.sinceLastApproval.stabilityScore)}${m.sinceLastApproval.moved.length ? `; moved: ${m.sinceLastApproval.moved.join(", ")}` : ""}.`
                        : ""}
                    </p>
                  </div>
                ) : null}
                <div>
                  <h3 className="mb-1 font-semibold">Waiting for approval</h3>
                  {m.pending.length ? (
                    <ul className="flex flex-col gap-1">
                      {m.pending.map((p) => (
                        <li key={p.id} className="flex flex-wrap items-center gap-2">
                          <Link className="underline" href={`${base}/runs/${p.id}`}>
                            {p.trigger === "schedule" ? "Scheduled refit" : "Run"} of{" "}
                            {formatDateTime(p.finishedAt)}
                          </Link>
                          {p.converged === false ? <Badge tone="danger">not converged</Badge> : null}
                          {p.stabilityScore !== null ? (
                            <Badge tone={p.stabilityScore >= 0.7 ? "success" : "warning"}>
                              stability {f2(p.stabilityScore)}
                            </Badge>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="text-muted">Nothing to review.</p>
                  )}
                </div>
                <div className="grid gap-2 sm:grid-cols-2">
                  <div>
                    <h3 className="font-semibold">Next refit</h3>
                    <p>
                      {m.schedule?.enabled
                        ? m.schedule.nextRunAt
                          ? formatDateTime(m.schedule.nextRunAt)
                          : `${WEEKDAYS[m.schedule.weekday]} ${String(m.schedule.hour).padStart(2, "0")}:00 (${m.schedule.timezone})`
                        : "Not scheduled — set a weekly refit on the model page."}
                    </p>
                    {m.schedule?.lastSkippedAt ? (
                      <p className="text-xs text-muted">Last skipped: {m.schedule.lastSkipReason}</p>
                    ) : null}
                  </div>
                  <div>
                    <h3 className="font-semibold">Data</h3>
                    <p>
                      {m.data.latestVersion
                        ? `v${m.data.latestVersion} received ${daysAgo(m.data.receivedAt)}${m.data.lastWeek ? `, up to ${m.data.lastWeek}` : ""}`
                        : "No data yet"}
                    </p>
                    {m.data.expectedWeekday !== null ? (
                      <p className="text-xs text-muted">Expected every {WEEKDAYS[m.data.expectedWeekday]}</p>
                    ) : null}
                  </div>
                </div>
              </CardBody>
            </Card>
          ))}
        </div>
      )}
      <Card className="mt-6">
        <CardHeader
          title="Recent alerts"
          description="Failed or unstable refits and late data, as sent to your alert channels."
        />
        <CardBody>
          {alerts.length === 0 ? (
            <p className="text-sm text-muted">
              No alerts. Add a webhook or an email address in{" "}
              <Link className="underline" href={`${base}/settings`}>
                Settings
              </Link>{" "}
              to hear about failed or unstable refits and late data.
            </p>
          ) : (
            <ul className="flex flex-col gap-2 text-sm" data-testid="home-alerts">
              {alerts.map((a) => (
                <li key={a.id} className="flex flex-col">
                  <span className="font-medium">
                    {a.title}{" "}
                    <span className="text-xs text-muted">
                      {formatDateTime(a.at)} · delivered {a.deliveries.delivered}
                      {a.deliveries.pending ? `, pending ${a.deliveries.pending}` : ""}
                      {a.deliveries.failed ? `, failed ${a.deliveries.failed}` : ""}
                    </span>
                  </span>
                  <span className="text-muted">{a.message}</span>
                </li>
              ))}
            </ul>
          )}
        </CardBody>
      </Card>
    </>
  );
}
