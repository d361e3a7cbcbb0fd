import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { simulate } from "../../simulate/simulate.ts";
import { CliError } from "../args.ts";
import type { ParsedOptions } from "../args.ts";
import type { CliCommand, CliIo } from "../registry.ts";
import { simulateV2 } from "../../simulate/simulate-v2.ts";

/** v2 shapes (docs/model.md section 9): geo files, exposure, R&F, organic, units, log link. */
async function runV2(opts: ParsedOptions, io: CliIo): Promise<number> {
  const link = (opts.link as string | undefined) ?? "identity";
  if (link !== "identity" && link !== "log")
    throw new CliError(`--link must be identity or log (got "${link}")`);
  const lineup = opts.channels as string | undefined;
  let channels = 4;
  if (lineup !== undefined) {
    const n = Number(lineup);
    if (!Number.isInteger(n) || n < 1 || n > 5)
      throw new CliError(
        `--channels must be 1..5 with v2 options (paid channels besides R&F and organic; got "${lineup}")`,
      );
    channels = n;
  }
  let holidays: { country: string; region?: string } | undefined;
  if (typeof opts.holidays === "string") {
    const [country, region] = opts.holidays.split("-");
    holidays = region ? { country: country!, region } : { country: country! };
  }
  const weeks = (opts.weeks as number | undefined) ?? 156;
  const holdoutWeeks = (opts.holdout as number | undefined) ?? 13;
  if (weeks - holdoutWeeks < 26)
    throw new CliError(
      `--weeks ${weeks} leaves fewer than 26 training weeks after a ${holdoutWeeks}-week holdout`,
    );
  let sim;
  try {
    sim = simulateV2({
      weeks,
      seed: (opts.seed as number | undefined) ?? 1,
      geos: (opts.geos as number | undefined) ?? 1,
      channels,
      rf: opts.rf === true,
      organic: opts.organic === true,
      units: opts.units === true,
      link,
      timeVarying: opts["time-varying"] === true,
      holdoutWeeks,
      ...(holidays ? { holidays } : {}),
    });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  await writeFile(resolve(io.cwd, opts.out as string), sim.csv);
  if (typeof opts.truth === "string")
    await writeFile(resolve(io.cwd, opts.truth), JSON.stringify(sim.truth, null, 2) + "\n");
  if (typeof opts["config-out"] === "string")
    await writeFile(resolve(io.cwd, opts["config-out"]), JSON.stringify(sim.config, null, 2) + "\n");
  const d = sim.dataset;
  io.stdout.write(
    `wrote ${String(opts.out)}: ${weeks} weeks from ${d.dates[0]}${d.geos.length > 1 ? ` x ${d.geos.length} geos` : ""}, KPI "${d.kpiName}" (${d.kpiType}${sim.data.value ? ", value per unit" : ""}), ${link} link${opts["time-varying"] ? ", time-varying media" : ""}\n`,
  );
  for (const [name, t] of Object.entries(sim.truth.channels)) {
    const kpi = Math.round(t.incremental).toLocaleString("en-US");
    const money =
      t.role === "organic"
        ? `share ${(100 * t.share).toFixed(1)} %`
        : `true ROI ${t.roi!.toFixed(2).padStart(5)}${t.cpik !== undefined ? `  CPIK ${t.cpik.toFixed(2)}` : ""}`;
    io.stdout.write(`  ${name.padEnd(12)} ${t.role.padEnd(8)} ${money}  incremental ${kpi}\n`);
  }
  return 0;
}

export const simulateCommand: CliCommand = {
  name: "simulate",
  summary: "write a synthetic weekly dataset drawn from the model, with its true parameters",
  options: [
    {
      name: "weeks",
      kind: "integer",
      min: 8,
      placeholder: "<n>",
      description: "number of weeks (default 156)",
    },
    { name: "seed", kind: "integer", placeholder: "<n>", description: "random seed (default 1)" },
    {
      name: "out",
      kind: "string",
      required: true,
      placeholder: "<data.csv>",
      description: "CSV file to write",
    },
    {
      name: "truth",
      kind: "string",
      placeholder: "<truth.json>",
      description: "true parameters, contributions and ROI",
    },
    {
      name: "config-out",
      kind: "string",
      placeholder: "<model.json>",
      description: "model config matching the CSV",
    },
    {
      name: "channels",
      kind: "string",
      placeholder: "demo|recovery|<n>",
      description: "channel line-up (default demo)",
    },
    {
      name: "geos",
      kind: "integer",
      min: 1,
      placeholder: "<n>",
      description: "v2: geos (long file with geo and population; default 1)",
    },
    { name: "rf", kind: "boolean", description: "v2: add a reach & frequency channel (Meta)" },
    { name: "organic", kind: "boolean", description: "v2: add an organic channel (newsletter sends)" },
    {
      name: "units",
      kind: "boolean",
      description: "v2: conversions KPI with a revenue_per_conversion value column",
    },
    {
      name: "link",
      kind: "string",
      placeholder: "identity|log",
      description: "v2: link function (default identity)",
    },
    { name: "time-varying", kind: "boolean", description: "v2: time-varying media effectiveness" },
    {
      name: "holidays",
      kind: "string",
      placeholder: "<country[-region]>",
      description: "v2: weekly public holidays as a control, e.g. DE or DE-BY",
    },
    {
      name: "holdout",
      kind: "integer",
      min: 0,
      placeholder: "<n>",
      description: "holdout weeks in the config (default 13)",
    },
  ],
  async run(opts, io) {
    const v2 = ["geos", "rf", "organic", "units", "link", "time-varying", "holidays"].some(
      (k) => opts[k] !== undefined,
    );
    if (v2) return runV2(opts, io);
    const weeks = (opts.weeks as number | undefined) ?? 156;
    const seed = (opts.seed as number | undefined) ?? 1;
    const lineup = opts.channels as string | undefined;
    let channels: "demo" | "recovery" | number = "demo";
    if (lineup === "recovery" || lineup === "demo") channels = lineup;
    else if (lineup !== undefined) {
      const n = Number(lineup);
      if (!Number.isInteger(n) || n < 1 || n > 7)
        throw new CliError(`--channels must be demo, recovery or 1..7 (got "${lineup}")`);
      channels = n;
    }
    const holdoutWeeks = (opts.holdout as number | undefined) ?? 13;
    if (weeks - holdoutWeeks < 4)
      throw new CliError(
        `--weeks ${weeks} leaves too few training weeks after a ${holdoutWeeks}-week holdout`,
      );
    const sim = simulate({ weeks, seed, channels, holdoutWeeks });
    const out = resolve(io.cwd, opts.out as string);
    await writeFile(out, sim.csv);
    if (typeof opts.truth === "string")
      await writeFile(resolve(io.cwd, opts.truth), JSON.stringify(sim.truth, null, 2) + "\n");
    if (typeof opts["config-out"] === "string")
      await writeFile(resolve(io.cwd, opts["config-out"]), JSON.stringify(sim.config, null, 2) + "\n");
    io.stdout.write(
      `wrote ${opts.out}: ${weeks} weeks from ${sim.dataset.dates[0]}, KPI "${sim.dataset.kpiName}", channels ${sim.dataset.channels.map((c) => `${c.name} (${c.type})`).join(", ")}\n`,
    );
    for (const [name, t] of Object.entries(sim.truth.channels)) {
      io.stdout.write(
        `  ${name.padEnd(14)} true ROI ${t.roi.toFixed(2).padStart(6)}  contribution ${Math.round(t.contribution).toLocaleString("en-US")}\n`,
      );
    }
    return 0;
  },
};
