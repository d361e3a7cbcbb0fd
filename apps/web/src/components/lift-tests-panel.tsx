"use client";
// "Lift tests vs model" on the run page (docs/model.md section 11.4): each test the run pinned,
// its measured lift with a 90 % interval (lift ± 1.645 effective se) beside the model's implied
// lift with its 90 % interval, the test's weight, and per channel the calibration score.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge, Card, CardBody, CardHeader, Table, TBody, Td, Th, THead, Tr } from "@mixcast/ui";
import { formatNumber } from "@/components/format.ts";
import { useTRPC } from "@/trpc/client.tsx";

const Z90 = 1.6449;
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "—" : formatNumber(v));

export function LiftTestsPanel({ workspaceId, runId }: { workspaceId: string; runId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.liftTest.forRun.queryOptions({ workspaceId, runId }));
  if (!q.data || q.data.tests.length === 0) return null;
  const { tests, channels } = q.data;
  return (
    <Card>
      <CardHeader
        title="Lift tests vs model"
        description="Each lift test this run used: the measured lift (90 % interval from its weighted standard error) beside the model's implied lift over the same weeks and geos. Weight = age discount (half-life 52 weeks) x spend-level discount."
        actions={<Link href={`/w/${workspaceId}/lift-tests`}>Lift tests</Link>}
      />
      <CardBody className="flex flex-col gap-4">
        <Table caption="Lift tests vs model">
          <THead>
            <tr>
              <Th>Channel</Th>
              <Th>Dates</Th>
              <Th className="text-right">Measured (90 %)</Th>
              <Th className="text-right">Model (90 %)</Th>
              <Th className="text-right">Weight</Th>
              <Th>Status</Th>
            </tr>
          </THead>
          <TBody>
            {tests.map((t) => {
              const se = t.effectiveSe ?? null;
              return (
                <Tr key={t.id}>
                  <Td>{t.channel}</Td>
                  <Td>
                    {t.start} – {t.end}
                    {t.geos.length > 0 ? ` (${t.geos.join(", ")})` : ""}
                  </Td>
                  <Td numeric>
                    {fmt(t.lift)}
                    {se !== null ? ` (${fmt(t.lift - Z90 * se)} – ${fmt(t.lift + Z90 * se)})` : ""}
                  </Td>
                  <Td numeric>
                    {t.implied
                      ? `${fmt(t.implied.mean)} (${fmt(t.implied.q05)} – ${fmt(t.implied.q95)})`
                      : "—"}
                  </Td>
                  <Td numeric>{t.weight.toFixed(2)}</Td>
                  <Td>
                    {t.used ? (
                      <Badge tone="success">used</Badge>
                    ) : (
                      <span className="text-xs text-muted">not used: {t.excludedReason}</span>
                    )}
                  </Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
        {channels.length > 0 ? (
          <Table caption="Calibration score per channel">
            <THead>
              <tr>
                <Th>Channel</Th>
                <Th className="text-right">Tests&apos; share of precision</Th>
                <Th className="text-right">Shift (no-test sds)</Th>
                <Th className="text-right">Interval width with / without</Th>
              </tr>
            </THead>
            <TBody>
              {channels.map((c) => (
                <Tr key={c.channel}>
                  <Td>{c.channel}</Td>
                  <Td numeric>{c.share === null ? "—" : `${Math.round(c.share * 100)} %`}</Td>
                  <Td numeric>{c.shift === null ? "tests dominate" : c.shift.toFixed(2)}</Td>
                  <Td numeric>{c.widthRatio === null ? "—" : c.widthRatio.toFixed(2)}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
      </CardBody>
    </Card>
  );
}
