// Starting points for a scenario's weekly plan: the last quarter's actual weekly pattern times k,
// or the optimizer's allocation (flat weekly amounts) for a budget.
import { z } from "zod";
import { repeatRecentWeeks } from "@mixcast/core";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { badRequest } from "../errors.ts";
import {
  loadPlanningPosterior,
  planningHorizonOf,
  planningOptionsSchema,
} from "../optimizer/planning-posterior.ts";
import { channelBoundSchema, computeOptimalPlan, objectiveSchema } from "../optimizer/run-optimizer.ts";
import { MAX_PLAN_WEEKS, type ScenarioPlan } from "@mixcast/runs/stored";

export const LAST_QUARTER_WEEKS = 13;

export const generateScenarioPlanInput = z.object({
  runId: z.string().min(1),
  weeks: z.number().int().min(1).max(MAX_PLAN_WEEKS),
  /** Plan only these channels (a campaign's list); the others spend nothing. Absent or empty: all. */
  channels: z.array(z.string().min(1)).optional(),
  /** v2 models: national or per-geo plan, R&F frequency, organic levels (kept with the plan). */
  planning: planningOptionsSchema.optional(),
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

export async function generateScenarioPlan(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof generateScenarioPlanInput>,
): Promise<ScenarioPlan> {
  const p = await loadPlanningPosterior(db, actor, input.runId);
  // plan lines: channels, or for a per-geo plan of a v2 model each channel in each geo (`channel@geo`)
  const lines = planningHorizonOf(p, 1, Int32Array.of(0), input.planning).lines;
  const all = lines.map((l) => l.name);
  const baseOf = (line: string) => p.model.spec.channels[lines.find((l) => l.name === line)!.channel]!.name;
  const only = input.channels && input.channels.length > 0 ? input.channels : null;
  const known = new Set([...all, ...all.map(baseOf)]);
  const unknown = (only ?? []).filter((c) => !known.has(c));
  if (unknown.length > 0)
    throw badRequest(
      `This run's model has no channel${unknown.length > 1 ? "s" : ""} ${unknown.map((c) => `"${c}"`).join(", ")}.`,
    );
  const listed = (line: string) => !only || only.includes(line) || only.includes(baseOf(line));
  const keep = (spend: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(spend).filter(([c]) => listed(c)));
  const planning = p.version === 2 ? { planning: input.planning ?? planningOptionsSchema.parse({}) } : {};
  if (input.source.kind === "lastQuarter") {
    const k = input.source.k;
    const spend: Record<string, number[]> = {};
    for (const l of lines) spend[l.name] = repeatRecentWeeks(l.history, LAST_QUARTER_WEEKS, input.weeks, k);
    return {
      weeks: input.weeks,
      spend: keep(spend),
      assumptions: [],
      origin: { kind: "lastQuarter", k },
      ...planning,
    };
  }
  // lines outside the list get nothing, so the whole budget goes to the listed ones
  const bounds = {
    ...input.source.bounds,
    ...Object.fromEntries(all.filter((c) => !listed(c)).map((c) => [c, { max: 0 }])),
  };
  const opt = computeOptimalPlan(p, {
    runId: input.runId,
    weeks: input.weeks,
    budget: input.source.budget,
    bounds,
    objective: input.source.objective,
    ...(input.planning ? { planning: input.planning } : {}),
  });
  const spend: Record<string, number[]> = {};
  for (const a of opt.allocation) spend[a.channel] = a.weekly.map((v) => Math.round(v * 100) / 100);
  return {
    weeks: input.weeks,
    spend: keep(spend),
    assumptions: [],
    origin: { kind: "optimizer", budget: input.source.budget, objective: input.source.objective.kind },
    ...planning,
  };
}
