"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import {
  Badge,
  Card,
  CardBody,
  CardHeader,
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
import { formatDateTime, formatNumber } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

interface Summary {
  firstDate: string | null;
  lastDate: string | null;
  weeks: number;
  columns: {
    name: string;
    role: string;
    type?: string;
    min: number;
    max: number;
    mean: number;
    total: number;
  }[];
}

export default function DatasetPage() {
  const ws = useWorkspace();
  const { datasetId } = useParams<{ datasetId: string }>();
  const trpc = useTRPC();
  const dataset = useQuery(trpc.dataset.get.queryOptions({ workspaceId: ws.id, datasetId }));
  if (dataset.isPending) return <Spinner />;
  if (dataset.error) return <ErrorState message={errorMessage(dataset.error)} />;
  const d = dataset.data;
  const latest = d.versions[0];
  const summary = latest?.summary as Summary | undefined;
  return (
    <>
      <PageHeader
        title={d.name}
        description={
          summary ? `${summary.weeks} weeks, ${summary.firstDate} to ${summary.lastDate}` : undefined
        }
        actions={
          <>
            {ws.can("analyst") ? (
              <Link
                className={buttonClasses("secondary")}
                href={`/w/${ws.id}/datasets/new?datasetId=${d.id}`}
              >
                Upload new version
              </Link>
            ) : null}
            {ws.can("analyst") ? (
              <Link className={buttonClasses("primary")} href={`/w/${ws.id}/models?datasetId=${d.id}`}>
                Build a model
              </Link>
            ) : null}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        {summary ? (
          <Card>
            <CardHeader title={`Columns of version ${latest!.version}`} />
            <CardBody>
              <Table caption="Column summary">
                <THead>
                  <tr>
                    <Th>Column</Th>
                    <Th>Role</Th>
                    <Th className="text-right">Min</Th>
                    <Th className="text-right">Mean</Th>
                    <Th className="text-right">Max</Th>
                    <Th className="text-right">Total</Th>
                  </tr>
                </THead>
                <TBody>
                  {summary.columns.map((c) => (
                    <Tr key={c.name}>
                      <Td className="font-medium">{c.name}</Td>
                      <Td>
                        <Badge
                          tone={c.role === "kpi" ? "info" : c.role === "channel" ? "success" : "neutral"}
                        >
                          {c.type ? `${c.role}: ${c.type}` : c.role}
                        </Badge>
                      </Td>
                      <Td numeric>{formatNumber(c.min)}</Td>
                      <Td numeric>{formatNumber(c.mean)}</Td>
                      <Td numeric>{formatNumber(c.max)}</Td>
                      <Td numeric>{formatNumber(c.total, 0)}</Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </CardBody>
          </Card>
        ) : null}
        <Card>
          <CardHeader
            title="Versions"
            description="Versions never change. A new upload adds a version; identical files are recognized by their checksum."
          />
          <CardBody>
            <Table caption="Dataset versions">
              <THead>
                <tr>
                  <Th>Version</Th>
                  <Th>File</Th>
                  <Th className="text-right">Rows</Th>
                  <Th>Checksum (SHA-256)</Th>
                  <Th>Uploaded</Th>
                  <Th>By</Th>
                </tr>
              </THead>
              <TBody>
                {d.versions.map((v) => (
                  <Tr key={v.id}>
                    <Td className="font-medium">v{v.version}</Td>
                    <Td>{v.fileName ?? "—"}</Td>
                    <Td numeric>{v.rowCount}</Td>
                    <Td className="font-mono text-xs" title={v.checksum}>
                      {v.checksum.slice(0, 12)}…
                    </Td>
                    <Td>{formatDateTime(v.createdAt)}</Td>
                    <Td>{v.createdBy?.name ?? "—"}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
