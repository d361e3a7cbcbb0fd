"use client";
// "Next test": per paid channel, the experiment that would most improve the next budget decision,
// ranked by value of information (docs/trust.md section 3), with its MDE, duration and expected
// narrowing of the ROI interval; exportable as CSV.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import {
  Button,
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
import { formatNumber } from "@/components/format.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

function downloadCsv(name: string, rows: (string | number)[][]) {
  const text = rows
    .map((r) =>
      r
        .map((v) => (typeof v === "string" && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v)))
        .join(","),
    )
    .join("\n");
  const url = URL.createObjectURL(new Blob([text + "\n"], { type: "text/csv" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export default function NextTestPage() {
  const ws = useWorkspace();
  const { runId } = useParams<{ runId: string }>();
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.experiment.design.queryOptions({ workspaceId: ws.id, runId }),
    staleTime: 10 * 60_000,
  });
  const d = q.data;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Next test"
        description="Which experiment would most improve the next budget decision, channel by channel."
        actions={
          <>
            <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/runs/${runId}`}>
              Back to the run
            </Link>
            {d ? (
              <Button
                variant="secondary"
                onClick={() =>
                  downloadCsv(`mixcast-next-test-${runId}.csv`, [
                    [
                      "rank",
                      "channel",
                      "test",
                      "recommended_weeks",
                      "mde_roi",
                      "expected_interval_reduction",
                      "value_of_information",
                      "roi_q05",
                      "roi_q50",
                      "roi_q95",
                      "spend_at_stake",
                    ],
                    ...d.channels.map((c) => [
                      c.rank,
                      c.name,
                      c.test.description,
                      c.recommendedWeeks,
                      c.mde,
                      c.expectedIntervalReduction,
                      c.valueOfInformation,
                      c.roi.q05,
                      c.roi.q50,
                      c.roi.q95,
                      c.spendAtStake,
                    ]),
                  ])
                }
              >
                Download CSV
              </Button>
            ) : null}
          </>
        }
      />
      {q.isPending ? <Spinner /> : null}
      {q.error ? <ErrorState title="No experiment design" message={errorMessage(q.error)} /> : null}
      {d ? (
        <Card>
          <CardHeader
            title="Ranked by value of information"
            description={`Expected gain in the optimal plan's KPI over the next ${d.horizonWeeks} weeks from running the test, then re-planning. Weekly noise sd ${formatNumber(d.noiseSd, 0)}.`}
          />
          <CardBody>
            <Table>
              <THead>
                <Tr>
                  <Th>#</Th>
                  <Th>Channel</Th>
                  <Th>Test</Th>
                  <Th className="text-right">Weeks</Th>
                  <Th className="text-right">MDE (ROI)</Th>
                  <Th className="text-right">ROI interval narrower by</Th>
                  <Th className="text-right">Value of information</Th>
                  <Th className="text-right">ROI now (90%)</Th>
                </Tr>
              </THead>
              <TBody>
                {d.channels.map((c) => (
                  <Tr key={c.name} data-testid="next-test-row">
                    <Td>{c.rank}</Td>
                    <Td className="font-medium">{c.name}</Td>
                    <Td className="text-xs">{c.test.description}</Td>
                    <Td className="text-right tabular-nums">{c.recommendedWeeks}</Td>
                    <Td className="text-right tabular-nums">{formatNumber(c.mde, 2)}</Td>
                    <Td className="text-right tabular-nums">
                      {formatNumber(100 * c.expectedIntervalReduction, 0)}%
                    </Td>
                    <Td className="text-right tabular-nums">{formatNumber(c.valueOfInformation, 0)}</Td>
                    <Td className="text-right tabular-nums">
                      {formatNumber(c.roi.q50, 2)} [{formatNumber(c.roi.q05, 2)}, {formatNumber(c.roi.q95, 2)}
                      ]
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          </CardBody>
        </Card>
      ) : null}
    </div>
  );
}
