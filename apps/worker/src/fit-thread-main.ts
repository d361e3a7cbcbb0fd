// Runs inside a fit thread: loads the engine once, then fits one request at a time. Progress and
// results are posted to the parent, tagged with the request id.
import { parentPort } from "node:worker_threads";
import {
  parseModelConfig,
  parseModelConfigV2,
  type ChainResult,
  type Dataset,
  type ModelDataV2,
} from "@mixcast/core";
import {
  coreEngine,
  type EngineChainOptions,
  type EngineFitOptions,
  type EngineFitResult,
} from "./engine.ts";

const port = parentPort!;
const engine = coreEngine({ threaded: false });

/** A ThreadRequest (fit-thread.ts) with its id; the worker's parsed config, structured-cloned, is
 *  parsed again here, once (parseModelConfig). */
type FitMessage = { id: number; config: unknown } & (
  | { kind: "v2"; data: ModelDataV2; options: Omit<EngineFitOptions, "onProgress" | "signal"> }
  | { kind: "chain-v2"; data: ModelDataV2; options: Omit<EngineChainOptions, "onProgress" | "signal"> }
  | {
      kind: "merge-v2";
      data: ModelDataV2;
      results: ChainResult[];
      options: Omit<EngineFitOptions, "onProgress" | "signal">;
    }
  | FitMessageV1
);
type FitMessageV1 = { dataset: Dataset } & (
  | { kind: "fit"; options: Omit<EngineFitOptions, "onProgress" | "signal"> }
  | { kind: "chain"; options: Omit<EngineChainOptions, "onProgress" | "signal"> }
  | { kind: "merge"; results: ChainResult[]; options: Omit<EngineFitOptions, "onProgress" | "signal"> }
);

// Every outcome, failures included, is posted back to the parent: the handler never rejects.
port.on("message", (msg: FitMessage) => void fitAndReply(msg));

async function fitAndReply(msg: FitMessage): Promise<void> {
  if (msg.kind === "v2") return fitV2AndReply(msg);
  if (msg.kind === "chain-v2" || msg.kind === "merge-v2") return chainsV2AndReply(msg);
  try {
    const config = parseModelConfig(msg.config);
    const onProgress = (progress: unknown) => port.postMessage({ type: "progress", id: msg.id, progress });
    if (msg.kind === "chain") {
      const chain = await engine.fitChain!(msg.dataset, config, { ...msg.options, onProgress });
      port.postMessage({ type: "result", id: msg.id, fit: chain }, chainBuffers(chain));
      return;
    }
    const fit =
      msg.kind === "merge"
        ? await engine.mergeChains!(msg.dataset, config, msg.results, { ...msg.options, onProgress })
        : await engine.fitModel(msg.dataset, config, { ...msg.options, onProgress });
    // The post-fit analysis is CPU work too (forward passes over hundreds of draws): here, not on
    // the main thread. Its failure must not fail the run.
    let analysis: EngineFitResult["analysis"] = null;
    try {
      analysis = engine.analyzeRun?.({ dataset: msg.dataset, config, fit }) ?? null;
    } catch (error) {
      analysis = { error: `analysis failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const transfer = fit.draws ? [fit.draws.values.buffer as ArrayBuffer] : [];
    port.postMessage({ type: "result", id: msg.id, fit: { ...fit, analysis } }, transfer);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ type: "error", id: msg.id, name: e.name, message: e.message, stack: e.stack });
  }
}
async function fitV2AndReply(msg: Extract<FitMessage, { kind: "v2" }>): Promise<void> {
  try {
    const config = parseModelConfigV2(msg.config);
    const fit = await engine.fitModelV2!(msg.data, config, {
      ...msg.options,
      onProgress: (progress) => port.postMessage({ type: "progress", id: msg.id, progress }),
    });
    // fitModelV2 with threaded: false already ran analyzeRunV2 (here, off the main thread)
    port.postMessage({ type: "result", id: msg.id, fit }, [fit.draws.values.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ type: "error", id: msg.id, name: e.name, message: e.message, stack: e.stack });
  }
}

async function chainsV2AndReply(msg: Extract<FitMessage, { kind: "chain-v2" | "merge-v2" }>): Promise<void> {
  try {
    const config = parseModelConfigV2(msg.config);
    const onProgress = (progress: unknown) => port.postMessage({ type: "progress", id: msg.id, progress });
    if (msg.kind === "chain-v2") {
      const chain = await engine.fitChainV2!(msg.data, config, { ...msg.options, onProgress });
      port.postMessage({ type: "result", id: msg.id, fit: chain }, chainBuffers(chain));
      return;
    }
    // with threaded: false the merge already ran analyzeRunV2 (here, off the main thread)
    const fit = await engine.mergeChainsV2!(msg.data, config, msg.results, { ...msg.options, onProgress });
    port.postMessage({ type: "result", id: msg.id, fit }, [fit.draws.values.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ type: "error", id: msg.id, name: e.name, message: e.message, stack: e.stack });
  }
}

/** A chain's typed arrays, transferred instead of copied. */
function chainBuffers(chain: ChainResult): ArrayBuffer[] {
  return Object.values(chain)
    .filter((v): v is Float64Array => ArrayBuffer.isView(v))
    .map((v) => v.buffer as ArrayBuffer);
}

port.postMessage({ type: "ready" });
