import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError, parseArgs } from "./args.ts";
import { runCli } from "./main.ts";
import { formatProgress, ProgressBar } from "./progress-bar.ts";

const repoRoot = resolve(import.meta.dirname, "../../../..");

function mixcast(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("pnpm", ["-s", "--dir", repoRoot, "mixcast", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, INIT_CWD: cwd },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("parseArgs", () => {
  const specs = [
    { name: "weeks", kind: "integer", min: 8, description: "" },
    { name: "out", kind: "string", required: true, description: "" },
    { name: "fast", kind: "boolean", description: "" },
  ] as const;
  it("reads values, = forms and flags", () => {
    expect(parseArgs(["--weeks", "52", "--out=x.csv", "--fast"], [...specs])).toEqual({
      weeks: 52,
      out: "x.csv",
      fast: true,
    });
  });
  it.each([
    [["--weeks", "5", "--out", "a"], "--weeks must be at least 8 (got 5)"],
    [["--weeks", "1.5", "--out", "a"], '--weeks must be a whole number (got "1.5")'],
    [["--weeks", "abc", "--out", "a"], '--weeks must be a number (got "abc")'],
    [["--out"], "--out needs a value (string)"],
    [["--weeks", "10"], "missing --out"],
    [["--out", "a", "--nope"], "unknown option --nope (known: --weeks, --out, --fast)"],
    [["out"], 'unexpected argument "out" (options start with --)'],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv, [...specs])).toThrow(new CliError(message));
  });
});

describe("progress bar", () => {
  it("formats and throttles non-TTY output", () => {
    const p = {
      phase: "warmup",
      chain: 1,
      iteration: 250,
      percent: 31.25,
      etaSeconds: 83,
      divergences: 2,
    } as const;
    expect(formatProgress(p)).toBe(
      "[########................]  31% warmup chain 2 it 250 divergences 2 ETA 1m23s",
    );
    let now = 0;
    const lines: string[] = [];
    const bar = new ProgressBar(
      { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream,
      3000,
      () => now,
    );
    bar.update(p);
    now = 1000;
    bar.update(p);
    now = 3500;
    bar.update(p);
    bar.update({ ...p, phase: "done", percent: 100, etaSeconds: 0 });
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.endsWith("\n"))).toBe(true);
  });
});

