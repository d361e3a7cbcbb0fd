// `pnpm start` / `pnpm dev`: the zero-setup start.
//   1. PostgreSQL: DATABASE_URL when set, otherwise an embedded PostgreSQL with its data in
//      ./.mixcast/pg (created on first start, reused afterwards).
//   2. Migrations (Prisma's, through the WASM schema engine), then the demo seed (first start only).
//   3. Web (Next.js, production build on :3000; `--dev`: next dev) and worker, as child processes.
//   Ctrl-C / SIGTERM stops the children, then the embedded PostgreSQL.
// Flags: --dev (next dev), --db-only (prepare the database, print the login, exit),
//        --no-web, --no-worker (leave one of them out).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();

const root = fileURLToPath(new URL("..", import.meta.url));
const args = new Set(process.argv.slice(2));
const dev = args.has("--dev");
const dbOnly = args.has("--db-only");
const log = (message) => console.log(`[mixcast] ${message}`);

const { parseStartEnv } = await import("../packages/db/src/start-env.ts");
const { openLocalDatabase } = await import("../packages/db/src/local.ts");
const { migrateDatabase } = await import("../packages/db/src/migrate.ts");
const { createPrismaClient } = await import("../packages/db/src/client.ts");
const { seedDemo, DEMO_USER } = await import("../packages/db/src/seed.ts");
const { redactSecrets } = await import("../packages/db/src/redact.ts");
const { provisionAppRole } = await import("../packages/db/src/app-role.ts");

let env;
try {
  env = parseStartEnv(process.env);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

/** BETTER_AUTH_SECRET from the environment, else one generated once and kept in .mixcast/secret. */
function authSecret() {
  if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET;
  const dir = join(root, ".mixcast");
  const file = join(dir, "secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

// ---------------------------------------------------------------------------------------------
// Shutdown: children first (SIGTERM, SIGKILL after 10 s), then the embedded PostgreSQL.

let db;
let stopping = false;
const children = new Map();

async function stopDatabase() {
  try {
    await db?.stop();
  } catch (error) {
    console.error(`[mixcast] Stopping PostgreSQL failed: ${error.message}`);
  }
}

/**
 * `signal`: SIGINT usually comes from Ctrl-C, which the terminal also delivered to web and worker
 * (same process group), so they get a few seconds to act on it before we send SIGTERM; a second
 * signal would make them skip their graceful path. PostgreSQL runs in its own process group and
 * is stopped last.
 */
async function shutdown(code, signal) {
  if (stopping) return;
  stopping = true;
  log("Stopping...");
  const graceMs = signal === "SIGINT" ? 5_000 : 0;
  const exits = [...children.values()].map(
    (child) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", resolve);
        setTimeout(() => child.kill("SIGTERM"), graceMs).unref();
        setTimeout(() => child.kill("SIGKILL"), graceMs + 10_000).unref();
      }),
  );
  await Promise.all(exits);
  await stopDatabase();
  log("Stopped.");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0, "SIGINT"));
process.on("SIGTERM", () => void shutdown(0, "SIGTERM"));

// ---------------------------------------------------------------------------------------------
// Database

/** The role web and worker use: provisioned here for the embedded database (its password kept in
 *  .mixcast/db-app-password); APP_DATABASE_URL with DATABASE_URL; else the owner, with a warning. */
async function appDatabase() {
  if (db.embedded) {
    const file = join(root, ".mixcast", "db-app-password");
    let password = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
    if (!password) {
      password = randomBytes(24).toString("base64url");
      writeFileSync(file, `${password}\n`, { mode: 0o600 });
    }
    const url = await provisionAppRole(db.url, { password });
    log("Web and worker connect as the database role mixcast_app (no schema or audit-log changes)");
    return url;
  }
  if (env.APP_DATABASE_URL) {
    log("Web and worker connect with APP_DATABASE_URL");
    return env.APP_DATABASE_URL;
  }
  log(
    "Web and worker connect with DATABASE_URL (set APP_DATABASE_URL to a non-owner role: docs/operations.md)",
  );
  return db.url;
}
let appDatabaseUrl;

const startedAt = Date.now();
try {
  db = await openLocalDatabase({ port: env.MIXCAST_PG_PORT });
} catch (error) {
  console.error(`[mixcast] Could not start PostgreSQL: ${error.message}`);
  process.exit(1);
}
if (db.embedded) {
  log(
    `${db.embedded.initialised ? "Created" : "Started"} embedded PostgreSQL in ${db.embedded.dataDir} on port ${db.embedded.port}` +
      ` (${Date.now() - startedAt} ms)`,
  );
} else {
  log("Using the PostgreSQL server at DATABASE_URL");
}

try {
  const migrated = await migrateDatabase(db.url);
  log(
    migrated.applied.length === 0
      ? `Database schema is up to date (${migrated.alreadyApplied} migrations)`
      : `Applied ${migrated.applied.length} migration(s): ${migrated.applied.join(", ")}`,
  );
  const prisma = createPrismaClient(db.url, { maxConnections: 2 });
  try {
    const seeded = await seedDemo(prisma);
    log(seeded.created ? 'Seeded the demo workspace "Demo Brand"' : "Demo workspace already present");
    await runSeedHook(seeded);
  } finally {
    await prisma.$disconnect();
  }
  appDatabaseUrl = await appDatabase();
} catch (error) {
  console.error(`[mixcast] ${error.message}`);
  await stopDatabase();
  process.exit(1);
}

