"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Card, CardBody, CardHeader, FormError, Select } from "@mixcast/ui";
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
  const start = useMutation(
    trpc.run.start.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.run.pathKey() });
        router.push(`/w/${ws.id}/runs/${r.id}`);
      },
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
              onClick={() => start.mutate({ workspaceId: ws.id, modelId, mode })}
              loading={start.isPending}
              disabled={datasetVersion === null}
            >
              Start fit
            </Button>
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
