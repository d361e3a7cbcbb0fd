import { readFile, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, relative, resolve } from "node:path";
import Papa from "papaparse";
import { inferMappingV2, v1MappingOf } from "../../data/infer-v2.ts";
import { formatIssues, parseDatasetCsv } from "../../data/parse.ts";
import { encodeDraws } from "../../fit/draws-codec.ts";
import { fitModel } from "../../fit/fit-model.ts";
import { jsonSafe } from "../../fit/serialize.ts";
import { fitModelV2 } from "../../fit/fit-v2.ts";
import type { Draws } from "../../fit/draws-codec.ts";
import type { FitProgress } from "../../fit/progress.ts";
import { DataScalingError } from "../../data/scale.ts";
import { scaleDatasetV2 } from "../../data/scale-v2.ts";
import type { ParsedOptions } from "../args.ts";
import { ModelConfigError } from "../../model/config.ts";
import { type ModelConfigV2, parseModelConfigV2, toV1Config, usesV2Features } from "../../model/config-v2.ts";
import { parseDatasetV2Csv } from "../../data/parse-v2.ts";
import { CliError } from "../args.ts";
import { ProgressBar } from "../progress-bar.ts";
import type { CliCommand, CliIo } from "../registry.ts";

export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${what} ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
}

export function loadConfig(text: string, path: string): ModelConfigV2 {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return parseModelConfigV2(json);
  } catch (err) {
    if (err instanceof ModelConfigError) {
      const first = err.issues[0]!;
      const more = err.issues.length - 1;
      throw new CliError(`${path}: ${first.path}: ${first.message}${more > 0 ? ` (and ${more} more)` : ""}`);
    }
    throw err;
  }
}

export function inferConfig(
  csv: string,
  io: CliIo,
  dataPath: string,
): { config: ModelConfigV2 | null; inferred: unknown; reason?: string } {
  const preview = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ""), {
    header: true,
    preview: 20,
    skipEmptyLines: true,
  });
  const headers = preview.meta.fields ?? [];
  const inferred = inferMappingV2(headers, preview.data);
  io.stderr.write(`no --config given; inferred from the columns of ${dataPath}:\n`);
  for (const line of inferred.summary) io.stderr.write(`  ${line}\n`);
  io.stderr.write(`  (--config-out model.json writes this config; edit it and pass --config to change it)\n`);
  if (inferred.warnings.length > 0)
    return {
      config: null,
      inferred: inferred.mapping,
      reason: `cannot infer a model config from ${dataPath}: ${inferred.warnings[0]} Write a config (--config-out model.json saves what was inferred) and pass --config model.json.`,
    };
  const v1 = v1MappingOf(inferred.mapping);
  return { config: parseModelConfigV2(v1.ok ? v1.mapping : inferred.mapping), inferred: inferred.mapping };
}

/** A v2 config's data: parsed, validated (exit 2 naming row, column, geo) and scaled. */
function v2Data(csv: string, dataPath: string, config: ModelConfigV2, io: CliIo) {
  const parsed = parseDatasetV2Csv(csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok) throw new CliError(`${dataPath}: ${formatIssues(parsed)}`);
  for (const w of parsed.warnings) io.stderr.write(`warning: ${w.message}\n`);
  return parsed.dataset;
}

/** Hex SHA-256 of a text, as recorded in the result (dataSha256). */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Writes the result JSON (+ draws), recording data and draws paths relative to it. */
async function writeResult(
  opts: ParsedOptions,
  io: CliIo,
  csv: string,
  dataPath: string,
  result: { draws: Draws },
): Promise<void> {
  // Where the data and draws are, relative to the result, so that optimize and compare need only
  // --result; the checksum catches a data file edited after the fit.
  const outPath = resolve(io.cwd, opts.out as string);
  const { draws, ...rest } = result;
  const written: Record<string, unknown> = {
    ...(jsonSafe(rest) as Record<string, unknown>),
    dataPath: relativeTo(outPath, resolve(io.cwd, dataPath)),
    dataSha256: sha256(csv),
  };
  if (typeof opts["draws-out"] === "string") {
    const drawsPath = resolve(io.cwd, opts["draws-out"]);
    await writeFile(drawsPath, encodeDraws(draws));
    written.drawsPath = relativeTo(outPath, drawsPath);
  }
  await writeFile(outPath, JSON.stringify(written, null, 2) + "\n");
}

