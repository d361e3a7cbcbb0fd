// Issue 11.2: a worker crash must not take the stack down. Starts the real launcher (embedded
// PostgreSQL in a temporary data directory, worker, no web), kills the worker with SIGKILL and
// expects a new worker while PostgreSQL keeps running; then SIGTERM stops everything.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const stackDir = fileURLToPath(new URL("..", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "mixcast-launcher-"));
// As root the embedded PostgreSQL runs as `postgres`, which must traverse the data directory's parent.
chmodSync(dataDir, 0o755);

let launcher: ChildProcess | undefined;
let output = "";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; launcher output:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const workerPids = () => [...output.matchAll(/worker started \(pid (\d+)\)/g)].map((m) => Number(m[1]));

function postmaster(): { pid: number; port: number } {
  const lines = readFileSync(join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

const MIGRATIONS = 'SELECT count(*)::int AS n FROM "_prisma_migrations"';
// Connections of web/worker: they run as the non-owner app role on the embedded database.
const APP_ROLE_CONNECTIONS =
  "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'mixcast_app' AND datname = 'mixcast'";

async function queryOne(port: number, sql: string): Promise<number> {
  const client = new pg.Client({
    connectionString: `postgresql://postgres:postgres@127.0.0.1:${port}/mixcast`,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(sql);
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
    const exited = new Promise((r) => launcher!.once("exit", r));
    launcher.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    launcher.kill("SIGKILL");
  }
  for (const pid of workerPids()) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("launcher restart policy", () => {
  it("restarts a SIGKILLed worker, keeps PostgreSQL up, and SIGTERM stops everything", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
    delete env.DATABASE_URL;
    delete env.APP_DATABASE_URL;
    delete env.MIXCAST_PG_PORT;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/main.ts",
        "--no-web",
        "--no-seed",
        "--data-dir",
        dataDir,
        "--restart-delay",
        "500",
      ],
      { cwd: stackDir, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    launcher = child;
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );

    await waitUntil(
      "the launcher to be running",
      () => (output.includes("Running.") ? true : undefined),
      45_000,
    );
    const [first] = workerPids();
    expect(first).toBeGreaterThan(0);
    expect(output).toContain("Web and worker connect as the database role mixcast_app");
    const pgBefore = postmaster();
    expect(alive(pgBefore.pid)).toBe(true);

    process.kill(first!, "SIGKILL");
    const second = await waitUntil("a new worker", () => workerPids()[1], 15_000);
    expect(second).not.toBe(first);
    expect(alive(first!)).toBe(false);
    expect(alive(second)).toBe(true);
    expect(output).toMatch(/worker \(pid \d+\) stopped unexpectedly \(killed by SIGKILL\)/);

    // The same PostgreSQL is still running and answering; the launcher is still up.
    expect(postmaster().pid).toBe(pgBefore.pid);
    expect(await queryOne(pgBefore.port, MIGRATIONS)).toBeGreaterThanOrEqual(3);
    // ... and the new worker is connected to it as mixcast_app.
    const deadline = Date.now() + 20_000;
    let appConnections = 0;
    while (Date.now() < deadline) {
      appConnections = await queryOne(pgBefore.port, APP_ROLE_CONNECTIONS);
      if (appConnections > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(appConnections).toBeGreaterThan(0);
    expect(child.exitCode).toBeNull();
    expect(output).not.toContain("Stopping...");

    // The new worker runs on: still alive a moment later (not crash-looping).
    await new Promise((r) => setTimeout(r, 1_500));
    expect(alive(second)).toBe(true);
    expect(workerPids()).toHaveLength(2);

    child.kill("SIGTERM");
    const { code } = await exit;
    expect(code).toBe(0);
    expect(output).toContain("Stopped.");
    expect(alive(second)).toBe(false);
    expect(alive(pgBefore.pid)).toBe(false);
  }, 60_000);
});
