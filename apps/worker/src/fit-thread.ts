// Runs fitModel in worker threads. Fast mode (L-BFGS + Laplace) and the summaries/diagnostics
// after NUTS are synchronous CPU work; on the main thread they would stall the event loop, so
// progress writes, cancellation checks and pg-boss heartbeats would stop for the whole fit. In a
// thread the main loop stays free; NUTS chains still get one thread each (nested workers).
//
// Threads are kept between fits (loading the engine into a fresh thread costs seconds); an
// aborted fit terminates its thread, which also stops its chain threads.
import { Worker } from "node:worker_threads";
import type { Dataset, ModelConfig, ModelConfigV2, ModelDataV2 } from "@mixcast/core";
import type { EngineFitOptions, EngineFitResult, EngineFitResultV2, EngineProgress } from "./engine.ts";

const THREAD_URL = new URL("./fit-thread.mjs", import.meta.url);

type ThreadMessage =
  | { type: "ready" }
  | { type: "progress"; id: number; progress: EngineProgress }
  | { type: "result"; id: number; fit: EngineFitResult | EngineFitResultV2 }
  | { type: "error"; id: number; name: string; message: string; stack?: string };

interface FitThread {
  worker: Worker;
  ready: Promise<void>;
  dead: boolean;
}

function spawnThread(): FitThread {
  const worker = new Worker(THREAD_URL);
  const thread: FitThread = { worker, ready: Promise.resolve(), dead: false };
  thread.ready = new Promise<void>((resolve, reject) => {
    const onMessage = (msg: ThreadMessage) => {
      if (msg.type === "ready") {
        worker.off("message", onMessage);
        resolve();
      }
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`fit thread exited with code ${code} while starting`)));
  });
  worker.once("exit", () => {
    thread.dead = true;
  });
  thread.ready.catch(() => undefined);
  return thread;
}

export class FitThreadPool {
  private readonly idle: FitThread[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly keep: number) {}

  /** Starts threads ahead of the first fit. */
  warm(): void {
    while (this.idle.length < this.keep) {
      const t = spawnThread();
      t.worker.unref();
      this.idle.push(t);
    }
  }

  private acquire(): FitThread {
    while (this.idle.length > 0) {
      const t = this.idle.pop()!;
      if (!t.dead) return t;
    }
    return spawnThread();
  }

  private release(thread: FitThread): void {
    if (!this.closed && !thread.dead && this.idle.length < this.keep) {
      thread.worker.unref();
      this.idle.push(thread);
    } else void thread.worker.terminate();
  }

  fit(dataset: Dataset, config: ModelConfig, options: EngineFitOptions): Promise<EngineFitResult> {
    return this.run({ kind: "v1", dataset, config }, options) as Promise<EngineFitResult>;
  }

  /** A v2 fit (fitModelV2) of scaled data, with its decomposition (analyzeRunV2). */
  fitV2(data: ModelDataV2, config: ModelConfigV2, options: EngineFitOptions): Promise<EngineFitResultV2> {
    return this.run({ kind: "v2", data, config }, options) as Promise<EngineFitResultV2>;
  }

  private async run(
    payload: Record<string, unknown>,
    options: EngineFitOptions,
  ): Promise<EngineFitResult | EngineFitResultV2> {
    const { onProgress, signal, ...plain } = options;
    if (signal?.aborted) throw abortError();
    const thread = this.acquire();
    thread.worker.ref();
    const { worker } = thread;
    const id = this.nextId++;
    return new Promise<EngineFitResult | EngineFitResultV2>((resolve, reject) => {
      let settled = false;
      const cleanup = () => {
        signal?.removeEventListener("abort", onAbort);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const fail = (error: Error, terminate: boolean) => {
        if (settled) return;
        settled = true;
        cleanup();
        if (terminate) void worker.terminate();
        else this.release(thread);
        reject(error);
      };
      const onAbort = () => fail(abortError(), true);
      const onError = (error: Error) => fail(error, true);
      const onExit = (code: number) => fail(new Error(`fit thread exited with code ${code}`), false);
      const onMessage = (msg: ThreadMessage) => {
        if (msg.type === "ready" || msg.id !== id) return;
        if (msg.type === "progress") onProgress?.(msg.progress);
        else if (msg.type === "result") {
          if (settled) return;
          settled = true;
          cleanup();
          this.release(thread);
          resolve(msg.fit);
        } else fail(Object.assign(new Error(msg.message), { name: msg.name, stack: msg.stack }), false);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      thread.ready.then(
        () => {
          if (!settled) worker.postMessage({ id, ...payload, options: plain });
        },
        (error: Error) => fail(error, true),
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((t) => t.worker.terminate()));
  }
}

let shared: FitThreadPool | null = null;

/** The process-wide pool (one kept thread per concurrent fit). */
export function fitThreadPool(keep = 1): FitThreadPool {
  shared ??= new FitThreadPool(keep);
  return shared;
}

export function fitInThread(
  dataset: Dataset,
  config: ModelConfig,
  options: EngineFitOptions,
): Promise<EngineFitResult> {
  return fitThreadPool().fit(dataset, config, options);
}

export function fitV2InThread(
  data: ModelDataV2,
  config: ModelConfigV2,
  options: EngineFitOptions,
): Promise<EngineFitResultV2> {
  return fitThreadPool().fitV2(data, config, options);
}

function abortError(): Error {
  return Object.assign(new Error("The fit was aborted"), { name: "AbortError" });
}
