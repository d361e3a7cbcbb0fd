/** Runs NUTS chains in worker threads (at most `threads` at once; a thread that finishes a chain
 *  takes the next one). Chain c always uses the random stream (seed, c), so results are
 *  bit-identical to sequential sampleChain calls. */
import { availableParallelism } from "node:os";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ChainWorkerData, ChainWorkerMessage, ChainWorkerRequest } from "./chain-worker.ts";
import { abortError } from "./nuts.ts";
import type { ChainResult, LogDensityFactoryRef, NutsOptions, SamplerProgress } from "./types.ts";

const WORKER_URL = new URL("./chain-worker.mjs", import.meta.url);

export interface SampleChainsHooks {
  onProgress?(progress: SamplerProgress): void;
  signal?: AbortSignal;
  /** Minimum time between progress messages per chain (default 100 ms). */
  progressIntervalMs?: number;
}

export function sampleChains(
  ref: LogDensityFactoryRef,
  opts: NutsOptions,
  hooks: SampleChainsHooks = {},
): Promise<ChainResult[]> {
  const { signal } = hooks;
  if (!Number.isInteger(opts.chains) || opts.chains < 1) {
    return Promise.reject(new Error("chains must be an integer >= 1"));
  }
  if (signal?.aborted) return Promise.reject(abortError());
  const maxThreads = Math.max(1, Math.min(opts.chains, opts.threads ?? availableParallelism()));

  return new Promise<ChainResult[]>((resolve, reject) => {
    const results: (ChainResult | undefined)[] = new Array<ChainResult | undefined>(opts.chains);
    const active = new Set<Worker>();
    let nextChain = 0;
    let finished = 0;
    let settled = false;

    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      for (const w of active) void w.terminate();
      active.clear();
      reject(err);
    };
    const onAbort = (): void => fail(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });

    const launch = (firstChain: number): void => {
      const data: ChainWorkerData = {
        // Accept an absolute file path as well as a file URL.
        ref: isAbsolute(ref.module) ? { ...ref, module: pathToFileURL(ref.module).href } : ref,
        opts,
        chain: firstChain,
        progressIntervalMs: hooks.progressIntervalMs ?? 100,
      };
      const worker = new Worker(WORKER_URL, { workerData: data });
      active.add(worker);
      let chain = firstChain;
      let done = false;
      worker.on("message", (msg: ChainWorkerMessage) => {
        if (settled) return;
        if (msg.type === "progress") {
          hooks.onProgress?.(msg.progress);
        } else if (msg.type === "result") {
          results[chain] = msg.result;
          finished += 1;
          if (finished === opts.chains) {
            done = true;
            settled = true;
            signal?.removeEventListener("abort", onAbort);
            for (const w of active) void w.terminate();
            active.clear();
            resolve(results as ChainResult[]);
          } else if (nextChain < opts.chains) {
            chain = nextChain++;
            worker.postMessage({ type: "run", chain } satisfies ChainWorkerRequest);
          } else {
            done = true;
            active.delete(worker);
            void worker.terminate();
          }
        } else {
          done = true;
          const err = new Error(`chain ${chain}: ${msg.message}`);
          if (msg.stack) err.stack = `chain ${chain}: ${msg.stack}`;
          fail(err);
        }
      });
      worker.on("error", (err) => fail(err instanceof Error ? err : new Error(String(err))));
      worker.on("exit", (code) => {
        if (!done && !settled)
          fail(new Error(`chain ${chain}: worker exited with code ${code} before finishing`));
      });
    };

    while (nextChain < maxThreads) launch(nextChain++);
  });
}