function fitOptions(opts: ParsedOptions, bar: ProgressBar) {
  return {
    mode: opts.fast ? ("fast" as const) : ("nuts" as const),
    seed: (opts.seed as number | undefined) ?? 1,
    ...(opts.chains !== undefined ? { chains: opts.chains as number } : {}),
    ...(opts.warmup !== undefined ? { warmup: opts.warmup as number } : {}),
    ...(opts.draws !== undefined ? { draws: opts.draws as number } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads as number } : {}),
    onProgress: (p: FitProgress) => bar.update(p),
  };
}

/** 3 significant digits below 100 (a CPIK of 0.0123 stays readable), whole numbers above. */
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

/** A v2 config: parse and validate the data, scale it, fit the v2 model, write the v2 result. */
async function fitV2(opts: ParsedOptions, io: CliIo, csv: string, dataPath: string, config: ModelConfigV2) {
  const dataset = v2Data(csv, dataPath, config, io);
  let data;
  try {
    data = scaleDatasetV2(dataset, {
      holdoutWeeks: config.holdoutWeeks,
      fourierPairs: config.fourierPairs,
      link: config.link,
    });
  } catch (e) {
    if (e instanceof DataScalingError) throw new CliError(`${dataPath}: ${e.message}`);
    throw e;
  }
  const bar = new ProgressBar(io.stderr);
  const result = await fitModelV2(data, config, fitOptions(opts, bar));
  await writeResult(opts, io, csv, dataPath, result);
  const d = result.diagnostics;
  const geos = result.geoNames.length;
  io.stdout.write(
    `${result.approximate ? "fast (approximate)" : "NUTS"} v2 fit of ${result.trainingWeeks} training weeks${geos > 1 ? ` x ${geos} geos` : ""} (${result.kpiType} KPI, ${result.link} link) in ${result.timing.totalSeconds.toFixed(1)} s: ${d.converged ? "converged" : "NOT converged"}` +
      (result.approximate
        ? ""
        : ` (R-hat max ${d.rhatMax.toFixed(3)}, min bulk ESS ${Math.round(d.essBulkMin)}, ${d.divergences} divergences)`) +
      "\n",
  );
  for (const r of d.reasons) io.stdout.write(`  ! ${r}\n`);
  const units = result.kpiType === "units";
  io.stdout.write(
    `  ${"channel".padEnd(16)} ${"role".padEnd(8)} ${"ROI".padStart(7)} ${"90% interval".padEnd(18)}${units ? ` ${"CPIK".padStart(7)} 90% interval` : ""}  incremental ${result.kpiName} (median)\n`,
  );
  for (const [name, ch] of Object.entries(result.channels)) {
    const roi = ch.roi
      ? `${fmt(ch.roi.q50).padStart(7)} ${`[${fmt(ch.roi.q05)}, ${fmt(ch.roi.q95)}]`.padEnd(18)}`
      : `${"-".padStart(7)} ${"".padEnd(18)}`;
    const cpik = units
      ? ch.cpik
        ? ` ${fmt(ch.cpik.q50).padStart(7)} [${fmt(ch.cpik.q05)}, ${fmt(ch.cpik.q95)}]`
        : ` ${"-".padStart(7)}`
      : "";
    const freq = ch.optimalFrequency ? `  optimal frequency ${ch.optimalFrequency.q50.toFixed(1)}` : "";
    io.stdout.write(
      `  ${name.padEnd(16)} ${ch.role.padEnd(8)} ${roi}${cpik}  ${Math.round(ch.incremental.q50).toLocaleString("en-US")}${freq}\n`,
    );
  }
  io.stdout.write(
    `wrote ${String(opts.out)}${typeof opts["draws-out"] === "string" ? ` and ${opts["draws-out"]}` : ""}\n`,
  );
  return 0;
}

function relativeTo(from: string, to: string): string {
  const r = relative(dirname(from), to);
  return r === "" ? "." : r;
}

