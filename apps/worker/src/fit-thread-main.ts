// Runs inside a fit thread: loads the engine once, then fits one request at a time. Progress and
// results are posted to the parent, tagged with the request id.
import { parentPort } from "node:worker_threads";
import { parseModelConfig, parseModelConfigV2, type Dataset, type ModelDataV2 } from "@mixcast/core";
import { fitModelV2 } from "@mixcast/core/node";
import { analyzeRunV2, coreEngine, type EngineFitOptions, type EngineFitResult } from "./engine.ts";

const port = parentPort!;
const engine = coreEngine({ threaded: false });

interface FitMessage {
  id: number;
  /** "v2": `data` is the scaled ModelDataV2 and the config a v2 config (fitModelV2). */
  kind?: "v1" | "v2";
  dataset: Dataset;
  data?: ModelDataV2;
  /** The worker's parsed config, structured-cloned: parsed again here, once (parseModelConfig). */
  config: unknown;
  options: Omit<EngineFitOptions, "onProgress" | "signal">;
}

// Every outcome, failures included, is posted back to the parent: the handler never rejects.
port.on("message", (msg: FitMessage) => void fitAndReply(msg));

async function fitAndReply(msg: FitMessage): Promise<void> {
  if (msg.kind === "v2") return fitV2AndReply(msg);
  try {
    const config = parseModelConfig(msg.config);
    const fit = await engine.fitModel(msg.dataset, config, {
      ...msg.options,
      onProgress: (progress) => port.postMessage({ type: "progress", id: msg.id, progress }),
    });
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
async function fitV2AndReply(msg: FitMessage): Promise<void> {
  try {
    const config = parseModelConfigV2(msg.config);
    const data = msg.data!;
    const fit = await fitModelV2(data, config, {
      ...msg.options,
      onProgress: (progress) => port.postMessage({ type: "progress", id: msg.id, progress }),
    });
    const analysis = analyzeRunV2(data, config, fit);
    port.postMessage({ type: "result", id: msg.id, fit: { ...fit, analysis } }, [
      fit.draws.values.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ type: "error", id: msg.id, name: e.name, message: e.message, stack: e.stack });
  }
}
port.postMessage({ type: "ready" });
