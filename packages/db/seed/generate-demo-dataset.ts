// Writes the demo workspace's dataset from packages/core's simulator (the same generator the
// engine's recovery tests use), so the demo has a known ground truth:
//   seed/demo-dataset.csv   156 weeks: revenue, TV, Search, Instagram, Facebook, TikTok,
//                           X (Twitter), Influencer, price, holiday
//   seed/demo-dataset.json  the column mapping, core's model config, and the true ROI and
//                           contribution per channel
// Deterministic (fixed seed). Regenerate after simulator changes with
//   pnpm --filter @mixcast/db exec tsx seed/generate-demo-dataset.ts
// Imported by path, not as a package dependency: @mixcast/db itself never depends on core; only
// this generator does, and its outputs are checked in.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { simulate } from "../../core/src/index.ts";

export const DEMO_SEED = 20261124;
const simulation = simulate({ weeks: 156, seed: DEMO_SEED, channels: "demo" });

const round = (value: number, digits = 4) => Number(value.toFixed(digits));
const sidecar = {
  generator: { name: "@mixcast/core simulate", seed: DEMO_SEED, weeks: 156, channels: "demo" },
  mapping: simulation.mapping,
  config: simulation.config,
  truth: {
    trainingWeeks: simulation.truth.trainingWeeks,
    kpiMean: round(simulation.truth.kpiMean, 2),
    channels: Object.fromEntries(
      Object.entries(simulation.truth.channels).map(([name, channel]) => [
        name,
        {
          type: channel.type,
          spend: round(channel.spend, 2),
          contribution: round(channel.contribution, 2),
          roi: round(channel.roi),
        },
      ]),
    ),
  },
};

const csvPath = fileURLToPath(new URL("./demo-dataset.csv", import.meta.url));
const jsonPath = fileURLToPath(new URL("./demo-dataset.json", import.meta.url));
writeFileSync(csvPath, simulation.csv);
writeFileSync(jsonPath, `${JSON.stringify(sidecar, null, 2)}\n`);
console.log(`wrote ${simulation.dataset.dates.length} weeks to ${csvPath} and the truth to ${jsonPath}`);
