// Side-by-side comparison of scenarios from any campaigns of one model, evaluated draw by draw on
// one run's posterior (packages/core compareScenarios): KPI, ROI and contribution by channel with
// intervals, and the P(A beats B) matrix.
import { z } from "zod";
import {
  compareEvaluations,
  evaluateScenario as coreEvaluate,
  thinIndices,
  type HorizonResponse,
  type MmmModelV2,
  type ScenarioComparison,
} from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest, notFound } from "../errors.ts";
import { canonicalJson } from "../canonical-json.ts";
import {
  loadPlanningPosterior,
  planningChoicesV2,
  planningHorizonOf,
  type PlanningPosterior,
} from "../optimizer/planning-posterior.ts";
import { PLANNING_DRAWS } from "../optimizer/run-optimizer.ts";
import { asPlanError, horizonWeeks } from "./evaluate-scenario.ts";
import { scenarioPlanCodec, toCoreScenario, type ScenarioPlan } from "@mixcast/runs/stored";

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
    /** v2 planning choices this scenario was evaluated with (geo plan, R&F frequency, organic levels). */
    choices: PlanChoice[];
  }[];
  /** Keys of the planning choices that differ between the scenarios (each is evaluated with its own). */
  differingChoices: string[];
  /** matrix[i][j] = P(scenario i's KPI > scenario j's KPI), draw by draw; diagonal null. */
  matrix: (number | null)[][];
}

export interface PlanChoice {
  /** "geoPlan", "frequency:<channel>", "organic:<channel>" */
  key: string;
  label: string;
  value: string;
}

const fmt = (v: number) =>
  Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : String(Number(v.toPrecision(3)));

/** The planning choices of a v2 plan in words, with the defaults the engine applied resolved. */
export function planChoices(
  posterior: PlanningPosterior,
  resp: HorizonResponse,
  planning: ScenarioPlan["planning"],
  organicDefaults: Map<string, number>,
): PlanChoice[] {
  if (posterior.version !== 2) return [];
  const spec = (posterior.model as MmmModelV2).spec;
  const out: PlanChoice[] = [];
  if (spec.G > 1)
    out.push({
      key: "geoPlan",
      label: "Geo plan",
      value: planning?.geoPlan === "perGeo" ? "per geo" : "national",
    });
  spec.channels.forEach((ch, c) => {
    if (ch.role === "rf") {
      const set = planning?.frequency[ch.name];
      const planned = set ?? resp.media[c]?.rf?.planned ?? Number.NaN;
      out.push({
        key: `frequency:${ch.name}`,
        label: `${ch.name} frequency (per week)`,
        value: set === undefined ? `${fmt(planned)} (optimal)` : fmt(set),
      });
    }
    if (ch.role === "organic") {
      const set = planning?.organic[ch.name];
      out.push({
        key: `organic:${ch.name}`,
        label: `${ch.name} level (per week, held)`,
        value:
          set === undefined ? `${fmt(organicDefaults.get(ch.name) ?? Number.NaN)} (recent level)` : fmt(set),
      });
    }
  });
  return out;
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
  // Each scenario is evaluated with its own planning choices (national or per-geo plan, R&F
  // frequency, organic levels) on the same thinned posterior draws and horizon, so differences are
  // still paired draw by draw: one horizon response per distinct set of choices.
  const H = horizonWeeks(posterior, Math.max(...items.map((i) => i.weeks)));
  const drawIdx = thinIndices(posterior.draws.draws, PLANNING_DRAWS);
  let comparison: ScenarioComparison;
  const responses = new Map<string, HorizonResponse>();
  const choices: PlanChoice[][] = [];
  try {
    const evals = items.map((i) => {
      const key = canonicalJson(i.plan.planning ?? null);
      let resp = responses.get(key);
      if (!resp) {
        resp = planningHorizonOf(posterior, H, drawIdx, i.plan.planning);
        responses.set(key, resp);
      }
      return coreEvaluate(resp, toCoreScenario(i.label, i.plan));
    });
    comparison = compareEvaluations(evals, H);
    const first = responses.values().next().value!;
    const organicDefaults = new Map(
      posterior.version === 2
        ? planningChoicesV2(posterior, first, 13).organic.map((o) => [o.name, o.defaultLevel] as const)
        : [],
    );
    for (const i of items)
      choices.push(
        planChoices(
          posterior,
          responses.get(canonicalJson(i.plan.planning ?? null))!,
          i.plan.planning,
          organicDefaults,
        ),
      );
  } catch (error) {
    return asPlanError(error);
  }
  const differingChoices = [...new Set(choices.flat().map((c) => c.key))].filter(
    (key) => new Set(choices.map((cs) => cs.find((c) => c.key === key)?.value ?? "")).size > 1,
  );
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
  return {
    ...comparison,
    runId,
    items: items.map(({ plan: _plan, ...rest }, k) => ({ ...rest, choices: choices[k] ?? [] })),
    differingChoices,
    matrix,
  };
}
