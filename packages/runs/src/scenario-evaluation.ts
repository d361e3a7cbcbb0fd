// Scenario evaluation on a run's stored posterior, shared by the web (scenario.evaluate, which
// caches what it computes in ScenarioResult) and the worker, which evaluates a run's scenarios when
// its fit succeeds so that they show their figures without a click (the demo's seeded scenarios are
// pinned to its first fit). Both compute from the same stored (Float32) draws with the same draws
// and checksum, so a stored evaluation is exactly what the web would compute.
import { createHash } from "node:crypto";
import {
  createModel,
  createModelV2,
  evaluateScenario as coreEvaluate,
  planningHorizon,
  thinIndices,
  type HorizonResponse,
  type MmmModel,
  type MmmModelV2,
  type PosteriorDraws,
  type ScenarioResult,
} from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import { decodeStoredDraws } from "./draws.ts";
import { decodeModelSpec, decodeModelSpecV2, storedSpecVersion } from "./spec.ts";
import { scenarioResultCodec } from "./stored/artifacts.ts";
import {
  scenarioPlanCodec,
  toCoreScenario,
  type ScenarioPlan,
  type ScenarioPlanning,
} from "./stored/scenario-plan.ts";

/** Evenly thinned draws every plan (scenarios, optimizer, goals) is evaluated on. */
export const PLANNING_DRAWS = 200;

/** What a scenario evaluation depends on besides its plan (part of the cache key). */
export const SCENARIO_EVALUATION_SETTINGS = { draws: PLANNING_DRAWS, tail: "adstockLags" } as const;

const isDefault = (o: ScenarioPlanning | undefined) =>
  !o ||
  (o.geoPlan === "national" && Object.keys(o.frequency).length === 0 && Object.keys(o.organic).length === 0);

const sortedEntries = <T>(r: Record<string, T>) =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Checksum of what an evaluation depends on (plan + evaluation settings), for the result cache.
 * A v2 plan's planning choices (geo split, frequencies, organic levels) count when they differ
 * from the defaults; default choices leave the key as it was before they existed, so results
 * stored for such plans stay valid.
 */
