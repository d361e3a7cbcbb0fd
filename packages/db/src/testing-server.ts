// The PostgreSQL server that database tests run against, and the migrated template database that
// each test file's database is copied from. Used by the vitest globalSetup (testing-setup.ts) and,
// when a project has no globalSetup, lazily by testing.ts itself.
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgresServer } from "./embedded.ts";
import { testDatabaseUrl } from "./env.ts";
import { migrateDatabase } from "./migrate.ts";

export interface TestServerInfo {
  /** URL of a database on the server from which CREATE/DROP DATABASE can be issued. */
  adminUrl: string;
  /** Migrated template database; test databases are created from it. */
  template: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    mixcastTestServer: TestServerInfo;
  }
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const uniqueName = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;

export interface RunningTestServer extends TestServerInfo {
  embedded?: EmbeddedPostgresServer;
  stop(): Promise<void>;
}

/**
 * TEST_DATABASE_URL's server when set, otherwise a throwaway embedded PostgreSQL; plus a freshly
 * migrated template database. `stop()` drops the template and stops the embedded server.
 */
export async function startTestServer(): Promise<RunningTestServer> {
  let adminUrl = testDatabaseUrl();
  let embedded: EmbeddedPostgresServer | undefined;
  if (!adminUrl) {
    // As root, PostgreSQL runs as `postgres`, which must traverse the parent (mkdtemp makes 0700).
    const parent = mkdtempSync(join(tmpdir(), "mixcast-test-pg-"));
    chmodSync(parent, 0o755);
    // Any free port: 54329 is left to the zero-setup server of `pnpm start`.
    embedded = await startEmbeddedPostgres({
      dataDir: join(parent, "data"),
      port: await findFreePort(),
      ephemeral: true,
      fast: true,
    });
    adminUrl = embedded.url;
  }
  const template = uniqueName("mixcast_template");
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(template)}`);
  try {
    await migrateDatabase(databaseUrl(adminUrl, template));
  } catch (error) {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(template)} WITH (FORCE)`).catch(
      () => {},
    );
    await embedded?.stop();
    throw error;
  }
  const admin = adminUrl;
  return {
    adminUrl: admin,
    template,
    embedded,
    async stop() {
      await adminQuery(admin, `DROP DATABASE IF EXISTS ${quoteIdent(template)} WITH (FORCE)`).catch(() => {});
      await embedded?.stop();
    },
  };
}
