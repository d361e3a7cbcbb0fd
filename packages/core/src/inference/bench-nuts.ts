/**
 * Sampler throughput benchmark (not a test): `pnpm exec tsx src/inference/bench-nuts.ts`
 * from packages/core. Prints gradient evaluations per second and ms per 1000 iterations.
 */
import { availableParallelism, loadavg } from "node:os";
import { gaussianTarget, standardNormalTarget } from "./gaussian-target.ts";
import { sampleChain } from "./nuts.ts";
import { sampleChains } from "./sample-chains.ts";
import type { ChainResult, LogDensity } from "./types.ts";

function line(name: string, results: ChainResult[], wallMs: number): void {
  let leapfrogs = 0;
  let draws = 0;
  let samplingMs = 0;
  for (const r of results) {
    for (const n of r.nLeapfrog) leapfrogs += n;
    draws += r.draws;
    samplingMs += r.samplingMs;
  }
  const perIter = leapfrogs / draws;
  console.log(
    `${name.padEnd(34)} wall ${wallMs.toFixed(0).padStart(6)} ms | sampling ${((samplingMs / draws) * 1000).toFixed(1).padStart(7)} ms/1000 it | ` +
      `${perIter.toFixed(1).padStart(5)} leapfrog/it | ${((leapfrogs / samplingMs) * 1000).toExponential(2)} grad/s (sampling)`,
  );
}

function sequential(
  target: LogDensity,
  chains: number,
  warmup: number,
  draws: number,
): { results: ChainResult[]; ms: number } {
  const t = performance.now();
  const results = Array.from({ length: chains }, (_, c) =>
    sampleChain(target, { chains, warmup, draws, seed: 1 }, c),
  );
  return { results, ms: performance.now() - t };
}

console.log(
  `node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
// Warm up the JIT
sequential(standardNormalTarget({ dim: 100 }), 1, 200, 200);

{
  // Raw cost of the 100-d gradient alone, to separate target cost from sampler overhead.
  const target = standardNormalTarget({ dim: 100 });
  const x = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const g = new Float64Array(100);
  let sink = 0;
  const n = 2_000_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    x[i % 100] = x[i % 100]! + 1e-12;
    sink += target.logDensityGradient(x, g);
  }
  const ms = performance.now() - t;
  console.log(
    `raw 100-d normal gradient: ${((n / ms) * 1000).toExponential(2)} grad/s (checksum ${sink.toExponential(2)})`,
  );
}
for (const dim of [10, 100, 1000]) {
  const { results, ms } = sequential(standardNormalTarget({ dim }), 1, 1000, 1000);
  line(`std normal d=${dim}, 1 chain`, results, ms);
}
{
  const rho = 0.95;
  const det = 1 - rho * rho;
  const target = gaussianTarget({
    mean: new Float64Array(2),
    precision: new Float64Array([1 / det, -rho / det, -rho / det, 1 / det]),
  });
  const { results, ms } = sequential(target, 1, 1000, 1000);
  line("2-d Gaussian rho=0.95, 1 chain", results, ms);
}
{
  const { results, ms } = sequential(standardNormalTarget({ dim: 100 }), 4, 1000, 1000);
  line("std normal d=100, 4 chains seq", results, ms);
  const t = performance.now();
  const threaded = await sampleChains(
    {
      module: new URL("./gaussian-target.ts", import.meta.url).href,
      exportName: "standardNormalTarget",
      args: { dim: 100 },
    },
    { chains: 4, warmup: 1000, draws: 1000, seed: 1 },
  );
  line("std normal d=100, 4 chains threads", threaded, performance.now() - t);
  const same = threaded.every((r, c) => r.samples.every((v, i) => v === results[c]!.samples[i]));
  console.log(`threaded draws identical to sequential: ${same}`);
}
