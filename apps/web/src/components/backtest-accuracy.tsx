"use client";
// Model page -> Approvals: accuracy over time. Each succeeded refit scores the approved runs of 4,
// 8 and 13 weeks before its data end on the weeks they had not seen (docs/analysis.md,
// "Backtests"); the chart shows MAPE and 90 % interval coverage per horizon over time.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Alert, Table, TBody, Td, Th, THead, Tr } from "@mixcast/ui";
import { axisProps, ChartCard, formatPercent, gridProps, seriesColor } from "@mixcast/ui/charts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

const HORIZONS = [4, 8, 13] as const;

export function BacktestAccuracy({ modelId }: { modelId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const q = useQuery(trpc.approval.backtests.queryOptions({ workspaceId: ws.id, modelId }));
  if (q.error) return <Alert tone="danger">{errorMessage(q.error)}</Alert>;
  const data = q.data;
  const status = q.isPending
    ? ({ state: "loading" } as const)
    : data && data.points.length === 0
      ? ({
          state: "empty",
          message:
            "Backtests appear after a refit on newer data, once an approved run is at least 4 weeks behind it: approve a run, push new weeks, refit.",
        } as const)
      : ({ state: "ready" } as const);
  return (
    <div className="flex flex-col gap-4" data-testid="backtest-accuracy">
      <ChartCard
        title="Accuracy over time (backtests)"
        description="How well the approved runs of 4, 8 and 13 weeks before each refit predicted the weeks they had not seen: MAPE of the forecast (lower is better) and the share of weeks inside the 90 % interval (about 90 % is right)."
        status={status}
        {...(data ? { csv: data.csv } : {})}
        testId="backtest-accuracy-chart"
      >
        {data ? (
          <div className="grid gap-4 lg:grid-cols-2">
            <div className="h-64">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={data.chart}>
                  <CartesianGrid {...gridProps} />
                  <XAxis dataKey="week" {...axisProps} />
                  <YAxis {...axisProps} tickFormatter={(v: number) => formatPercent(v)} />
                  <Tooltip formatter={(v) => formatPercent(Number(v), 1)} />
                  <Legend />
                  {HORIZONS.map((h, i) => (
                    <Line
                      key={h}
                      dataKey={`mape${h}`}
                      name={`MAPE, ${h} weeks ahead`}
                      stroke={seriesColor(i)}
                      dot
                      connectNulls
                      isAnimationActive={false}
                    />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </div>
            <div className="h-64">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={data.chart}>
                  <CartesianGrid {...gridProps} />
                  <XAxis dataKey="week" {...axisProps} />
                  <YAxis {...axisProps} domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v)} />
                  <Tooltip formatter={(v) => formatPercent(Number(v))} />
                  <Legend />
                  <ReferenceLine y={0.9} strokeDasharray="4 4" label="90 %" />
                  <ReferenceLine y={data.coverageThreshold} stroke="#b45309" label="alert" />
                  {HORIZONS.map((h, i) => (
                    <Line
                      key={h}
                      dataKey={`coverage${h}`}
                      name={`Coverage, ${h} weeks ahead`}
                      stroke={seriesColor(i)}
                      dot
                      connectNulls
                      isAnimationActive={false}
                    />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </div>
          </div>
        ) : null}
      </ChartCard>
      {data && data.points.length > 0 ? (
        <Table caption="Backtests, newest first">
          <THead>
            <Tr>
              <Th>Weeks scored</Th>
              <Th>Horizon</Th>
              <Th>Approved run scored</Th>
              <Th>Refit</Th>
              <Th>MAPE</Th>
              <Th>CRPS</Th>
              <Th>90 % coverage</Th>
            </Tr>
          </THead>
          <TBody>
            {[...data.points]
              .reverse()
              .slice(0, 30)
              .map((p) => (
                <Tr key={`${p.runId}-${p.horizonWeeks}`}>
                  <Td className="text-xs">
                    {p.firstWeek} – {p.lastWeek}
                  </Td>
                  <Td>{p.horizonWeeks} weeks</Td>
                  <Td>
                    <Link className="underline" href={`/w/${ws.id}/runs/${p.scoredRunId}`}>
                      {p.scoredRunId.slice(0, 8)}
                    </Link>
                  </Td>
                  <Td>
                    <Link className="underline" href={`/w/${ws.id}/runs/${p.runId}`}>
                      {p.runId.slice(0, 8)}
                    </Link>
                  </Td>
                  <Td>{p.mape === null ? "—" : formatPercent(p.mape, 1)}</Td>
                  <Td>{p.crps.toLocaleString(undefined, { maximumFractionDigits: 0 })}</Td>
                  <Td className={p.coverage90 < data.coverageThreshold ? "text-danger font-medium" : ""}>
                    {formatPercent(p.coverage90)}
                  </Td>
                </Tr>
              ))}
          </TBody>
        </Table>
      ) : null}
    </div>
  );
}
