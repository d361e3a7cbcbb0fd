/**
 * `mixcast compare --result result.json --scenarios scenarios.json [--current-weeks 13] [--data
 *  data.csv] [--config model.json] [--draws draws.bin] [--out comparison.json]` -> ScenarioComparison
 * JSON (analysis/scenario.ts). scenarios.json: { "scenarios": [Scenario, ...] } or [Scenario, ...];
 * all are evaluated over the longest plan's horizon on the same draws.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { horizonResponse, recentWeeklySpend } from "../analysis/model-adapter.ts";
import { compareScenarios, scenarioSchema } from "../analysis/scenario.ts";
import { CliInputError, loadRunInputs } from "./run-inputs.ts";

export const compareUsage =
  "mixcast compare --result result.json --scenarios scenarios.json [--current-weeks N] [--data data.csv] [--config model.json] [--draws draws.bin] [--out comparison.json]";

export async function runCompare(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      result: { type: "string" },
      config: { type: "string" },
      data: { type: "string" },
      draws: { type: "string" },
      scenarios: { type: "string" },
      "current-weeks": { type: "string" },
      out: { type: "string" },
    },
    strict: true,
  });
  if (!values.scenarios) throw new CliInputError("--scenarios scenarios.json is required");
  const raw = JSON.parse(readFileSync(values.scenarios, "utf8")) as unknown;
  const parsed = z.union([z.array(scenarioSchema), z.object({ scenarios: z.array(scenarioSchema) })]).safeParse(raw);
  if (!parsed.success) throw new CliInputError(`scenarios file ${values.scenarios}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const scenarios = Array.isArray(parsed.data) ? parsed.data : parsed.data.scenarios;
  if (scenarios.length === 0) throw new CliInputError("scenarios file has no scenarios");
  const { model, draws } = loadRunInputs({ result: values.result, config: values.config, data: values.data, draws: values.draws });
  const weeks = Math.max(...scenarios.map((s) => s.weeks));
  const resp = horizonResponse(model, draws, weeks);
  const current = recentWeeklySpend(model.spec, Number(values["current-weeks"] ?? 13));
  const result = compareScenarios(resp, scenarios, { currentWeekly: current });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, json);
  else process.stdout.write(json);
  return 0;
}
