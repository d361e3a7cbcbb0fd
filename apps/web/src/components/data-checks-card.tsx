"use client";
// The data checks of what the next run would fit (docs/trust.md section 1), shown before a run starts.
import { useQuery } from "@tanstack/react-query";
import type { DataFinding } from "@mixcast/core";
import { Badge, type BadgeTone, Card, CardBody, CardHeader } from "@mixcast/ui";
import { formatNumber } from "@/components/format.ts";
import { useTRPC } from "@/trpc/client.tsx";

const tone: Record<string, BadgeTone> = { blocking: "danger", warning: "warning", info: "info" };

/** One line per finding: severity, code, columns, the figure against its limit, what to do. */
export function DataFindings({
  findings,
}: {
  findings: readonly Pick<DataFinding, "severity" | "code" | "columns" | "value" | "threshold" | "message">[];
}) {
  if (findings.length === 0) return <p className="text-sm">No findings: the data looks fit to model.</p>;
  return (
    <ul className="flex flex-col gap-2" data-testid="data-findings">
      {findings.map((f, i) => (
        <li key={i} className="flex flex-wrap items-start gap-2 text-sm" data-severity={f.severity}>
          <Badge tone={tone[f.severity] ?? "neutral"}>{f.severity}</Badge>
          <span className="font-medium">{f.code}</span>
          <span className="text-muted">
            {f.columns.join(", ")} {formatNumber(f.value, 3)} (limit {f.threshold})
          </span>
          <span className="basis-full">{f.message}</span>
        </li>
      ))}
    </ul>
  );
}

export function DataChecksCard({ workspaceId, modelId }: { workspaceId: string; modelId: string }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.model.checkData.queryOptions({ workspaceId, modelId }), staleTime: 60_000 });
  const r = q.data;
  if (!r) return null;
  return (
    <Card>
      <CardHeader
        title="Data checks"
        description={`Dataset v${r.datasetVersion} under config v${r.configVersion}: ${r.trainingWeeks} training weeks, about ${r.parameterCount} parameters.`}
      />
      <CardBody className="flex flex-col gap-2" data-testid="data-checks">
        <DataFindings findings={r.findings} />
        {r.blocking ? (
          <p className="text-sm text-muted">
            A blocking finding stops a fit unless someone ticks “Fit anyway” when starting it (recorded in the
            audit log). Scheduled refits skip the week
            {r.fitDespiteBlockingChecks ? " — except that this model is set to fit them anyway." : "."}
          </p>
        ) : null}
      </CardBody>
    </Card>
  );
}
