/**
 * What `mixcast optimize` and `mixcast compare` need from a finished fit: the model (dataset +
 * config; a v2 config, or a result with modelVersion 2, gives the v2 model) and the constrained
 * posterior draws. Sources, in order:
 *   --result result.json   the fit's JSON (mixcast fit --out); its `config` is used, and its
 *                          `dataPath` / `drawsPath` (relative to it, written by fit) locate the
 *                          data and the draws (`dataSha256` must still match the data); a result
 *                          may instead embed `csv` and/or `drawsBase64` (encodeDraws, base64)
 *   --config model.json    model config (overrides result.config)
 *   --data data.csv        dataset CSV (overrides result.csv / result.dataPath; default: data.csv
 *                          beside result.json)
 *   --draws draws.bin      draws file written by encodeDraws (default: <result>.draws.bin or
 *                          draws.bin next to result.json when present)
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseDatasetCsv } from "../data/parse.ts";
import { decodeDraws } from "../fit/draws-codec.ts";
import { createModel, type MmmModel } from "../model/model.ts";
import { buildModelSpec } from "../model/spec.ts";
import { parseModelConfig } from "../model/config.ts";
import { type ModelConfigV2, parseModelConfigV2, usesV2Features } from "../model/config-v2.ts";
import { createModelV2, type MmmModelV2 } from "../model/model-v2.ts";
import { buildModelSpecV2 } from "../model/spec-v2.ts";
import { parseDatasetV2Csv } from "../data/parse-v2.ts";
import { scaleDatasetV2 } from "../data/scale-v2.ts";
import { type PosteriorDraws, posteriorDraws } from "../analysis/model-adapter.ts";
import type { HorizonResponse } from "../analysis/horizon-response.ts";
import { planningHorizon } from "../analysis/model-adapter-v2.ts";
import { thinIndices } from "../analysis/stats.ts";
import { CliError, type OptionSpec } from "./args.ts";

export interface RunInputPaths {
  result?: string;
  config?: string;
  data?: string;
  draws?: string;
}

/** Bad input: exit code 2 with a one-line reason (cli/args.ts). */
export class CliInputError extends CliError {}

