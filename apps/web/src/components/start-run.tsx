"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Card, CardBody, CardHeader, Checkbox, FormError, Select } from "@mixcast/ui";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";
import { useWorkspace } from "./workspace-context.tsx";

export function StartRun({
  modelId,
  configVersion,
  datasetVersion,
}: {
  modelId: string;
  configVersion: number;
  datasetVersion: number | null;
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<"fast" | "full">("fast");
  const [fitAnyway, setFitAnyway] = useState(false);
  // The same query as the Data checks card (shared cache): what this start would fit.
  const checks = useQuery({
    ...trpc.model.checkData.queryOptions({ workspaceId: ws.id, modelId }),
    staleTime: 60_000,
  });
  const blocking = checks.data?.findings.filter((f) => f.severity === "blocking") ?? [];
  const start = useMutation(
    trpc.run.start.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.run.pathKey() });
        router.push(`/w/${ws.id}/runs/${r.id}`);
      },
      // The server refuses when the data changed under the page: show what it checks now.
      onError: () => queryClient.invalidateQueries({ queryKey: trpc.model.checkData.pathKey() }),
    }),
  );
  return (
    <Card>
      <CardHeader
        title="Start a fit"
        description={`Fits config v${configVersion} on dataset v${datasetVersion ?? "?"}. You can leave the page; progress is kept.`}
      />
      <CardBody>
        {ws.can("analyst") ? (
          <div className="flex flex-col gap-3">
            {blocking.length > 0 ? (
              <Alert tone="danger" title="Blocking data checks">
                <p>
                  The data has {blocking.length} blocking finding{blocking.length === 1 ? "" : "s"} (
                  {blocking.map((f) => `${f.code}: ${f.columns.join(", ")}`).join("; ")}). A fit on it is
                  refused unless you override them; see Data checks above for what to do.
                </p>
                <Checkbox
                  className="mt-2"
                  label={`Fit anyway: I understand the blocking data checks (${blocking.map((f) => f.code).join(", ")}) and want this fit regardless. Recorded in the audit log and on the run.`}
                  checked={fitAnyway}
                  onChange={(e) => setFitAnyway(e.target.checked)}
                  data-testid="fit-anyway"
                />
              </Alert>
            ) : null}
            <div className="flex flex-wrap items-end gap-3">
              <Select
                label="Fit mode"
                value={mode}
                onChange={(e) => setMode(e.target.value as "fast" | "full")}
                options={[
                  { value: "fast", label: "Fast: approximate, about a minute" },
                  { value: "full", label: "Full: NUTS sampling, exact intervals" },
                ]}
              />
              <Button
                onClick={() =>
                  start.mutate({
                    workspaceId: ws.id,
                    modelId,
                    mode,
                    ...(blocking.length > 0 && fitAnyway ? { overrideBlockingChecks: true } : {}),
                  })
                }
                loading={start.isPending}
                disabled={datasetVersion === null || (blocking.length > 0 && !fitAnyway)}
              >
                Start fit
              </Button>
            </div>
          </div>
        ) : (
          <p className="text-sm text-muted" data-testid="cannot-start">
            Your role ({ws.role}) can view runs but not start them. Ask an admin to make you an analyst.
          </p>
        )}
        <FormError>{start.error ? errorMessage(start.error) : null}</FormError>
      </CardBody>
    </Card>
  );
}
