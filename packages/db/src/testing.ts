// Database test helper: every test file gets its own freshly migrated database, so files can
// run in parallel. Needs the globalSetup in testing-setup.ts (falls back to starting a server per
// worker process when a project lacks it).
//
//   const db = await createTestDatabase();      // in beforeAll
//   await db.prisma.user.create({ ... });
//   await db.drop();                            // in afterAll
import { inject } from "vitest";
import { createPrismaClient, type PrismaClient } from "./client.ts";
import {
  adminQuery,
  databaseUrl,
  quoteIdent,
  startTestServer,
  uniqueName,
  type TestServerInfo,
} from "./testing-server.ts";

export interface TestDatabase {
  /** postgresql:// URL of this file's database. */
  url: string;
  /** Database name. */
  name: string;
  /** A client for `url` (closed by `drop()`). */
  prisma: PrismaClient;
  /** Disconnects the client and drops the database. */
  drop(): Promise<void>;
}

export interface EmptyTestDatabase {
  url: string;
  name: string;
  /** Server URL from which CREATE/DROP DATABASE can be issued. */
  adminUrl: string;
  drop(): Promise<void>;
}

let fallbackServer: Promise<TestServerInfo> | undefined;

async function testServer(): Promise<TestServerInfo> {
  const provided = inject("mixcastTestServer");
  if (provided) return provided;
  fallbackServer ??= startTestServer();
  return fallbackServer;
}

async function createFromTemplate(info: TestServerInfo, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(
        info.adminUrl,
        `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(info.template)}`,
      );
      return;
    } catch (error) {
      // 55006: "source database is being accessed by other users" (another file copying it now).
      const code = (error as { code?: string }).code;
      if (code !== "55006" || attempt >= 50) throw error;
      await new Promise((done) => setTimeout(done, 50 + Math.random() * 100));
    }
  }
}

/** A new database with every migration applied, and a Prisma client for it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const info = await testServer();
  const name = uniqueName("mixcast_test");
  await createFromTemplate(info, name);
  const url = databaseUrl(info.adminUrl, name);
  const prisma = createPrismaClient(url, { maxConnections: 5 });
  let dropped = false;
  return {
    url,
    name,
    prisma,
    async drop() {
      if (dropped) return;
      dropped = true;
      await prisma.$disconnect();
      await adminQuery(info.adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

/** A new, empty database (no migrations) on the test server, e.g. for migrator tests. */
export async function createEmptyTestDatabase(): Promise<EmptyTestDatabase> {
  const info = await testServer();
  const name = uniqueName("mixcast_empty");
  await adminQuery(info.adminUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  return {
    url: databaseUrl(info.adminUrl, name),
    name,
    adminUrl: info.adminUrl,
    drop: () => adminQuery(info.adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  };
}
