// Starts what the end-to-end tests need and prints one line `READY {json}` when it is up:
//  - with E2E_BASE_URL + DATABASE_URL set (scripts/test-all.mjs already runs `next start` on a
//    fresh database): only the fit worker;
//  - otherwise: an embedded PostgreSQL with a fresh migrated database (packages/db test server),
//    `next start` on a free port (after `next build` when no build exists), and the worker.
// SIGTERM stops everything it started and drops the database.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePort } from "../../../packages/db/src/embedded.ts";
import {
  adminQuery,
  databaseUrl,
  quoteIdent,
  startTestServer,
  uniqueName,
} from "../../../packages/db/src/testing-server.ts";

const webDir = fileURLToPath(new URL("..", import.meta.url));
const root = join(webDir, "..", "..");
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  TURBO_TELEMETRY_DISABLED: "1",
};

function start(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
) {
  // Own process group, so shutdown reaches grandchildren too (tsx runs the worker in a child node).
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => `[${name}] ${l}`)
      .join("\n");
  child.stdout?.on("data", (c: Buffer) => process.stderr.write(`${prefix(c)}\n`));
  child.stderr?.on("data", (c: Buffer) => process.stderr.write(`${prefix(c)}\n`));
  children.push(child);
  return child;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function signalGroup(c: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (c.pid) process.kill(-c.pid, signal);
  } catch {
    // already gone
  }
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of children) signalGroup(c, "SIGTERM");
  // Give the worker its grace period, then make sure nothing of the stack outlives the tests.
  await new Promise((r) => setTimeout(r, 500));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && children.some((c) => c.pid && groupAlive(c.pid)))
    await new Promise((r) => setTimeout(r, 250));
  for (const c of children) signalGroup(c, "SIGKILL");
  for (const fn of cleanups.reverse()) await fn().catch((e: unknown) => console.error(e));
  process.exit(code);
}
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));

try {
  let baseUrl = env.E2E_BASE_URL;
  let dbUrl = env.DATABASE_URL;
  if (!baseUrl || !dbUrl) {
    const server = await startTestServer();
    cleanups.push(() => server.stop());
    const name = uniqueName("mixcast_e2e");
    await adminQuery(
      server.adminUrl,
      `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(server.template)}`,
    );
    cleanups.push(() =>
      adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
    );
    dbUrl = databaseUrl(server.adminUrl, name);
    const port = await findFreePort(3200);
    baseUrl = `http://127.0.0.1:${port}`;
    // Own build directory (apps/web/.next-e2e), so a concurrent `next build` in .next cannot clash.
    const distDir = env.MIXCAST_NEXT_DIST_DIR || ".next-e2e";
    const webEnv = {
      ...env,
      MIXCAST_NEXT_DIST_DIR: distDir,
      DATABASE_URL: dbUrl,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      BETTER_AUTH_URL: baseUrl,
      NODE_ENV: "production" as const,
    };
    const nextBin = join(webDir, "node_modules", ".bin", "next");
    if (env.E2E_REBUILD === "1" || !existsSync(join(webDir, distDir, "BUILD_ID"))) {
      console.error("[stack] no production build found: running next build");
      const built = spawnSync(nextBin, ["build"], { cwd: webDir, env: webEnv, stdio: "inherit" });
      if (built.status !== 0) throw new Error("next build failed");
    }
    start("web", nextBin, ["start", "-p", String(port), "-H", "127.0.0.1"], { cwd: webDir, env: webEnv });
    await waitFor(`${baseUrl}/sign-in`, 90_000);
  }
  start("worker", join(root, "node_modules", ".bin", "tsx"), ["apps/worker/src/main.ts"], {
    cwd: root,
    env: {
      ...env,
      DATABASE_URL: dbUrl,
      FIT_THREADS: "1",
      WORKER_POLL_SECONDS: "0.5",
      WORKER_SCHEDULER: "off",
      WORKER_PROGRESS_INTERVAL_MS: "300",
      WORKER_ID: "e2e-worker",
    },
  });
  console.log(`READY ${JSON.stringify({ baseUrl, databaseUrl: dbUrl })}`);
} catch (error) {
  console.error(`[stack] failed to start: ${error instanceof Error ? error.stack : String(error)}`);
  await shutdown(1);
}
