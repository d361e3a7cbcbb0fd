// The Mixcast stack, started in order and stopped in reverse:
//   1. PostgreSQL: DATABASE_URL when set, otherwise an embedded PostgreSQL in <data dir>/pg
//      (created on first start, reused afterwards); with --fresh-db a fresh migrated database on
//      a throwaway server instead (tests, benchmarks).
//   2. Migrations, the demo seed and its first queued fit (apps/worker/src/seed-demo.ts), and the
//      database role web and worker connect as (mixcast_app, packages/db/src/app-role.ts).
//   3. The worker (so the demo fits run during the build), `next build` when the build is missing
//      or older than its sources (or --rebuild), then web (`next start`, or `next dev` with --dev);
//      web and worker are each supervised: a crashed one is restarted with back-off while
//      everything else keeps running (supervisor.ts).
// stop(): web and worker (SIGTERM, SIGKILL after 15 s), then PostgreSQL last.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { provisionAppRole } from "@mixcast/db/app-role";
import { createPrismaClient } from "@mixcast/db/client";
import { findFreePort } from "@mixcast/db/embedded";
import { openLocalDatabase, repoRoot } from "@mixcast/db/local";
import { migrateDatabase } from "@mixcast/db/migrate";
import { redactSecrets } from "@mixcast/db/redact";
import { DEMO_USER, seedDemo, type SeedResult } from "@mixcast/db/seed";
import { parseStartEnv, type StartEnv } from "@mixcast/db/start-env";
import {
  adminQuery,
  databaseUrl as databaseUrlOn,
  quoteIdent,
  startTestServer,
  uniqueName,
} from "@mixcast/db/testing-server";
import type { StackOptions } from "./args.ts";
import { Supervisor } from "./supervisor.ts";

export { repoRoot };
export const webDir = join(repoRoot, "apps", "web");
export const workerDir = join(repoRoot, "apps", "worker");
const nextBin = join(webDir, "node_modules", ".bin", "next");

export interface StackIo {
  /** Progress lines (`[mixcast] ...`). */
  log: (message: string) => void;
  /** Called once when the stack cannot go on (a child gave up); the caller stops it. */
  onFatal: (message: string) => void;
  /** Receives the stop function as soon as there is something to stop (signals during start). */
  setStop?: (stop: () => Promise<void>) => void;
}

export interface RunningStack {
  /** The web app's URL (also when the web app is not started). */
  baseUrl: string;
  /** The database web and worker connect to (the app role's URL where there is one). */
  databaseUrl: string;
  /** The owner's URL (migrations, seed). */
  ownerUrl: string;
  /** The embedded PostgreSQL's data directory, when this stack started one for it. */
  pgDataDir: string | undefined;
  web: Supervisor | undefined;
  worker: Supervisor | undefined;
  /** The boxed summary with the demo login. */
  banner: string;
  stop(): Promise<void>;
}

interface Database {
  ownerUrl: string;
  appUrl: string;
  embeddedDataDir?: string;
  description: string;
  stop(): Promise<void>;
}

