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
import { AllocationChart, formatMoney, upliftSentence, type ChartUnits } from "@mixcast/ui/charts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { currencySymbol, formatNumber, unitLabel } from "@/components/format.ts";
import { optimalPlanCsv } from "@/lib/exports.ts";
import {
  GOAL_CHOICES,
  parseBoundDrafts,
  parseGoalDraft,
  parsePlanningDraft,
  type GoalErrors,
  type GoalKind,
} from "@/lib/optimizer-goal-form.ts";
import { GoalResult, type GoalResultView } from "./goal-result.tsx";
import { PlanChannelsCard } from "./plan-channels-card.tsx";
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
  weeklyMax?: string;
}

/** One amount of a channel's bounds row; the label is for screen readers (the column says it). */
function BoundCell({
  label,
  value,
  disabled,
  onChange,
  error,
}: {
  label: string;
  value: string;
  disabled?: boolean;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  return (
    <Td>
      <Input
        label={label}
        className="[&_label]:sr-only"
        type="number"
        min={0}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        error={error}
      />
    </Td>
  );
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
  const [goalKind, setGoalKind] = useState<GoalKind>("max-kpi");
  const [targetKpi, setTargetKpi] = useState("");
  const [probability, setProbability] = useState("80");
  const [mroi, setMroi] = useState("1");
  const [roiTarget, setRoiTarget] = useState("");
  const [maxBudget, setMaxBudget] = useState("");
  const [flighting, setFlighting] = useState(false);
  const [errors, setErrors] = useState<GoalErrors>({});
  // v2 models: national or per-geo plan, R&F frequency ("" = optimal), organic levels ("" = recent mean)
  const [geoPlan, setGeoPlan] = useState<"national" | "perGeo">("national");
  const [frequency, setFrequency] = useState<Record<string, string>>({});
  const [organic, setOrganic] = useState<Record<string, string>>({});
  const [planningErrors, setPlanningErrors] = useState<Record<string, string>>({});
  const [boundErrors, setBoundErrors] = useState<Record<string, string>>({});
  /** Which result is on screen: the flat optimizer's (max KPI, flat weeks) or a goal's. */
  const [shown, setShown] = useState<"run" | "goal" | null>(null);

  // Until the user types them: the run's suggested budget and horizon.
  const budget = typedBudget === "" && context.data ? String(context.data.suggestedBudget) : typedBudget;
  const weeks = typedWeeks ?? (context.data ? String(context.data.suggestedWeeks) : "13");

  const run = useMutation(
    trpc.optimizer.run.mutationOptions({
      onError: (e) =>
        toast.show({ tone: "danger", title: "The optimizer could not run", message: errorMessage(e) }),
    }),
  );
  const goal = useMutation(
    trpc.optimizer.goal.mutationOptions({
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
  // units KPIs are labelled as what they count; with a value per unit the figures are money
  const kpiLabel = ctx.measure === "value" ? `value of ${ctx.kpiName}` : ctx.kpiName;
  const units: ChartUnits = { currency: currencySymbol(ws.currency), kpi: kpiLabel };
  const v2 = ctx.v2;
  const perGeo = v2 !== null && geoPlan === "perGeo";
  const lines = perGeo
    ? v2.geoLines.map((l) => ({ name: l.name, type: l.geo, currentWeekly: l.currentWeekly }))
    : ctx.channels;
  const canRun = ws.can("analyst");

  function submit() {
    const parsed = parseGoalDraft({
      kind: goalKind,
      weeks,
      budget,
      targetKpi,
      probability,
      mroi,
      roi: roiTarget,
      maxBudget,
    });
    const b = parseBoundDrafts(
      Object.fromEntries(Object.entries(bounds).filter(([name]) => lines.some((l) => l.name === name))),
    );
    const pl = parsePlanningDraft(geoPlan, frequency, organic);
    setErrors(parsed.ok ? {} : parsed.errors);
    setBoundErrors(b.errors);
    setPlanningErrors(pl.errors);
    if (!parsed.ok || Object.keys(b.errors).length > 0 || Object.keys(pl.errors).length > 0) return;
    const planning = v2 ? { planning: pl.planning } : {};
    if (parsed.goal.kind === "max-kpi" && !flighting) {
      setShown("run");
      run.mutate({
        workspaceId: ws.id,
        runId,
        weeks: parsed.weeks,
        budget: parsed.goal.budget,
        bounds: b.bounds,
        objective: objectiveOf(objective),
        ...planning,
      });
      return;
    }
    setShown("goal");
    goal.mutate({
      workspaceId: ws.id,
      runId,
      weeks: parsed.weeks,
      goal: parsed.goal,
      bounds: b.bounds,
      objective: objectiveOf(objective),
      flighting,
      weeklyBounds: flighting ? b.weeklyBounds : {},
      ...planning,
      ...(parsed.maxBudget !== undefined ? { maxBudget: parsed.maxBudget } : {}),
    });
  }
  const res = shown === "run" ? run.data : undefined;
  const goalRes = shown === "goal" ? (goal.data as GoalResultView | undefined) : undefined;
  const busy = run.isPending || goal.isPending;
  const kpiWords = {
    kpi: kpiLabel,
    roiUnit:
      ctx.measure === "units"
        ? `${ctx.kpiName} per ${units.currency || "currency unit"}`
        : `return per ${units.currency || "currency unit"} spent`,
    units: ctx.measure === "units" ? unitLabel(ctx.kpiName) : null,
  };

  return (
    <>
      <PageHeader
        title="Budget optimizer"
        description="Finds the budget and its split across channels for a goal (the most KPI for a budget, the least spend to reach a target, a marginal or overall ROI), flat or week by week, using this run's posterior draws (carry-over from past spend included)."
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
          <CardBody>
            <form
              className="flex flex-col gap-4"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                submit();
              }}
            >
              <fieldset className="flex flex-col gap-2">
                <legend className="mb-1 text-sm font-medium text-fg">Goal</legend>
                <div className="grid gap-2 sm:grid-cols-2">
                  {GOAL_CHOICES.map((g) => (
                    <label
                      key={g.value}
                      className="flex cursor-pointer items-start gap-2 rounded-lg border border-line p-3 text-sm has-[:checked]:border-primary"
                    >
                      <input
                        type="radio"
                        name="goal"
                        value={g.value}
                        checked={goalKind === g.value}
                        onChange={() => {
                          setGoalKind(g.value);
                          setErrors({});
                        }}
                        className="mt-0.5 accent-primary"
                      />
                      <span className="flex flex-col">
                        <span className="font-medium text-fg">{g.label}</span>
                        <span className="text-xs text-muted">{g.hint}</span>
                      </span>
                    </label>
                  ))}
                </div>
              </fieldset>
              <div className="grid gap-4 sm:grid-cols-3">
                <Input
                  label="Horizon (weeks)"
                  type="number"
                  min={1}
                  max={52}
                  value={weeks}
                  onChange={(e) => setWeeks(e.target.value)}
                  name="weeks"
                  error={errors.weeks}
                />
                {goalKind === "max-kpi" ? (
                  <Input
                    label="Total budget"
                    type="number"
                    min={0}
                    value={budget}
                    onChange={(e) => setBudget(e.target.value)}
                    name="budget"
                    error={errors.budget}
                    hint={`Current pace: ${formatMoney(ctx.suggestedBudget / ctx.suggestedWeeks, units.currency)} per week`}
                  />
                ) : null}
                {goalKind === "min-spend" ? (
                  <>
                    <Input
                      label={`Target KPI (${ctx.kpiName} over the horizon)`}
                      type="number"
                      min={0}
                      value={targetKpi}
                      onChange={(e) => setTargetKpi(e.target.value)}
                      name="targetKpi"
                      error={errors.targetKpi}
                    />
                    <Input
                      label="Probability of reaching it (%)"
                      type="number"
                      min={1}
                      max={99}
                      value={probability}
                      onChange={(e) => setProbability(e.target.value)}
                      name="probability"
                      error={errors.probability}
                      hint="Share of posterior draws whose KPI reaches the target."
                    />
                  </>
                ) : null}
                {goalKind === "target-mroi" ? (
                  <Input
                    label="Marginal ROI to spend down to"
                    type="number"
                    min={0}
                    step="any"
                    value={mroi}
                    onChange={(e) => setMroi(e.target.value)}
                    name="mroi"
                    error={errors.mroi}
                    hint={`${ctx.kpiName} returned by the next unit of spend.`}
                  />
                ) : null}
                {goalKind === "target-roi" ? (
                  <Input
                    label="Overall ROI"
                    type="number"
                    min={0}
                    step="any"
                    value={roiTarget}
                    onChange={(e) => setRoiTarget(e.target.value)}
                    name="roi"
                    error={errors.roi}
                    hint={`${ctx.kpiName} caused by the plan per unit of spend.`}
                  />
                ) : null}
                {goalKind !== "min-spend" ? (
                  <Select
                    label="Objective"
                    value={objective}
                    onChange={(e) => setObjective(e.target.value as ObjectiveChoice)}
                    options={OBJECTIVES}
                    name="objective"
                  />
                ) : null}
                {goalKind !== "max-kpi" ? (
                  <Input
                    label="Search ceiling (optional)"
                    type="number"
                    min={0}
                    value={maxBudget}
                    onChange={(e) => setMaxBudget(e.target.value)}
                    name="maxBudget"
                    error={errors.maxBudget}
                    hint={`Largest budget tried; default 10x the current pace (${formatMoney(ctx.suggestedBudget * 10, units.currency)} over 13 weeks).`}
                  />
                ) : null}
              </div>
              <Checkbox
                label="Plan week by week (flighting): different amounts in different weeks, counting the carry-over into the weeks after the plan"
                checked={flighting}
                onChange={(e) => setFlighting(e.target.checked)}
                name="flighting"
              />
              {v2 ? (
                <div
                  className="grid gap-4 rounded-lg border border-line p-3 sm:grid-cols-3"
                  data-testid="v2-planning"
                >
                  <p className="text-xs text-muted sm:col-span-3">
                    This model has {v2.geos.length > 1 ? `${v2.geos.length} geos` : "one geo"}
                    {v2.rf.length > 0 ? ", reach & frequency channels (planned in spend at a frequency)" : ""}
                    {v2.organic.length > 0
                      ? ", organic channels (held at a level you state, not optimized)"
                      : ""}
                    .
                    {ctx.kpiType === "units"
                      ? ` The KPI counts ${ctx.kpiName}${ctx.measure === "value" ? ", valued at its value per unit, so ROI is money per money" : ": ROI is " + ctx.kpiName + " per unit of spend, and its inverse is the cost per incremental " + unitLabel(ctx.kpiName) + " (CPIK)"}.`
                      : ""}
                  </p>
                  {v2.geos.length > 1 ? (
                    <Select
                      label="Geo plan"
                      value={geoPlan}
                      onChange={(e) => setGeoPlan(e.target.value as "national" | "perGeo")}
                      name="geoPlan"
                      options={[
                        {
                          value: "national",
                          label: "National: one amount per channel, split by each geo's recent share",
                        },
                        {
                          value: "perGeo",
                          label: `Per geo: one amount per channel in each of the ${v2.geos.length} geos`,
                        },
                      ]}
                    />
                  ) : null}
                  {v2.rf.map((r) => (
                    <Input
                      key={r.name}
                      label={`Frequency of ${r.name} (exposures per reached person)`}
                      type="number"
                      min={0}
                      step="any"
                      value={frequency[r.name] ?? ""}
                      placeholder={r.optimalFrequency.toFixed(2)}
                      onChange={(e) => setFrequency({ ...frequency, [r.name]: e.target.value })}
                      error={planningErrors[`frequency.${r.name}`]}
                      hint={`Empty: the optimal frequency, ${r.optimalFrequency.toFixed(2)} (highest observed ${r.maxFrequency.toFixed(1)}).`}
                    />
                  ))}
                  {v2.organic.map((o) => (
                    <Input
                      key={o.name}
                      label={`Weekly level of ${o.name} (organic, held)`}
                      type="number"
                      min={0}
                      value={organic[o.name] ?? ""}
                      placeholder={String(Math.round(o.defaultLevel))}
                      onChange={(e) => setOrganic({ ...organic, [o.name]: e.target.value })}
                      error={planningErrors[`organic.${o.name}`]}
                      hint={`Empty: the last 13 weeks' mean, ${Math.round(o.defaultLevel).toLocaleString()} a week over all geos.`}
                    />
                  ))}
                </div>
              ) : null}
              <Table caption={perGeo ? "Per-channel bounds in each geo" : "Per-channel bounds"}>
                <THead>
                  <tr>
                    <Th>Channel</Th>
                    <Th className="text-right">Current weekly</Th>
                    <Th>Min total</Th>
                    <Th>Max total</Th>
                    <Th>Lock at current</Th>
                    {flighting ? <Th>Max per week</Th> : null}
                  </tr>
                </THead>
                <TBody>
                  {ctx.channels.map((c) => {
                    const d = bounds[c.name] ?? { min: "", max: "", locked: false, weeklyMax: "" };
                    const set = (patch: Partial<BoundDraft>) =>
                      setBounds((all) => ({ ...all, [c.name]: { ...d, ...patch } }));
                    return (
                      <Tr key={c.name}>
                        <Td className="font-medium">
                          {c.name}{" "}
                          <span className="text-xs text-muted">
                            ({perGeo ? "geo " : ""}
                            {c.type})
                          </span>
                        </Td>
                        <Td numeric>{formatMoney(c.currentWeekly, units.currency)}</Td>
                        <BoundCell
                          label={`Minimum for ${c.name}`}
                          value={d.min}
                          disabled={d.locked}
                          onChange={(min) => set({ min })}
                          error={boundErrors[`${c.name}.min`]}
                        />
                        <BoundCell
                          label={`Maximum for ${c.name}`}
                          value={d.max}
                          disabled={d.locked}
                          onChange={(max) => set({ max })}
                          error={boundErrors[`${c.name}.max`]}
                        />
                        <Td>
                          <Checkbox
                            label={`Lock ${c.name}`}
                            checked={d.locked}
                            onChange={(e) => set({ locked: e.target.checked })}
                          />
                        </Td>
                        {flighting ? (
                          <BoundCell
                            label={`Weekly maximum for ${c.name}`}
                            value={d.weeklyMax ?? ""}
                            onChange={(weeklyMax) => set({ weeklyMax })}
                            error={boundErrors[`${c.name}.weeklyMax`]}
                          />
                        ) : null}
                      </Tr>
                    );
                  })}
                </TBody>
              </Table>
              <div className="flex items-center gap-3">
                <Button type="submit" loading={busy} disabled={!canRun}>
                  Run optimizer
                </Button>
                {!canRun ? (
                  <span className="text-sm text-muted">
                    Viewers can look but not run the optimizer; ask an analyst.
                  </span>
                ) : null}
              </div>
            </form>
          </CardBody>
        </Card>

        {goalRes ? (
          <GoalResult
            result={goalRes}
            units={units}
            words={kpiWords}
            runId={runId}
            onSave={canRun ? () => setSaving(true) : null}
          />
        ) : null}
        {res ? (
          <>
            <Alert tone={res.uplift.probabilityBetter >= 0.9 ? "success" : "info"} title="Result">
              <span data-testid="uplift">{upliftSentence(res.uplift, kpiLabel)}</span> Optimal plan: expected{" "}
              {kpiLabel} {formatNumber(res.expectedKpi.mean, 0)} (90%: {formatNumber(res.expectedKpi.q05, 0)}–
              {formatNumber(res.expectedKpi.q95, 0)}), ROI {formatNumber(res.roi.mean)} (90%:{" "}
              {formatNumber(res.roi.q05)}–{formatNumber(res.roi.q95)})
              {kpiWords.units !== null && res.incrementalKpi.mean > 0
                ? `, cost per incremental ${kpiWords.units} ${formatMoney(res.budget / res.incrementalKpi.mean, units.currency)}`
                : ""}
              .
            </Alert>
            <AllocationChart allocation={res.allocation} units={units} />
            <PlanChannelsCard
              description="Totals over the horizon, spent as a flat weekly amount; contribution and ROI of each channel under the optimal plan, with 90% intervals."
              channels={res.allocation}
              currency={units.currency}
              planLabel="Optimal"
              perWeek
              caption="Optimal allocation per channel"
              rowTestId="allocation-row"
              csv={{
                fileName: `mixcast-optimal-plan-${runId}.csv`,
                label: "Download CSV of the optimal plan",
                table: () => optimalPlanCsv(res),
              }}
              onSave={canRun ? () => setSaving(true) : null}
              formatContribution={(i) =>
                `${formatMoney(i.mean, "")} (${formatMoney(i.q05, "")}–${formatMoney(i.q95, "")})`
              }
              formatRoi={(i) => `${formatNumber(i.mean)} (${formatNumber(i.q05)}–${formatNumber(i.q95)})`}
            />
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
                const rows = goalRes
                  ? goalRes.channels.map((a) => ({ channel: a.channel, weekly: a.weekly }))
                  : res?.allocation;
                if (!rows) return;
                const spend = Object.fromEntries(
                  rows.map((a) => [a.channel, a.weekly.map((v) => Math.round(v * 100) / 100)]),
                );
                createScenario.mutate({
                  workspaceId: ws.id,
                  runId,
                  name: scenarioName,
                  ...(campaignId ? { campaignId } : {}),
                  plan: {
                    weeks: goalRes ? goalRes.weeks : res!.weeks,
                    spend,
                    assumptions: [],
                    origin: goalRes
                      ? { kind: "optimizer", budget: goalRes.totalSpend, objective: goalRes.goal.kind }
                      : { kind: "optimizer", budget: res!.budget, objective: res!.objective.kind },
                    ...(v2 ? { planning: parsePlanningDraft(geoPlan, frequency, organic).planning } : {}),
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
