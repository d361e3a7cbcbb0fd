/**
 * `mixcast optimize --result result.json --budget 1000000 --weeks 13 [--bounds bounds.json]
 *  [--risk mean|q10|sd1] [--current-weeks 13] [--seed 1] [--data data.csv] [--config model.json]
 *  [--draws draws.bin] [--out plan.json]` -> BudgetPlan JSON (analysis/optimizer.ts).
 * bounds.json: { "<channel>": { "min"?: number, "max"?: number, "locked"?: true | number } } with
 * totals over the horizon in currency.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { horizonResponse, recentWeeklySpend } from "../analysis/model-adapter.ts";
import { optimizeBudget, type RiskObjective } from "../analysis/optimizer.ts";
import { CliInputError, loadRunInputs } from "./run-inputs.ts";

export const boundsSchema = z.record(
  z.string(),
  z.object({ min: z.number().min(0).optional(), max: z.number().min(0).optional(), locked: z.union([z.boolean(), z.number().min(0)]).optional() }).strict(),
);

/** "mean", "q10" (10% quantile), "q0.05", "sd1" / "sd:1.5" (mean - k sd). */
export function parseRisk(s: string | undefined): RiskObjective {
  if (s === undefined || s === "mean") return { kind: "mean" };
  const q = /^q(0?\.\d+|\d{1,2})$/.exec(s);
  if (q) {
    const v = Number(q[1]);
    return { kind: "quantile", q: v >= 1 ? v / 100 : v };
  }
  const k = /^sd:?(\d+(\.\d+)?)$/.exec(s);
  if (k) return { kind: "meanMinusSd", k: Number(k[1]) };
  throw new CliInputError(`--risk must be mean, qNN (e.g. q10) or sdK (e.g. sd1), got "${s}"`);
}

export const optimizeUsage =
  "mixcast optimize --result result.json --budget <total> --weeks <H> [--bounds bounds.json] [--risk mean|q10|sd1] [--current-weeks N] [--seed N] [--data data.csv] [--config model.json] [--draws draws.bin] [--out plan.json]";

export async function runOptimize(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      result: { type: "string" },
      config: { type: "string" },
      data: { type: "string" },
      draws: { type: "string" },
      budget: { type: "string" },
      weeks: { type: "string" },
      bounds: { type: "string" },
      risk: { type: "string" },
      "current-weeks": { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
    },
    strict: true,
  });
  const budget = Number(values.budget);
  if (!(budget > 0)) throw new CliInputError(`--budget must be a positive number, got "${values.budget ?? ""}"`);
  const weeks = Number(values.weeks ?? 13);
  if (!(Number.isInteger(weeks) && weeks >= 1)) throw new CliInputError(`--weeks must be a whole number >= 1, got "${values.weeks}"`);
  let bounds: z.infer<typeof boundsSchema> | undefined;
  if (values.bounds) {
    const parsed = boundsSchema.safeParse(JSON.parse(readFileSync(values.bounds, "utf8")));
    if (!parsed.success) throw new CliInputError(`bounds file ${values.bounds}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    bounds = parsed.data;
  }
  const { model, draws } = loadRunInputs({ result: values.result, config: values.config, data: values.data, draws: values.draws });
  const resp = horizonResponse(model, draws, weeks);
  const plan = optimizeBudget(resp, {
    budget,
    bounds,
    objective: parseRisk(values.risk),
    currentWeekly: recentWeeklySpend(model.spec, Number(values["current-weeks"] ?? weeks)),
    seed: Number(values.seed ?? 1),
  });
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, json);
  else process.stdout.write(json);
  return 0;
}
