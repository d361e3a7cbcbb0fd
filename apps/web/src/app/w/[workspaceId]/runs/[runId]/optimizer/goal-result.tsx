"use client";
import { Alert, Button, Card, CardBody, CardHeader, Table, TBody, Td, Th, THead, Tr } from "@mixcast/ui";
import {
  AllocationChart,
  downloadCsv,
  flightingCsv,
  FlightingChart,
  formatMoney,
  formatPercent,
  type ChartUnits,
} from "@mixcast/ui/charts";
import { formatNumber } from "@/components/format.ts";
import { goalPlanCsv, type GoalPlanLike, type Interval } from "@/lib/exports.ts";
import { PlanChannelsCard } from "./plan-channels-card.tsx";

export interface GoalResultView extends GoalPlanLike {
  goal:
    | { kind: "max-kpi"; budget: number }
    | { kind: "min-spend"; targetKpi: number; probability: number }
    | { kind: "target-mroi"; mroi: number }
    | { kind: "target-roi"; roi: number };
  channels: (GoalPlanLike["channels"][number] & { atBound: "min" | "max" | "locked" | null })[];
  reason: string | null;
  closest: { achieved: number; target: number; atSpend: number } | null;
  current: { totalSpend: number; expected: Interval };
  marginalRoiAtOptimum: number;
  flighting: {
    window: number;
    tailWeeks: number;
    probabilityBeatsFlat: number;
    flat: { expected: Interval; incremental: Interval };
  } | null;
}

/** What the KPI figures are, in words ("revenue", "conversions", "value of conversions"). */
export interface KpiWords {
  /** Name of the KPI as counted: "revenue", "conversions". */
  kpi: string;
  /** ROI is in money per money (revenue, or units with a value), or units per money (CPIK's inverse). */
  roiUnit: string;
  /** Units KPI without a value: one unit in words ("conversion"), for the cost per incremental unit. */
  units: string | null;
}

/** Cost per incremental unit (CPIK) from the KPI caused by the plan: spend / units, interval flipped. */
export function cpikOf(spend: number, incremental: Interval): Interval | null {
  if (!(incremental.q05 > 0))
    return incremental.mean > 0 ? { mean: spend / incremental.mean, q05: Number.NaN, q95: Number.NaN } : null;
  return { mean: spend / incremental.mean, q05: spend / incremental.q95, q95: spend / incremental.q05 };
}

const ivText = (i: Interval, fmt: (v: number) => string) =>
  `${fmt(i.mean)} (90%: ${fmt(i.q05)}–${fmt(i.q95)})`;

/** The infeasible goal in plain words, with how close the best budget gets. */
export function infeasibleSentence(r: GoalResultView, currency: string, words: KpiWords): string {
  const c = r.closest;
  if (!c) return "This goal cannot be reached with these bounds.";
  const at = formatMoney(c.atSpend, currency);
  switch (r.goal.kind) {
    case "min-spend":
      return `Even spending ${at}, the chance of reaching ${formatNumber(r.goal.targetKpi, 0)} ${words.kpi} is ${formatPercent(c.achieved, 0)}, short of the ${formatPercent(c.target, 0)} asked. Lower the target or the probability, or raise the search ceiling.`;
    case "target-mroi":
      return `No budget keeps the marginal ROI at ${formatNumber(c.target)}: the best this model expects is ${formatNumber(c.achieved)} (at ${at}). Every extra unit of spend returns less than the target.`;
    case "target-roi":
      return `No budget reaches an overall ROI of ${formatNumber(c.target)}: the best this model expects is ${formatNumber(c.achieved)} (at ${at}).`;
    default:
      return "This goal cannot be reached with these bounds.";
  }
}

function headline(r: GoalResultView, currency: string, words: KpiWords): string {
  const spend = formatMoney(r.totalSpend, currency);
  switch (r.goal.kind) {
    case "max-kpi":
      return `Spending ${spend}, the best split is below.`;
    case "min-spend":
      return `Spend ${spend} to reach ${formatNumber(r.goal.targetKpi, 0)} ${words.kpi} with ${formatPercent(r.probabilityOfTarget ?? 0, 0)} probability (asked: ${formatPercent(r.goal.probability, 0)}).`;
    case "target-mroi":
      return `Spend ${spend}: past it, the next unit of spend returns less than a marginal ROI of ${formatNumber(r.goal.mroi)}.`;
    case "target-roi":
      return `Spend ${spend}: the largest budget whose plan returns an overall ROI of ${formatNumber(r.goal.roi)} or more.`;
  }
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="flex flex-col gap-1 rounded-lg border border-line p-3" data-testid={testId}>
      <span className="text-xs text-muted">{label}</span>
      <span className="text-sm font-medium text-fg">{value}</span>
    </div>
  );
}

