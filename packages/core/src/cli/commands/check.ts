import { resolve } from "node:path";
import { checkData, type DataCheckReport } from "../../checks/check-data.ts";
import { formatIssues, parseDatasetCsv } from "../../data/parse.ts";
import { parseDatasetV2Csv } from "../../data/parse-v2.ts";
import { type ModelConfigV2, toV1Config, usesV2Features } from "../../model/config-v2.ts";
import { buildModelSpec } from "../../model/spec.ts";
import { CliError } from "../args.ts";
import type { CliCommand } from "../registry.ts";
import { inferConfig, loadConfig, readText } from "./fit.ts";

/** Exit code when a finding is blocking (2 stays "bad input", 1 "unexpected"). */
export const CHECK_BLOCKING_EXIT = 3;

/** Parses the data as the fit would and runs the data checks on its training weeks. */
export function checkCsv(csv: string, config: ModelConfigV2, dataPath: string): DataCheckReport {
  if (usesV2Features(config)) {
    const parsed = parseDatasetV2Csv(csv, config, { holdoutWeeks: config.holdoutWeeks });
    if (!parsed.ok) throw new CliError(`${dataPath}: ${formatIssues(parsed)}`);
    return checkData(parsed.dataset, {
      holdoutWeeks: config.holdoutWeeks,
      model: { fourierPairs: config.fourierPairs, knots: config.knots, baseline: config.baseline },
    });
  }
  const v1 = toV1Config(config);
  const parsed = parseDatasetCsv(csv, v1, { holdoutWeeks: v1.holdoutWeeks });
  if (!parsed.ok) throw new CliError(`${dataPath}: ${formatIssues(parsed)}`);
  let parameterCount: number | undefined;
  try {
    parameterCount = buildModelSpec(parsed.dataset, v1).parameters.length;
  } catch {
    // a scaling error (e.g. a constant control) is itself a finding; fall back to the estimate
  }
  return checkData(parsed.dataset, {
    holdoutWeeks: v1.holdoutWeeks,
    ...(parameterCount !== undefined ? { parameterCount } : {}),
    model: { fourierPairs: v1.fourierPairs },
  });
}

export const checkCommand: CliCommand = {
  name: "check",
  summary: "check a weekly CSV before fitting (collinearity, variation, outliers, ...); exit 3 if blocking",
  options: [
    { name: "data", kind: "string", required: true, placeholder: "<data.csv>", description: "weekly data" },
    {
      name: "config",
      kind: "string",
      placeholder: "<model.json>",
      description: "model config (inferred from column names if absent)",
    },
  ],
  async run(opts, io) {
    const dataPath = opts.data as string;
    const csv = await readText(resolve(io.cwd, dataPath), "data file");
    let config: ModelConfigV2;
    if (typeof opts.config === "string")
      config = loadConfig(await readText(resolve(io.cwd, opts.config), "config file"), opts.config);
    else {
      const inferred = inferConfig(csv, io, dataPath);
      if (inferred.config === null) throw new CliError(inferred.reason!);
      config = inferred.config;
    }
    const report = checkCsv(csv, config, dataPath);
    const findings = report.findings.map(({ severity, code, columns, value, threshold, message }) => ({
      severity,
      code,
      columns,
      value,
      threshold,
      message,
    }));
    io.stdout.write(JSON.stringify({ findings }, null, 2) + "\n");
    return report.blocking ? CHECK_BLOCKING_EXIT : 0;
  },
};
