// What the optimizer's goals, flighting and scenarios plan on: a run's model and posterior draws,
// v1 or v2, and the planning horizon over them (core's planningHorizon: v1 as before, v2 with a
// national or per-geo plan, R&F frequency and organic levels; shared/docs/model-v2.md section 5).
import { z } from "zod";
import {
  planningHorizon,
  type HorizonResponse,
  type MmmModel,
  type MmmModelV2,
  type PosteriorDraws,
} from "@mixcast/core";
import type { PrismaExecutor } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import { loadRunPosterior } from "../insight/run-posterior.ts";

/** v2 planning choices (ignored fields stay at core's defaults). */
export const planningOptionsSchema = z.object({
  /** One national plan split to geos by each geo's recent share of the channel's spend, or one plan per geo. */
  geoPlan: z.enum(["national", "perGeo"]).default("national"),
  /** R&F channels: planned frequency (average exposures per reached person); absent: the optimal one. */
  frequency: z.record(z.string(), z.number().positive("Frequency: enter a number above zero.")).default({}),
  /** Organic channels: weekly level (national total, the column's units); absent: the last 13 weeks' mean. */
  organic: z.record(z.string(), z.number().min(0, "Organic level cannot be negative.")).default({}),
});
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
}

export async function loadPlanningPosterior(
  db: PrismaExecutor,
  actor: Actor,
  runId: string,
): Promise<PlanningPosterior> {
  const p = await loadRunPosterior(db, actor, runId);
  return {
    runId: p.runId,
    modelId: p.modelId,
    cacheKey: `v1:${p.runId}`,
    version: 1,
    model: p.model,
    draws: p.draws,
    adstockLags: p.model.spec.adstockLags,
    kpiName: p.config.kpi,
  };
}

const isDefault = (o: PlanningOptions | undefined) =>
  !o ||
  (o.geoPlan === "national" && Object.keys(o.frequency).length === 0 && Object.keys(o.organic).length === 0);

/** The planning horizon of `weeks` weeks on the given draws. */
export function planningHorizonOf(
  p: PlanningPosterior,
  weeks: number,
  drawIdx: ArrayLike<number>,
  planning?: PlanningOptions,
): HorizonResponse {
  if (p.version === 1) {
    if (!isDefault(planning))
      throw badRequest(
        "Geo plans, frequency and organic levels apply to geo / R&F / organic (v2) models only.",
      );
    return planningHorizon(p.model, p.draws, weeks, { drawIdx });
  }
  return planningHorizon(p.model, p.draws, weeks, {
    drawIdx,
    geoPlan: planning?.geoPlan ?? "national",
    ...(planning && Object.keys(planning.frequency).length > 0 ? { frequency: planning.frequency } : {}),
    ...(planning && Object.keys(planning.organic).length > 0 ? { organic: planning.organic } : {}),
  });
}
