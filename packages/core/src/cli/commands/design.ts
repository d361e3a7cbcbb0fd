import { designExperimentsForModel } from "../../experiments/design-experiments.ts";
import type { CliCommand } from "../registry.ts";
import { loadRunInputs, runInputOptions } from "../run-inputs.ts";

export const designCommand: CliCommand = {
  name: "design",
  summary: "rank the next experiment per paid channel by value of information (from a fit's draws)",
  options: [
    ...runInputOptions,
    {
      name: "weeks",
      kind: "integer",
      min: 12,
      placeholder: "<n>",
      description: "planning horizon the value of information is measured over (default 13)",
    },
    { name: "seed", kind: "integer", placeholder: "<n>", description: "random seed (default 1)" },
  ],
  run(opts, io) {
    const { model, draws } = loadRunInputs(opts, io.cwd);
    const design = designExperimentsForModel(model, draws, {
      horizonWeeks: (opts.weeks as number | undefined) ?? 13,
      seed: (opts.seed as number | undefined) ?? 1,
    });
    const channels = design.channels.map((c) => ({
      name: c.name,
      rank: c.rank,
      test: c.test,
      recommendedWeeks: c.recommendedWeeks,
      mde: c.mde,
      expectedIntervalReduction: c.expectedIntervalReduction,
      valueOfInformation: c.valueOfInformation,
      mdeByWeeks: c.mdeByWeeks,
      roi: c.roi,
      spendAtStake: c.spendAtStake,
    }));
    io.stdout.write(
      JSON.stringify({ horizonWeeks: design.horizonWeeks, noiseSd: design.noiseSd, channels }, null, 2) +
        "\n",
    );
    return 0;
  },
};
