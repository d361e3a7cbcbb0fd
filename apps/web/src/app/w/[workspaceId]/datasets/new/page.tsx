"use client";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { ErrorState, PageHeader } from "@mixcast/ui";
import { DatasetUpload } from "@/components/dataset-upload.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { useTRPC } from "@/trpc/client.tsx";

function NewDataset() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const datasetId = useSearchParams().get("datasetId") ?? undefined;
  const dataset = useQuery({
    ...trpc.dataset.get.queryOptions({ workspaceId: ws.id, datasetId: datasetId ?? "" }),
    enabled: !!datasetId,
  });
  if (!ws.can("analyst"))
    return (
      <ErrorState
        title="Uploading needs the analyst role"
        message={`Your role here is ${ws.role}. Ask an admin to make you an analyst.`}
      />
    );
  return (
    <>
      <PageHeader
        title={datasetId ? "Upload a new version" : "Upload a dataset"}
        description="The file is checked row by row; nothing is saved unless every row is valid."
      />
      <DatasetUpload
        {...(datasetId ? { datasetId } : {})}
        {...(dataset.data ? { datasetName: dataset.data.name } : {})}
      />
    </>
  );
}

export default function NewDatasetPage() {
  return (
    <Suspense>
      <NewDataset />
    </Suspense>
  );
}