export function GoalResult({
  result: r,
  units,
  words,
  runId,
  onSave,
}: {
  result: GoalResultView;
  units: ChartUnits;
  words: KpiWords;
  runId: string;
  onSave: (() => void) | null;
}) {
  const money = (v: number) => formatMoney(v, units.currency);
  const kpiFmt = (v: number) => formatNumber(v, 0);
  const f = r.flighting;
  return (
    <>
      {r.feasible ? (
        <Alert tone={(r.probabilityBeatsCurrent ?? 0) >= 0.9 ? "success" : "info"} title="Goal reached">
          <span data-testid="goal-headline">{headline(r, units.currency, words)}</span>
        </Alert>
      ) : (
        <Alert tone="warning" title="This goal cannot be reached">
          <span data-testid="goal-infeasible">{infeasibleSentence(r, units.currency, words)}</span>{" "}
          <span className="text-xs text-muted">The plan shown is the closest one.</span>
        </Alert>
      )}
      <Card>
        <CardHeader
          title="Result"
          description={`${f ? `KPI counts the ${f.window} plan weeks and the ${f.tailWeeks} weeks after them (carry-over of the plan's spend); spend before the plan enters through each channel's history.` : `KPI over the ${r.weeks}-week horizon, carry-over from past spend included.`} Intervals are 90% posterior intervals.`}
        />
        <CardBody>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <Stat label="Total spend" value={money(r.totalSpend)} testId="goal-spend" />
            <Stat label={`Expected ${words.kpi}`} value={ivText(r.kpi.expected, kpiFmt)} testId="goal-kpi" />
            <Stat label={`${words.kpi} caused by the plan`} value={ivText(r.kpi.incremental, kpiFmt)} />
            <Stat
              label={`ROI (${words.roiUnit})`}
              value={ivText(r.kpi.roi, (v) => formatNumber(v))}
              testId="goal-roi"
            />
            <Stat
              label="P(beats the current plan)"
              value={
                r.probabilityBeatsCurrent === null
                  ? "— (no recent spend to compare)"
                  : `${formatPercent(r.probabilityBeatsCurrent, 0)} against ${money(r.current.totalSpend)} at today's pace`
              }
              testId="goal-p-current"
            />
            {words.units !== null && cpikOf(r.totalSpend, r.kpi.incremental) ? (
              <Stat
                label={`Cost per incremental ${words.units} (CPIK)`}
                value={ivText(cpikOf(r.totalSpend, r.kpi.incremental)!, money)}
                testId="goal-cpik"
              />
            ) : null}
            <Stat label="Marginal ROI at the optimum" value={formatNumber(r.marginalRoiAtOptimum)} />
            {r.probabilityOfTarget !== null ? (
              <Stat label="P(reaching the target)" value={formatPercent(r.probabilityOfTarget, 0)} />
            ) : null}
            {f ? (
              <Stat
                label="P(weekly plan beats the same totals spent flat)"
                value={formatPercent(f.probabilityBeatsFlat, 0)}
                testId="goal-p-flat"
              />
            ) : null}
          </div>
        </CardBody>
      </Card>
      <AllocationChart allocation={r.channels} units={units} />
      <PlanChannelsCard
        description="Totals over the plan, each channel's contribution and ROI with 90% intervals, and its marginal ROI at the optimum: the optimizer moves spend until the free channels' marginal ROIs are equal, so a channel with a lower one is at a bound."
        channels={r.channels}
        currency={units.currency}
        planLabel="Plan"
        caption="Plan per channel"
        rowTestId="goal-row"
        csv={{
          fileName: `mixcast-goal-plan-${runId}.csv`,
          label: "Download CSV of the goal's plan",
          table: () => goalPlanCsv(r),
        }}
        onSave={onSave}
        formatContribution={(i) => ivText(i, kpiFmt)}
        formatRoi={(i) => ivText(i, (v) => formatNumber(v))}
      />
      {f ? (
        <>
          <FlightingChart
            plan={{ weeks: r.weeks, channels: r.channels }}
            units={units}
            tailWeeks={f.tailWeeks}
          />
          <Card>
            <CardHeader
              title="Weekly plan"
              description={`Spend per channel per plan week (${units.currency || "dataset currency"}). The same totals spent flat would give ${ivText(f.flat.expected, kpiFmt)} ${words.kpi}.`}
              actions={
                <Button
                  variant="secondary"
                  onClick={() =>
                    downloadCsv(
                      `mixcast-weekly-plan-${runId}.csv`,
                      flightingCsv({ weeks: r.weeks, channels: r.channels }),
                    )
                  }
                  aria-label="Download CSV of the weekly plan"
                >
                  Download CSV
                </Button>
              }
            />
            <CardBody className="overflow-x-auto">
              <Table caption="Spend per channel per week">
                <THead>
                  <tr>
                    <Th>Channel</Th>
                    {Array.from({ length: r.weeks }, (_, w) => (
                      <Th key={w} className="text-right">
                        W{w + 1}
                      </Th>
                    ))}
                    <Th className="text-right">Total</Th>
                  </tr>
                </THead>
                <TBody>
                  {r.channels.map((a) => (
                    <Tr key={a.channel} data-testid="weekly-row">
                      <Td className="font-medium">{a.channel}</Td>
                      {a.weekly.map((v, w) => (
                        <Td key={w} numeric>
                          {money(v)}
                        </Td>
                      ))}
                      <Td numeric>{money(a.total)}</Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </CardBody>
          </Card>
        </>
      ) : null}
    </>
  );
}
