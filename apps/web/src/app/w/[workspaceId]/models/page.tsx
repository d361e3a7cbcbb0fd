"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  EmptyState,
  ErrorState,
  FormError,
  Input,
  PageHeader,
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
import { formatDateTime } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function CreateModel({
  datasets,
  initialDatasetId,
}: {
  datasets: { id: string; name: string }[];
  initialDatasetId: string | null;
}) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [datasetId, setDatasetId] = useState(initialDatasetId ?? datasets[0]?.id ?? "");
  const create = useMutation(
    trpc.model.create.mutationOptions({
      onSuccess: async (m) => {
        await queryClient.invalidateQueries({ queryKey: trpc.model.pathKey() });
        router.push(`/w/${ws.id}/models/${m.id}`);
      },
    }),
  );
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ workspaceId: ws.id, name, datasetId });
  }
  return (
    <Card className="mb-6">
      <CardHeader
        title="New model"
        description="Starts from the defaults of each channel type; you can change transforms and priors next."
      />
      <CardBody>
        <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end" noValidate>
          <Input
            label="Model name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Social-aware default"
          />
          <Select
            label="Dataset"
            value={datasetId}
            onChange={(e) => setDatasetId(e.target.value)}
            options={datasets.map((d) => ({ value: d.id, label: d.name }))}
          />
          <Button type="submit" loading={create.isPending} disabled={!datasetId}>
            Create model
          </Button>
        </form>
        <FormError>{create.error ? errorMessage(create.error) : null}</FormError>
      </CardBody>
    </Card>
  );
}

function Models() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const initialDatasetId = useSearchParams().get("datasetId");
  const models = useQuery(trpc.model.list.queryOptions({ workspaceId: ws.id }));
  const datasets = useQuery(trpc.dataset.list.queryOptions({ workspaceId: ws.id }));
  const usable = (datasets.data ?? []).filter((d) => d.latest);
  return (
    <>
      <PageHeader
        title="Models"
        description="A model fixes which channels, transforms and priors are fitted on a dataset. Every saved change is a new config version."
      />
      {ws.can("analyst") && usable.length > 0 ? (
        <CreateModel datasets={usable} initialDatasetId={initialDatasetId} />
      ) : null}
      {models.isPending ? (
        <Spinner />
      ) : models.error ? (
        <ErrorState message={errorMessage(models.error)} />
      ) : models.data.length === 0 ? (
        <EmptyState
          title="No models yet"
          next={
            usable.length === 0
              ? "Upload a dataset first; then create a model on it here."
              : ws.can("analyst")
                ? "Name a model and pick its dataset above."
                : "An analyst needs to create a model."
          }
          action={
            usable.length === 0 && ws.can("analyst") ? (
              <Link className={buttonClasses("primary")} href={`/w/${ws.id}/datasets/new`}>
                Upload CSV
              </Link>
            ) : undefined
          }
        />
      ) : (
        <Table caption="Models">
          <THead>
            <tr>
              <Th>Model</Th>
              <Th>Dataset</Th>
              <Th>Config</Th>
              <Th>Weekly refit</Th>
              <Th>Last run</Th>
            </tr>
          </THead>
          <TBody>
            {models.data.map((m) => (
              <Tr key={m.id}>
                <Td>
                  <Link
                    className="font-medium text-primary hover:underline"
                    href={`/w/${ws.id}/models/${m.id}`}
                  >
                    {m.name}
                  </Link>
                </Td>
                <Td>{m.dataset.name}</Td>
                <Td>{m.configVersion ? `v${m.configVersion}` : "—"}</Td>
                <Td>
                  {m.schedule?.enabled
                    ? `${WEEKDAYS[m.schedule.weekday]} ${String(m.schedule.hour).padStart(2, "0")}:00 ${m.schedule.timezone}`
                    : "Off"}
                </Td>
                <Td>
                  {m.lastRun ? (
                    <span className="flex items-center gap-2">
                      <RunStatusBadge status={m.lastRun.status} converged={m.lastRun.converged} />
                      <span className="text-xs text-muted">{formatDateTime(m.lastRun.queuedAt)}</span>
                    </span>
                  ) : (
                    "Never"
                  )}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}

export default function ModelsPage() {
  return (
    <Suspense>
      <Models />
    </Suspense>
  );
}