describe("mixcast CLI end to end", () => {
  it("simulates, fits in fast mode, and rejects bad input with one line and exit code 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "mixcast-cli-"));
    const sim = mixcast(
      [
        "simulate",
        "--weeks",
        "80",
        "--seed",
        "7",
        "--out",
        "data.csv",
        "--truth",
        "truth.json",
        "--channels",
        "3",
        "--config-out",
        "model.json",
      ],
      dir,
    );
    expect(sim.status, sim.stderr).toBe(0);
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as {
      channels: Record<string, { roi: number }>;
    };
    expect(Object.keys(truth.channels)).toEqual(["TV", "Search", "Instagram"]);
    expect(readFileSync(join(dir, "data.csv"), "utf8").split("\n")[0]).toBe(
      "date,revenue,TV,Search,Instagram,price,holiday",
    );

    const fit = mixcast(
      [
        "fit",
        "--data",
        "data.csv",
        "--config",
        "model.json",
        "--out",
        "result.json",
        "--fast",
        "--seed",
        "3",
        "--draws",
        "300",
        "--draws-out",
        "draws.bin",
      ],
      dir,
    );
    expect(fit.status, fit.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, "result.json"), "utf8")) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        "parameters",
        "channels",
        "diagnostics",
        "holdout",
        "timing",
        "engineVersion",
        "seed",
      ]),
    );
    const channels = result.channels as Record<
      string,
      { roi: { q05: number; q95: number }; contribution: unknown }
    >;
    expect(Object.keys(channels)).toEqual(["TV", "Search", "Instagram"]);
    expect(channels.TV!.contribution).toBeDefined();
    expect(Object.keys(result.diagnostics as object)).toEqual(
      expect.arrayContaining(["rhatMax", "essBulkMin", "divergences", "converged", "reasons"]),
    );
    expect((result.timing as { totalSeconds: number }).totalSeconds).toBeGreaterThan(0);
    expect(result.seed).toBe(3);
    expect(result.approximate).toBe(true);
    expect(readFileSync(join(dir, "draws.bin")).subarray(0, 4).toString("latin1")).toBe("MXD1");

    const lines = readFileSync(join(dir, "data.csv"), "utf8").split("\n");
    lines[5] = lines[5]!.replace(/^([^,]*,[^,]*),[^,]*/, "$1,abc");
    lines[9] = lines[9]!.replace(/^([^,]*,[^,]*),[^,]*/, "$1,-4");
    writeFileSync(join(dir, "bad.csv"), lines.join("\n"));
    const bad = mixcast(
      ["fit", "--data", "bad.csv", "--config", "model.json", "--out", "x.json", "--fast"],
      dir,
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr.trim()).toBe(
      'mixcast fit: bad.csv: Row 6, column "TV": "abc" is not a number. Use a plain number such as 1234.50 (currency symbols and thousands separators are accepted). (and 1 more error)',
    );
    // generous: three `pnpm` + tsx start-ups are slow when the shared machine is busy
  }, 300_000);

  it("infers a config when none is given and rejects bad options, files and configs (in process)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mixcast-cli-"));
    const run = async (argv: string[]) => {
      let stdout = "";
      let stderr = "";
      const io = {
        stdout: { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream,
        stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
        cwd: dir,
      };
      const status = await runCli(argv, io);
      return { status, stdout, stderr };
    };
    expect(
      (await run(["simulate", "--weeks", "70", "--seed", "2", "--out", "data.csv", "--channels", "2"]))
        .status,
    ).toBe(0);
    const inferred = await run(["fit", "--data", "data.csv", "--out", "r.json", "--fast", "--draws", "200"]);
    expect(inferred.status, inferred.stderr).toBe(0);
    expect(inferred.stderr).toContain("no --config given; inferred from the columns of data.csv:");
    expect(inferred.stderr).toContain(
      "  date date; KPI revenue (revenue)\n  channel TV (traditional, paid): spend TV\n  channel Search (digital, paid): spend Search\n  controls: price\n  events: holiday\n",
    );
    expect(inferred.stdout).toMatch(/^fast \(approximate\) fit of 57 training weeks/);
    const missing = await run(["fit", "--data", "nope.csv", "--out", "x.json"]);
    expect(missing).toEqual({
      status: 2,
      stdout: "",
      stderr: `mixcast fit: cannot read data file ${join(dir, "nope.csv")}: no such file\n`,
    });
    const usage = await run(["fit", "--data", "data.csv", "--out", "x.json", "--chains", "0"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toBe("mixcast fit: --chains must be at least 1 (got 0)\n");
    writeFileSync(
      join(dir, "bad-model.json"),
      JSON.stringify({ date: "date", kpi: "revenue", channels: [{ column: "TV", type: "tv" }] }),
    );
    const cfg = await run(["fit", "--data", "data.csv", "--config", "bad-model.json", "--out", "x.json"]);
    expect(cfg.status).toBe(2);
    expect(cfg.stderr).toMatch(/^mixcast fit: bad-model\.json: channels\[0\]\.type: .*\n$/);
    const unknown = await run(["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /^mixcast frobnicate: unknown command "frobnicate" \(commands: simulate, check, fit/,
    );
    expect((await run(["--help"])).stdout).toContain("simulate");
  }, 60_000);

  it("optimize and compare need only --result when fit wrote --draws-out; an edited data file is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mixcast-cli-"));
    mkdirSync(join(dir, "data"));
    mkdirSync(join(dir, "out"));
    const run = async (argv: string[]) => {
      let stdout = "";
      let stderr = "";
      const io = {
        stdout: { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream,
        stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
        cwd: dir,
      };
      const status = await runCli(argv, io);
      return { status, stdout, stderr };
    };
    const sim = await run([
      "simulate",
      "--weeks",
      "70",
      "--seed",
      "4",
      "--out",
      "data/d.csv",
      "--channels",
      "2",
      "--config-out",
      "data/m.json",
    ]);
    expect(sim.status, sim.stderr).toBe(0);
    const fit = await run([
      "fit",
      "--data",
      "data/d.csv",
      "--config",
      "data/m.json",
      "--out",
      "out/r.json",
      "--draws-out",
      "out/r.draws.bin",
      "--fast",
      "--draws",
      "200",
      "--seed",
      "5",
    ]);
    expect(fit.status, fit.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, "out/r.json"), "utf8")) as Record<string, unknown>;
    expect(result.dataPath).toBe("../data/d.csv");
    expect(result.drawsPath).toBe("r.draws.bin");
    expect(result.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    const opt = await run([
      "optimize",
      "--result",
      "out/r.json",
      "--budget",
      "200000",
      "--out",
      "out/plan.json",
    ]);
    expect(opt.status, opt.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, "out/plan.json"), "utf8")) as {
      allocation: { channel: string; total: number }[];
    };
    expect(plan.allocation.map((a) => a.channel)).toEqual(["TV", "Search"]);
    expect(plan.allocation.reduce((s, a) => s + a.total, 0)).toBeCloseTo(200000, 6);
    writeFileSync(
      join(dir, "scenarios.json"),
      JSON.stringify([
        { name: "tv", weeks: 8, spend: { TV: 9000, Search: 3000 } },
        { name: "search", weeks: 8, spend: { TV: 3000, Search: 9000 } },
      ]),
    );
    const cmp = await run(["compare", "--result", "out/r.json", "--scenarios", "scenarios.json"]);
    expect(cmp.status, cmp.stderr).toBe(0);
    expect((JSON.parse(cmp.stdout) as { pairs: { a: string }[] }).pairs[0]!.a).toBe("tv");
    writeFileSync(
      join(dir, "data/d.csv"),
      readFileSync(join(dir, "data/d.csv"), "utf8").replace(/\n$/, "\n\n"),
    );
    const edited = await run(["optimize", "--result", "out/r.json", "--budget", "200000"]);
    expect(edited.status).toBe(2);
    expect(edited.stderr).toBe(
      `mixcast optimize: ${join(dir, "data/d.csv")} changed since the fit (its SHA-256 differs from dataSha256 in ${join(dir, "out/r.json")}); the draws belong to the old data: refit, or pass --data with the file the fit used\n`,
    );
  }, 120_000);

  it("simulate writes every v2 shape with truth; fit writes the v2 result; bad v2 data names geo and week (in process)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mixcast-cli-"));
    const run = async (argv: string[]) => {
      let stdout = "";
      let stderr = "";
      const io = {
        stdout: { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream,
        stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
        cwd: dir,
      };
      const status = await runCli(argv, io);
      return { status, stdout, stderr };
    };
    const sim = await run([
      "simulate",
      "--geos",
      "4",
      "--rf",
      "--organic",
      "--units",
      "--link",
      "log",
      "--time-varying",
      "--weeks",
      "60",
      "--seed",
      "3",
      "--out",
      "geo.csv",
      "--truth",
      "truth.json",
      "--config-out",
      "model.json",
    ]);
    expect(sim.status, sim.stderr).toBe(0);
    expect(sim.stdout.split("\n")[0]).toBe(
      'wrote geo.csv: 60 weeks from 2023-01-02 x 4 geos, KPI "conversions" (units, value per unit), log link, time-varying media',
    );
    expect(sim.stdout).toMatch(
      /\n {2}Meta {9}rf {7}true ROI +[0-9.]+ {2}CPIK [0-9.]+ {2}incremental [0-9,]+\n/,
    );
    expect(sim.stdout).toMatch(/\n {2}Newsletter {3}organic {2}share [0-9.]+ % {2}incremental [0-9,]+\n/);
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as {
      geos: string[];
      channels: Record<string, { role: string; roi?: number; cpik?: number }>;
      byGeo: Record<string, unknown>;
      mediaEffectiveness: number[];
    };
    expect(truth.geos).toHaveLength(4);
    expect(Object.keys(truth.byGeo)).toEqual(truth.geos);
    expect(truth.channels.Meta!.role).toBe("rf");
    expect(truth.channels.Newsletter!.roi).toBeUndefined();
    expect(truth.mediaEffectiveness).toHaveLength(60);
    const config = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({
      geo: "geo",
      population: "population",
      kpiType: "units",
      link: "log",
      timeVaryingMedia: true,
    });

    // fit writes the v2 result shape (model-v2 section 7)
    const fit = await run([
      "fit",
      "--data",
      "geo.csv",
      "--config",
      "model.json",
      "--out",
      "r.json",
      "--draws-out",
      "r.bin",
      "--fast",
      "--draws",
      "100",
    ]);
    expect(fit.status, fit.stderr).toBe(0);
    expect(fit.stdout).toMatch(
      /^fast \(approximate\) v2 fit of 47 training weeks x 4 geos \(units KPI, log link\)/,
    );
    expect(fit.stdout).toMatch(/\n {2}Meta {13}rf .*optimal frequency [0-9.]+\n/);
    const result = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as {
      modelVersion: number;
      channels: Record<
        string,
        {
          role: string;
          incremental: { q50: number };
          roi?: unknown;
          cpik?: unknown;
          optimalFrequency?: unknown;
        }
      >;
      geos: Record<string, { channels: Record<string, unknown> }>;
      mediaEffectiveness: unknown[];
      drawsPath: string;
    };
    expect(result.modelVersion).toBe(2);
    expect(result.channels.Meta).toMatchObject({ role: "rf" });
    expect(result.channels.Meta!.optimalFrequency).toBeDefined();
    expect(result.channels.TV!.cpik).toBeDefined();
    expect(result.channels.Newsletter!.roi).toBeUndefined();
    expect(Object.keys(result.geos)).toEqual(truth.geos);
    expect(result.mediaEffectiveness).toHaveLength(60);
    expect(result.drawsPath).toBe("r.bin");
    // the result alone locates data and draws; the plan covers the paid channels (organic is held)
    const opt = await run(["optimize", "--result", "r.json", "--budget", "1000", "--weeks", "4"]);
    expect(opt.status, opt.stderr).toBe(0);
    const plan = JSON.parse(opt.stdout) as { channels: string[]; allocation: { total: number }[] };
    expect(plan.channels).not.toContain("Newsletter");
    expect(plan.channels).toContain("Meta");
    expect(plan.allocation.reduce((a, b) => a + b.total, 0)).toBeCloseTo(1000, 9);

    // a geo missing a week: one line naming the geo and the week, exit 2
    const lines = readFileSync(join(dir, "geo.csv"), "utf8").split("\n");
    const dropped = lines.filter((l) => !l.startsWith("2023-02-06,east,"));
    expect(dropped.length).toBe(lines.length - 1);
    writeFileSync(join(dir, "missing.csv"), dropped.join("\n"));
    const bad = await run([
      "fit",
      "--data",
      "missing.csv",
      "--config",
      "model.json",
      "--out",
      "r.json",
      "--fast",
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'mixcast fit: missing.csv: Geo "east" has no row for the week of 2023-02-06 (column "date"). Every geo needs a row for every week: add it (spend 0 if nothing ran).\n',
    );
    const bad2 = await run(["simulate", "--geos", "3", "--channels", "9", "--out", "x.csv"]);
    expect(bad2).toMatchObject({
      status: 2,
      stderr:
        'mixcast simulate: --channels must be 1..5 with v2 options (paid channels besides R&F and organic; got "9")\n',
    });
  }, 120_000);
});
