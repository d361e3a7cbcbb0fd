import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { simulate } from "../../simulate/simulate.ts";
import { CliError } from "../args.ts";
import type { CliCommand } from "../registry.ts";

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
      name: "holdout",
      kind: "integer",
      min: 0,
      placeholder: "<n>",
      description: "holdout weeks in the config (default 13)",
    },
  ],
  async run(opts, io) {
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
