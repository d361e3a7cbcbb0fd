/** Body of a sampler worker thread: re-creates the target from its factory ref once, runs the
 *  chain named in workerData, then every further chain the parent sends ({ type: "run", chain }),
 *  posting progress and each result (typed arrays transferred, not copied). Reusing the thread
 *  saves the module import and JIT warm-up when there are more chains than threads. */
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

/** Parent -> worker: run another chain with the same target and options. */
export interface ChainWorkerRequest {
  type: "run";
  chain: number;
}

function postError(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort!.postMessage({ type: "error", message: e.message, stack: e.stack } satisfies ChainWorkerMessage);
}

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("chain-worker must run in a worker thread");
  const data = workerData as ChainWorkerData;
  let target: LogDensity;
  try {
    const mod = (await import(data.ref.module)) as Record<string, unknown>;
    const factory = mod[data.ref.exportName];
    if (typeof factory !== "function") {
      throw new Error(`${data.ref.module} has no function export "${data.ref.exportName}"`);
    }
    target = await (factory as (args: unknown) => LogDensity | Promise<LogDensity>)(data.ref.args);
  } catch (err) {
    postError(err);
    return;
  }
  const runChain = (chain: number): void => {
    try {
      const result = sampleChain(target, data.opts, chain, {
        progressIntervalMs: data.progressIntervalMs,
        onProgress: (progress) =>
          port.postMessage({ type: "progress", progress } satisfies ChainWorkerMessage),
      });
      const transfer = [
        result.samples.buffer,
        result.logp.buffer,
        result.energy.buffer,
        result.treeDepth.buffer,
        result.divergent.buffer,
        result.acceptStat.buffer,
        result.nLeapfrog.buffer,
        result.invMetric.buffer,
      ] as ArrayBuffer[];
      port.postMessage({ type: "result", result } satisfies ChainWorkerMessage, transfer);
    } catch (err) {
      postError(err);
    }
  };
  port.on("message", (msg: ChainWorkerRequest) => {
    if (msg.type === "run") runChain(msg.chain);
  });
  runChain(data.chain);
}

await run();