function readJson(path: string, what: string): Record<string, unknown> {
  if (!existsSync(path)) throw new CliInputError(`${what} not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new CliInputError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Options every command that reads a fit accepts. */
export const runInputOptions: OptionSpec[] = [
  {
    name: "result",
    kind: "string",
    placeholder: "<result.json>",
    description: "fit result (mixcast fit --out); its config is used",
  },
  {
    name: "data",
    kind: "string",
    placeholder: "<data.csv>",
    description: "the dataset the fit used (unless the result embeds csv)",
  },
  {
    name: "config",
    kind: "string",
    placeholder: "<model.json>",
    description: "model config (default: the result's)",
  },
  {
    name: "draws",
    kind: "string",
    placeholder: "<draws.bin>",
    description: "posterior draws (mixcast fit --draws-out; default: draws.bin beside the result)",
  },
];

export function loadRunInputs(
  opts: RunInputPaths | Record<string, unknown>,
  cwd = ".",
): { model: MmmModel | MmmModelV2; draws: PosteriorDraws } {
  const str = (k: string) =>
    typeof (opts as Record<string, unknown>)[k] === "string"
      ? resolve(cwd, (opts as Record<string, string>)[k] as string)
      : undefined;
  const paths: RunInputPaths = {
    result: str("result"),
    config: str("config"),
    data: str("data"),
    draws: str("draws"),
  };
  const result = paths.result ? readJson(paths.result, "result file") : {};
  const configRaw = paths.config ? readJson(paths.config, "config file") : result.config;
  if (configRaw === undefined)
    throw new CliInputError(
      "no model config: pass --config model.json or a --result whose JSON has `config`",
    );
  // a v2 config (geo, exposure, reach & frequency, organic, units KPI, log link, knots, ...) is
  // fitted by the v2 model; any other config by v1, exactly as `mixcast fit` decides
  let configV2: ModelConfigV2;
  try {
    configV2 = parseModelConfigV2(configRaw);
  } catch (e) {
    throw new CliInputError(`model config: ${(e as Error).message}`);
  }
  const v2 = result.modelVersion === 2 || usesV2Features(configV2);
  let csv: string | undefined;
  let csvPath: string | undefined;
  if (paths.data) {
    if (!existsSync(paths.data)) throw new CliInputError(`data file not found: ${paths.data}`);
    csv = readFileSync(paths.data, "utf8");
    csvPath = paths.data;
  } else if (typeof result.csv === "string") csv = result.csv;
  else if (paths.result) {
    // a data path recorded in the result (relative to it), else data.csv beside the result
    const dir = dirname(paths.result);
    const recorded = typeof result.dataPath === "string" ? resolve(dir, result.dataPath) : undefined;
    if (recorded !== undefined && !existsSync(recorded))
      throw new CliInputError(
        `the fit's data file ${recorded} (dataPath in ${paths.result}) is gone; pass --data with the file the fit used`,
      );
    for (const candidate of [recorded, join(dir, "data.csv")]) {
      if (candidate && existsSync(candidate)) {
        csv = readFileSync(candidate, "utf8");
        csvPath = candidate;
        break;
      }
    }
  }
  if (csv !== undefined && csvPath !== undefined && typeof result.dataSha256 === "string") {
    if (createHash("sha256").update(csv, "utf8").digest("hex") !== result.dataSha256)
      throw new CliInputError(
        `${csvPath} changed since the fit (its SHA-256 differs from dataSha256 in ${paths.result}); the draws belong to the old data: refit, or pass --data with the file the fit used`,
      );
  }
  if (csv === undefined)
    throw new CliInputError(
      "no dataset: pass --data data.csv (or a --result that embeds `csv` or `dataPath`, or data.csv beside it)",
    );
  const model = v2 ? modelV2Of(csv, configV2) : modelV1Of(csv, configRaw);
  const draws = readDraws(paths, result);
  try {
    return { model, draws: posteriorDraws(model, draws) };
  } catch (e) {
    throw new CliInputError((e as Error).message);
  }
}

const issueText = (e: { row?: number; column?: string; geo?: string; message: string }) =>
  `${e.row !== undefined ? `row ${e.row}: ` : ""}${e.column ? `${e.column}: ` : ""}${e.geo ? `geo ${e.geo}: ` : ""}${e.message}`;

function modelV2Of(csv: string, config: ModelConfigV2): MmmModelV2 {
  const parsed = parseDatasetV2Csv(csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok)
    throw new CliInputError(`dataset is invalid: ${parsed.errors.slice(0, 5).map(issueText).join("; ")}`);
  try {
    const data = scaleDatasetV2(parsed.dataset, {
      holdoutWeeks: config.holdoutWeeks,
      fourierPairs: config.fourierPairs,
      link: config.link,
    });
    return createModelV2(buildModelSpecV2(data, config));
  } catch (e) {
    throw new CliInputError(`dataset: ${(e as Error).message}`);
  }
}

function modelV1Of(csv: string, configRaw: unknown): MmmModel {
  let config: ReturnType<typeof parseModelConfig>;
  try {
    config = parseModelConfig(configRaw);
  } catch (e) {
    throw new CliInputError(`model config: ${(e as Error).message}`);
  }
  const parsed = parseDatasetCsv(csv, config, { holdoutWeeks: config.holdoutWeeks });
  if (!parsed.ok) {
    throw new CliInputError(
      `dataset is invalid: ${parsed.errors
        .slice(0, 5)
        .map(
          (e) =>
            `${e.row !== undefined ? `row ${e.row}: ` : ""}${e.column ? `${e.column}: ` : ""}${e.message}`,
        )
        .join("; ")}`,
    );
  }
  return createModel(buildModelSpec(parsed.dataset, config));
}