export const fitCommand: CliCommand = {
  name: "fit",
  summary: "fit the model to a weekly CSV and write the result as JSON",
  options: [
    { name: "data", kind: "string", required: true, placeholder: "<data.csv>", description: "weekly data" },
    {
      name: "config",
      kind: "string",
      placeholder: "<model.json>",
      description: "model config (inferred from column names if absent)",
    },
    {
      name: "out",
      kind: "string",
      required: true,
      placeholder: "<result.json>",
      description: "result file (summaries, diagnostics, holdout)",
    },
    { name: "chains", kind: "integer", min: 1, placeholder: "<n>", description: "NUTS chains (default 4)" },
    {
      name: "warmup",
      kind: "integer",
      min: 1,
      placeholder: "<n>",
      description: "warmup iterations per chain (default 1000)",
    },
    {
      name: "draws",
      kind: "integer",
      min: 1,
      placeholder: "<n>",
      description: "draws per chain (default 1000)",
    },
    { name: "seed", kind: "integer", placeholder: "<n>", description: "random seed (default 1)" },
    { name: "fast", kind: "boolean", description: "MAP + Laplace approximation (seconds; approximate)" },
    {
      name: "draws-out",
      kind: "string",
      placeholder: "<draws.bin>",
      description: "also write the draws (Float32 binary)",
    },
    {
      name: "config-out",
      kind: "string",
      placeholder: "<model.json>",
      description: "write the config used (inferred when --config is absent) as JSON",
    },
    {
      name: "threads",
      kind: "integer",
      min: 1,
      placeholder: "<n>",
      description: "worker threads (default: all cores)",
    },
  ],
  async run(opts, io) {
    const dataPath = opts.data as string;
    const csv = await readText(resolve(io.cwd, dataPath), "data file");
    let config: ModelConfigV2;
    if (typeof opts.config === "string") {
      config = loadConfig(await readText(resolve(io.cwd, opts.config), "config file"), opts.config);
      if (typeof opts["config-out"] === "string")
        await writeFile(resolve(io.cwd, opts["config-out"]), JSON.stringify(config, null, 2) + "\n");
    } else {
      const inferred = inferConfig(csv, io, dataPath);
      if (typeof opts["config-out"] === "string")
        await writeFile(
          resolve(io.cwd, opts["config-out"]),
          JSON.stringify(inferred.config ?? inferred.inferred, null, 2) + "\n",
        );
      if (inferred.config === null) throw new CliError(inferred.reason!);
      config = inferred.config;
    }
    if (usesV2Features(config)) return fitV2(opts, io, csv, dataPath, config);
    const v1Config = toV1Config(config);
    const parsed = parseDatasetCsv(csv, v1Config, { holdoutWeeks: v1Config.holdoutWeeks });
    if (!parsed.ok) throw new CliError(`${dataPath}: ${formatIssues(parsed)}`);
    for (const w of parsed.warnings) io.stderr.write(`warning: ${w.message}\n`);
    const bar = new ProgressBar(io.stderr);
    const result = await fitModel(parsed.dataset, v1Config, fitOptions(opts, bar));
    await writeResult(opts, io, csv, dataPath, result);
    const d = result.diagnostics;
    io.stdout.write(
      `${result.approximate ? "fast (approximate)" : "NUTS"} fit of ${result.trainingWeeks} training weeks in ${result.timing.totalSeconds.toFixed(1)} s: ${d.converged ? "converged" : "NOT converged"}` +
        (result.approximate
          ? ""
          : ` (R-hat max ${d.rhatMax.toFixed(3)}, min bulk ESS ${Math.round(d.essBulkMin)}, ${d.divergences} divergences)`) +
        "\n",
    );
    for (const r of d.reasons) io.stdout.write(`  ! ${r}\n`);
    io.stdout.write(
      `  ${"channel".padEnd(14)} ${"ROI".padStart(6)}  90% interval (ROI = posterior median)\n`,
    );
    for (const [name, ch] of Object.entries(result.channels)) {
      io.stdout.write(
        `  ${name.padEnd(14)} ${ch.roi.q50.toFixed(2).padStart(6)}  [${ch.roi.q05.toFixed(2)}, ${ch.roi.q95.toFixed(2)}]\n`,
      );
    }
    if (result.holdout) {
      const h = result.holdout;
      io.stdout.write(
        `  holdout ${h.weeks} weeks: MAPE ${(100 * h.mape).toFixed(1)}%, R^2 ${h.r2.toFixed(2)}, 90% coverage ${(100 * h.coverage90).toFixed(0)}%\n`,
      );
    }
    io.stdout.write(
      `wrote ${opts.out}${typeof opts["draws-out"] === "string" ? ` and ${opts["draws-out"]}` : ""}\n`,
    );
    return 0;
  },
};
