"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import {
  Alert,
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
import {
  downloadCsv,
  formatMoney,
  ProbabilityMatrix,
  ScenarioCompareCharts,
  formatPercent,
} from "@mixcast/ui/charts";
import { ReportActions } from "@/components/report-actions.tsx";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { currencySymbol, formatNumber } from "@/components/format.ts";
import { scenarioComparisonCsv, winProbabilitiesCsv } from "@/lib/exports.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

function Comparison() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const params = useSearchParams();
  const ids = (params.get("ids") ?? "").split(",").filter(Boolean);
  const q = useQuery({
    ...trpc.scenario.compare.queryOptions({ workspaceId: ws.id, scenarioIds: ids }),
    enabled: ids.length >= 2,
    staleTime: 60_000,
  });
  if (ids.length < 2)
    return (
      <ErrorState
        title="Pick scenarios first"
        message="Select two or more scenarios on the campaigns page."
        action={
          <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/campaigns`}>
            Campaigns
          </Link>
        }
      />
    );
  if (q.isPending) return <Spinner label="Evaluating scenarios on the posterior draws" />;
  if (q.error) return <ErrorState message={errorMessage(q.error)} />;
  const d = q.data;
  const labels = d.items.map((i) => i.label);
  const scenarios = d.scenarios.map((s) => ({ ...s, label: s.name }));
  // v2 planning choices that differ between the scenarios (each is evaluated with its own)
  const differing = d.differingChoices.map((key) => ({
    key,
    label: d.items.flatMap((i) => i.choices).find((c) => c.key === key)?.label ?? key,
  }));
  const choiceOf = (i: number, key: string) => d.items[i]?.choices.find((c) => c.key === key)?.value ?? "—";
  const fmtDiff = (x: { mean: number; q05: number; q95: number }) =>
    `${formatMoney(x.mean, "")} (${formatMoney(x.q05, "")}–${formatMoney(x.q95, "")})`;
  return (
    <div className="flex flex-col gap-6" data-testid="scenario-comparison">
      {differing.length > 0 ? (
        <div data-testid="compare-differing-choices">
          <Alert tone="info" title="These scenarios plan differently">
            They differ in {differing.map((c) => c.label).join(", ")}. Each scenario is evaluated with its own
            choices on the same posterior draws, so the differences below are still paired draw by draw.
          </Alert>
        </div>
      ) : null}
      <Alert
        tone={d.best.probabilityBeatsAll >= 0.9 ? "success" : "info"}
        title={`Best expected: ${d.best.name}`}
      >
        It beats every other scenario at once in {formatPercent(d.best.probabilityBeatsAll)} of {d.draws}{" "}
        posterior draws (horizon {d.horizonWeeks} weeks incl. carryover).
      </Alert>
      <Card>
        <CardHeader
          title="Side by side"
          description="KPI over the horizon, incremental KPI caused by the plan, ROI, with 90% intervals."
          actions={
            <>
              <Button
                variant="secondary"
                onClick={() =>
                  downloadCsv(`mixcast-scenario-comparison-${d.runId}.csv`, scenarioComparisonCsv(d))
                }
                aria-label="Download CSV of the scenario comparison"
              >
                Download CSV
              </Button>
              <Button
                variant="secondary"
                onClick={() =>
                  downloadCsv(`mixcast-win-probabilities-${d.runId}.csv`, winProbabilitiesCsv(d))
                }
              >
                Download win probabilities
              </Button>
              <ReportActions
                pdfHref={`/api/w/${ws.id}/comparison/report.pdf?ids=${ids.join(",")}&runId=${d.runId}`}
                htmlHref={`/api/w/${ws.id}/comparison/report.html?ids=${ids.join(",")}&runId=${d.runId}`}
                share={{ kind: "scenario_comparison", scenarioIds: ids, runId: d.runId }}
              />
            </>
          }
        />
        <CardBody>
          <Table caption="Scenario results">
            <THead>
              <tr>
                <Th>Scenario</Th>
                <Th className="text-right">Spend</Th>
                <Th className="text-right">KPI (90%)</Th>
                <Th className="text-right">Incremental (90%)</Th>
                <Th className="text-right">ROI (90%)</Th>
                {differing.map((c) => (
                  <Th key={c.key}>{c.label}</Th>
                ))}
                <Th>Assumptions</Th>
              </tr>
            </THead>
            <TBody>
              {d.scenarios.map((s, i) => (
                <Tr key={s.name} data-testid="compare-row">
                  <Td className="font-medium">{s.name}</Td>
                  <Td numeric>{formatMoney(s.totalSpend, currencySymbol(ws.currency))}</Td>
                  <Td numeric>
                    {formatMoney(s.kpi.mean, "")} ({formatMoney(s.kpi.q05, "")}–{formatMoney(s.kpi.q95, "")})
                  </Td>
                  <Td numeric>
                    {formatMoney(s.incrementalKpi.mean, "")} ({formatMoney(s.incrementalKpi.q05, "")}–
                    {formatMoney(s.incrementalKpi.q95, "")})
                  </Td>
                  <Td numeric>
                    {s.roi
                      ? `${formatNumber(s.roi.mean)} (${formatNumber(s.roi.q05)}–${formatNumber(s.roi.q95)})`
                      : "—"}
                  </Td>
                  {differing.map((c) => (
                    <Td key={c.key} className="text-xs" data-testid="compare-choice">
                      {choiceOf(i, c.key)}
                    </Td>
                  ))}
                  <Td className="text-xs">{d.items[i]?.assumptions.join("; ") || "none"}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </CardBody>
      </Card>
      <Card>
        <CardHeader
          title="Differences, paired by draw"
          description="KPI of the first scenario minus the second over the horizon, computed draw by draw (90% interval), and the chance the first does better."
        />
        <CardBody>
          <Table caption="Pairwise differences">
            <THead>
              <tr>
                <Th>Scenario A</Th>
                <Th>Scenario B</Th>
                <Th className="text-right">KPI A − B (90%)</Th>
                <Th className="text-right">P(A beats B)</Th>
              </tr>
            </THead>
            <TBody>
              {d.pairs.map((p) => (
                <Tr key={`${p.a}|${p.b}`} data-testid="compare-pair">
                  <Td>{p.a}</Td>
                  <Td>{p.b}</Td>
                  <Td numeric>{fmtDiff(p.kpiDifference)}</Td>
                  <Td numeric>{formatPercent(p.probabilityABeatsB)}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </CardBody>
      </Card>
      <ProbabilityMatrix labels={labels} matrix={d.matrix} />
      <ScenarioCompareCharts
        scenarios={scenarios}
        units={{ currency: currencySymbol(ws.currency), kpi: "KPI" }}
      />
    </div>
  );
}

export default function CompareScenariosPage() {
  const ws = useWorkspace();
  return (
    <>
      <PageHeader
        title="Compare scenarios"
        description="Scenarios evaluated draw by draw on the same posterior, so differences and win probabilities account for the model's uncertainty."
        actions={
          <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/campaigns`}>
            Campaigns
          </Link>
        }
      />
      <Suspense fallback={<Spinner />}>
        <Comparison />
      </Suspense>
    </>
  );
}
