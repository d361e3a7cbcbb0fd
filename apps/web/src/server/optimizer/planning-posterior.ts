// What the optimizer's goals, flighting and scenarios plan on: a run's model and posterior draws,
// v1 or v2, and the planning horizon over them (core's planningHorizon: v1 as before, v2 with a
// national or per-geo plan, R&F frequency and organic levels; shared/docs/model-v2.md section 5).
import type { z } from "zod";
import type { HorizonResponse, MmmModel, MmmModelV2, PosteriorDraws } from "@mixcast/core";
import type { PrismaExecutor } from "@mixcast/db";
import { PlanChoiceError, planningHorizonOn } from "@mixcast/runs";
import { scenarioPlanningSchema } from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import { loadRunPosterior, type RunPosterior } from "../insight/run-posterior.ts";
import { loadRunPosteriorV2, runSpecVersion } from "../insight/run-posterior-v2.ts";

/** v2 planning choices (national or per-geo plan, R&F frequency, organic levels): the scenario plan's own. */
export const planningOptionsSchema = scenarioPlanningSchema;
export type PlanningOptions = z.output<typeof planningOptionsSchema>;

export interface PlanningPosterior {
  runId: string;
  modelId: string;
  /** Identifies the posterior in caches. */
  cacheKey: string;
  version: 1 | 2;
  model: MmmModel | MmmModelV2;
  draws: PosteriorDraws;
  /** Carry-over tail after a plan (weeks): the model's adstock lags. */
  adstockLags: number;
  kpiName: string;
  /** revenue, or units (conversions, sign-ups...): units KPIs report CPIK. */
  kpiType: "revenue" | "units";
  /** Units KPI with a value per unit: KPI figures are money (units x value). */
  hasValue: boolean;
}

export async function loadPlanningPosterior(
  db: PrismaExecutor,
  actor: Actor,
  runId: string,
): Promise<PlanningPosterior> {
  if ((await runSpecVersion(db, actor, runId)) === 2) {
    const v2 = await loadRunPosteriorV2(db, actor, runId);
    const spec = v2.model.spec;
    return {
      runId: v2.runId,
      modelId: v2.modelId,
      cacheKey: `v2:${v2.runId}`,
      version: 2,
      model: v2.model,
      draws: v2.draws,
      adstockLags: spec.adstockLags,
      kpiName: spec.config.kpi,
      kpiType: spec.data.kpiType,
      hasValue: spec.data.value !== undefined,
    };
  }
  return planningPosteriorOfV1(await loadRunPosterior(db, actor, runId));
}

/** A loaded v1 posterior as a planning posterior. */
export function planningPosteriorOfV1(p: RunPosterior): PlanningPosterior {
  return {
    runId: p.runId,
    modelId: p.modelId,
    cacheKey: `v1:${p.runId}`,
    version: 1,
    model: p.model,
    draws: p.draws,
    adstockLags: p.model.spec.adstockLags,
    kpiName: p.config.kpi,
    kpiType: "revenue",
    hasValue: false,
  };
}

/** The planning horizon of `weeks` weeks on the given draws (@mixcast/runs' planningHorizonOn). */
export function planningHorizonOf(
  p: PlanningPosterior,
  weeks: number,
  drawIdx: ArrayLike<number>,
  planning?: PlanningOptions,
): HorizonResponse {
  try {
    return planningHorizonOn(p, weeks, drawIdx, planning);
  } catch (error) {
    if (error instanceof PlanChoiceError) throw badRequest(error.message);
    throw error;
  }
}

export interface PlanningChoicesV2 {
  geos: string[];
  /** What KPI figures measure: the KPI (revenue), units x value per unit (money), or units. */
  measure: HorizonResponse["measure"];
  /** R&F channels: the frequency plans use by default (posterior median of the optimal frequency) and the highest observed. */
  rf: { name: string; optimalFrequency: number; maxFrequency: number }[];
  /** Organic channels: held at a weekly level (national total, the column's units); default the last 13 weeks' mean. */
  organic: { name: string; defaultLevel: number }[];
  /** Per-geo plan lines (`channel@geo`) with the current weekly spend (last 13 weeks' mean). */
  geoLines: { name: string; channel: string; geo: string; currentWeekly: number }[];
}

/** What a planner chooses for a v2 model, with its defaults (`resp`: the national horizon on the planning draws). */
export function planningChoicesV2(
  p: PlanningPosterior,
  resp: HorizonResponse,
  recentWeeks: number,
): PlanningChoicesV2 {
  if (p.version !== 2) throw new Error("planning choices are for v2 models");
  const spec = (p.model as MmmModelV2).spec;
  const { data, G, trainingWeeks: T } = spec;
  const from = Math.max(0, T - 13);
  const rf: PlanningChoicesV2["rf"] = [];
  const organic: PlanningChoicesV2["organic"] = [];
  const geoLines: PlanningChoicesV2["geoLines"] = [];
  spec.channels.forEach((ch, c) => {
    const d = data.channels[ch.data]!;
    if (ch.role === "rf") {
      let max = 0;
      for (const f of d.frequency ?? []) for (const v of f) if (v > max) max = v;
      rf.push({ name: ch.name, optimalFrequency: resp.media[c]!.rf!.planned, maxFrequency: max });
    }
    if (ch.role === "organic") {
      const mc = data.scaling.mediaPerCapitaMean[ch.data]!;
      let level = 0;
      d.x.forEach((x, g) => {
        let s = 0;
        for (let t = from; t < T; t++) s += x[t]!;
        level += (s / (T - from)) * mc * data.scaling.population[g]!;
      });
      organic.push({ name: ch.name, defaultLevel: level });
      return;
    }
    d.spend!.forEach((spend, g) => {
      const n = spend.length;
      const k = Math.max(1, Math.min(recentWeeks, n));
      let s = 0;
      for (let t = n - k; t < n; t++) s += spend[t]!;
      geoLines.push({
        name: G > 1 ? `${ch.name}@${data.geos[g]}` : ch.name,
        channel: ch.name,
        geo: data.geos[g]!,
        currentWeekly: s / k,
      });
    });
  });
  return { geos: [...data.geos], measure: resp.measure, rf, organic, geoLines };
}
