"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  Dialog,
  EmptyState,
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
import { downloadCsv, formatMoney, slug } from "@mixcast/ui/charts";
import { useWorkspace } from "@/components/workspace-context.tsx";
import { currencySymbol, formatDateTime, formatNumber, unitLabel } from "@/components/format.ts";
import { scenarioPlanCsv, scenarioResultCsv } from "@/lib/exports.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";
import {
  draftFromPlan,
  planFromDraft,
  ScenarioEditor,
  type PlanDraft,
  type PlanValue,
} from "./scenario-editor.tsx";
import { ScenarioForecasts } from "./scenario-forecasts.tsx";

type Source = "lastQuarter" | "optimizer" | "empty";
const ORIGIN: Record<string, string> = {
  manual: "Manual",
  optimizer: "Optimizer",
  lastQuarter: "Last quarter × k",
  duplicate: "Copy",
};

function EvaluationCard({
  workspaceId,
  scenarioId,
  name,
  kpi,
  measure = "kpi",
}: {
  workspaceId: string;
  scenarioId: string;
  name: string;
  kpi: string;
  /** units: KPI in units (CPIK shown); value: units x value per unit (money). */
  measure?: "kpi" | "value" | "units";
}) {
  const trpc = useTRPC();
  const cur = currencySymbol(useWorkspace().currency);
  const q = useQuery(trpc.scenario.evaluate.queryOptions({ workspaceId, scenarioId }));
  const queryClient = useQueryClient();
  const computedNow = q.data?.cached === false;
  // a fresh evaluation is now stored: the scenario table's headline column shows it too
  useEffect(() => {
    if (computedNow) void queryClient.invalidateQueries({ queryKey: trpc.campaign.get.pathKey() });
  }, [computedNow, queryClient, trpc]);
  if (q.isPending) return <Spinner label="Evaluating on the posterior draws" />;
  if (q.error) return <ErrorState message={errorMessage(q.error)} />;
  const r = q.data.result;
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="evaluation">
      <p>
        Over {r.horizonWeeks} weeks ({r.weeks} planned + carryover): incremental {kpi}{" "}
        <strong>{formatMoney(r.incrementalKpi.mean, "")}</strong> (90%:{" "}
        {formatMoney(r.incrementalKpi.q05, "")}–{formatMoney(r.incrementalKpi.q95, "")}) for{" "}
        {formatMoney(r.totalSpend, cur)} spend
        {r.roi ? (
          <>
            ; ROI <strong>{formatNumber(r.roi.mean)}</strong> ({formatNumber(r.roi.q05)}–
            {formatNumber(r.roi.q95)})
          </>
        ) : null}
        {measure === "units" && r.incrementalKpi.mean > 0 ? (
          <>
            ; cost per incremental {unitLabel(kpi)} (CPIK){" "}
            <strong>{formatMoney(r.totalSpend / r.incrementalKpi.mean, cur)}</strong>
          </>
        ) : null}
        . {q.data.cached ? <Badge>cached</Badge> : null}
      </p>
      {r.assumptions.length > 0 ? (
        <Alert tone="warning" title="Built on your assumptions">
          {r.assumptions
            .map((a) => `${a.label} (×${a.multiplier} on ${a.appliedTo.join(", ") || "no channel"})`)
            .join("; ")}
        </Alert>
      ) : null}
      <div>
        <Button
          variant="secondary"
          onClick={() => downloadCsv(`mixcast-scenario-result-${slug(name)}.csv`, scenarioResultCsv(r))}
          aria-label={`Download CSV of the result of ${name}`}
        >
          Download CSV
        </Button>
      </div>
      <Table caption="Scenario by channel">
        <THead>
          <tr>
            <Th>Channel</Th>
            <Th className="text-right">Spend</Th>
            <Th className="text-right">Contribution (90%)</Th>
            <Th className="text-right">ROI (90%)</Th>
          </tr>
        </THead>
        <TBody>
          {Object.entries(r.channels).map(([c, v]) => (
            <Tr key={c}>
              <Td>{c}</Td>
              <Td numeric>{formatMoney(v.spend, cur)}</Td>
              <Td numeric>
                {formatMoney(v.contribution.mean, "")} ({formatMoney(v.contribution.q05, "")}–
                {formatMoney(v.contribution.q95, "")})
              </Td>
              <Td numeric>
                {v.roi
                  ? `${formatNumber(v.roi.mean)} (${formatNumber(v.roi.q05)}–${formatNumber(v.roi.q95)})`
                  : "—"}
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}

export default function CampaignPage() {
  const ws = useWorkspace();
  const { campaignId } = useParams<{ campaignId: string }>();
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const campaign = useQuery(trpc.campaign.get.queryOptions({ workspaceId: ws.id, campaignId }));
  const modelId = campaign.data?.modelId ?? undefined;
  const runs = useQuery(
    trpc.run.list.queryOptions({
      workspaceId: ws.id,
      status: "succeeded",
      limit: 50,
      ...(modelId ? { modelId } : {}),
    }),
  );
  const [chosenRunId, setRunId] = useState("");
  const [source, setSource] = useState<Source>("lastQuarter");
  const [k, setK] = useState("1");
  const [weeks, setWeeks] = useState("13");
  const [typedBudget, setBudget] = useState("");
  const [geoPlan, setGeoPlan] = useState<"national" | "perGeo">("national");
  const [draft, setDraft] = useState<PlanDraft | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [evaluating, setEvaluating] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{
    kind: "campaign" | "scenario";
    id: string;
    name: string;
  } | null>(null);
  const [deleting, setDeleting] = useState<{
    kind: "campaign" | "scenario";
    id: string;
    name: string;
  } | null>(null);

  // Until one is chosen: the model's approved run, else the newest succeeded one. Until one is
  // typed: the run's suggested budget.
  const preferredRun = runs.data?.items.find((r) => r.approved) ?? runs.data?.items[0];
  const runId = chosenRunId || (preferredRun?.id ?? "");
  const context = useQuery({
    ...trpc.optimizer.context.queryOptions({ workspaceId: ws.id, runId }),
    enabled: runId !== "",
  });
  const budget = typedBudget === "" && context.data ? String(context.data.suggestedBudget) : typedBudget;
  const kpiLabel =
    context.data?.measure === "value" ? `value of ${context.data.kpiName}` : (context.data?.kpiName ?? "KPI");
  const runChannels = context.data?.channels.map((c) => c.name) ?? [];
  // a campaign with its own channel list plans only those (the model's order)
  const campaignChannels = campaign.data?.channels ?? [];
  const channels =
    campaignChannels.length > 0 ? runChannels.filter((c) => campaignChannels.includes(c)) : runChannels;
  const [choosingChannels, setChoosingChannels] = useState<string[] | null>(null);
  // v2 models: the plan's geo choice, R&F frequencies and organic levels (held inputs)
  const v2 = context.data?.v2 ?? null;
  const perGeo = v2 !== null && geoPlan === "perGeo";
  const planLines = perGeo
    ? v2.geoLines
        .filter((l) => campaignChannels.length === 0 || campaignChannels.includes(l.channel))
        .map((l) => l.name)
    : channels;

  const invalidate = () =>
    queryClient
      .invalidateQueries({ queryKey: trpc.campaign.pathKey() })
      .then(() => queryClient.invalidateQueries({ queryKey: trpc.scenario.pathKey() }));
  const onError = (title: string) => (e: unknown) =>
    toast.show({ tone: "danger", title, message: errorMessage(e) });
  const generate = useMutation(
    trpc.scenario.generatePlan.mutationOptions({ onError: onError("Could not generate a plan") }),
  );
  const create = useMutation(
    trpc.scenario.create.mutationOptions({
      onSuccess: async (s) => {
        await invalidate();
        setDraft(null);
        toast.show({ tone: "success", title: `Scenario "${s.name}" saved` });
      },
      onError: onError("Could not save the scenario"),
    }),
  );
  const update = useMutation(
    trpc.scenario.update.mutationOptions({
      onSuccess: async (s) => {
        await invalidate();
        setDraft(null);
        setEditing(null);
        setRenaming(null);
        toast.show({ tone: "success", title: `Scenario "${s.name}" updated` });
      },
      onError: onError("Could not update the scenario"),
    }),
  );
  const duplicate = useMutation(
    trpc.scenario.duplicate.mutationOptions({
      onSuccess: async (s) => {
        await invalidate();
        toast.show({ tone: "success", title: `Copied as "${s.name}"` });
      },
      onError: onError("Could not duplicate"),
    }),
  );
  const remove = useMutation(
    trpc.scenario.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setDeleting(null);
        toast.show({ title: "Scenario deleted" });
      },
      onError: onError("Could not delete"),
    }),
  );
  const updateCampaign = useMutation(
    trpc.campaign.update.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setRenaming(null);
        toast.show({ tone: "success", title: "Campaign renamed" });
      },
      onError: onError("Could not rename"),
    }),
  );
  const saveChannels = useMutation(
    trpc.campaign.update.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setChoosingChannels(null);
        toast.show({ tone: "success", title: "Campaign channels saved" });
      },
      onError: onError("Could not save the channels"),
    }),
  );
  const deleteCampaign = useMutation(
    trpc.campaign.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        router.push(`/w/${ws.id}/campaigns`);
      },
      onError: onError("Could not delete the campaign"),
    }),
  );

  if (campaign.isPending) return <Spinner />;
  if (campaign.error) return <ErrorState message={errorMessage(campaign.error)} />;
  const c = campaign.data;
  const canEdit = ws.can("analyst");

  async function startDraft() {
    const w = Math.max(1, Math.min(104, Number(weeks) || 13));
    const planningDraft = v2
      ? { geoPlan: perGeo ? ("perGeo" as const) : ("national" as const), frequency: {}, organic: {} }
      : null;
    if (source === "empty") {
      setDraft({
        name: "New scenario",
        weeks: w,
        spend: Object.fromEntries(planLines.map((ch) => [ch, Array.from({ length: w }, () => "0")])),
        assumptions: [],
        origin: { kind: "manual" },
        ...(planningDraft ? { planning: planningDraft } : {}),
      });
      return;
    }
    const plan = await generate.mutateAsync({
      workspaceId: ws.id,
      runId,
      weeks: w,
      ...(planningDraft ? { planning: planningDraft } : {}),
      ...(campaignChannels.length > 0 ? { channels: campaignChannels } : {}),
      source:
        source === "lastQuarter"
          ? { kind: "lastQuarter", k: Number(k) }
          : { kind: "optimizer", budget: Number(budget) },
    });
    setEditing(null);
    setDraft(
      draftFromPlan(
        source === "lastQuarter" ? `Last quarter × ${k}` : "Optimized",
        plan,
        perGeo ? Object.keys(plan.spend) : channels,
      ),
    );
  }

  async function openForEdit(id: string) {
    const s = await queryClient.fetchQuery(
      trpc.scenario.get.queryOptions({ workspaceId: ws.id, scenarioId: id }),
    );
    setRunId(s.runId);
    const plan = s.plan;
    setEditing(id);
    setDraft(draftFromPlan(s.name, plan, Object.keys(plan.spend)));
  }

  function save() {
    if (!draft) return;
    const parsed = planFromDraft(draft);
    if (!parsed.ok) {
      setProblems(parsed.problems);
      return;
    }
    setProblems([]);
    if (editing)
      update.mutate({ workspaceId: ws.id, scenarioId: editing, name: draft.name, plan: parsed.plan });
    else create.mutate({ workspaceId: ws.id, runId, campaignId, name: draft.name, plan: parsed.plan });
  }

  return (
    <>
      <PageHeader
        title={c.name}
        description={`${c.startsOn ? `Flight ${c.startsOn.toISOString().slice(0, 10)} to ${c.endsOn?.toISOString().slice(0, 10) ?? "open"}` : "No flight dates"}${c.budget ? ` · budget ${formatMoney(c.budget, currencySymbol(ws.currency))}` : ""}${c.model ? ` · model ${c.model.name}` : ""} · ${c.channels.length > 0 ? `plans ${c.channels.join(", ")}` : "plans every channel"}`}
        actions={
          <>
            <Link className={buttonClasses("secondary")} href={`/w/${ws.id}/campaigns`}>
              All campaigns
            </Link>
            {canEdit && c.modelId ? (
              <Button variant="secondary" onClick={() => setChoosingChannels(c.channels)}>
                Channels
              </Button>
            ) : null}
            {canEdit ? (
              <Button
                variant="secondary"
                onClick={() => setRenaming({ kind: "campaign", id: c.id, name: c.name })}
              >
                Rename
              </Button>
            ) : null}
            {canEdit ? (
              <Button
                variant="danger"
                onClick={() => setDeleting({ kind: "campaign", id: c.id, name: c.name })}
              >
                Delete
              </Button>
            ) : null}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        <Card>
          <CardHeader
            title="Scenarios"
            description="Weekly spend plans for this flight. Tick two or more (from any campaign, on the campaigns page) to compare them."
            actions={
              <Button
                disabled={selected.length < 2}
                onClick={() => router.push(`/w/${ws.id}/campaigns/compare?ids=${selected.join(",")}`)}
              >
                Compare selected ({selected.length})
              </Button>
            }
          />
          <CardBody>
            {c.scenarios.length === 0 ? (
              <EmptyState
                title="No scenarios yet"
                next={
                  canEdit
                    ? "Start one below: from last quarter's spend, from the optimizer, or from scratch."
                    : "An analyst can add scenarios here."
                }
              />
            ) : (
              <Table caption="Scenarios of this campaign">
                <THead>
                  <tr>
                    <Th>Compare</Th>
                    <Th>Name</Th>
                    <Th>Source</Th>
                    <Th className="text-right">Weeks</Th>
                    <Th className="text-right">Total spend</Th>
                    <Th className="text-right">Incremental {kpiLabel} (90%)</Th>
                    <Th>Updated</Th>
                    <Th>Actions</Th>
                  </tr>
                </THead>
                <TBody>
                  {c.scenarios.map((s) => {
                    const plan = s.plan as unknown as PlanValue;
                    const total = Object.values(plan.spend ?? {})
                      .flat()
                      .reduce((a, b) => a + b, 0);
                    return (
                      <Tr key={s.id} data-testid="scenario-row">
                        <Td>
                          <Checkbox
                            label={`Select ${s.name}`}
                            className="[&_label]:sr-only"
                            checked={selected.includes(s.id)}
                            onChange={(e) =>
                              setSelected(
                                e.target.checked ? [...selected, s.id] : selected.filter((x) => x !== s.id),
                              )
                            }
                          />
                        </Td>
                        <Td className="font-medium">
                          {s.name}
                          {plan.assumptions?.length ? (
                            <Badge tone="warning" className="ml-2">
                              assumptions
                            </Badge>
                          ) : null}
                        </Td>
                        <Td>{ORIGIN[plan.origin?.kind ?? "manual"] ?? "Manual"}</Td>
                        <Td numeric>{plan.weeks}</Td>
                        <Td numeric>{formatMoney(total, currencySymbol(ws.currency))}</Td>
                        <Td numeric data-testid="scenario-headline">
                          {s.evaluation ? (
                            <>
                              {formatMoney(s.evaluation.incrementalKpi.mean, "")}{" "}
                              <span className="text-xs text-muted">
                                ({formatMoney(s.evaluation.incrementalKpi.q05, "")}–
                                {formatMoney(s.evaluation.incrementalKpi.q95, "")})
                                {s.evaluation.roi ? `, ROI ${formatNumber(s.evaluation.roi.mean)}` : ""}
                              </span>
                            </>
                          ) : (
                            <span className="text-xs text-muted">not evaluated yet</span>
                          )}
                        </Td>
                        <Td>{formatDateTime(s.updatedAt)}</Td>
                        <Td>
                          <div className="flex flex-wrap gap-1">
                            <Button
                              size="sm"
                              variant="ghost"
                              onClick={() => setEvaluating(evaluating === s.id ? null : s.id)}
                            >
                              {evaluating === s.id ? "Hide result" : "Evaluate"}
                            </Button>
                            <Button
                              size="sm"
                              variant="secondary"
                              onClick={() =>
                                downloadCsv(
                                  `mixcast-plan-${slug(s.name)}.csv`,
                                  scenarioPlanCsv({ weeks: plan.weeks, spend: plan.spend ?? {} }),
                                )
                              }
                              aria-label={`Download plan of ${s.name}`}
                            >
                              Download plan
                            </Button>
                            {canEdit ? (
                              <>
                                <Button size="sm" variant="ghost" onClick={() => void openForEdit(s.id)}>
                                  Edit
                                </Button>
                                <Button
                                  size="sm"
                                  variant="ghost"
                                  onClick={() => duplicate.mutate({ workspaceId: ws.id, scenarioId: s.id })}
                                >
                                  Duplicate
                                </Button>
                                <Button
                                  size="sm"
                                  variant="ghost"
                                  onClick={() => setRenaming({ kind: "scenario", id: s.id, name: s.name })}
                                >
                                  Rename
                                </Button>
                                <Button
                                  size="sm"
                                  variant="ghost"
                                  onClick={() => setDeleting({ kind: "scenario", id: s.id, name: s.name })}
                                >
                                  Delete
                                </Button>
                              </>
                            ) : null}
                          </div>
                        </Td>
                      </Tr>
                    );
                  })}
                </TBody>
              </Table>
            )}
            {evaluating ? (
              <div className="mt-4">
                <EvaluationCard
                  workspaceId={ws.id}
                  scenarioId={evaluating}
                  name={c.scenarios.find((s) => s.id === evaluating)?.name ?? "scenario"}
                  kpi={kpiLabel}
                  measure={context.data?.measure ?? "kpi"}
                />
                <div className="mt-4">
                  <ScenarioForecasts scenarioId={evaluating} alternatives={c.scenarios} />
                </div>
              </div>
            ) : null}
          </CardBody>
        </Card>

        {canEdit ? (
          <Card>
            <CardHeader
              title={editing ? "Edit scenario" : "New scenario"}
              description="Plans start after the last week of data. Scenarios are evaluated on a fitted run's posterior draws."
            />
            <CardBody className="flex flex-col gap-4">
              {!draft ? (
                runs.data && runs.data.items.length === 0 ? (
                  <EmptyState
                    title="No fitted run yet"
                    next="Scenarios need a succeeded run of the campaign's model. Start a fit from the model page."
                  />
                ) : (
                  <div className="grid items-end gap-4 sm:grid-cols-3 lg:grid-cols-6">
                    <Select
                      label="Fitted run"
                      value={runId}
                      onChange={(e) => setRunId(e.target.value)}
                      options={(runs.data?.items ?? []).map((r) => ({
                        value: r.id,
                        label: `${r.model.name} · ${formatDateTime(r.finishedAt)}`,
                      }))}
                      name="run"
                    />
                    <Select
                      label="Start from"
                      value={source}
                      onChange={(e) => setSource(e.target.value as Source)}
                      name="source"
                      options={[
                        { value: "lastQuarter", label: "Last quarter × k" },
                        { value: "optimizer", label: "Optimizer" },
                        { value: "empty", label: "Empty grid" },
                      ]}
                    />
                    <Input
                      label="Weeks"
                      type="number"
                      min={1}
                      max={104}
                      value={weeks}
                      onChange={(e) => setWeeks(e.target.value)}
                      name="planWeeks"
                    />
                    {v2 && v2.geos.length > 1 ? (
                      <Select
                        label="Geo plan"
                        value={geoPlan}
                        onChange={(e) => setGeoPlan(e.target.value as "national" | "perGeo")}
                        name="geoPlan"
                        options={[
                          { value: "national", label: "National (split by each geo's recent share)" },
                          { value: "perGeo", label: `Per geo (${v2.geos.length} geos)` },
                        ]}
                      />
                    ) : null}
                    {source === "lastQuarter" ? (
                      <Input
                        label="k (multiplier)"
                        type="number"
                        step="0.1"
                        min={0}
                        value={k}
                        onChange={(e) => setK(e.target.value)}
                        name="k"
                      />
                    ) : source === "optimizer" ? (
                      <Input
                        label="Budget"
                        type="number"
                        min={0}
                        value={budget}
                        onChange={(e) => setBudget(e.target.value)}
                        name="planBudget"
                      />
                    ) : (
                      <div />
                    )}
                    <Button
                      onClick={() => void startDraft()}
                      loading={generate.isPending}
                      disabled={!runId || planLines.length === 0}
                    >
                      Build plan
                    </Button>
                  </div>
                )
              ) : (
                <>
                  <ScenarioEditor
                    draft={draft}
                    onChange={setDraft}
                    channels={Object.keys(draft.spend)}
                    currency={currencySymbol(ws.currency)}
                    choices={v2}
                  />
                  {problems.length > 0 ? (
                    <Alert tone="danger" title="Fix these first">
                      {problems.slice(0, 8).join(" ")}
                    </Alert>
                  ) : null}
                  <div className="flex gap-2">
                    <Button onClick={save} loading={create.isPending || update.isPending}>
                      {editing ? "Save changes" : "Save scenario"}
                    </Button>
                    <Button
                      variant="secondary"
                      onClick={() => {
                        setDraft(null);
                        setEditing(null);
                        setProblems([]);
                      }}
                    >
                      Discard
                    </Button>
                    <span className="self-center text-xs text-muted">
                      {draft.origin.kind === "lastQuarter"
                        ? `From last quarter × ${draft.origin.k}`
                        : draft.origin.kind === "optimizer"
                          ? `From the optimizer (${formatMoney(draft.origin.budget, currencySymbol(ws.currency))})`
                          : ""}
                    </span>
                  </div>
                </>
              )}
            </CardBody>
          </Card>
        ) : null}
      </div>

      <Dialog
        open={renaming !== null}
        onClose={() => setRenaming(null)}
        title={renaming?.kind === "campaign" ? "Rename campaign" : "Rename scenario"}
        footer={
          <>
            <Button variant="secondary" onClick={() => setRenaming(null)}>
              Cancel
            </Button>
            <Button
              loading={update.isPending || updateCampaign.isPending}
              onClick={() => {
                if (!renaming) return;
                if (renaming.kind === "campaign")
                  updateCampaign.mutate({ workspaceId: ws.id, campaignId: renaming.id, name: renaming.name });
                else update.mutate({ workspaceId: ws.id, scenarioId: renaming.id, name: renaming.name });
              }}
            >
              Rename
            </Button>
          </>
        }
      >
        <Input
          label="New name"
          value={renaming?.name ?? ""}
          onChange={(e) => renaming && setRenaming({ ...renaming, name: e.target.value })}
        />
      </Dialog>
      <Dialog
        open={choosingChannels !== null}
        onClose={() => setChoosingChannels(null)}
        title="Channels this campaign plans"
        description="Scenarios built from now on plan spend only on the ticked channels; none ticked means all of the model's. Saved scenarios keep their plans."
        footer={
          <>
            <Button variant="secondary" onClick={() => setChoosingChannels(null)}>
              Cancel
            </Button>
            <Button
              loading={saveChannels.isPending}
              onClick={() =>
                choosingChannels &&
                saveChannels.mutate({ workspaceId: ws.id, campaignId, channels: choosingChannels })
              }
            >
              Save channels
            </Button>
          </>
        }
      >
        {runChannels.length === 0 ? (
          <p className="text-sm text-muted">
            Pick a fitted run of the campaign&apos;s model first; its channels are listed here.
          </p>
        ) : (
          <div className="grid grid-cols-2 gap-1" data-testid="campaign-channel-choices">
            {runChannels.map((ch) => (
              <Checkbox
                key={ch}
                label={v2?.rf.some((r) => r.name === ch) ? `${ch} (reach & frequency)` : ch}
                checked={choosingChannels?.includes(ch) ?? false}
                onChange={(e) =>
                  choosingChannels &&
                  setChoosingChannels(
                    e.target.checked ? [...choosingChannels, ch] : choosingChannels.filter((x) => x !== ch),
                  )
                }
              />
            ))}
            {v2 && v2.organic.length > 0 ? (
              <p className="col-span-2 mt-1 text-xs text-muted">
                Organic (no spend; plans hold them at a weekly level):{" "}
                {v2.organic.map((o) => o.name).join(", ")}
              </p>
            ) : null}
          </div>
        )}
      </Dialog>
      <Dialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting?.kind} "${deleting?.name}"?`}
        description={
          deleting?.kind === "campaign"
            ? "Its scenarios are deleted too. The audit log keeps a record."
            : "The audit log keeps a record."
        }
        footer={
          <>
            <Button variant="secondary" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={remove.isPending || deleteCampaign.isPending}
              onClick={() => {
                if (!deleting) return;
                if (deleting.kind === "campaign")
                  deleteCampaign.mutate({ workspaceId: ws.id, campaignId: deleting.id });
                else remove.mutate({ workspaceId: ws.id, scenarioId: deleting.id });
              }}
            >
              Delete
            </Button>
          </>
        }
      />
    </>
  );
}
