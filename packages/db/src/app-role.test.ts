// The app role (#11 item 6): as that role, the audit log cannot be changed or its protection
// switched off, while the app (Prisma) and pg-boss keep working.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionAppRole } from "./app-role.ts";
import { createBoss, enqueueFitRun } from "./jobs.ts";
import { createPrismaClient } from "./client.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let db: TestDatabase;
let appUrl: string;
const role = `mixcast_app_t${randomBytes(4).toString("hex")}`;
let app: pg.Client;

const denied = (sql: string) =>
  expect(app.query(sql)).rejects.toThrow(/permission denied|must be owner|must be superuser|append-only/);

beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "AuditEvent" (id, "actorKind", action) VALUES ('a1', 'system', 'test.event')`,
  );
  appUrl = await provisionAppRole(db.url, { role, password: randomBytes(12).toString("base64url") });
  app = new pg.Client({ connectionString: appUrl });
  await app.connect();
});

afterAll(async () => {
  await app?.end();
  // Roles are cluster-wide: remove this test's (its objects and grants first), then the database.
  const owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
  try {
    await owner.query(`REASSIGN OWNED BY "${role}" TO CURRENT_USER`);
    await owner.query(`DROP OWNED BY "${role}"`);
    await owner.query(`DROP ROLE IF EXISTS "${role}"`);
  } finally {
    await owner.end();
  }
  await db?.drop();
});

// Tables added by the weekly-refresh work (#16): API tokens and their rate limit, approvals, alert
// channels, alerts and deliveries, backtests. Named here so a rename or a dropped grant is noticed.
const REFRESH_TABLES = [
  "ApiToken",
  "ApiRateLimit",
  "RunApproval",
  "AlertChannel",
  "Alert",
  "AlertDelivery",
  "Backtest",
];
// Tables added for plans and reports (#18): share links and the forecast history of scenarios.
const PLANS_TABLES = ["ShareLink", "ScenarioForecast"];

async function publicTables(client: pg.Client): Promise<{ name: string }[]> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return rows;
}

/** "Table: PRIVILEGE" for every grant the app role lacks on the app's tables. */
async function missingGrants(client: pg.Client, roleName: string): Promise<string[]> {
  const expected: Record<string, string[]> = {
    AuditEvent: ["SELECT", "INSERT"],
    _prisma_migrations: ["SELECT"],
  };
  const missing: string[] = [];
  for (const { name } of await publicTables(client)) {
    for (const privilege of expected[name] ?? ["SELECT", "INSERT", "UPDATE", "DELETE"]) {
      const { rows } = await client.query<{ ok: boolean }>(
        "SELECT has_table_privilege($1, format('public.%I', $2::text), $3) AS ok",
        [roleName, name, privilege],
      );
      if (!rows[0]!.ok) missing.push(`${name}: ${privilege}`);
    }
  }
  return missing.sort();
}

describe("app database role", () => {
  it("is not a superuser and owns nothing in the app's schema", async () => {
    const me = await app.query(
      "SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = current_user",
    );
    expect(me.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false });
    const owned = await app.query(
      "SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)",
    );
    expect(owned.rows[0].n).toBe(0);
  });

  it("cannot change the audit log or switch its protection off", async () => {
    await denied("SET session_replication_role = replica");
    await denied(`DROP TRIGGER "AuditEvent_append_only" ON "AuditEvent"`);
    await denied(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
    await denied(`ALTER TABLE "AuditEvent" RENAME TO "AuditEvent_old"`);
    await denied(`UPDATE "AuditEvent" SET action = 'forged'`);
    await denied(`DELETE FROM "AuditEvent"`);
    await denied(`TRUNCATE "AuditEvent"`);
    await denied(`DROP TABLE "Run"`);
    await denied(`CREATE TABLE public.sneaky (id int)`);
    await denied(`DELETE FROM "_prisma_migrations"`);
    expect((await app.query(`SELECT action FROM "AuditEvent" WHERE id = 'a1'`)).rows).toEqual([
      { action: "test.event" },
    ]);
  });

  it("can do what the app does: read and write its tables, append audit events, run pg-boss", async () => {
    const prisma = createPrismaClient(appUrl, { maxConnections: 2 });
    try {
      const user = await prisma.user.create({
        data: { id: "u1", name: "App", email: "app@example.test", emailVerified: true },
      });
      await prisma.user.update({ where: { id: user.id }, data: { name: "App 2" } });
      await prisma.auditEvent.create({
        data: { actorId: user.id, actorKind: "user", action: "user.rename" },
      });
      const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.rename" } });
      expect(event.actorName).toBe("App 2");
      await prisma.user.delete({ where: { id: user.id } });
      // Chain jobs (apps/worker) write RunChain rows as the app role too.
      expect(
        await app.query(
          `SELECT has_table_privilege(current_user, '"RunChain"', 'SELECT, INSERT, UPDATE, DELETE') AS ok`,
        ),
      ).toMatchObject({ rows: [{ ok: true }] });
    } finally {
      await prisma.$disconnect();
    }
    // pg-boss creates its own schema as the app role, and queues a job.
    const boss = await createBoss({ connectionString: appUrl, role: "producer" });
    try {
      expect(await enqueueFitRun("run-1", { boss })).toBeTruthy();
    } finally {
      await boss.stop({ graceful: false });
    }
    const schemaOwner = await app.query(
      "SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'pgboss'",
    );
    expect(schemaOwner.rows[0].owner).toBe(role);
  });

  it("the run_chains migration grants the app role what chain jobs do with RunChain rows", async () => {
    const sql = readFileSync(
      new URL("../prisma/migrations/20261204133829_run_chains/migration.sql", import.meta.url),
      "utf8",
    );
    const grant = sql.slice(sql.indexOf("DO $$"));
    expect(grant).toMatch(/mixcast_app/);
    const bare = `${role}_bare`;
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    const privileges = async () =>
      (
        await owner.query<{ p: string }>(
          `SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE']) AS p
            WHERE has_table_privilege($1, '"RunChain"', p)`,
          [bare],
        )
      ).rows.map((r) => r.p);
    try {
      await owner.query(`CREATE ROLE "${bare}" NOLOGIN`);
      expect(await privileges()).toEqual([]);
      await owner.query(grant.replaceAll("mixcast_app", bare));
      expect(await privileges()).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
    } finally {
      await owner.query(`DROP OWNED BY "${bare}"`).catch(() => undefined);
      await owner.query(`DROP ROLE IF EXISTS "${bare}"`);
      await owner.end();
    }
  });

  it("has read/write grants on every app table, including the refresh tables (#16)", async () => {
    expect(await missingGrants(app, role)).toEqual([]);
    // The tables the weekly-refresh work added exist and are among those checked above.
    const tables = (await publicTables(app)).map((t) => t.name);
    for (const table of [...REFRESH_TABLES, ...PLANS_TABLES]) expect(tables).toContain(table);
    // ...and the check notices a missing grant (so the assertion above can fail).
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      await owner.query(`REVOKE DELETE ON "AlertDelivery" FROM "${role}"`);
      await owner.query(`REVOKE INSERT, UPDATE ON "ApiToken" FROM "${role}"`);
      expect(await missingGrants(app, role)).toEqual([
        "AlertDelivery: DELETE",
        "ApiToken: INSERT",
        "ApiToken: UPDATE",
      ]);
      await provisionAppRole(db.url, { role, password: randomBytes(12).toString("base64url") });
      expect(await missingGrants(app, role)).toEqual([]);
    } finally {
      await owner.end();
    }
  });

  it("provisioning again (after a migration) is idempotent and hands over a pgboss schema the owner created", async () => {
    const older = await createTestDatabase();
    try {
      // An install from before the app role: pg-boss ran as the owner and owns its schema.
      const ownerBoss = await createBoss({ connectionString: older.url, role: "producer" });
      await enqueueFitRun("run-0", { boss: ownerBoss });
      await ownerBoss.stop({ graceful: false });
      await provisionAppRole(older.url, { role, password: "first-password-1" });
      const url = await provisionAppRole(older.url, { role, password: "second-password-1" });
      const boss = await createBoss({ connectionString: url, role: "worker" });
      try {
        expect(await enqueueFitRun("run-2", { boss })).toBeTruthy();
      } finally {
        await boss.stop({ graceful: false });
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await expect(client.query(`UPDATE "AuditEvent" SET action = 'x'`)).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await client.end();
      }
    } finally {
      await older.drop();
    }
  });
});
