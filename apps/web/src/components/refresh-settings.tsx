"use client";
// Model page -> Approvals: the approved run, the approval history (who, when, note), and the
// model's refresh settings (auto-approve, stability threshold, the day new data is expected,
// priors from the approved run, backtest coverage threshold, fitting scheduled refits despite
// blocking data checks) and the backtest accuracy chart.
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  FormError,
  Input,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@mixcast/ui";
import { BacktestAccuracy } from "@/components/backtest-accuracy.tsx";
import { formatDateTime } from "@/components/format.ts";
import { WEEKDAYS } from "@/components/schedule-form.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

export interface RefreshSettingsValue {
  autoApprove: boolean;
  stabilityThreshold: number;
  dataExpectedWeekday: number | null;
  priorsFromApproved: boolean;
  backtestCoverageThreshold: number;
  fitDespiteBlockingChecks: boolean;
}

export function RefreshSettings({ modelId, current }: { modelId: string; current: RefreshSettingsValue }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const history = useQuery(trpc.approval.list.queryOptions({ workspaceId: ws.id, modelId }));
  const [value, setValue] = useState(current);
  const [threshold, setThreshold] = useState(String(current.stabilityThreshold));
  const [coverage, setCoverage] = useState(String(current.backtestCoverageThreshold));
  const save = useMutation(
    trpc.approval.updateSettings.mutationOptions({
      onSuccess: async () => {
        toast.show({ tone: "success", title: "Refresh settings saved" });
        await queryClient.invalidateQueries({ queryKey: trpc.model.pathKey() });
      },
    }),
  );
  const canEdit = ws.can("admin");
  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader
          title="Approved run"
          description="Insights, plans and the workspace home use the approved run; approve a run from its page."
        />
        <CardBody>
          {history.isPending ? (
            <Spinner label="Loading approvals" />
          ) : history.error ? (
            <Alert tone="danger">{errorMessage(history.error)}</Alert>
          ) : history.data.length === 0 ? (
            <p className="text-sm text-muted">
              No run approved yet. Open a succeeded run and press “Approve this run”.
            </p>
          ) : (
            <Table caption="Approval history">
              <THead>
                <Tr>
                  <Th>When</Th>
                  <Th>Run</Th>
                  <Th>By</Th>
                  <Th>Note</Th>
                </Tr>
              </THead>
              <TBody>
                {history.data.map((a, i) => (
                  <Tr key={a.id}>
                    <Td className="text-xs">
                      {formatDateTime(a.at)} {i === 0 ? <Badge tone="success">current</Badge> : null}
                    </Td>
                    <Td>
                      <Link className="underline" href={`/w/${ws.id}/runs/${a.runId}`}>
                        {a.runId.slice(0, 8)}
                      </Link>{" "}
                      <span className="text-xs text-muted">data v{a.run.datasetVersion.version}</span>
                    </Td>
                    <Td>{a.auto ? <Badge tone="info">auto-approve</Badge> : a.approvedBy}</Td>
                    <Td className="text-sm">{a.note ?? "—"}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          )}
        </CardBody>
      </Card>
      <Card>
        <CardHeader
          title="Refresh settings"
          description="Auto-approve stable, healthy refits; the stability threshold also triggers the “unstable” alert."
        />
        <CardBody className="flex flex-col gap-3">
          <Checkbox
            label="Auto-approve a refit when it converged, passed its health checks and is stable"
            checked={value.autoApprove}
            disabled={!canEdit}
            onChange={(e) => setValue({ ...value, autoApprove: e.target.checked })}
          />
          <Checkbox
            label="Fit runs with priors from the approved run’s posterior (moment-matched per parameter, widened ×2; the run is labelled)"
            checked={value.priorsFromApproved}
            disabled={!canEdit}
            onChange={(e) => setValue({ ...value, priorsFromApproved: e.target.checked })}
          />
          <Checkbox
            label="Scheduled refits fit despite blocking data checks (each such run names the findings it overrode; otherwise the week is skipped with the findings as its reason)"
            checked={value.fitDespiteBlockingChecks}
            disabled={!canEdit}
            onChange={(e) => setValue({ ...value, fitDespiteBlockingChecks: e.target.checked })}
          />
          <div className="grid gap-3 sm:grid-cols-3">
            <Input
              label="Backtest coverage alert below (0–1)"
              type="number"
              step="0.05"
              min={0}
              max={1}
              value={coverage}
              disabled={!canEdit}
              onChange={(e) => setCoverage(e.target.value)}
            />
            <Input
              label="Stability threshold (0–1)"
              type="number"
              step="0.05"
              min={0}
              max={1}
              value={threshold}
              disabled={!canEdit}
              onChange={(e) => setThreshold(e.target.value)}
            />
            <Select
              label="New data expected by the end of (UTC)"
              value={value.dataExpectedWeekday === null ? "" : String(value.dataExpectedWeekday)}
              disabled={!canEdit}
              placeholder="No expectation (no late-data alert)"
              options={WEEKDAYS.map((d, i) => ({ value: String(i), label: d }))}
              onChange={(e) =>
                setValue({
                  ...value,
                  dataExpectedWeekday: e.target.value === "" ? null : Number(e.target.value),
                })
              }
            />
          </div>
          <FormError>{save.error ? errorMessage(save.error) : null}</FormError>
          {canEdit ? (
            <div>
              <Button
                loading={save.isPending}
                onClick={() =>
                  save.mutate({
                    workspaceId: ws.id,
                    modelId,
                    autoApprove: value.autoApprove,
                    stabilityThreshold: Number(threshold),
                    dataExpectedWeekday: value.dataExpectedWeekday,
                    priorsFromApproved: value.priorsFromApproved,
                    backtestCoverageThreshold: Number(coverage),
                    fitDespiteBlockingChecks: value.fitDespiteBlockingChecks,
                  })
                }
              >
                Save refresh settings
              </Button>
            </div>
          ) : (
            <p className="text-sm text-muted">Only admins and owners change these.</p>
          )}
        </CardBody>
      </Card>
      <BacktestAccuracy modelId={modelId} />
    </div>
  );
}
