"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  Dialog,
  ErrorState,
  Input,
  PageHeader,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  buttonClasses,
  useToast,
} from "@mixcast/ui";
import {
  AllocationChart,
  downloadCsv,
  formatMoney,
  formatPercent,
  upliftSentence,
  type ChartUnits,
} from "@mixcast/ui/charts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { currencySymbol, formatNumber } from "@/components/format.ts";
import { optimalPlanCsv } from "@/lib/exports.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";

type ObjectiveChoice = "mean" | "q10" | "q25" | "msd1";
const OBJECTIVES: { value: ObjectiveChoice; label: string }[] = [
  { value: "mean", label: "Expected KPI (average over the posterior)" },
  { value: "q10", label: "Risk-aware: the pessimistic 10% case" },
  { value: "q25", label: "Risk-aware: the pessimistic 25% case" },
  { value: "msd1", label: "Risk-aware: mean minus one standard deviation" },
];
const objectiveOf = (c: ObjectiveChoice) =>
  c === "mean"
    ? ({ kind: "mean" } as const)
    : c === "msd1"
      ? ({ kind: "meanMinusSd", k: 1 } as const)
      : ({ kind: "quantile", q: c === "q10" ? 0.1 : 0.25 } as const);

interface BoundDraft {
  min: string;
  max: string;
  locked: boolean;
}

