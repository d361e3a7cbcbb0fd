/** Run as `tsx src/inference/tsx-smoke.ts`: samples through worker threads from a tsx-run parent
 *  and prints a digest of the draws (used by sample-chains.test.ts to check the tsx path). */
import { sampleChains } from "./sample-chains.ts";

const results = await sampleChains(
  {
    module: new URL("./gaussian-target.ts", import.meta.url).href,
    exportName: "standardNormalTarget",
    args: { dim: 3 },
  },
  { chains: 2, warmup: 100, draws: 100, seed: 9, threads: 2 },
);
console.log(JSON.stringify(results.map((r) => Array.from(r.samples.slice(0, 6)))));
