"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import type { ModelConfig } from "@mixcast/core";
import {
  ErrorState,
  PageHeader,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  Tabs,
  buttonClasses,
} from "@mixcast/ui";
import { ModelConfigEditor } from "@/components/model-config-editor.tsx";
import { RefreshSettings } from "@/components/refresh-settings.tsx";
import { ScheduleForm } from "@/components/schedule-form.tsx";
import { DataChecksCard } from "@/components/data-checks-card.tsx";
import { StartRun } from "@/components/start-run.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { formatDateTime } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

export default function ModelPage() {
  const ws = useWorkspace();
  const { modelId } = useParams<{ modelId: string }>();
  const trpc = useTRPC();
  const model = useQuery(trpc.model.get.queryOptions({ workspaceId: ws.id, modelId }));
  if (model.isPending) return <Spinner />;
  if (model.error) return <ErrorState message={errorMessage(model.error)} />;
  const m = model.data;
  const latest = m.configVersions[0];
  const dataVersion = m.dataset.versions[0];
  return (
    <>
      <PageHeader
        title={m.name}
        description={`On dataset "${m.dataset.name}" (v${dataVersion?.version ?? "?"}, ${dataShape(dataVersion)}).`}
        actions={
          <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/runs?modelId=${m.id}`}>
            Run history
          </Link>
        }
      />
      <div className="flex flex-col gap-6">
        {latest ? <DataChecksCard workspaceId={ws.id} modelId={m.id} /> : null}
        {latest ? (
          <StartRun
            modelId={m.id}
            configVersion={latest.version}
            datasetVersion={dataVersion?.version ?? null}
          />
        ) : null}
        <Tabs
          tabs={[
            {
              key: "config",
              label: "Configuration",
              content: latest ? (
                <ModelConfigEditor
                  key={latest.id}
                  modelId={m.id}
                  initial={latest.config as unknown as ModelConfig}
                  version={latest.version}
                />
              ) : (
                <p>No configuration.</p>
              ),
            },
            {
              key: "schedule",
              label: "Weekly refit",
              content: (
                <ScheduleForm
                  key={m.schedule?.updatedAt?.toString() ?? "none"}
                  modelId={m.id}
                  current={
                    m.schedule
                      ? {
                          weekday: m.schedule.weekday,
                          hour: m.schedule.hour,
                          timezone: m.schedule.timezone,
                          mode: m.schedule.mode,
                          enabled: m.schedule.enabled,
                        }
                      : null
                  }
                  status={
                    m.schedule
                      ? {
                          nextRunAt: m.schedule.nextRunAt,
                          lastSkippedAt: m.schedule.lastSkippedAt,
                          lastSkipReason: m.schedule.lastSkipReason,
                        }
                      : null
                  }
                />
              ),
            },
            {
              key: "approvals",
              label: "Approvals",
              content: (
                <RefreshSettings
                  key={`${m.autoApprove}-${m.stabilityThreshold}-${m.dataExpectedWeekday}-${m.priorsFromApproved}-${m.backtestCoverageThreshold}-${m.fitDespiteBlockingChecks}`}
                  modelId={m.id}
                  current={{
                    autoApprove: m.autoApprove,
                    stabilityThreshold: m.stabilityThreshold,
                    dataExpectedWeekday: m.dataExpectedWeekday,
                    priorsFromApproved: m.priorsFromApproved,
                    backtestCoverageThreshold: m.backtestCoverageThreshold,
                    fitDespiteBlockingChecks: m.fitDespiteBlockingChecks,
                  }}
                />
              ),
            },
            {
              key: "versions",
              label: `Versions (${m.configVersions.length})`,
              content: (
                <Table caption="Config versions">
                  <THead>
                    <tr>
                      <Th>Version</Th>
                      <Th>Note</Th>
                      <Th>Saved</Th>
                      <Th>By</Th>
                    </tr>
                  </THead>
                  <TBody>
                    {m.configVersions.map((v) => (
                      <Tr key={v.id}>
                        <Td className="font-medium">v{v.version}</Td>
                        <Td>{v.note ?? "—"}</Td>
                        <Td>{formatDateTime(v.createdAt)}</Td>
                        <Td>{v.createdBy?.name ?? "—"}</Td>
                      </Tr>
                    ))}
                  </TBody>
                </Table>
              ),
            },
          ]}
        />
      </div>
    </>
  );
}

/** "156 weeks", or "156 weeks x 20 geos" for a geo file (its row count is weeks x geos). */
function dataShape(version: { rowCount: number; summary: unknown } | undefined): string {
  if (!version) return "no data";
  const summary = (version.summary ?? {}) as { weeks?: unknown; geos?: unknown };
  const weeks = typeof summary.weeks === "number" ? summary.weeks : version.rowCount;
  const geos = Array.isArray(summary.geos) ? summary.geos.length : 1;
  return geos > 1 ? `${weeks} weeks x ${geos} geos` : `${weeks} weeks`;
}
