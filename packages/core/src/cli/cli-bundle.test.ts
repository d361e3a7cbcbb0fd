import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fitModel } from "../fit/fit-model.ts";
import { simulate } from "../simulate/simulate.ts";

const coreDir = resolve(import.meta.dirname, "../..");

describe("prebuilt CLI (bin/mixcast.mjs, issue 15)", () => {
  it("runs NUTS in bundled worker threads without tsx and gives the in-process fit's draws", async () => {
    const { ensureCliBundle } = (await import(join(coreDir, "bin/cli-bundle.mjs"))) as {
      ensureCliBundle: () => Promise<string>;
    };
    const cli = await ensureCliBundle();
    expect(await ensureCliBundle()).toBe(cli); // unchanged sources: no rebuild, same bundle
    // The worker entry and the log-density factory are emitted beside the CLI and need no loader.
    const bundleDir = dirname(cli);
    for (const f of ["chain-worker.mjs", "model.mjs", "model-v2.mjs"])
      expect(readFileSync(join(bundleDir, f), "utf8")).not.toMatch(/tsx/);

    const sim = simulate({ weeks: 60, seed: 3, channels: 2, holdoutWeeks: 0 });
    const dir = mkdtempSync(join(tmpdir(), "mixcast-bundle-"));
    writeFileSync(join(dir, "data.csv"), sim.csv);
    const config = { ...sim.mapping, events: [], holdoutWeeks: 0 };
    writeFileSync(join(dir, "model.json"), JSON.stringify(config));
    const r = spawnSync(
      process.execPath,
      [
        join(coreDir, "bin/mixcast.mjs"),
        "fit",
        ...["--data", "data.csv", "--config", "model.json", "--out", "r.json"],
        ...["--seed", "5", "--chains", "2", "--warmup", "60", "--draws", "40"],
      ],
      { cwd: dir, encoding: "utf8", env: { ...process.env, INIT_CWD: dir } },
    );
    expect(r.status, r.stderr).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as {
      parameters: Record<string, { mean: number }>;
    };
    const inProcess = await fitModel(sim.dataset, config, {
      mode: "nuts",
      seed: 5,
      chains: 2,
      warmup: 60,
      draws: 40,
    });
    const means = Object.fromEntries(Object.entries(inProcess.parameters).map(([k, s]) => [k, s.mean]));
    expect(Object.fromEntries(Object.entries(written.parameters).map(([k, s]) => [k, s.mean]))).toEqual(
      means,
    );

    // date-holidays is loaded lazily in the bundle: a config with holidays still gets its term
    writeFileSync(
      join(dir, "holidays.json"),
      JSON.stringify({ ...config, holidays: { country: "US", region: "CA" } }),
    );
    const h = spawnSync(
      process.execPath,
      [
        join(coreDir, "bin/mixcast.mjs"),
        "fit",
        "--fast",
        ...["--data", "data.csv", "--config", "holidays.json", "--out", "h.json"],
      ],
      { cwd: dir, encoding: "utf8", env: { ...process.env, INIT_CWD: dir } },
    );
    expect(h.status, h.stderr).toBe(0);
    const hw = JSON.parse(readFileSync(join(dir, "h.json"), "utf8")) as {
      parameters: Record<string, unknown>;
    };
    expect(Object.keys(hw.parameters)).toContain("zeta[Holidays]");
  }, 240_000); // two fit processes: slow when the shared machine is busy
});
