import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeDraws } from "../fit/draws-codec.ts";
import { findMap, laplace } from "../inference/fast-mode.ts";
import { createModel } from "../model/model.ts";
import { buildModelSpec } from "../model/spec.ts";
import { simulate } from "../simulate/simulate.ts";
import { runCli } from "./main.ts";
import { parseRisk } from "./commands/optimize.ts";

class Sink {
  text = "";
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runCli(argv, {
    stdout: stdout as unknown as NodeJS.WritableStream,
    stderr: stderr as unknown as NodeJS.WritableStream,
    cwd: "/",
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("mixcast optimize / compare", () => {
  const dir = mkdtempSync(join(tmpdir(), "mixcast-cli-"));
  const sim = simulate({ weeks: 80, seed: 3, channels: 4, holdoutWeeks: 8 });
  const spec = buildModelSpec(sim.dataset, sim.config);
  const model = createModel(spec);
  const map = findMap(model, { starts: 2, seed: 1 });
  const lap = laplace(model, map.mode, { draws: 120, seed: 2 });
  const values = new Float64Array(lap.draws * lap.dim);
  for (let d = 0; d < lap.draws; d++)
    values.set(model.constrain(lap.samples.subarray(d * lap.dim, (d + 1) * lap.dim)), d * lap.dim);
  writeFileSync(join(dir, "data.csv"), sim.csv);
  writeFileSync(join(dir, "result.json"), JSON.stringify({ config: spec.config }));
  writeFileSync(
    join(dir, "draws.bin"),
    encodeDraws({ names: model.parameters.map((p) => p.label), chains: 1, perChain: lap.draws, values }),
  );
  const channels = spec.channels.map((c) => c.name);

  it("optimize writes a plan that spends the budget exactly within bounds", async () => {
    writeFileSync(
      join(dir, "bounds.json"),
      JSON.stringify({ [channels[0]!]: { max: 100000 }, [channels[1]!]: { locked: 50000 } }),
    );
    const out = join(dir, "plan.json");
    const { code } = await cli([
      "optimize",
      "--result",
      join(dir, "result.json"),
      "--data",
      join(dir, "data.csv"),
      "--budget",
      "600000",
      "--weeks",
      "13",
      "--bounds",
      join(dir, "bounds.json"),
      "--risk",
      "q10",
      "--out",
      out,
    ]);
    expect(code).toBe(0);
    const plan = JSON.parse(readFileSync(out, "utf8"));
    const totals = plan.allocation.map((a: { total: number }) => a.total);
    expect(Math.abs(totals.reduce((a: number, b: number) => a + b, 0) - 600000)).toBeLessThan(1e-6);
    expect(totals[0]).toBeLessThanOrEqual(100000 + 1e-6);
    expect(totals[1]).toBeCloseTo(50000, 6);
    expect(plan.objective).toEqual({ kind: "quantile", q: 0.1 });
    expect(plan.allocation[0].weekly).toHaveLength(13);
    expect(plan.search.draws).toBe(120);
  });

  it("optimize reports infeasible bounds by channel", async () => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ [channels[2]!]: { min: 900000 } }));
    const r = await cli([
      "optimize",
      "--result",
      join(dir, "result.json"),
      "--data",
      join(dir, "data.csv"),
      "--budget",
      "600000",
      "--weeks",
      "13",
      "--bounds",
      join(dir, "bad.json"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`mixcast optimize: channel "${channels[2]}": min 900000 exceeds the total budget 600000`),
    );
    // draws found beside the result, plan on stdout
    const ok = await cli([
      "optimize",
      "--result",
      join(dir, "result.json"),
      "--data",
      join(dir, "data.csv"),
      "--budget",
      "300000",
      "--weeks",
      "4",
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).weeks).toBe(4);
    // data.csv beside the result is found too (the brief's exact command line)
    const beside = await cli([
      "optimize",
      "--result",
      join(dir, "result.json"),
      "--budget",
      "300000",
      "--weeks",
      "4",
    ]);
    expect(beside.code).toBe(0);
    const other = mkdtempSync(join(tmpdir(), "mixcast-cli-"));
    writeFileSync(join(other, "result.json"), JSON.stringify({ config: spec.config }));
    const missing = await cli(["optimize", "--result", join(other, "result.json"), "--budget", "300000"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no dataset: pass --data data.csv/);
  });

  it("compare evaluates scenarios with P(A beats B)", async () => {
    const scen = {
      scenarios: [
        { name: "double", weeks: 8, spend: Object.fromEntries(channels.map((c) => [c, 20000])) },
        {
          name: "half",
          weeks: 8,
          spend: Object.fromEntries(channels.map((c) => [c, 5000])),
          assumptions: [{ label: "stories", kind: "contentType", value: "story", multiplier: 1.1 }],
        },
      ],
    };
    writeFileSync(join(dir, "scenarios.json"), JSON.stringify(scen));
    const out = join(dir, "cmp.json");
    expect(
      (
        await cli([
          "compare",
          "--result",
          join(dir, "result.json"),
          "--data",
          join(dir, "data.csv"),
          "--scenarios",
          join(dir, "scenarios.json"),
          "--out",
          out,
        ])
      ).code,
    ).toBe(0);
    const r = JSON.parse(readFileSync(out, "utf8"));
    expect(r.pairs[0].a).toBe("double");
    expect(r.pairs[0].probabilityABeatsB).toBe(1);
    expect(r.scenarios[1].assumptions[0].label).toBe("stories");
  });

  it("parses risk options", () => {
    expect(parseRisk("q10")).toEqual({ kind: "quantile", q: 0.1 });
    expect(parseRisk("q0.05")).toEqual({ kind: "quantile", q: 0.05 });
    expect(parseRisk("sd1.5")).toEqual({ kind: "meanMinusSd", k: 1.5 });
    expect(() => parseRisk("p10")).toThrow(/--risk must be/);
  });
});
