// Writes the demo workspace's second dataset, a geo social brand, from packages/core's v2
// simulator (the generator the v2 engine's recovery tests use), so the geo demo has a known truth:
//   seed/demo-geo-dataset.csv   20 US states x 156 weeks (long format, one row per week and state):
//                               conversions with revenue per conversion, Search spend with clicks,
//                               Meta and TikTok as reach & frequency (spend, reach, frequency),
//                               organic Instagram posts, price, promo (categorical: none /
//                               discount / bogo); US public holidays come from the mapping
//   seed/demo-geo-dataset.json  the column mapping (core's DataMappingV2), the v2 model config, and
//                               the true ROI, CPIK, share and optimal frequency per channel
//                               (nationally and per state)
// Deterministic (fixed seed). Regenerate after simulator changes with
//   pnpm --filter @mixcast/db exec tsx seed/generate-demo-geo-dataset.ts
// Imported by path, not as a package dependency: @mixcast/db itself never depends on core; only
// the generators do, and their outputs are checked in.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { simulateV2 } from "../../core/src/index.ts";

export const DEMO_GEO_SEED = 20261204;

/** The 20 most populous US states, 2020 census in millions (rounded to 0.1). */
const STATES: [string, number][] = [
  ["California", 39.5],
  ["Texas", 29.1],
  ["Florida", 21.5],
  ["New York", 20.2],
  ["Pennsylvania", 13.0],
  ["Illinois", 12.8],
  ["Ohio", 11.8],
  ["Georgia", 10.7],
  ["North Carolina", 10.4],
  ["Michigan", 10.1],
  ["New Jersey", 9.3],
  ["Virginia", 8.6],
  ["Washington", 7.7],
  ["Arizona", 7.2],
  ["Massachusetts", 7.0],
  ["Tennessee", 6.9],
  ["Indiana", 6.8],
  ["Maryland", 6.2],
  ["Missouri", 6.2],
  ["Wisconsin", 5.9],
];

const options = {
  weeks: 156,
  seed: DEMO_GEO_SEED,
  geos: STATES.length,
  geoNames: STATES.map(([name]) => name),
  populations: STATES.map(([, millions]) => Math.round(millions * 1e6)),
  lineup: { paid: ["Search"], rf: ["Meta", "TikTok"], organic: ["Instagram"] },
  units: true,
  holidays: { country: "US" },
  // Meta and TikTok target about 1 % of each state (a niche direct-to-consumer audience), which
  // gives the 2-3 weekly exposures social platforms report at this brand's budget
  rfAudience: 0.01,
  holdoutWeeks: 13,
};
const simulation = simulateV2(options);
const { truth } = simulation;
// NUTS size of the demo's first fit: the default 4 chains x (1000 warmup + 1000 draws). The short
// 400 + 300 chains used before ended at R-hat 1.011 (not converged) even with the pilot's per-channel
// centering; the default ones converge (R-hat 1.005, 1 divergence) in about 13 minutes here, which
// the worker spends while the web app builds and serves (measured time: README)
const config = { ...simulation.config, sampler: { chains: 4, warmup: 1000, draws: 1000 } };

const round = (value: number | undefined, digits = 4) =>
  value === undefined ? undefined : Number(value.toFixed(digits));
// core's DataMappingV2: what the upload page stores for this file; the model options (link,
// holdout) belong to the model config
const mapping = {
  date: config.date,
  kpi: config.kpi,
  kpiType: config.kpiType,
  valueColumn: config.valueColumn,
  geo: config.geo,
  population: config.population,
  channels: config.channels,
  controls: config.controls,
  holidays: config.holidays,
};
const sidecar = {
  generator: { name: "@mixcast/core simulateV2", ...options },
  mapping,
  config,
  truth: {
    trainingWeeks: truth.trainingWeeks,
    geos: truth.geos,
    kpiType: truth.kpiType,
    channels: Object.fromEntries(
      Object.entries(truth.channels).map(([name, c]) => [
        name,
        {
          role: c.role,
          type: c.type,
          spend: round(c.spend, 2),
          incremental: round(c.incremental, 1),
          incrementalValue: round(c.incrementalValue, 2),
          share: round(c.share),
          roi: round(c.roi),
          cpik: round(c.cpik),
          optimalFrequency: round(c.optimalFrequency),
        },
      ]),
    ),
    byGeo: Object.fromEntries(
      Object.entries(truth.byGeo ?? {}).map(([geo, channels]) => [
        geo,
        Object.fromEntries(
          Object.entries(channels).map(([name, c]) => [
            name,
            { incremental: round(c.incremental, 1), roi: round(c.roi), cpik: round(c.cpik) },
          ]),
        ),
      ]),
    ),
  },
};

const csvPath = fileURLToPath(new URL("./demo-geo-dataset.csv", import.meta.url));
const jsonPath = fileURLToPath(new URL("./demo-geo-dataset.json", import.meta.url));
writeFileSync(csvPath, simulation.csv);
writeFileSync(jsonPath, `${JSON.stringify(sidecar, null, 2)}\n`);
console.log(
  `wrote ${simulation.dataset.dates.length} weeks x ${truth.geos.length} states (${simulation.csv.length} bytes) to ${csvPath} and the truth to ${jsonPath}`,
);
