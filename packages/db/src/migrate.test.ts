import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMigration,
  diagnoseMigrations,
  diffMigrationsToSchema,
  MigrationRefusedError,
  migrateDatabase,
  migrationsDir,
  schemaPath,
} from "./migrate.ts";
import { createEmptyTestDatabase, type EmptyTestDatabase } from "./testing.ts";

const created: EmptyTestDatabase[] = [];
async function emptyDatabase(): Promise<string> {
  const db = await createEmptyTestDatabase();
  created.push(db);
  return db.url;
}
afterAll(async () => {
  await Promise.all(created.map((db) => db.drop()));
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function copyOfMigrations(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "mixcast-migrations-")), "migrations");
  cpSync(migrationsDir, dir, { recursive: true });
  return dir;
}

const checkedIn = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("schema.prisma and the checked-in migrations", () => {
  it("do not drift apart (the engine's diff from migrations to schema is empty)", async () => {
    const url = await emptyDatabase();
    expect(await diffMigrationsToSchema(url)).toBe("");
  });

  it("the drift check notices a schema change that has no migration", async () => {
    const url = await emptyDatabase();
    const dir = mkdtempSync(join(tmpdir(), "mixcast-schema-"));
    const changed = join(dir, "schema.prisma");
    writeFileSync(
      changed,
      readFileSync(schemaPath, "utf8").replace("model Campaign {", "model Campaign {\n  color String?"),
    );
    const diff = await diffMigrationsToSchema(url, { schemaPath: changed });
    expect(diff).toMatch(/ALTER TABLE "Campaign" ADD COLUMN\s+"color" TEXT/);
  });
});

