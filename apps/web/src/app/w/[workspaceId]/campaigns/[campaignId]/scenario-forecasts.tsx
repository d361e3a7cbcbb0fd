"use client";
// Forecast history of a scenario that follows its model's approved run: one row per version
// (approval or plan edit), the expected KPI caused by the plan with its 90% interval, P(beats the
// alternative), a flag when that probability crossed 1/2, and why the forecast moved.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Badge,
  Button,
  ErrorState,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@mixcast/ui";
import { formatMoney } from "@mixcast/ui/charts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { formatDateTime } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const REASON: Record<string, string> = {
  follow: "started following",
  approved: "new approved run",
  plan: "plan edited",
};
const pct = (p: number | null) => (p === null ? "–" : `${Math.round(p * 100)}%`);

export function ScenarioForecasts({
  scenarioId,
  alternatives,
}: {
  scenarioId: string;
  alternatives: { id: string; name: string }[];
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.scenario.forecasts.queryOptions({ workspaceId: ws.id, scenarioId }));
  const follow = useMutation(
    trpc.scenario.follow.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.scenario.pathKey() }),
    }),
  );
  if (q.isPending) return <Spinner label="Loading the forecast history" />;
  if (q.error) return <ErrorState message={errorMessage(q.error)} />;
  const h = q.data;
  const latest = h.versions[h.versions.length - 1];
  const altLabel = latest?.summary.alternative.label ?? "the current plan";
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="forecast-history">
      <div className="flex flex-wrap items-end gap-3">
        <p className="grow">
          {h.following
            ? "This plan follows the model's approved run: each newly approved refit re-forecasts it."
            : "This plan is pinned to its run. Follow the approved run to re-forecast it after each approved refit."}
        </p>
        {ws.can("analyst") ? (
          <>
            <Select
              label="Measured against"
              value={h.alternativeScenarioId ?? ""}
              options={[
                { value: "", label: "Current plan (last 13 weeks)" },
                ...alternatives
                  .filter((a) => a.id !== scenarioId)
                  .map((a) => ({ value: a.id, label: a.name })),
              ]}
              onChange={(e) =>
                follow.mutate({
                  workspaceId: ws.id,
                  scenarioId,
                  follow: h.following,
                  alternativeScenarioId: e.target.value || null,
                })
              }
            />
            <Button
              variant="secondary"
              loading={follow.isPending}
              onClick={() => follow.mutate({ workspaceId: ws.id, scenarioId, follow: !h.following })}
            >
              {h.following ? "Stop following" : "Follow approved run"}
            </Button>
          </>
        ) : null}
      </div>
      {follow.error ? <Alert tone="danger">{errorMessage(follow.error)}</Alert> : null}
      {h.syncError ? (
        <Alert tone="warning" title="Could not re-forecast on the approved run">
          {h.syncError}
        </Alert>
      ) : null}
      {h.flippedNow && latest ? (
        <Alert tone="danger" title="This plan flipped">
          With the latest forecast, P(beats {altLabel}) is {pct(latest.probabilityBeatsAlternative)}: it
          crossed 50% since the previous version. Review the plan.
        </Alert>
      ) : null}
      {h.versions.length === 0 ? null : (
        <Table caption="Forecast history">
          <THead>
            <tr>
              <Th>Version</Th>
              <Th>Run</Th>
              <Th className="text-right">{h.kpiName} from the plan (90%)</Th>
              <Th className="text-right">P(beats alternative)</Th>
              <Th>Why it moved</Th>
            </tr>
          </THead>
          <TBody>
            {h.versions.map((v) => (
              <Tr key={v.version}>
                <Td>
                  v{v.version} <span className="text-xs text-muted">({REASON[v.reason] ?? v.reason})</span>
                </Td>
                <Td className="text-xs">
                  {formatDateTime(v.run.finishedAt)} · data v{v.run.datasetVersion} · config v
                  {v.run.configVersion}
                  {v.approval ? ` · approved by ${v.approval.by}` : ""}
                </Td>
                <Td numeric>
                  {formatMoney(v.summary.incrementalKpi.mean, "")} (
                  {formatMoney(v.summary.incrementalKpi.q05, "")}–
                  {formatMoney(v.summary.incrementalKpi.q95, "")})
                </Td>
                <Td numeric>
                  {pct(v.probabilityBeatsAlternative)}{" "}
                  {v.flipped ? <Badge tone="danger">flipped</Badge> : null}
                </Td>
                <Td className="text-xs">{v.why.join(" ")}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
