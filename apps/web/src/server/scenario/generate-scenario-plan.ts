// Starting points for a scenario's weekly plan: the last quarter's actual weekly pattern times k,
// or the optimizer's allocation (flat weekly amounts) for a budget.
import { z } from "zod";
import { repeatRecentWeeks } from "@mixcast/core";
import type { ModelSpec } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import { loadRunPosterior } from "../insight/run-posterior.ts";
import { channelBoundSchema, computeOptimalPlan, objectiveSchema } from "../optimizer/run-optimizer.ts";
import { MAX_PLAN_WEEKS, type ScenarioPlan } from "@mixcast/runs/stored";

export const LAST_QUARTER_WEEKS = 13;

export const generateScenarioPlanInput = z.object({
  runId: z.string().min(1),
  weeks: z.number().int().min(1).max(MAX_PLAN_WEEKS),
  /** Plan only these channels (a campaign's list); the others spend nothing. Absent or empty: all. */
  channels: z.array(z.string().min(1)).optional(),
  source: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("lastQuarter"), k: z.number().min(0).max(10) }),
    z.object({
      kind: z.literal("optimizer"),
      budget: z.number().positive(),
      bounds: z.record(z.string(), channelBoundSchema).default({}),
      objective: objectiveSchema.default({ kind: "mean" }),
    }),
  ]),
});

/** The last 13 data weeks' spend per channel, repeated over `weeks` and multiplied by k. */
export function lastQuarterPlan(spec: ModelSpec, weeks: number, k: number): ScenarioPlan {
  const spend: Record<string, number[]> = {};
  for (const ch of spec.channels) spend[ch.name] = repeatRecentWeeks(ch.spend, LAST_QUARTER_WEEKS, weeks, k);
  return { weeks, spend, assumptions: [], origin: { kind: "lastQuarter", k } };
}

export async function generateScenarioPlan(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof generateScenarioPlanInput>,
): Promise<ScenarioPlan> {
  const p = await loadRunPosterior(db, actor, input.runId);
  const all = p.model.spec.channels.map((c) => c.name);
  const only = input.channels && input.channels.length > 0 ? input.channels : null;
  const unknown = (only ?? []).filter((c) => !all.includes(c));
  if (unknown.length > 0)
    throw badRequest(
      `This run's model has no channel${unknown.length > 1 ? "s" : ""} ${unknown.map((c) => `"${c}"`).join(", ")}.`,
    );
  const keep = (spend: Record<string, number[]>) =>
    only ? Object.fromEntries(Object.entries(spend).filter(([c]) => only.includes(c))) : spend;
  if (input.source.kind === "lastQuarter") {
    const plan = lastQuarterPlan(p.model.spec, input.weeks, input.source.k);
    return { ...plan, spend: keep(plan.spend) };
  }
  // channels outside the list get nothing, so the whole budget goes to the listed ones
  const bounds = {
    ...input.source.bounds,
    ...(only ? Object.fromEntries(all.filter((c) => !only.includes(c)).map((c) => [c, { max: 0 }])) : {}),
  };
  const opt = computeOptimalPlan(p, {
    runId: input.runId,
    weeks: input.weeks,
    budget: input.source.budget,
    bounds,
    objective: input.source.objective,
  });
  const spend: Record<string, number[]> = {};
  for (const a of opt.allocation) spend[a.channel] = a.weekly.map((v) => Math.round(v * 100) / 100);
  return {
    weeks: input.weeks,
    spend: keep(spend),
    assumptions: [],
    origin: { kind: "optimizer", budget: input.source.budget, objective: input.source.objective.kind },
  };
}
