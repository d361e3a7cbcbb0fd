// Runs inside the fit thread: one fitModel call, progress and result posted to the parent.
import { parentPort, workerData } from "node:worker_threads";
import type { Dataset } from "@mixcast/core";
import { coreEngine, type EngineFitOptions } from "./engine.ts";

const data = workerData as { dataset: Dataset; config: unknown; options: Omit<EngineFitOptions, "onProgress" | "signal"> };
const port = parentPort!;
try {
  const engine = await coreEngine({ threaded: false });
  const fit = await engine.fitModel(data.dataset, data.config, {
    ...data.options,
    onProgress: (progress) => port.postMessage({ type: "progress", progress }),
  });
  port.postMessage({ type: "result", fit });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  port.postMessage({ type: "error", name: e.name, message: e.message, stack: e.stack });
}
