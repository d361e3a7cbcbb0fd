// Starting points for a scenario's weekly plan: the last quarter's actual weekly pattern times k,
// or the optimizer's allocation (flat weekly amounts) for a budget.
import { z } from "zod";
import type { ModelSpec } from "@mixcast/core/model/spec";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { loadRunPosterior } from "../insight/run-posterior.ts";
import { channelBoundSchema, computeOptimalPlan, objectiveSchema } from "../optimizer/run-optimizer.ts";
import { MAX_PLAN_WEEKS, type ScenarioPlan } from "./scenario-plan.ts";

export const LAST_QUARTER_WEEKS = 13;

export const generateScenarioPlanInput = z.object({
  runId: z.string().min(1),
  weeks: z.number().int().min(1).max(MAX_PLAN_WEEKS),
  source: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("lastQuarter"), k: z.number().min(0).max(10) }),
    z.object({ kind: z.literal("optimizer"), budget: z.number().positive(), bounds: z.record(z.string(), channelBoundSchema).default({}), objective: objectiveSchema.default({ kind: "mean" }) }),
  ]),
});

/** The last 13 data weeks' spend per channel, repeated over `weeks` and multiplied by k. */
export function lastQuarterPlan(spec: ModelSpec, weeks: number, k: number): ScenarioPlan {
  const spend: Record<string, number[]> = {};
  for (const ch of spec.channels) {
    const N = ch.spend.length;
    const q = Math.min(LAST_QUARTER_WEEKS, N);
    const pattern = Array.from({ length: q }, (_, i) => ch.spend[N - q + i] as number);
    spend[ch.name] = Array.from({ length: weeks }, (_, w) => Math.round((pattern[w % q] as number) * k * 100) / 100);
  }
  return { weeks, spend, assumptions: [], origin: { kind: "lastQuarter", k } };
}

export async function generateScenarioPlan(db: PrismaClient, actor: Actor, input: z.infer<typeof generateScenarioPlanInput>): Promise<ScenarioPlan> {
  const p = await loadRunPosterior(db, actor, input.runId);
  if (input.source.kind === "lastQuarter") return lastQuarterPlan(p.model.spec, input.weeks, input.source.k);
  const opt = computeOptimalPlan(p, { runId: input.runId, weeks: input.weeks, budget: input.source.budget, bounds: input.source.bounds, objective: input.source.objective });
  const spend: Record<string, number[]> = {};
  for (const a of opt.allocation) spend[a.channel] = a.weekly.map((v) => Math.round(v * 100) / 100);
  return { weeks: input.weeks, spend, assumptions: [], origin: { kind: "optimizer", budget: input.source.budget, objective: input.source.objective.kind } };
}