describe("migrateDatabase (deploy)", () => {
  let url: string;
  beforeAll(async () => {
    url = await emptyDatabase();
  });

  it("applies every migration once and records Prisma's bookkeeping", async () => {
    const first = await migrateDatabase(url);
    expect(first.applied).toEqual(checkedIn);
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(
      url,
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(checkedIn);
    for (const row of rows) {
      const sql = readFileSync(join(migrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    const second = await migrateDatabase(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(checkedIn.length);
  });
});

describe("deploy on databases migrated before the refresh migrations landed (#16)", () => {
  // 20261204092846_invitation_token_audit_actor_name landed on main between the api_tokens and
  // approvals migrations of the weekly-refresh branch, so a database may have any subset of the
  // three applied, in either order. Deploy must complete each to the same schema.
  const refresh = [
    "20261204091012_api_tokens",
    "20261204092846_invitation_token_audit_actor_name",
    "20261204101000_approvals_stability_alerts",
  ];
  // Migrations that landed after the three are not on such a database either.
  const later = checkedIn.filter((name) => name > refresh[2]!);
  function migrationsWithout(names: string[]): string {
    const dir = copyOfMigrations();
    for (const name of [...names, ...later]) rmSync(join(dir, name), { recursive: true });
    return dir;
  }
  const cases: [string, string[]][] = [
    ["before all three", refresh],
    ["with api tokens and approvals but not the invitation migration", [refresh[1]!]],
    ["with the invitation migration but not api tokens / approvals", [refresh[0]!, refresh[2]!]],
  ];

  it("the three are checked in", () => {
    for (const name of refresh) expect(checkedIn).toContain(name);
  });

  it.each(cases)("completes a database migrated %s", async (_label, missing) => {
    const url = await emptyDatabase();
    const earlier = await migrateDatabase(url, { migrationsDir: migrationsWithout(missing) });
    expect(earlier.applied).toHaveLength(checkedIn.length - missing.length - later.length);
    // An audit event and an invitation from before (the invitation migration back-fills names).
    await query(
      url,
      `INSERT INTO "User" (id, name, email, "emailVerified", "createdAt", "updatedAt") VALUES ('u1', 'Ada', 'ada@example.test', true, now(), now());
       INSERT INTO "AuditEvent" (id, "actorId", "actorKind", action) VALUES ('e1', 'u1', 'user', 'test.before')`,
    );
    const result = await migrateDatabase(url);
    expect(result.applied).toEqual([...missing, ...later]);
    const diagnosis = await diagnoseMigrations(url);
    expect(diagnosis.failedMigrationNames).toEqual([]);
    expect(diagnosis.editedMigrationNames).toEqual([]);
    // The resulting schema is the one schema.prisma describes: the new tables and columns exist.
    const columns = await query<{ table_name: string; column_name: string }>(
      url,
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE (table_name, column_name) IN (('ApiToken', 'tokenHash'), ('AuditEvent', 'actorName'),
         ('Invitation', 'tokenHash'), ('AlertDelivery', 'status'), ('Model', 'approvedRunId'))
       ORDER BY 1, 2`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual([
      "AlertDelivery.status",
      "ApiToken.tokenHash",
      "AuditEvent.actorName",
      "Invitation.tokenHash",
      "Model.approvedRunId",
    ]);
    const events = await query<{ actorName: string | null }>(
      url,
      `SELECT "actorName" FROM "AuditEvent" WHERE id = 'e1'`,
    );
    expect(events).toEqual([{ actorName: "Ada" }]);
    // The api_token actor kind works after deploy, whatever the order.
    await query(url, `INSERT INTO "AuditEvent" (id, "actorKind", action) VALUES ('e2', 'api_token', 'x')`);
    expect((await migrateDatabase(url)).applied).toEqual([]);
    // `pnpm db:migration` on such a development database does not ask for a reset either.
    expect(await createMigration(url, "noop", { migrationsDir: copyOfMigrations() })).toEqual({});
  });
});

describe("deploy refuses a damaged history", () => {
  it("refuses when an applied migration was edited, naming it", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await migrateDatabase(url, { migrationsDir: dir });
    const edited = checkedIn[0]!;
    appendFileSync(join(dir, edited, "migration.sql"), "\n-- an innocent-looking edit\n");
    const attempt = migrateDatabase(url, { migrationsDir: dir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationRefusedError);
    await expect(attempt).rejects.toThrow(new RegExp(`${edited}.*edited after being applied`));
  });

  it("rolls back a failing migration as a whole and then refuses until it is resolved", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    const broken = "20991231000000_broken";
    mkdirSync(join(dir, broken));
    writeFileSync(
      join(dir, broken, "migration.sql"),
      `CREATE TABLE "HalfDone" ("id" INTEGER);\n-- the next statement fails; a ; in a comment must not split it\nSELECT 1 / 0;\n`,
    );
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/division by zero/);

    // The earlier migrations were applied, the broken one is recorded as failed, and its first
    // statement was rolled back with it (the script ran as one transaction).
    const rows = await query<{ migration_name: string; finished_at: Date | null }>(
      url,
      `SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => [r.migration_name, r.finished_at !== null])).toEqual([
      ...checkedIn.map((name) => [name, true]),
      [broken, false],
    ]);
    const tables = await query<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'HalfDone'`,
    );
    expect(tables[0]!.n).toBe(0);

    const again = migrateDatabase(url, { migrationsDir: dir });
    await expect(again).rejects.toBeInstanceOf(MigrationRefusedError);
    await expect(again).rejects.toThrow(new RegExp(`${broken} failed`));
  });
});

describe("createMigration (pnpm db:migration)", () => {
  it("writes nothing when the schema matches, and a new migration for a schema change", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    expect(await createMigration(url, "noop", { migrationsDir: dir })).toEqual({});

    const schemaDir = mkdtempSync(join(tmpdir(), "mixcast-schema-"));
    const changed = join(schemaDir, "schema.prisma");
    writeFileSync(
      changed,
      readFileSync(schemaPath, "utf8").replace("model Campaign {", "model Campaign {\n  color String?"),
    );
    const result = await createMigration(url, "campaign_color", { migrationsDir: dir, schemaPath: changed });
    expect(result.name).toMatch(/^\d{14}_campaign_color$/);
    expect(readFileSync(join(dir, result.name!, "migration.sql"), "utf8")).toMatch(
      /ALTER TABLE "Campaign" ADD COLUMN\s+"color" TEXT/,
    );
    // ...and it was applied to the development database.
    const columns = await query<{ column_name: string }>(
      url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Campaign' AND column_name = 'color'`,
    );
    expect(columns).toHaveLength(1);
  });
});
