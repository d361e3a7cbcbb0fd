// Side-by-side comparison of scenarios from any campaigns of one model, evaluated draw by draw on
// one run's posterior (packages/core compareScenarios): KPI, ROI and contribution by channel with
// intervals, and the P(A beats B) matrix.
import { z } from "zod";
import { compareScenarios as coreCompare, type ScenarioComparison } from "@mixcast/core";
import { thinIndices } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest, notFound } from "../errors.ts";
import { canonicalJson } from "../canonical-json.ts";
import { loadPlanningPosterior, planningHorizonOf } from "../optimizer/planning-posterior.ts";
import { PLANNING_DRAWS } from "../optimizer/run-optimizer.ts";
import { asPlanError, horizonWeeks } from "./evaluate-scenario.ts";
import { scenarioPlanCodec, toCoreScenario } from "@mixcast/runs/stored";

export const compareScenariosInput = z.object({
  scenarioIds: z
    .array(z.string().min(1))
    .min(2, "Pick at least two scenarios.")
    .max(8, "Compare at most eight scenarios at once."),
  /** Run whose draws evaluate every scenario (default: the newest run among the scenarios'). */
  runId: z.string().min(1).optional(),
});

export interface ScenarioComparisonView extends ScenarioComparison {
  runId: string;
  items: {
    scenarioId: string;
    label: string;
    name: string;
    campaign: string | null;
    weeks: number;
    assumptions: string[];
  }[];
  /** matrix[i][j] = P(scenario i's KPI > scenario j's KPI), draw by draw; diagonal null. */
  matrix: (number | null)[][];
}

export async function compareScenarios(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof compareScenariosInput>,
): Promise<ScenarioComparisonView> {
  const ids = [...new Set(input.scenarioIds)];
  if (ids.length < 2) throw badRequest("Pick at least two different scenarios.");
  const rows = await db.scenario.findMany({
    where: { id: { in: ids }, workspaceId: actor.workspaceId },
    include: { campaign: { select: { name: true } }, run: { select: { id: true, finishedAt: true } } },
  });
  if (rows.length !== ids.length) throw notFound("One of those scenarios");
  const scenarios = ids.map((id) => rows.find((r) => r.id === id)!);
  const models = new Set(scenarios.map((s) => s.modelId));
  if (models.size > 1)
    throw badRequest(
      "These scenarios belong to different models; compare scenarios of one model (their channels and draws must match).",
    );
  const runId =
    input.runId ??
    [...scenarios].sort((a, b) => (b.run.finishedAt?.getTime() ?? 0) - (a.run.finishedAt?.getTime() ?? 0))[0]!
      .runId;
  const posterior = await loadPlanningPosterior(db, actor, runId);
  if (posterior.modelId !== scenarios[0]!.modelId)
    throw badRequest("That run belongs to another model than the scenarios.");

  const labels = new Set<string>();
  const items = scenarios.map((s) => {
    let label = s.campaign ? `${s.campaign.name} / ${s.name}` : s.name;
    for (let k = 2; labels.has(label); k++)
      label = `${s.campaign ? `${s.campaign.name} / ` : ""}${s.name} (${k})`;
    labels.add(label);
    const plan = scenarioPlanCodec.decode(s.plan);
    return {
      scenarioId: s.id,
      label,
      name: s.name,
      campaign: s.campaign?.name ?? null,
      weeks: plan.weeks,
      plan,
      assumptions: plan.assumptions.map((a) => `${a.label} (x${a.multiplier})`),
    };
  });
  // v2 plans are compared on one horizon: national and per-geo plans, or plans holding different
  // frequencies / organic levels, do not share one
  const planning = items.map((i) => canonicalJson(i.plan.planning ?? null));
  if (new Set(planning).size > 1)
    throw badRequest(
      "These scenarios plan differently (national vs per-geo, or another R&F frequency or organic level); compare scenarios that share those choices.",
    );
  const H = horizonWeeks(posterior, Math.max(...items.map((i) => i.weeks)));
  let comparison: ScenarioComparison;
  try {
    const resp = planningHorizonOf(
      posterior,
      H,
      thinIndices(posterior.draws.draws, PLANNING_DRAWS),
      items[0]!.plan.planning,
    );
    comparison = coreCompare(
      resp,
      items.map((i) => toCoreScenario(i.label, i.plan)),
    );
  } catch (error) {
    return asPlanError(error);
  }
  const n = items.length;
  const matrix: (number | null)[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? null : Number.NaN)),
  );
  for (const p of comparison.pairs) {
    const i = items.findIndex((x) => x.label === p.a);
    const j = items.findIndex((x) => x.label === p.b);
    matrix[i]![j] = p.probabilityABeatsB;
    matrix[j]![i] = 1 - p.probabilityABeatsB;
  }
  return { ...comparison, runId, items: items.map(({ plan: _plan, ...rest }) => rest), matrix };
}
