import { describe, expect, it } from "vitest";
import { DEFAULT_RESTART, parseArgs, UsageError } from "./args.ts";

describe("launcher arguments", () => {
  it("defaults to the full stack on PORT/3000 with the demo seed", () => {
    expect(parseArgs([])).toEqual({
      dev: false,
      web: true,
      worker: true,
      dbOnly: false,
      port: undefined,
      host: undefined,
      dataDir: undefined,
      freshDb: false,
      seed: true,
      distDir: undefined,
      rebuild: false,
      quickWorker: false,
      readyLine: false,
      restart: DEFAULT_RESTART,
    });
  });

  it("reads every switch from the arguments", () => {
    const o = parseArgs([
      "--dev",
      "--no-web",
      "--no-worker",
      "--port",
      "3100",
      "--data-dir=/tmp/x",
      "--no-seed",
    ]);
    expect(o).toMatchObject({
      dev: true,
      web: false,
      worker: false,
      port: 3100,
      dataDir: "/tmp/x",
      seed: false,
    });
    expect(parseArgs(["--db-only"]).dbOnly).toBe(true);
    expect(parseArgs(["--port=auto"]).port).toBe("auto");
    expect(parseArgs(["--restart-delay", "250", "--max-crashes=2"]).restart).toEqual({
      ...DEFAULT_RESTART,
      initialDelayMs: 250,
      maxFastCrashes: 2,
    });
  });

  it("--e2e is the end-to-end preset", () => {
    expect(parseArgs(["--e2e"])).toMatchObject({
      freshDb: true,
      seed: false,
      port: "auto",
      host: "127.0.0.1",
      distDir: ".next-e2e",
      quickWorker: true,
      readyLine: true,
    });
    expect(parseArgs(["--e2e", "--rebuild", "--no-worker"])).toMatchObject({ rebuild: true, worker: false });
  });

  it("refuses unknown or contradictory arguments, naming them", () => {
    expect(() => parseArgs(["--wat"])).toThrow(/unknown argument --wat/);
    expect(() => parseArgs(["--port", "http"])).toThrow(/--port must be a whole number/);
    expect(() => parseArgs(["--port", "70000"])).toThrow(/--port must be between/);
    expect(() => parseArgs(["--data-dir"])).toThrow(/--data-dir needs a value/);
    expect(() => parseArgs(["--e2e", "--data-dir", "x"])).toThrow(/exclude each other/);
    expect(() => parseArgs(["--dev", "--dist-dir", "x"])).toThrow(UsageError);
  });
});
