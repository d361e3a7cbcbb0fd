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

  const base = () => ["optimize", "--result", join(dir, "result.json"), "--data", join(dir, "data.csv")];

  it("optimize --goal: min-spend, target-mroi, target-roi print goal, feasible, totalSpend, weekly allocation and kpi", async () => {
    const mroi = await cli([
      ...base(),
      "--weeks",
      "8",
      "--goal",
      "target-mroi",
      "--mroi",
      "0.5",
      "--max-budget",
      "2000000",
    ]);
    expect(mroi.code).toBe(0);
    const m = JSON.parse(mroi.stdout);
    expect(m.goal).toEqual({ kind: "target-mroi", mroi: 0.5 });
    expect(typeof m.feasible).toBe("boolean");
    expect(m.allocation).toHaveLength(channels.length);
    expect(m.allocation[0].weekly).toHaveLength(8);
    const sum = m.allocation.reduce((s: number, a: { total: number }) => s + a.total, 0);
    expect(Math.abs(sum - m.totalSpend) / m.totalSpend).toBeLessThan(1e-9);
    expect(m.kpi.expected.q05).toBeLessThanOrEqual(m.kpi.expected.q95);
    if (m.feasible) expect(m.marginalRoiAtOptimum).toBeGreaterThanOrEqual(0.5);

    const far = await cli([
      ...base(),
      "--goal",
      "min-spend",
      "--target-kpi",
      "1e15",
      "--probability",
      "0.8",
      "--max-budget",
      "1000000",
    ]);
    expect(far.code).toBe(0);
    const f = JSON.parse(far.stdout);
    expect(f).toMatchObject({
      feasible: false,
      goal: { kind: "min-spend", targetKpi: 1e15, probability: 0.8 },
    });
    expect(f.reason).toMatch(/even spending 1000000/);
    expect(f.closest.achieved).toBe(0);

    const missing = await cli([...base(), "--goal", "target-roi"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--roi is required/);
    expect((await cli([...base(), "--goal", "cheapest"])).code).toBe(2);
  });

  it("optimize --flighting plans per week, counts the carry-over tail and states it", async () => {
    const r = await cli([
      ...base(),
      "--weeks",
      "6",
      "--goal",
      "max-kpi",
      "--budget",
      "300000",
      "--flighting",
    ]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.flighting.tailWeeks).toBe(spec.adstockLags);
    expect(p.kpi.weeks).toBe(6 + spec.adstockLags);
    for (const a of p.allocation) {
      expect(a.weekly).toHaveLength(6);
      expect(Math.abs(a.weekly.reduce((s: number, v: number) => s + v, 0) - a.total)).toBeLessThan(
        1e-6 * Math.max(1, a.total),
      );
    }
    expect(p.totalSpend).toBe(300000);
    expect(p.flighting.probabilityBeatsFlat).toBeGreaterThanOrEqual(0);
  });
});
