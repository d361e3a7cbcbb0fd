// Runs fitModel in worker threads. Fast mode (L-BFGS + Laplace) and the summaries/diagnostics
// after NUTS are synchronous CPU work; on the main thread they would stall the event loop, so
// progress writes, cancellation checks and pg-boss heartbeats would stop for the whole fit. In a
// thread the main loop stays free; NUTS chains still get one thread each (nested workers).
//
// Threads are kept between fits (loading the engine into a fresh thread costs seconds); an
// aborted fit terminates its thread, which also stops its chain threads.
import { Worker } from "node:worker_threads";
import type { ChainResult, Dataset, ModelConfig, ModelConfigV2, ModelDataV2 } from "@mixcast/core";
import type {
  EngineChainOptions,
  EngineFitOptions,
  EngineFitResult,
  EngineFitResultV2,
  EngineProgress,
} from "./engine.ts";

/** What a fit thread is asked to do: a whole fit, one chain of a fit, or the merge of its chains. */
export type ThreadRequest =
  | {
      kind: "fit";
      dataset: Dataset;
      config: ModelConfig;
      options: Omit<EngineFitOptions, "onProgress" | "signal">;
    }
  | {
      kind: "chain";
      dataset: Dataset;
      config: ModelConfig;
      options: Omit<EngineChainOptions, "onProgress" | "signal">;
    }
  | {
      kind: "merge";
      dataset: Dataset;
      config: ModelConfig;
      results: ChainResult[];
      options: Omit<EngineFitOptions, "onProgress" | "signal">;
    }
  | {
      /** A v2 fit (fitModelV2) of scaled data, with its decomposition (analyzeRunV2). */
      kind: "v2";
      data: ModelDataV2;
      config: ModelConfigV2;
      options: Omit<EngineFitOptions, "onProgress" | "signal">;
    }
  | {
      kind: "chain-v2";
      data: ModelDataV2;
      config: ModelConfigV2;
      options: Omit<EngineChainOptions, "onProgress" | "signal">;
    }
  | {
      kind: "merge-v2";
      data: ModelDataV2;
      config: ModelConfigV2;
      results: ChainResult[];
      options: Omit<EngineFitOptions, "onProgress" | "signal">;
    };

const THREAD_URL = new URL("./fit-thread.mjs", import.meta.url);

type ThreadMessage =
  | { type: "ready" }
  | { type: "progress"; id: number; progress: EngineProgress }
  | { type: "result"; id: number; fit: unknown }
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

  async fit(dataset: Dataset, config: ModelConfig, options: EngineFitOptions): Promise<EngineFitResult> {
    const { onProgress, signal, ...plain } = options;
    return this.request<EngineFitResult>(
      { kind: "fit", dataset, config, options: plain },
      onProgress,
      signal,
    );
  }

  async fitV2(
    data: ModelDataV2,
    config: ModelConfigV2,
    options: EngineFitOptions,
  ): Promise<EngineFitResultV2> {
    const { onProgress, signal, ...plain } = options;
    return this.request<EngineFitResultV2>({ kind: "v2", data, config, options: plain }, onProgress, signal);
  }

  async fitChainV2(
    data: ModelDataV2,
    config: ModelConfigV2,
    options: EngineChainOptions,
  ): Promise<ChainResult> {
    const { onProgress, signal, ...plain } = options;
    return this.request<ChainResult>({ kind: "chain-v2", data, config, options: plain }, onProgress, signal);
  }

  async mergeChainsV2(
    data: ModelDataV2,
    config: ModelConfigV2,
    results: ChainResult[],
    options: EngineFitOptions,
  ): Promise<EngineFitResultV2> {
    const { onProgress, signal, ...plain } = options;
    return this.request<EngineFitResultV2>(
      { kind: "merge-v2", data, config, results, options: plain },
      onProgress,
      signal,
    );
  }

  async fitChain(dataset: Dataset, config: ModelConfig, options: EngineChainOptions): Promise<ChainResult> {
    const { onProgress, signal, ...plain } = options;
    return this.request<ChainResult>({ kind: "chain", dataset, config, options: plain }, onProgress, signal);
  }

  async mergeChains(
    dataset: Dataset,
    config: ModelConfig,
    results: ChainResult[],
    options: EngineFitOptions,
  ): Promise<EngineFitResult> {
    const { onProgress, signal, ...plain } = options;
    return this.request<EngineFitResult>(
      { kind: "merge", dataset, config, results, options: plain },
      onProgress,
      signal,
    );
  }

  private async request<T>(
    request: ThreadRequest,
    onProgress: ((p: EngineProgress) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    if (signal?.aborted) throw abortError();
    const thread = this.acquire();
    thread.worker.ref();
    const { worker } = thread;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
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
          resolve(msg.fit as T);
        } else fail(Object.assign(new Error(msg.message), { name: msg.name, stack: msg.stack }), false);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      thread.ready.then(
        () => {
          if (!settled) worker.postMessage({ id, ...request });
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

function abortError(): Error {
  return Object.assign(new Error("The fit was aborted"), { name: "AbortError" });
}
