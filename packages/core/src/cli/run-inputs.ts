/**
 * What `mixcast optimize` and `mixcast compare` need from a finished fit: the model (dataset +
 * config) and the constrained posterior draws. Sources, in order:
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
import { type PosteriorDraws, posteriorDraws } from "../analysis/model-adapter.ts";
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
): { model: MmmModel; draws: PosteriorDraws } {
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
  if (result.modelVersion === 2)
    throw new CliInputError(
      `${paths.result} is a v2 model (geo, exposure, reach & frequency, organic, units KPI or log link); budget optimization and scenarios on v2 models are not available yet`,
    );
  const configRaw = paths.config ? readJson(paths.config, "config file") : result.config;
  if (configRaw === undefined)
    throw new CliInputError(
      "no model config: pass --config model.json or a --result whose JSON has `config`",
    );
  let config: ReturnType<typeof parseModelConfig>;
  try {
    config = parseModelConfig(configRaw);
  } catch (e) {
    throw new CliInputError(`model config: ${(e as Error).message}`);
  }
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
  const model = createModel(buildModelSpec(parsed.dataset, config));

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
  let d: ReturnType<typeof decodeDraws>;
  try {
    d = decodeDraws(bytes);
  } catch (e) {
    throw new CliInputError((e as Error).message);
  }
  try {
    return { model, draws: posteriorDraws(model, d) };
  } catch (e) {
    throw new CliInputError((e as Error).message);
  }
}