export default function OptimizerPage() {
  const ws = useWorkspace();
  const { runId } = useParams<{ runId: string }>();
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const context = useQuery(trpc.optimizer.context.queryOptions({ workspaceId: ws.id, runId }));
  const campaigns = useQuery(trpc.campaign.list.queryOptions({ workspaceId: ws.id }));
  const [typedWeeks, setWeeks] = useState<string | null>(null);
  const [typedBudget, setBudget] = useState("");
  const [objective, setObjective] = useState<ObjectiveChoice>("mean");
  const [bounds, setBounds] = useState<Record<string, BoundDraft>>({});
  const [saving, setSaving] = useState(false);
  const [scenarioName, setScenarioName] = useState("Optimized plan");
  const [campaignId, setCampaignId] = useState("");

  // Until the user types them: the run's suggested budget and horizon.
  const budget = typedBudget === "" && context.data ? String(context.data.suggestedBudget) : typedBudget;
  const weeks = typedWeeks ?? (context.data ? String(context.data.suggestedWeeks) : "13");

  const run = useMutation(
    trpc.optimizer.run.mutationOptions({
      onError: (e) =>
        toast.show({ tone: "danger", title: "The optimizer could not run", message: errorMessage(e) }),
    }),
  );
  const createScenario = useMutation(
    trpc.scenario.create.mutationOptions({
      onSuccess: async (s) => {
        await queryClient.invalidateQueries({ queryKey: trpc.campaign.pathKey() });
        toast.show({ tone: "success", title: `Scenario "${s.name}" saved` });
        setSaving(false);
        if (s.campaignId) router.push(`/w/${ws.id}/campaigns/${s.campaignId}`);
      },
      onError: (e) =>
        toast.show({ tone: "danger", title: "Could not save the scenario", message: errorMessage(e) }),
    }),
  );

  if (context.isPending) return <Spinner />;
  if (context.error) return <ErrorState message={errorMessage(context.error)} />;
  const ctx = context.data;
  const units: ChartUnits = { currency: currencySymbol(ws.currency), kpi: ctx.kpiName };
  const canRun = ws.can("analyst");

  function submit() {
    const b: Record<string, { min?: number; max?: number; locked?: boolean }> = {};
    for (const [name, d] of Object.entries(bounds)) {
      const entry: { min?: number; max?: number; locked?: boolean } = {};
      if (d.locked) entry.locked = true;
      if (d.min.trim() !== "") entry.min = Number(d.min);
      if (d.max.trim() !== "") entry.max = Number(d.max);
      if (Object.keys(entry).length > 0) b[name] = entry;
    }
    run.mutate({
      workspaceId: ws.id,
      runId,
      weeks: Number(weeks),
      budget: Number(budget),
      bounds: b,
      objective: objectiveOf(objective),
    });
  }
  const res = run.data;

  return (
    <>
      <PageHeader
        title="Budget optimizer"
        description="Finds the split of a budget across channels that maximizes the KPI over a planning horizon, using every posterior draw of this run (carryover from past spend included)."
        actions={
          <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/runs/${runId}/insights`}>
            Back to insights
          </Link>
        }
      />
      <div className="flex flex-col gap-6">
        <Card>
          <CardHeader
            title="Plan settings"
            description={`The current plan is the last 13 weeks' weekly spend per channel, scaled to your budget. Amounts in ${ws.currency ?? "the dataset's currency"}.`}
          />
          <CardBody className="flex flex-col gap-4">
            <div className="grid gap-4 sm:grid-cols-3">
              <Input
                label="Horizon (weeks)"
                type="number"
                min={1}
                max={52}
                value={weeks}
                onChange={(e) => setWeeks(e.target.value)}
                name="weeks"
              />
              <Input
                label="Total budget"
                type="number"
                min={0}
                value={budget}
                onChange={(e) => setBudget(e.target.value)}
                name="budget"
                hint={`Current pace: ${formatMoney(ctx.suggestedBudget / ctx.suggestedWeeks, units.currency)} per week`}
              />
              <Select
                label="Objective"
                value={objective}
                onChange={(e) => setObjective(e.target.value as ObjectiveChoice)}
                options={OBJECTIVES}
                name="objective"
              />
            </div>
            <Table caption="Per-channel bounds">
              <THead>
                <tr>
                  <Th>Channel</Th>
                  <Th className="text-right">Current weekly</Th>
                  <Th>Min total</Th>
                  <Th>Max total</Th>
                  <Th>Lock at current</Th>
                </tr>
              </THead>
              <TBody>
                {ctx.channels.map((c) => {
                  const d = bounds[c.name] ?? { min: "", max: "", locked: false };
                  const set = (patch: Partial<BoundDraft>) =>
                    setBounds((all) => ({ ...all, [c.name]: { ...d, ...patch } }));
                  return (
                    <Tr key={c.name}>
                      <Td className="font-medium">
                        {c.name} <span className="text-xs text-muted">({c.type})</span>
                      </Td>
                      <Td numeric>{formatMoney(c.currentWeekly, units.currency)}</Td>
                      <Td>
                        <Input
                          label={`Minimum for ${c.name}`}
                          className="[&_label]:sr-only"
                          type="number"
                          min={0}
                          value={d.min}
                          disabled={d.locked}
                          onChange={(e) => set({ min: e.target.value })}
                        />
                      </Td>
                      <Td>
                        <Input
                          label={`Maximum for ${c.name}`}
                          className="[&_label]:sr-only"
                          type="number"
                          min={0}
                          value={d.max}
                          disabled={d.locked}
                          onChange={(e) => set({ max: e.target.value })}
                        />
                      </Td>
                      <Td>
                        <Checkbox
                          label={`Lock ${c.name}`}
                          checked={d.locked}
                          onChange={(e) => set({ locked: e.target.checked })}
                        />
                      </Td>
                    </Tr>
                  );
                })}
              </TBody>
            </Table>
            <div className="flex items-center gap-3">
              <Button
                onClick={submit}
                loading={run.isPending}
                disabled={!canRun || !(Number(budget) > 0) || !(Number(weeks) >= 1)}
              >
                Run optimizer
              </Button>
              {!canRun ? (
                <span className="text-sm text-muted">
                  Viewers can look but not run the optimizer; ask an analyst.
                </span>
              ) : null}
            </div>
          </CardBody>
        </Card>

        {res ? (
          <>
            <Alert tone={res.uplift.probabilityBetter >= 0.9 ? "success" : "info"} title="Result">
              <span data-testid="uplift">{upliftSentence(res.uplift, ctx.kpiName)}</span> Optimal plan: ROI{" "}
              {formatNumber(res.roi.mean)} (90%: {formatNumber(res.roi.q05)}–{formatNumber(res.roi.q95)}).
            </Alert>
            <AllocationChart allocation={res.allocation} units={units} />
            <Card>
              <CardHeader
                title="Per-channel plan"
                description="Totals over the horizon, spent as a flat weekly amount; contribution and ROI of each channel under the optimal plan, with 90% intervals."
                actions={
                  <>
                    <Button
                      variant="secondary"
                      onClick={() => downloadCsv(`mixcast-optimal-plan-${runId}.csv`, optimalPlanCsv(res))}
                      aria-label="Download CSV of the optimal plan"
                    >
                      Download CSV
                    </Button>
                    {canRun ? (
                      <Button variant="secondary" onClick={() => setSaving(true)}>
                        Save as scenario
                      </Button>
                    ) : null}
                  </>
                }
              />
              <CardBody>
                <Table caption="Optimal allocation per channel">
                  <THead>
                    <tr>
                      <Th>Channel</Th>
                      <Th className="text-right">Current</Th>
                      <Th className="text-right">Optimal</Th>
                      <Th className="text-right">Per week</Th>
                      <Th className="text-right">Share</Th>
                      <Th className="text-right">Contribution (90%)</Th>
                      <Th className="text-right">ROI (90%)</Th>
                      <Th className="text-right">Marginal ROI</Th>
                      <Th>Constraint</Th>
                    </tr>
                  </THead>
                  <TBody>
                    {res.allocation.map((a) => (
                      <Tr key={a.channel} data-testid="allocation-row">
                        <Td className="font-medium">{a.channel}</Td>
                        <Td numeric>{formatMoney(a.currentTotal, units.currency)}</Td>
                        <Td numeric>{formatMoney(a.total, units.currency)}</Td>
                        <Td numeric>{formatMoney(a.weekly[0] ?? 0, units.currency)}</Td>
                        <Td numeric>{formatPercent(a.share, 1)}</Td>
                        <Td numeric>
                          {formatMoney(a.contribution.mean, "")} ({formatMoney(a.contribution.q05, "")}–
                          {formatMoney(a.contribution.q95, "")})
                        </Td>
                        <Td numeric>
                          {formatNumber(a.roi.mean)} ({formatNumber(a.roi.q05)}–{formatNumber(a.roi.q95)})
                        </Td>
                        <Td numeric>{formatNumber(a.marginalRoi)}</Td>
                        <Td>{a.atBound ?? "—"}</Td>
                      </Tr>
                    ))}
                  </TBody>
                </Table>
              </CardBody>
            </Card>
          </>
        ) : null}
      </div>
      <Dialog
        open={saving}
        onClose={() => setSaving(false)}
        title="Save the optimal plan as a scenario"
        description="The weekly amounts become an editable scenario you can compare with others."
        footer={
          <>
            <Button variant="secondary" onClick={() => setSaving(false)}>
              Cancel
            </Button>
            <Button
              loading={createScenario.isPending}
              onClick={() => {
                if (!res) return;
                const spend = Object.fromEntries(
                  res.allocation.map((a) => [a.channel, a.weekly.map((v) => Math.round(v * 100) / 100)]),
                );
                createScenario.mutate({
                  workspaceId: ws.id,
                  runId,
                  name: scenarioName,
                  ...(campaignId ? { campaignId } : {}),
                  plan: {
                    weeks: res.weeks,
                    spend,
                    assumptions: [],
                    origin: { kind: "optimizer", budget: res.budget, objective: res.objective.kind },
                  },
                });
              }}
            >
              Save scenario
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-3">
          <Input
            label="Scenario name"
            value={scenarioName}
            onChange={(e) => setScenarioName(e.target.value)}
          />
          <Select
            label="Campaign"
            value={campaignId}
            onChange={(e) => setCampaignId(e.target.value)}
            placeholder="No campaign"
            options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
        </div>
      </Dialog>
    </>
  );
}