/**
 * Hook for the worker package: when apps/worker/src/seed-demo.ts exists it runs after the seed
 * (e.g. to enqueue the demo's first fit and scenarios), with DATABASE_URL and MIXCAST_SEED (JSON of
 * the seed result, `created` telling whether the workspace was new). It must be idempotent.
 */
async function runSeedHook(seeded) {
  const hook = join(root, "apps", "worker", "src", "seed-demo.ts");
  if (!existsSync(hook)) return;
  const code = await new Promise((resolve) => {
    const child = spawn(tsxBin(), [hook], {
      cwd: join(root, "apps", "worker"),
      env: { ...process.env, DATABASE_URL: db.url, MIXCAST_SEED: JSON.stringify(seeded) },
      stdio: "inherit",
    });
    child.on("exit", (status) => resolve(status ?? 1));
  });
  if (code !== 0)
    log(`apps/worker/src/seed-demo.ts exited with code ${code}; continuing without the demo runs`);
}

function tsxBin() {
  return join(root, "node_modules", ".bin", "tsx");
}

const port = env.PORT;
const baseUrl = env.BETTER_AUTH_URL ?? `http://localhost:${port}`;
const banner = () =>
  [
    "",
    "  ┌──────────────────────────────────────────────",
    `  │ Mixcast     ${baseUrl}`,
    `  │ Demo login  ${DEMO_USER.email}  /  ${DEMO_USER.password}`,
    db.embedded ? `  │ Database    ${redactSecrets(db.url)}` : "  │ Database    DATABASE_URL",
    "  └──────────────────────────────────────────────",
    "",
  ].join("\n");
console.log(banner());

if (dbOnly) {
  await stopDatabase();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Web and worker

const childEnv = {
  ...process.env,
  // Web and worker connect as the app role, which cannot alter the schema or the audit log.
  DATABASE_URL: appDatabaseUrl,
  BETTER_AUTH_SECRET: authSecret(),
  BETTER_AUTH_URL: baseUrl,
  NEXT_TELEMETRY_DISABLED: "1",
  PORT: String(port),
};

const webDir = join(root, "apps", "web");
const nextBin = join(webDir, "node_modules", ".bin", "next");
const hasWeb =
  !args.has("--no-web") &&
  existsSync(nextBin) &&
  (existsSync(join(webDir, "src", "app")) || existsSync(join(webDir, "app")));
const workerMain = join(root, "apps", "worker", "src", "main.ts");
const hasWorker = !args.has("--no-worker") && existsSync(workerMain);

function run(name, command, commandArgs, options) {
  const child = spawn(command, commandArgs, { stdio: "inherit", ...options });
  children.set(name, child);
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`[mixcast] ${name} exited (${signal ?? `code ${code}`}); stopping everything`);
      void shutdown(1);
    }
  });
  return child;
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".next" || entry.name.startsWith(".turbo")) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** A production build exists and nothing it depends on changed since. */
function webBuildIsFresh() {
  const buildId = join(webDir, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  const sources = [webDir, ...["core", "db", "ui"].map((name) => join(root, "packages", name, "src"))];
  return sources.every((dir) => newestMtime(dir) <= builtAt);
}

async function buildWeb() {
  log("Building the web app (next build, about a minute on a small machine)...");
  const code = await new Promise((resolve) => {
    const child = spawn(nextBin, ["build"], { cwd: webDir, env: childEnv, stdio: "inherit" });
    children.set("next build", child);
    child.on("exit", (status, signal) => {
      children.delete("next build");
      resolve(signal ? 1 : (status ?? 1));
    });
  });
  return code === 0;
}

if (hasWorker) {
  // `node --import tsx` rather than the tsx CLI: one process, so a Ctrl-C reaches the worker once
  // (the CLI wrapper would relay the terminal's SIGINT a second time).
  run("worker", process.execPath, ["--import", "tsx", workerMain], {
    cwd: join(root, "apps", "worker"),
    env: { ...childEnv, NODE_ENV: dev ? "development" : "production" },
  });
} else {
  log("apps/worker/src/main.ts does not exist yet: not starting the worker");
}

if (hasWeb) {
  if (dev) {
    run("web", nextBin, ["dev", "-p", String(port)], {
      cwd: webDir,
      env: { ...childEnv, NODE_ENV: "development" },
    });
  } else {
    if (!webBuildIsFresh() && !(await buildWeb())) {
      if (!stopping) {
        console.error("[mixcast] next build failed");
        await shutdown(1);
      }
    }
    if (!stopping) {
      run("web", nextBin, ["start", "-p", String(port)], {
        cwd: webDir,
        env: { ...childEnv, NODE_ENV: "production" },
      });
      log(`Web app on ${baseUrl} — sign in as ${DEMO_USER.email} / ${DEMO_USER.password}`);
    }
  }
} else {
  log("apps/web is not a Next.js app yet: not starting the web app");
}

if (!hasWeb && !hasWorker) {
  log("Database is ready. Press Ctrl-C to stop.");
  setInterval(() => {}, 1 << 30);
}