export function planChecksum(plan: ScenarioPlan, settings: Record<string, unknown>): string {
  const planning = plan.planning;
  const canonical = JSON.stringify({
    weeks: plan.weeks,
    spend: sortedEntries(plan.spend),
    assumptions: plan.assumptions,
    settings,
    ...(isDefault(planning)
      ? {}
      : {
          planning: {
            geoPlan: planning!.geoPlan,
            frequency: sortedEntries(planning!.frequency),
            organic: sortedEntries(planning!.organic),
          },
        }),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

/** ScenarioResult.planChecksum of a scenario's evaluation. */
export function scenarioChecksum(plan: ScenarioPlan): string {
  return planChecksum(plan, SCENARIO_EVALUATION_SETTINGS);
}

/** A plan choice the model cannot take (geo, frequency or organic choices on a v1 model). */
export class PlanChoiceError extends Error {
  override name = "PlanChoiceError";
}

/** What plans are evaluated on: a run's model and draws (v1 or v2). */
export interface PlanningModel {
  version: 1 | 2;
  model: MmmModel | MmmModelV2;
  draws: PosteriorDraws;
  /** Carry-over tail after a plan (weeks): the model's adstock lags. */
  adstockLags: number;
}

/** The planning horizon of `weeks` weeks on the given draws (core's planningHorizon). */
export function planningHorizonOn(
  p: PlanningModel,
  weeks: number,
  drawIdx: ArrayLike<number>,
  planning?: ScenarioPlanning,
): HorizonResponse {
  if (p.version === 1) {
    if (!isDefault(planning))
      throw new PlanChoiceError(
        "Geo plans, frequency and organic levels apply to geo / R&F / organic (v2) models only.",
      );
    return planningHorizon(p.model, p.draws, weeks, { drawIdx });
  }
  try {
    return planningHorizon(p.model, p.draws, weeks, {
      drawIdx,
      geoPlan: planning?.geoPlan ?? "national",
      ...(planning && Object.keys(planning.frequency).length > 0 ? { frequency: planning.frequency } : {}),
      ...(planning && Object.keys(planning.organic).length > 0 ? { organic: planning.organic } : {}),
    });
  } catch (error) {
    // core names the channel and what is wrong with the choice (a frequency for a channel that is
    // not R&F, a negative organic level, no paid channel to plan)
    if (error instanceof Error && /frequency|organic|paid channel/.test(error.message))
      throw new PlanChoiceError(`${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`);
    throw error;
  }
}

/** core's evaluation of a plan over its weeks plus the carry-over tail, on PLANNING_DRAWS draws. */
export function evaluateScenarioPlan(p: PlanningModel, name: string, plan: ScenarioPlan): ScenarioResult {
  const resp = planningHorizonOn(
    p,
    plan.weeks + p.adstockLags,
    thinIndices(p.draws.draws, PLANNING_DRAWS),
    plan.planning,
  );
  return coreEvaluate(resp, toCoreScenario(name, plan)).result;
}

/** A run's planning model from its stored "spec" and "draws" artifacts (as the web loads it). */
export function planningModelOfStored(
  spec: unknown,
  draws: { bytes: Uint8Array; encoding: string | null },
): PlanningModel {
  const d = decodeStoredDraws(draws.bytes, draws.encoding);
  const posterior: PosteriorDraws = { values: d.values, draws: d.chains * d.perChain, dim: d.names.length };
  if (storedSpecVersion(spec) === 2) {
    const model = createModelV2(decodeModelSpecV2(spec));
    return { version: 2, model, draws: posterior, adstockLags: model.spec.adstockLags };
  }
  const model = createModel(decodeModelSpec(spec));
  return { version: 1, model, draws: posterior, adstockLags: model.spec.adstockLags };
}

export interface RunScenarioEvaluations {
  /** Scenarios evaluated and stored now. */
  evaluated: string[];
  /** Scenarios whose plan the model cannot evaluate, with core's reason (the web shows the same). */
  failed: { scenarioId: string; reason: string }[];
}

/**
 * Evaluates the scenarios pinned to a succeeded run that have no stored evaluation of their
 * current plan on it, and stores them (ScenarioResult, as scenario.evaluate caches them). Called by
 * the worker after a fit succeeds: the demo's scenarios, seeded on its first fit, then show their
 * figures when the fit is done.
 */
export async function evaluateRunScenarios(
  prisma: PrismaClient,
  runId: string,
): Promise<RunScenarioEvaluations> {
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: {
      status: true,
      workspaceId: true,
      engineVersion: true,
      artifacts: { where: { kind: { in: ["draws", "spec"] } }, select: { kind: true } },
    },
  });
  const out: RunScenarioEvaluations = { evaluated: [], failed: [] };
  if (!run || run.status !== "succeeded" || run.artifacts.length < 2) return out;
  const scenarios = await prisma.scenario.findMany({
    where: { runId, workspaceId: run.workspaceId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      name: true,
      plan: true,
      results: { where: { runId }, select: { planChecksum: true } },
    },
  });
  const pending = scenarios.flatMap((s) => {
    const plan = scenarioPlanCodec.tryDecode(s.plan);
    if (!plan) return [];
    const checksum = scenarioChecksum(plan);
    return s.results.some((r) => r.planChecksum === checksum) ? [] : [{ ...s, plan, checksum }];
  });
  if (pending.length === 0) return out;
  const artifacts = await prisma.runArtifact.findMany({
    where: { runId, kind: { in: ["draws", "spec"] } },
    select: { kind: true, bytes: true, encoding: true, analysis: true },
  });
  const draws = artifacts.find((a) => a.kind === "draws");
  const spec = artifacts.find((a) => a.kind === "spec");
  if (!draws?.bytes || !spec) return out;
  const model = planningModelOfStored(spec.analysis, { bytes: draws.bytes, encoding: draws.encoding });
  for (const s of pending) {
    let result: ScenarioResult;
    try {
      result = evaluateScenarioPlan(model, s.name, s.plan);
    } catch (error) {
      out.failed.push({ scenarioId: s.id, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const key = { scenarioId: s.id, runId, planChecksum: s.checksum };
    await prisma.scenarioResult.upsert({
      where: { scenarioId_runId_planChecksum: key },
      create: {
        workspaceId: run.workspaceId,
        ...key,
        result: scenarioResultCodec.encode(result),
        engineVersion: run.engineVersion,
      },
      update: {},
    });
    out.evaluated.push(s.id);
  }
  return out;
}
