/**
 * `mixcast compare --result result.json --scenarios scenarios.json [--current-weeks 13] [--data
 *  data.csv] [--config model.json] [--draws draws.bin] [--geo-plan ...] [--frequency ...] [--organic
 *  ...] [--out comparison.json]` -> ScenarioComparison
 * JSON (analysis/scenario.ts). scenarios.json: { "scenarios": [Scenario, ...] } or [Scenario, ...];
 * all are evaluated on the same draws over the longest plan's horizon.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { recentWeeklySpend } from "../../analysis/model-adapter.ts";
import { compareScenarios, scenarioSchema } from "../../analysis/scenario.ts";
import type { CliCommand } from "../registry.ts";
import {
  CliInputError,
  loadRunInputs,
  planningHorizonOf,
  planningOptions,
  runInputOptions,
} from "../run-inputs.ts";

export const compareCommand: CliCommand = {
  name: "compare",
  summary: "evaluate and compare spend scenarios draw by draw, P(A beats B) (JSON out)",
  options: [
    ...runInputOptions,
    ...planningOptions,
    {
      name: "scenarios",
      kind: "string",
      required: true,
      placeholder: "<scenarios.json>",
      description: "scenarios to compare",
    },
    {
      name: "current-weeks",
      kind: "integer",
      min: 1,
      placeholder: "<n>",
      description: "recent weeks for otherChannels: current (default 13)",
    },
    {
      name: "out",
      kind: "string",
      placeholder: "<comparison.json>",
      description: "write here instead of stdout",
    },
  ],
  run(opts, io) {
    const path = opts.scenarios as string;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(resolve(io.cwd, path), "utf8"));
    } catch (e) {
      throw new CliInputError(`scenarios file ${path}: ${(e as Error).message}`);
    }
    const parsed = z
      .union([z.array(scenarioSchema), z.object({ scenarios: z.array(scenarioSchema) })])
      .safeParse(raw);
    if (!parsed.success)
      throw new CliInputError(
        `scenarios file ${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    const scenarios = Array.isArray(parsed.data) ? parsed.data : parsed.data.scenarios;
    if (scenarios.length === 0) throw new CliInputError(`scenarios file ${path} has no scenarios`);
    const { model, draws } = loadRunInputs(opts, io.cwd);
    const weeks = Math.max(...scenarios.map((s) => s.weeks));
    const resp = planningHorizonOf(opts, model, draws, weeks);
    const current = recentWeeklySpend(resp, (opts["current-weeks"] as number | undefined) ?? 13);
    let result;
    try {
      result = compareScenarios(resp, scenarios, { currentWeekly: current });
    } catch (e) {
      throw new CliInputError((e as Error).message);
    }
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (typeof opts.out === "string") writeFileSync(resolve(io.cwd, opts.out), json);
    else io.stdout.write(json);
    return 0;
  },
};
