// Scenario.plan: weekly spend per channel (currency) over `weeks` plan weeks that start right
// after the data; content-type and audience multipliers are the user's labelled assumptions
// (core's effectivenessAssumptionSchema). The web validates input with it, the demo seed writes
// it, every reader decodes it.
import { z } from "zod";
import { effectivenessAssumptionSchema, type ScenarioInput } from "@mixcast/core";
import { jsonCodec } from "./codec.ts";

export const MAX_PLAN_WEEKS = 104;

export const planOriginSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("manual") }),
  z.object({ kind: z.literal("optimizer"), budget: z.number(), objective: z.string() }),
  z.object({ kind: z.literal("lastQuarter"), k: z.number() }),
  z.object({ kind: z.literal("duplicate"), of: z.string() }),
]);

/**
 * v2 models (shared/docs/model-v2.md section 5): one national plan split to geos by each geo's
 * recent share of the channel's spend, or one plan per geo (spend keys `channel@geo`); the
 * frequency R&F channels are planned at (absent: the optimal one) and the weekly level organic
 * channels are held at (national total in the column's units; absent: the last 13 weeks' mean).
 */
export const scenarioPlanningSchema = z.object({
  geoPlan: z.enum(["national", "perGeo"]).default("national"),
  frequency: z.record(z.string(), z.number().positive("Frequency: enter a number above zero.")).default({}),
  organic: z.record(z.string(), z.number().min(0, "Organic level cannot be negative.")).default({}),
});
export type ScenarioPlanning = z.output<typeof scenarioPlanningSchema>;

export const scenarioPlanSchema = z
  .object({
    weeks: z
      .number()
      .int()
      .min(1, "A plan has at least one week.")
      .max(MAX_PLAN_WEEKS, `A plan has at most ${MAX_PLAN_WEEKS} weeks.`),
    spend: z.record(z.string().min(1), z.array(z.number().min(0, "Spend cannot be negative.").finite())),
    assumptions: z.array(effectivenessAssumptionSchema).default([]),
    origin: planOriginSchema.default({ kind: "manual" }),
    /** v2 models only; absent on v1 plans. */
    planning: scenarioPlanningSchema.optional(),
  })
  .superRefine((p, ctx) => {
    for (const [channel, weekly] of Object.entries(p.spend)) {
      if (weekly.length !== p.weeks)
        ctx.addIssue({
          code: "custom",
          path: ["spend", channel],
          message: `"${channel}" has ${weekly.length} weekly amounts; the plan has ${p.weeks} weeks.`,
        });
    }
    p.assumptions.forEach((a, i) => {
      if (a.weeks && a.weeks[1] > p.weeks)
        ctx.addIssue({
          code: "custom",
          path: ["assumptions", i, "weeks"],
          message: `Assumption "${a.label}" runs past the plan's ${p.weeks} weeks.`,
        });
    });
  });
export type ScenarioPlan = z.output<typeof scenarioPlanSchema>;
export type ScenarioPlanInput = z.input<typeof scenarioPlanSchema>;

export function toCoreScenario(name: string, plan: ScenarioPlan): ScenarioInput {
  return { name, weeks: plan.weeks, spend: plan.spend, otherChannels: "zero", assumptions: plan.assumptions };
}

export function totalSpend(plan: ScenarioPlan): number {
  let s = 0;
  for (const weekly of Object.values(plan.spend)) for (const v of weekly) s += v;
  return s;
}

export const scenarioPlanCodec = jsonCodec("Scenario.plan", scenarioPlanSchema);
