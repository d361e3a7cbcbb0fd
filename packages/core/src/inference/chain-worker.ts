/** Body of a sampler worker thread: re-creates the target from its factory ref, runs one chain
 *  and posts progress and the result (typed arrays transferred, not copied). */
import { parentPort, workerData } from "node:worker_threads";
import { sampleChain } from "./nuts.ts";
import type { ChainResult, LogDensity, LogDensityFactoryRef, NutsOptions, SamplerProgress } from "./types.ts";

export interface ChainWorkerData {
  ref: LogDensityFactoryRef;
  opts: NutsOptions;
  chain: number;
  progressIntervalMs: number;
}

export type ChainWorkerMessage =
  | { type: "progress"; progress: SamplerProgress }
  | { type: "result"; result: ChainResult }
  | { type: "error"; message: string; stack?: string };

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("chain-worker must run in a worker thread");
  const data = workerData as ChainWorkerData;
  try {
    const mod = (await import(data.ref.module)) as Record<string, unknown>;
    const factory = mod[data.ref.exportName];
    if (typeof factory !== "function") {
      throw new Error(`${data.ref.module} has no function export "${data.ref.exportName}"`);
    }
    const target = (await (factory as (args: unknown) => LogDensity | Promise<LogDensity>)(data.ref.args));
    const result = sampleChain(target, data.opts, data.chain, {
      progressIntervalMs: data.progressIntervalMs,
      onProgress: (progress) => port.postMessage({ type: "progress", progress } satisfies ChainWorkerMessage),
    });
    const transfer = [
      result.samples.buffer, result.logp.buffer, result.energy.buffer, result.treeDepth.buffer,
      result.divergent.buffer, result.acceptStat.buffer, result.nLeapfrog.buffer, result.invMetric.buffer,
    ] as ArrayBuffer[];
    port.postMessage({ type: "result", result } satisfies ChainWorkerMessage, transfer);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ type: "error", message: e.message, stack: e.stack } satisfies ChainWorkerMessage);
  }
}

await run();
