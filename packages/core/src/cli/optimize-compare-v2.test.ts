/**
 * `mixcast optimize` / `compare` on a v2 fit from `--result` alone: `mixcast fit --out r.json
 * --draws-out d.bin` on a simulated geo file (reach & frequency, organic, units KPI with a value,
 * log link), then plans and scenarios from the result's recorded data and draws paths.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulateV2 } from "../simulate/simulate-v2.ts";
import { runCli } from "./main.ts";

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

describe("mixcast optimize / compare on a v2 result", () => {
  const dir = mkdtempSync(join(tmpdir(), "mixcast-cli-v2-"));
  const sim = simulateV2({
    weeks: 60,
    seed: 4,
    geos: 3,
    channels: 2,
    rf: true,
    organic: true,
    units: true,
    link: "log",
    holdoutWeeks: 8,
  });
  writeFileSync(join(dir, "data.csv"), sim.csv);
  writeFileSync(join(dir, "model.json"), JSON.stringify(sim.config));
  const result = join(dir, "r.json");
  const paid = sim.spec.channels.filter((c) => c.role !== "organic").map((c) => c.name);
  const rf = sim.spec.channels.find((c) => c.role === "rf")!.name;
  const organic = sim.spec.channels.find((c) => c.role === "organic")!.name;

  it("fit --fast writes the v2 result and draws; optimize plans from --result alone", async () => {
    const fit = await cli([
      "fit",
      "--data",
      join(dir, "data.csv"),
      "--config",
      join(dir, "model.json"),
      "--fast",
      "--draws",
      "80",
      "--out",
      result,
      "--draws-out",
      join(dir, "d.bin"),
    ]);
    expect(fit.code, fit.stderr).toBe(0);
    expect(JSON.parse(readFileSync(result, "utf8")).modelVersion).toBe(2);
    const out = join(dir, "plan.json");
    writeFileSync(join(dir, "bounds.json"), JSON.stringify({ [paid[0]!]: { max: 150000 } }));
    const r = await cli([
      "optimize",
      "--result",
      result,
      "--budget",
      "600000",
      "--weeks",
      "6",
      "--bounds",
      join(dir, "bounds.json"),
      "--frequency",
      `${rf}=2.5`,
      "--risk",
      "sd1",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(out, "utf8"));
    expect(plan.channels).toEqual(paid);
    expect(plan.measure).toBe("value");
    const totals: number[] = plan.allocation.map((a: { total: number }) => a.total);
    expect(Math.abs(totals.reduce((a, b) => a + b, 0) - 600000)).toBeLessThan(1e-6);
    expect(totals[0]).toBeLessThanOrEqual(150000 + 1e-6);
    for (const a of plan.allocation) {
      const byGeo = Object.values(a.byGeo as Record<string, number>);
      expect(byGeo).toHaveLength(3);
      expect(byGeo.reduce((s, v) => s + v, 0)).toBeCloseTo(a.total, 6);
    }
    expect(plan.search.draws).toBe(80);
    expect(plan.incrementalKpi.mean).toBeGreaterThan(0);
  });

  it("per-geo plans, organic levels and option errors", async () => {
    const r = await cli([
      "optimize",
      "--result",
      result,
      "--budget",
      "300000",
      "--weeks",
      "4",
      "--geo-plan",
      "per-geo",
      "--organic",
      `${organic}=0`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.channels).toHaveLength(paid.length * 3);
    expect(plan.channels[0]).toBe(`${paid[0]}@${sim.data.geos[0]}`);
    const bad = await cli([
      "optimize",
      "--result",
      result,
      "--budget",
      "1000",
      "--frequency",
      `${paid[0]}=2`,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      new RegExp(`frequency given for "${paid[0]}", which is not a reach & frequency channel`),
    );
    const bad2 = await cli(["optimize", "--result", result, "--budget", "1000", "--geo-plan", "regional"]);
    expect(bad2.code).toBe(2);
    expect(bad2.stderr).toMatch(/--geo-plan must be national or per-geo/);
  });

  it("compare evaluates v2 scenarios draw by draw", async () => {
    const scen = [
      { name: "more", weeks: 6, spend: Object.fromEntries(paid.map((c) => [c, 40000])) },
      { name: "less", weeks: 6, spend: Object.fromEntries(paid.map((c) => [c, 10000])) },
    ];
    writeFileSync(join(dir, "scenarios.json"), JSON.stringify(scen));
    const r = await cli(["compare", "--result", result, "--scenarios", join(dir, "scenarios.json")]);
    expect(r.code, r.stderr).toBe(0);
    const cmp = JSON.parse(r.stdout);
    expect(cmp.pairs[0].probabilityABeatsB).toBe(1);
    expect(cmp.scenarios[0].totalSpend).toBeCloseTo(6 * 40000 * paid.length, 6);
    expect(cmp.scenarios[0].channels[paid[0]!].contribution.mean).toBeGreaterThan(0);
  });
});
