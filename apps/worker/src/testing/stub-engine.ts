// A stand-in for core's fitModel while testing queue mechanics that do not depend on the maths
// (it sleeps through "iterations", honours AbortSignal, and returns seed-determined results).
// Parsing is core's real parser.
import { parseDatasetCsv, parseModelConfig } from "@mixcast/core";
import type { Engine, EngineFitResult } from "../engine.ts";

export function stubEngine(options: { fitMs?: number } = {}): Engine {
  const fitMs = options.fitMs ?? 300;
  return {
    parseModelConfig: (input) => parseModelConfig(input),
    parseDatasetCsv: (text, mapping, opts) => parseDatasetCsv(text, mapping, opts),
    async fitModel(dataset, _config, o) {
      const steps = 20;
      for (let i = 1; i <= steps; i++) {
        if (o.signal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
        await new Promise((r) => setTimeout(r, fitMs / steps));
        o.onProgress?.({ chain: 0, iteration: i, total: steps, phase: i <= steps / 2 ? "warmup" : "sampling", divergences: 0 });
      }
      const channels: EngineFitResult["channels"] = {};
      dataset.channels.forEach((ch, i) => {
        const mean = 1 + ((o.seed * (i + 3)) % 17) / 10;
        channels[ch.name] = { roi: { mean, q05: mean - 0.3, q95: mean + 0.3 } };
      });
      const names = ["a", "b"];
      const values = new Float64Array(o.chains * o.draws * names.length).map((_, k) => Math.sin(o.seed + k));
      return {
        engineVersion: "stub-1",
        seed: o.seed,
        mode: o.mode,
        diagnostics: { converged: true, reasons: [] },
        channels,
        draws: { names, chains: o.chains, perChain: o.draws, values },
      };
    },
    serializeFitResult: (r) => ({ ...r, draws: undefined }),
    encodeDraws: (r) => new Uint8Array(Float32Array.from(r.draws?.values ?? []).buffer),
  };
}
