"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import {
  EmptyState,
  ErrorState,
  PageHeader,
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

export default function DatasetsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const datasets = useQuery(trpc.dataset.list.queryOptions({ workspaceId: ws.id }));
  const upload = ws.can("analyst") ? (
    <Link href={`/w/${ws.id}/datasets/new`} className={buttonClasses("primary")}>
      Upload CSV
    </Link>
  ) : null;
  return (
    <>
      <PageHeader
        title="Datasets"
        description="Weekly spend and KPI data. Every upload is kept as an immutable version; runs record which version they used."
        actions={upload}
      />
      {datasets.isPending ? (
        <Spinner />
      ) : datasets.error ? (
        <ErrorState message={errorMessage(datasets.error)} />
      ) : datasets.data.length === 0 ? (
        <EmptyState
          title="No datasets yet"
          next={
            ws.can("analyst")
              ? "Upload a CSV with one row per week: a date, your KPI (e.g. sales) and spend per channel."
              : "An analyst of this workspace needs to upload a CSV first."
          }
          action={upload}
        />
      ) : (
        <Table caption="Datasets">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Latest version</Th>
              <Th>Weeks</Th>
              <Th>Versions</Th>
              <Th>Models</Th>
              <Th>Updated</Th>
            </tr>
          </THead>
          <TBody>
            {datasets.data.map((d) => (
              <Tr key={d.id}>
                <Td>
                  <Link
                    className="font-medium text-primary hover:underline"
                    href={`/w/${ws.id}/datasets/${d.id}`}
                  >
                    {d.name}
                  </Link>
                </Td>
                <Td>{d.latest ? `v${d.latest.version}` : "—"}</Td>
                <Td numeric>{d.latest?.rowCount ?? "—"}</Td>
                <Td numeric>{d.versionCount}</Td>
                <Td numeric>{d.modelCount}</Td>
                <Td>{formatDateTime(d.updatedAt)}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
