import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { standardNormalTarget } from "./gaussian-target.ts";
import { sampleChain } from "./nuts.ts";
import { sampleChains } from "./sample-chains.ts";
import type { LogDensityFactoryRef, SamplerProgress } from "./types.ts";

const targetModule = new URL("./gaussian-target.ts", import.meta.url).href;

describe("sampleChains (worker threads)", () => {
  it("gives bit-identical draws to sequential sampleChain and reports throttled progress", async () => {
    const ref: LogDensityFactoryRef = {
      module: targetModule,
      exportName: "standardNormalTarget",
      args: { dim: 10 },
    };
    const opts = { chains: 3, warmup: 150, draws: 150, seed: 31, threads: 2 };
    const progress: SamplerProgress[] = [];
    const threaded = await sampleChains(ref, opts, {
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 0,
    });
    expect(threaded.map((r) => r.chain)).toEqual([0, 1, 2]);
    const target = standardNormalTarget({ dim: 10 });
    for (let c = 0; c < 3; c++) {
      const seq = sampleChain(target, opts, c);
      const thr = threaded[c]!;
      expect(thr.samples).toBeInstanceOf(Float64Array);
      expect(Array.from(thr.samples)).toEqual(Array.from(seq.samples));
      expect(Array.from(thr.energy)).toEqual(Array.from(seq.energy));
      expect(Array.from(thr.treeDepth)).toEqual(Array.from(seq.treeDepth));
      expect(thr.stepSize).toBe(seq.stepSize);
    }
    // With a 0 ms interval every iteration is reported, in order, per chain.
    for (let c = 0; c < 3; c++) {
      const mine = progress.filter((p) => p.chain === c);
      expect(mine.length).toBe(300);
      expect(mine.map((p) => p.iteration)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect(mine[149]!.phase).toBe("warmup");
      expect(mine[150]!.phase).toBe("sampling");
      expect(mine.every((p) => p.total === 300)).toBe(true);
    }
    // Default throttle (100 ms): only a handful of messages for a fast run, but always the last.
    const few: SamplerProgress[] = [];
    await sampleChains(ref, { ...opts, chains: 1 }, { onProgress: (p) => few.push(p) });
    expect(few.length).toBeLessThan(20);
    expect(few.at(-1)!.iteration).toBe(300);
  }, 30_000); // worker start-up dominates; slow only on a heavily loaded machine

  it("cancels running workers with an AbortError", async () => {
    const ref: LogDensityFactoryRef = {
      module: targetModule,
      exportName: "slowStandardNormalTarget",
      args: { dim: 10, work: 200_000 },
    };
    const controller = new AbortController();
    let firstProgressAt = 0;
    const started = performance.now();
    const promise = sampleChains(
      ref,
      { chains: 2, warmup: 1000, draws: 1000, seed: 1, threads: 2 },
      {
        signal: controller.signal,
        progressIntervalMs: 50,
        onProgress: () => {
          if (firstProgressAt === 0) {
            firstProgressAt = performance.now();
            controller.abort();
          }
        },
      },
    );
    await expect(promise).rejects.toMatchObject({ name: "AbortError" });
    expect(firstProgressAt).toBeGreaterThan(0);
    expect(performance.now() - firstProgressAt).toBeLessThan(1000);
    expect(performance.now() - started).toBeLessThan(15_000);
    // An already-aborted signal rejects immediately.
    await expect(
      sampleChains(ref, { chains: 1, warmup: 10, draws: 10, seed: 1 }, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: "AbortError" });
  }, 30_000); // worker start-up dominates; slow only on a heavily loaded machine

  it("rejects with the worker's error when the target cannot be created", async () => {
    await expect(
      sampleChains(
        { module: targetModule, exportName: "noSuchFactory", args: {} },
        { chains: 1, warmup: 10, draws: 10, seed: 1 },
      ),
    ).rejects.toThrow(/no function export "noSuchFactory"/);
  }, 30_000); // worker start-up dominates; slow only on a heavily loaded machine

  it("works from a parent process run by `tsx script.ts` and matches in-process draws", async () => {
    const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
    const script = fileURLToPath(new URL("./tsx-smoke.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [tsxCli, script], { timeout: 15_000 });
    const fromTsx = JSON.parse(stdout.trim()) as number[][];
    const target = standardNormalTarget({ dim: 3 });
    const opts = { chains: 2, warmup: 100, draws: 100, seed: 9 };
    expect(fromTsx).toEqual([0, 1].map((c) => Array.from(sampleChain(target, opts, c).samples.slice(0, 6))));
  }, 30_000); // worker start-up dominates; slow only on a heavily loaded machine
});
