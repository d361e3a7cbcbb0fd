// Runs fitModel in a worker thread. Fast mode (L-BFGS + Laplace) and the summaries/diagnostics
// after NUTS are synchronous CPU work; on the main thread they would stall the event loop, so
// progress writes, cancellation checks and pg-boss heartbeats would stop for the whole fit. In a
// thread the main loop stays free; NUTS chains still get one thread each (nested workers).
import { Worker } from "node:worker_threads";
import type { Dataset } from "@mixcast/core";
import type { EngineFitOptions, EngineFitResult, EngineProgress } from "./engine.ts";

const THREAD_URL = new URL("./fit-thread.mjs", import.meta.url);

type ThreadMessage =
  | { type: "progress"; progress: EngineProgress }
  | { type: "result"; fit: EngineFitResult }
  | { type: "error"; name: string; message: string; stack?: string };

export function fitInThread(dataset: Dataset, config: unknown, options: EngineFitOptions): Promise<EngineFitResult> {
  const { onProgress, signal, ...plain } = options;
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_URL, { workerData: { dataset, config, options: plain } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(abortError()));
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (msg: ThreadMessage) => {
      if (msg.type === "progress") onProgress?.(msg.progress);
      else if (msg.type === "result") settle(() => resolve(msg.fit));
      else settle(() => reject(Object.assign(new Error(msg.message), { name: msg.name, stack: msg.stack })));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) => settle(() => reject(new Error(`fit thread exited with code ${code}`))));
  });
}

function abortError(): Error {
  return Object.assign(new Error("The fit was aborted"), { name: "AbortError" });
}
