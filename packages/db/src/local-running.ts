// The local database for one-off operator commands: DATABASE_URL when set; otherwise the embedded
// PostgreSQL under .mixcast/pg — the one `pnpm start` is running (found through its
// postmaster.pid), or a server started for this command and stopped afterwards.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { optionalDatabaseUrl } from "./env.ts";
import { localDatabaseName, localDataDir, openLocalDatabase } from "./local.ts";

export interface ConnectedDatabase {
  url: string;
  /** Which server this is, for the operator (printed on stderr). */
  note?: string;
  stop(): Promise<void>;
}

/** Port of a live postmaster on `dataDir` (line 4 of postmaster.pid), or undefined. */
export function runningEmbeddedPort(dataDir: string): number | undefined {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number.parseInt(lines[0] ?? "", 10);
  const port = Number.parseInt(lines[3] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return port;
}

export async function connectLocalDatabase(
  options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ConnectedDatabase> {
  const configured = optionalDatabaseUrl(options.env ?? process.env);
  if (configured) return { url: configured, stop: async () => {} };
  const dataDir = options.dataDir ?? localDataDir;
  const port = runningEmbeddedPort(dataDir);
  if (port !== undefined) {
    // The embedded server's superuser (see embedded.ts), reachable only on 127.0.0.1.
    return {
      url: `postgresql://postgres:postgres@127.0.0.1:${port}/${localDatabaseName}`,
      note: `Using the running embedded PostgreSQL in ${dataDir} (port ${port}).`,
      stop: async () => {},
    };
  }
  if (!existsSync(join(dataDir, "PG_VERSION")))
    throw new Error(
      `No database yet: ${dataDir} does not exist. Run \`pnpm start\` once (or set DATABASE_URL).`,
    );
  const db = await openLocalDatabase({ dataDir });
  return { url: db.url, note: `Using the embedded PostgreSQL in ${dataDir}.`, stop: () => db.stop() };
}
