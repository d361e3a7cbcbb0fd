import { simulate } from "@mixcast/core/simulate/simulate";
import { parseDatasetCsv, parseModelConfig } from "@mixcast/core";
import { FitThreadPool } from "./src/fit-thread.ts";
const sim = simulate({ weeks: 60, seed: 7, channels: 2, holdoutWeeks: 8 });
const config = parseModelConfig(sim.config);
const parsed = parseDatasetCsv(sim.csv, config, { holdoutWeeks: config.holdoutWeeks });
if (!parsed.ok) throw new Error("parse");
const pool = new FitThreadPool(1); pool.warm();
for (let seed = 100; seed < 110; seed++) {
  try {
    const fit = await pool.fit(parsed.dataset, config, { mode: "fast", chains: 4, warmup: 500, draws: 50, seed, threads: 1 });
    console.log(seed, "ok", fit.diagnostics.converged);
  } catch (e) { console.log(seed, "ERR", (e as Error).message); }
}
await pool.close();
