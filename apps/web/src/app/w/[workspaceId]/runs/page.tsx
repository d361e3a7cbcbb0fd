"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useMemo } from "react";
import {
  EmptyState,
  ErrorState,
  Input,
  PageHeader,
  Pagination,
  Badge,
  RunStatusBadge,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  buttonClasses,
} from "@mixcast/ui";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { formatDateTime, formatDuration } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const PAGE_SIZE = 25;
type Status = "queued" | "running" | "succeeded" | "failed" | "cancelled";

function RunHistory() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  // Filters and the page cursors live in the URL, so a reload or a shared link shows the same page.
  const filters = {
    status: (params.get("status") || undefined) as Status | undefined,
    trigger: (params.get("trigger") || undefined) as "manual" | "schedule" | undefined,
    modelId: params.get("modelId") || undefined,
    converged: (params.get("converged") || undefined) as "yes" | "no" | "unknown" | undefined,
    from: params.get("from") || undefined,
    to: params.get("to") || undefined,
  };
  const cursors = useMemo(() => (params.get("pages") ? params.get("pages")!.split(",") : []), [params]);
  const cursor = cursors[cursors.length - 1];

  function setParams(patch: Record<string, string | undefined>, resetPaging = true) {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (resetPaging) next.delete("pages");
    router.replace(`${pathname}?${next.toString()}`);
  }

  const models = useQuery(trpc.model.list.queryOptions({ workspaceId: ws.id }));
  const input = {
    workspaceId: ws.id,
    limit: PAGE_SIZE,
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.trigger ? { trigger: filters.trigger } : {}),
    ...(filters.modelId ? { modelId: filters.modelId } : {}),
    ...(filters.converged ? { converged: filters.converged } : {}),
    ...(filters.from ? { from: new Date(`${filters.from}T00:00:00`) } : {}),
    ...(filters.to ? { to: new Date(new Date(`${filters.to}T00:00:00`).getTime() + 86_400_000) } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const runs = useQuery({
    ...trpc.run.list.queryOptions(input),
    placeholderData: keepPreviousData,
    // Keep statuses live while something is in flight.
    refetchInterval: (q) =>
      q.state.data?.items.some((r) => r.status === "queued" || r.status === "running") ? 3000 : false,
  });

  return (
    <>
      <PageHeader
        title="Run history"
        description="Every fit in this workspace, newest first. Filters apply on the server, so they stay fast with thousands of runs."
      />
      <div className="mb-4 grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Select
          label="Status"
          value={filters.status ?? ""}
          placeholder="Any"
          options={["queued", "running", "succeeded", "failed", "cancelled"].map((s) => ({
            value: s,
            label: s,
          }))}
          onChange={(e) => setParams({ status: e.target.value })}
        />
        <Select
          label="Trigger"
          value={filters.trigger ?? ""}
          placeholder="Any"
          options={[
            { value: "manual", label: "Manual" },
            { value: "schedule", label: "Schedule" },
          ]}
          onChange={(e) => setParams({ trigger: e.target.value })}
        />
        <Select
          label="Model"
          value={filters.modelId ?? ""}
          placeholder="Any"
          options={(models.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
          onChange={(e) => setParams({ modelId: e.target.value })}
        />
        <Select
          label="Converged"
          value={filters.converged ?? ""}
          placeholder="Any"
          options={[
            { value: "yes", label: "Yes" },
            { value: "no", label: "No" },
            { value: "unknown", label: "Not finished" },
          ]}
          onChange={(e) => setParams({ converged: e.target.value })}
        />
        <Input
          label="From"
          type="date"
          value={filters.from ?? ""}
          onChange={(e) => setParams({ from: e.target.value })}
        />
        <Input
          label="To"
          type="date"
          value={filters.to ?? ""}
          onChange={(e) => setParams({ to: e.target.value })}
        />
      </div>
      {runs.isPending ? (
        <Spinner />
      ) : runs.error ? (
        <ErrorState message={errorMessage(runs.error)} />
      ) : runs.data.items.length === 0 ? (
        <EmptyState
          title={
            cursor || Object.values(filters).some(Boolean) ? "No runs match these filters" : "No runs yet"
          }
          next={
            Object.values(filters).some(Boolean)
              ? "Clear a filter to see more runs."
              : "Open a model and press “Start fit”. Runs appear here while they are queued and running."
          }
          action={
            <Link className={buttonClasses("primary")} href={`/w/${ws.id}/models`}>
              Go to models
            </Link>
          }
        />
      ) : (
        <>
          <Table caption="Runs">
            <THead>
              <tr>
                <Th>Status</Th>
                <Th>Model</Th>
                <Th>Trigger</Th>
                <Th>Who</Th>
                <Th>Data / config</Th>
                <Th>Started</Th>
                <Th>Finished</Th>
                <Th className="text-right">Duration</Th>
                <Th>Converged</Th>
              </tr>
            </THead>
            <TBody>
              {runs.data.items.map((r) => (
                <Tr key={r.id} data-testid="run-row">
                  <Td>
                    <Link
                      href={`/w/${ws.id}/runs/${r.id}`}
                      className="inline-flex items-center gap-2 hover:underline"
                    >
                      <RunStatusBadge status={r.status} converged={r.converged} />
                      {r.approved ? <Badge tone="success">approved</Badge> : null}
                      {r.status === "running" ? (
                        <span className="text-xs text-muted tabular-nums">{Math.round(r.percent)}%</span>
                      ) : null}
                    </Link>
                  </Td>
                  <Td>
                    <Link
                      className="font-medium text-primary hover:underline"
                      href={`/w/${ws.id}/runs/${r.id}`}
                    >
                      {r.model.name}
                    </Link>
                    <span className="block text-xs text-muted">{r.mode}</span>
                  </Td>
                  <Td>{r.trigger}</Td>
                  <Td>{r.createdBy?.name ?? (r.trigger === "schedule" ? "Scheduler" : "—")}</Td>
                  <Td className="text-xs">
                    data v{r.datasetVersion.version} / config v{r.configVersion.version}
                  </Td>
                  <Td>{formatDateTime(r.startedAt ?? r.queuedAt)}</Td>
                  <Td>{formatDateTime(r.finishedAt)}</Td>
                  <Td numeric>{formatDuration(r.durationSeconds)}</Td>
                  <Td>
                    {r.converged === null ? (
                      "—"
                    ) : r.converged ? (
                      "Yes"
                    ) : (
                      <span className="font-medium text-warning">No</span>
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <Pagination
            page={cursors.length + 1}
            hasPrevious={cursors.length > 0}
            hasNext={!!runs.data.nextCursor}
            onPrevious={() => setParams({ pages: cursors.slice(0, -1).join(",") || undefined }, false)}
            onNext={() => setParams({ pages: [...cursors, runs.data.nextCursor!].join(",") }, false)}
          />
        </>
      )}
    </>
  );
}

export default function RunsPage() {
  return (
    <Suspense>
      <RunHistory />
    </Suspense>
  );
}
