// The launcher's switches. Every choice comes from an argument (or its documented environment
// default, e.g. PORT), never from whether some file exists.
import { resolve } from "node:path";

export interface StackOptions {
  /** `next dev` instead of a production build + `next start`. */
  dev: boolean;
  web: boolean;
  worker: boolean;
  /** Prepare the database (migrate, seed, app role), print the login and exit. */
  dbOnly: boolean;
  /** Web port; "auto" = the first free port from 3200. Default: PORT, else 3000. */
  port: number | "auto" | undefined;
  /** Address `next` listens on (`-H`); default: every interface. */
  host: string | undefined;
  /** Mixcast's local state: embedded PostgreSQL in <dataDir>/pg, the generated auth secret, the
   *  app role's password. Default <repo>/.mixcast. */
  dataDir: string | undefined;
  /** A fresh migrated database on a throwaway server (TEST_DATABASE_URL's, else a temporary
   *  embedded PostgreSQL), dropped on stop: end-to-end tests and benchmarks. */
  freshDb: boolean;
  /** Seed the demo workspace and queue its first fit. */
  seed: boolean;
  /** Next's build directory (relative to apps/web); default .next. */
  distDir: string | undefined;
  /** Run `next build` even when the build looks fresh. */
  rebuild: boolean;
  /** Worker settings for tests: 1 fit thread, fast polling, no scheduler. */
  quickWorker: boolean;
  /** Print `READY {"baseUrl","databaseUrl"}` on stdout when up; children's output goes to stderr. */
  readyLine: boolean;
  /** Restart policy for web and worker (see supervisor.ts). */
  restart: { initialDelayMs: number; maxDelayMs: number; stableMs: number; maxFastCrashes: number };
}

export const DEFAULT_RESTART = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableMs: 30_000,
  maxFastCrashes: 5,
};

export const USAGE = `Usage: pnpm start [options]      (pnpm dev = pnpm start --dev)

  --dev                 next dev (hot reload) instead of a production build
  --no-web              do not start the web app
  --no-worker           do not start the worker
  --db-only             prepare the database (migrate, seed, app role), print the login, exit
  --port <n|auto>       web port (default: PORT, else 3000; auto = first free from 3200)
  --host <address>      address the web app listens on (default: all)
  --data-dir <dir>      local state: embedded PostgreSQL in <dir>/pg, secrets (default ./.mixcast)
  --fresh-db            a fresh migrated throwaway database, dropped on stop (tests, benchmarks)
  --no-seed             do not seed the demo workspace
  --dist-dir <dir>      Next.js build directory under apps/web (default .next)
  --rebuild             run next build even when the build is up to date
  --quick-worker        worker settings for tests (1 fit thread, fast polling, no scheduler)
  --ready-line          print READY {json} on stdout when up; process output goes to stderr
  --e2e                 = --fresh-db --no-seed --port auto --host 127.0.0.1 --dist-dir .next-e2e
                          --quick-worker --ready-line   (the end-to-end tests and benchmarks)
  --restart-delay <ms>  first restart delay of a crashed web/worker (doubles, max 30 s; default 1000)
  --max-crashes <n>     give up after n crashes in a row within 30 s of starting (default 5)
`;

const E2E = [
  "--fresh-db",
  "--no-seed",
  "--port=auto",
  "--host=127.0.0.1",
  "--dist-dir=.next-e2e",
  "--quick-worker",
  "--ready-line",
];

export class UsageError extends Error {}

function positiveInt(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number >= ${min}`);
  return n;
}

export function parseArgs(argv: readonly string[]): StackOptions {
  const options: StackOptions = {
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
    restart: { ...DEFAULT_RESTART },
  };
  const queue = [...argv];
  while (queue.length > 0) {
    const raw = queue.shift()!;
    const eq = raw.indexOf("=");
    const flag = raw.startsWith("--") && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith("--") && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = () => {
      const v = inline ?? queue.shift();
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--dev":
        options.dev = true;
        break;
      case "--no-web":
        options.web = false;
        break;
      case "--no-worker":
        options.worker = false;
        break;
      case "--db-only":
        options.dbOnly = true;
        break;
      case "--port": {
        const v = value();
        options.port = v === "auto" ? "auto" : positiveInt("--port", v, 1);
        if (typeof options.port === "number" && options.port > 65535)
          throw new UsageError("--port must be between 1 and 65535");
        break;
      }
      case "--host":
        options.host = value();
        break;
      case "--data-dir":
        options.dataDir = resolve(value());
        break;
      case "--fresh-db":
        options.freshDb = true;
        break;
      case "--no-seed":
        options.seed = false;
        break;
      case "--dist-dir":
        options.distDir = value();
        break;
      case "--rebuild":
        options.rebuild = true;
        break;
      case "--quick-worker":
        options.quickWorker = true;
        break;
      case "--ready-line":
        options.readyLine = true;
        break;
      case "--e2e":
        queue.unshift(...E2E);
        break;
      case "--restart-delay":
        options.restart.initialDelayMs = positiveInt("--restart-delay", value(), 0);
        break;
      case "--max-crashes":
        options.restart.maxFastCrashes = positiveInt("--max-crashes", value(), 1);
        break;
      case "--help":
      case "-h":
        throw new UsageError("");
      default:
        throw new UsageError(`unknown argument ${raw}`);
    }
  }
  if (options.dev && options.distDir !== undefined)
    throw new UsageError("--dist-dir is for production builds; next dev keeps its own");
  if (options.freshDb && options.dataDir !== undefined)
    throw new UsageError("--fresh-db and --data-dir exclude each other");
  return options;
}