function readOrCreateSecret(file: string, bytes: number): string {
  if (existsSync(file)) {
    const value = readFileSync(file, "utf8").trim();
    if (value) return value;
  }
  const value = randomBytes(bytes).toString("base64url");
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** Runs a one-off child to its end; resolves with its exit code (1 when killed). */
function runToEnd(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; stdout: "inherit" | "stderr" },
  track: (child: ChildProcess | undefined) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", options.stdout === "inherit" ? "inherit" : process.stderr, "inherit"],
    });
    track(child);
    child.once("error", () => resolve(1));
    child.once("exit", (code, signal) => {
      track(undefined);
      resolve(signal ? 1 : (code ?? 1));
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (
      name === "node_modules" ||
      name.startsWith(".next") ||
      name.startsWith(".turbo") ||
      name === "e2e" ||
      name === "bench" ||
      name === "coverage"
    )
      continue;
    const path = join(dir, name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** A production build exists in `distDir` and nothing it is built from changed since. */
export function webBuildIsFresh(distDir: string): boolean {
  const buildId = join(webDir, distDir, "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  // The web app and the workspace packages it depends on (apps/web/package.json).
  const manifest = JSON.parse(readFileSync(join(webDir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const packages = Object.keys(manifest.dependencies ?? {})
    .filter((name) => name.startsWith("@mixcast/"))
    .map((name) => join(repoRoot, "packages", name.slice("@mixcast/".length), "src"));
  const sources = [webDir, ...packages];
  return sources.every((dir) => newestMtime(dir) <= builtAt);
}

async function waitForHttp(url: string, timeoutMs: number, cancelled: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !cancelled()) {
    const up = await fetch(url, { redirect: "manual" }).then(
      () => true,
      () => false,
    );
    if (up) return true;
    await new Promise((done) => setTimeout(done, 300));
  }
  return false;
}

export async function startStack(options: StackOptions, io: StackIo): Promise<RunningStack> {
  const { log } = io;
  const env: StartEnv = parseStartEnv(process.env);
  const dataDir = options.dataDir ?? join(repoRoot, ".mixcast");
  const stdout = options.readyLine ? "stderr" : "inherit";

  let stopping = false;
  let oneOff: ChildProcess | undefined;
  const track = (child: ChildProcess | undefined) => (oneOff = child);
  const supervisors: Supervisor[] = [];
  let database: Database | undefined;

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    oneOff?.kill("SIGTERM");
    await Promise.all(supervisors.map((s) => s.stop()));
    try {
      await database?.stop();
    } catch (error) {
      log(`Stopping PostgreSQL failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  io.setStop?.(stop);
  try {
    // -------------------------------------------------------------------------------------------
    // 1-2. Database
    database = options.freshDb ? await freshDatabase(log) : await localDatabase(options, env, dataDir, log);
    if (!options.freshDb) {
      const migrated = await migrateDatabase(database.ownerUrl);
      log(
        migrated.applied.length === 0
          ? `Database schema is up to date (${migrated.alreadyApplied} migrations)`
          : `Applied ${migrated.applied.length} migration(s): ${migrated.applied.join(", ")}`,
      );
    }
    if (options.seed) await seed(database.ownerUrl, stdout, track, log);
    if (database.embeddedDataDir && !options.freshDb) {
      // Web and worker connect as the app role, which cannot alter the schema or the audit log.
      // Provisioned again on every start, after the migrations, so new tables get their grants.
      mkdirSync(dataDir, { recursive: true, mode: 0o755 });
      const password = readOrCreateSecret(join(dataDir, "db-app-password"), 24);
      database.appUrl = await provisionAppRole(database.ownerUrl, { password });
      log("Web and worker connect as the database role mixcast_app (no schema or audit-log changes)");
    }

    // -------------------------------------------------------------------------------------------
    // 3. Web and worker
    const port = options.port === "auto" ? await findFreePort(3200) : (options.port ?? env.PORT ?? 3000);
    const baseUrl = env.BETTER_AUTH_URL ?? `http://${options.host ?? "localhost"}:${port}`;
    const banner = [
      "",
      "  ┌──────────────────────────────────────────────",
      `  │ Mixcast     ${baseUrl}`,
      `  │ Demo login  ${DEMO_USER.email}  /  ${DEMO_USER.password}`,
      `  │ Database    ${database.description}`,
      "  └──────────────────────────────────────────────",
      "",
    ].join("\n");

    const running: RunningStack = {
      baseUrl,
      databaseUrl: database.appUrl,
      ownerUrl: database.ownerUrl,
      pgDataDir: database.embeddedDataDir,
      web: undefined,
      worker: undefined,
      banner,
      stop,
    };
    if (options.dbOnly) return running;

    let authSecret = env.BETTER_AUTH_SECRET;
    if (!authSecret) {
      if (options.freshDb) authSecret = randomBytes(32).toString("base64url");
      else {
        mkdirSync(dataDir, { recursive: true, mode: 0o755 });
        authSecret = readOrCreateSecret(join(dataDir, "secret"), 32);
      }
    }
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.appUrl,
      BETTER_AUTH_SECRET: authSecret,
      BETTER_AUTH_URL: baseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      ...(options.distDir ? { MIXCAST_NEXT_DIST_DIR: options.distDir } : {}),
    };
    const restart = options.restart;
    const giveUp = (message: string) => {
      if (!stopping) io.onFatal(message);
    };

    if (options.worker) {
      const quick = options.quickWorker
        ? {
            FIT_THREADS: "1",
            WORKER_POLL_SECONDS: "0.5",
            WORKER_SCHEDULER: "off",
            WORKER_PROGRESS_INTERVAL_MS: "300",
            WORKER_ID: "e2e-worker",
          }
        : {};
      // `node --import tsx` rather than the tsx CLI: one process, so signals reach the worker itself.
      running.worker = new Supervisor(
        {
          name: "worker",
          command: process.execPath,
          args: ["--import", "tsx", join(workerDir, "src", "main.ts")],
          cwd: workerDir,
          env: { ...childEnv, NODE_ENV: options.dev ? "development" : "production", ...quick },
          stdout,
        },
        restart,
        { log, onGiveUp: giveUp },
      );
      supervisors.push(running.worker);
      running.worker.start();
    }

    // The worker starts first: the demo's queued fits run while `next build` does (a first start
    // shows fitted demo runs as soon as the web app answers).
    if (options.web && !options.dev) {
      const distDir = options.distDir ?? ".next";
      if (options.rebuild || !webBuildIsFresh(distDir)) {
        log(
          `Building the web app into apps/web/${distDir} (next build, about a minute on a small machine)...`,
        );
        const code = await runToEnd(
          nextBin,
          ["build"],
          { cwd: webDir, env: { ...childEnv, NODE_ENV: "production" }, stdout },
          track,
        );
        if (stopping) return running;
        if (code !== 0) throw new Error(`next build failed (exit ${code}); see above`);
      } else {
        log(`The web build in apps/web/${distDir} is up to date`);
      }
    }

    if (options.web) {
      const hostArgs = options.host ? ["-H", options.host] : [];
      running.web = new Supervisor(
        {
          name: "web",
          command: nextBin,
          args: [options.dev ? "dev" : "start", "-p", String(port), ...hostArgs],
          cwd: webDir,
          env: { ...childEnv, NODE_ENV: options.dev ? "development" : "production" },
          stdout,
        },
        restart,
        { log, onGiveUp: giveUp },
      );
      supervisors.push(running.web);
      running.web.start();
      // Tests (--ready-line) need a web app that answers; an interactive start keeps waiting (a
      // slow machine, next dev compiling the page) and says so.
      const signIn = `${baseUrl}/sign-in`;
      const up = await waitForHttp(signIn, options.readyLine ? 180_000 : 60_000, () => stopping);
      if (!up && !stopping && options.readyLine)
        throw new Error(`the web app did not answer at ${signIn} within 180 s`);
      if (!up && !stopping) {
        log(`The web app has not answered at ${signIn} yet; still waiting (Ctrl-C stops)`);
        await waitForHttp(signIn, Number.POSITIVE_INFINITY, () => stopping);
      }
      if (stopping) return running;
      log(`Web app on ${baseUrl} — sign in as ${DEMO_USER.email} / ${DEMO_USER.password}`);
    }
    return running;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function localDatabase(
  options: StackOptions,
  env: StartEnv,
  dataDir: string,
  log: (message: string) => void,
): Promise<Database> {
  const startedAt = Date.now();
  const db = await openLocalDatabase({ dataDir: join(dataDir, "pg"), port: env.MIXCAST_PG_PORT });
  if (db.embedded) {
    log(
      `${db.embedded.initialised ? "Created" : "Started"} embedded PostgreSQL in ${db.embedded.dataDir} ` +
        `on port ${db.embedded.port} (${Date.now() - startedAt} ms)`,
    );
  } else {
    log("Using the PostgreSQL server at DATABASE_URL");
  }
  let appUrl = db.url;
  if (!db.embedded) {
    if (env.APP_DATABASE_URL) {
      log("Web and worker connect with APP_DATABASE_URL");
      appUrl = env.APP_DATABASE_URL;
    } else if (options.web || options.worker) {
      log(
        "Web and worker connect with DATABASE_URL (set APP_DATABASE_URL to a non-owner role: docs/operations.md)",
      );
    }
  }
  return {
    ownerUrl: db.url,
    appUrl,
    embeddedDataDir: db.embedded?.dataDir,
    description: db.embedded ? redactSecrets(db.url) : "DATABASE_URL",
    stop: () => db.stop(),
  };
}

async function freshDatabase(log: (message: string) => void): Promise<Database> {
  const server = await startTestServer();
  const name = uniqueName("mixcast_e2e");
  try {
    await adminQuery(
      server.adminUrl,
      `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(server.template)}`,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  const url = databaseUrlOn(server.adminUrl, name);
  log(`Fresh migrated database ${name} (dropped on stop)`);
  return {
    ownerUrl: url,
    appUrl: url,
    embeddedDataDir: server.embedded?.dataDir,
    description: redactSecrets(url),
    async stop() {
      await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(
        () => {},
      );
      await server.stop();
    },
  };
}

/** The demo workspace, then the worker's hook that queues its first fit (idempotent). */
async function seed(
  ownerUrl: string,
  stdout: "inherit" | "stderr",
  track: (child: ChildProcess | undefined) => void,
  log: (message: string) => void,
): Promise<void> {
  const prisma = createPrismaClient(ownerUrl, { maxConnections: 2 });
  let seeded: SeedResult;
  try {
    seeded = await seedDemo(prisma);
  } finally {
    await prisma.$disconnect();
  }
  log(
    seeded.created
      ? 'Seeded the demo workspace "Demo Brand" (a national and a geo model)'
      : seeded.geo.created
        ? 'Demo workspace already present; added its geo model ("Geo social mix")'
        : "Demo workspace already present",
  );
  const code = await runToEnd(
    process.execPath,
    ["--import", "tsx", join(workerDir, "src", "seed-demo.ts")],
    {
      cwd: workerDir,
      env: { ...process.env, DATABASE_URL: ownerUrl, MIXCAST_SEED: JSON.stringify(seeded) },
      stdout,
    },
    track,
  );
  if (code !== 0)
    log(`apps/worker/src/seed-demo.ts exited with code ${code}; continuing without the demo runs`);
}
