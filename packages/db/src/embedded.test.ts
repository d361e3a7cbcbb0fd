import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgresServer } from "./embedded.ts";

// As root, PostgreSQL runs as `postgres`, which must traverse the parent (mkdtemp makes it 0700).
const parent = mkdtempSync(join(tmpdir(), "mixcast-embedded-test-"));
chmodSync(parent, 0o755);
const dataDir = join(parent, "pg");
const servers: EmbeddedPostgresServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(parent, { recursive: true, force: true });
});

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("initialises on first start, keeps data across a restart, and stops cleanly", async () => {
    const first = await startEmbeddedPostgres({ dataDir, fast: true });
    servers.push(first);
    expect(first.initialised).toBe(true);
    expect(first.port).not.toBe(5432);
    expect(readFileSync(join(dataDir, "PG_VERSION"), "utf8").trim()).toBe("18");
    const url = await first.ensureDatabase("mixcast");
    expect(await first.ensureDatabase("mixcast")).toBe(url); // idempotent
    await sql(url, `CREATE TABLE kept (value integer); INSERT INTO kept VALUES (42)`);
    const version = await sql<{ server_version_num: string }>(url, "SHOW server_version_num");
    expect(Number(version[0]!.server_version_num)).toBeGreaterThanOrEqual(180000);
    await first.stop();
    expect(existsSync(join(dataDir, "postmaster.pid"))).toBe(false);
    await expect(sql(url, "SELECT 1")).rejects.toThrow();

    const second = await startEmbeddedPostgres({ dataDir, fast: true });
    servers.push(second);
    expect(second.initialised).toBe(false);
    const rows = await sql<{ value: number }>(second.urlFor("mixcast"), "SELECT value FROM kept");
    expect(rows).toEqual([{ value: 42 }]);

    // A second server on the same data directory is refused with a clear message.
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/already running on/);
    await second.stop();
    expect(existsSync(join(dataDir, "postmaster.pid"))).toBe(false);
  });

  it("picks another port when the preferred one is taken, and never 5432", async () => {
    const blocker = createServer();
    const taken = await new Promise<number>((done) =>
      blocker.listen(0, "127.0.0.1", () => done((blocker.address() as { port: number }).port)),
    );
    try {
      const port = await findFreePort(taken);
      expect(port).not.toBe(taken);
      expect(port).not.toBe(5432);
      expect(await findFreePort(5432)).not.toBe(5432);
    } finally {
      blocker.close();
    }
  });
});