function readDraws(paths: RunInputPaths, result: Record<string, unknown>): ReturnType<typeof decodeDraws> {
  let bytes: Uint8Array | undefined;
  let drawsPath = paths.draws;
  if (!drawsPath && paths.result && typeof result.drawsPath === "string") {
    drawsPath = resolve(dirname(paths.result), result.drawsPath);
    if (!existsSync(drawsPath))
      throw new CliInputError(
        `the fit's draws file ${drawsPath} (drawsPath in ${paths.result}) is gone; pass --draws or refit with --draws-out`,
      );
  }
  if (!drawsPath && paths.result) {
    for (const candidate of [
      `${paths.result.replace(/\.json$/, "")}.draws.bin`,
      join(dirname(paths.result), "draws.bin"),
    ]) {
      if (existsSync(candidate)) {
        drawsPath = candidate;
        break;
      }
    }
  }
  if (drawsPath) {
    if (!existsSync(drawsPath)) throw new CliInputError(`draws file not found: ${drawsPath}`);
    bytes = new Uint8Array(readFileSync(drawsPath));
  } else if (typeof result.drawsBase64 === "string")
    bytes = new Uint8Array(Buffer.from(result.drawsBase64, "base64"));
  if (!bytes)
    throw new CliInputError(
      "no posterior draws: pass --draws draws.bin (or a --result with `drawsBase64` or a draws.bin beside it)",
    );
  try {
    return decodeDraws(bytes);
  } catch (e) {
    throw new CliInputError((e as Error).message);
  }
}

/** Planning options of v2 models (optimize, compare). */
export const planningOptions: OptionSpec[] = [
  {
    name: "geo-plan",
    kind: "string",
    placeholder: "national|per-geo",
    description: "geo models: one national plan split by historical share (default), or one per geo",
  },
  {
    name: "frequency",
    kind: "string",
    placeholder: "<Meta=3,...>",
    description: "R&F channels: planned frequency (default: the optimal frequency)",
  },
  {
    name: "organic",
    kind: "string",
    placeholder: "<Newsletter=5000,...>",
    description: "organic channels: weekly exposure, national total (default: last 13 weeks' mean)",
  },
];

/** Draws a v2 plan uses (evenly thinned): the horizon holds every draw's state per geo and week. */
const V2_PLANNING_DRAWS = 1000;

function namedNumbers(text: unknown, option: string): Record<string, number> | undefined {
  if (typeof text !== "string") return undefined;
  const out: Record<string, number> = {};
  for (const part of text.split(",")) {
    const m = /^(.+)=([^=]+)$/.exec(part.trim());
    const v = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(v))
      throw new CliInputError(`--${option} takes name=number pairs separated by commas, got "${part}"`);
    out[(m[1] as string).trim()] = v;
  }
  return out;
}

/** The planning horizon of a loaded fit (v1 as before; v2 with the planning options). */
export function planningHorizonOf(
  opts: Record<string, unknown>,
  model: MmmModel | MmmModelV2,
  draws: PosteriorDraws,
  weeks: number,
): HorizonResponse {
  const geoPlan = opts["geo-plan"] as string | undefined;
  if (geoPlan !== undefined && geoPlan !== "national" && geoPlan !== "per-geo")
    throw new CliInputError(`--geo-plan must be national or per-geo, got "${geoPlan}"`);
  const v2opts = {
    geoPlan: geoPlan === "per-geo" ? ("perGeo" as const) : ("national" as const),
    frequency: namedNumbers(opts.frequency, "frequency"),
    organic: namedNumbers(opts.organic, "organic"),
  };
  if (model.spec.version !== 2) {
    if (geoPlan !== undefined || v2opts.frequency || v2opts.organic)
      throw new CliInputError("--geo-plan, --frequency and --organic apply to v2 models only");
    return planningHorizon(model, draws, weeks);
  }
  try {
    return planningHorizon(model, draws, weeks, {
      ...v2opts,
      drawIdx: thinIndices(draws.draws, V2_PLANNING_DRAWS),
    });
  } catch (e) {
    throw new CliInputError((e as Error).message);
  }
}
