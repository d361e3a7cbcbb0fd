// The database Mixcast uses on this machine: DATABASE_URL when set, otherwise the embedded
// PostgreSQL under <repo>/.mixcast/pg (started here, stopped by the caller).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from "./embedded.ts";
import { optionalDatabaseUrl } from "./env.ts";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const localDataDir = join(repoRoot, ".mixcast", "pg");
export const localDatabaseName = "mixcast";

export interface LocalDatabase {
  url: string;
  /** Set when the embedded server was started for this process. */
  embedded?: EmbeddedPostgresServer;
  stop(): Promise<void>;
}

export async function openLocalDatabase(
  options: { dataDir?: string; port?: number } = {},
): Promise<LocalDatabase> {
  const configured = optionalDatabaseUrl();
  if (configured) return { url: configured, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({
    dataDir: options.dataDir ?? localDataDir,
    port: options.port,
    // Stopped by us after web and worker (Ctrl-C in the terminal must not reach it first).
    ownProcessGroup: true,
  });
  const url = await embedded.ensureDatabase(localDatabaseName);
  return { url, embedded, stop: () => embedded.stop() };
}
