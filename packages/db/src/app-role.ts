// The role web and worker connect as: not a superuser, owner of nothing in the app's schema, so
// it cannot switch off triggers (session_replication_role), drop or rename tables, or change
// the audit log. Migrations keep running as the owner (the URL given to `pnpm db:migrate`).
//
// Grants: SELECT/INSERT/UPDATE/DELETE on the app's tables, except AuditEvent (SELECT/INSERT
// only) and _prisma_migrations (SELECT); CREATE on the database so pg-boss can create and own
// its own schema `pgboss` (an existing one is handed over). Run it again after every migration
// (`pnpm start` does), so new tables get their grants.
import pg from "pg";

export const DEFAULT_APP_ROLE = "mixcast_app";

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

export interface AppRoleOptions {
  role?: string;
  /** Set (or reset) as the role's login password. */
  password: string;
}

/** Creates or updates the app role on the database at `ownerUrl`; returns the role's URL. */
export async function provisionAppRole(ownerUrl: string, options: AppRoleOptions): Promise<string> {
  const role = options.role ?? DEFAULT_APP_ROLE;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role))
    throw new Error(`app role name "${role}" is not a plain identifier`);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ db: string; me: string }>(
      "SELECT current_database() AS db, current_user AS me",
    );
    const { db, me } = rows[0]!;
    if (me === role) throw new Error(`provisionAppRole must run as the owner, not as ${role}`);
    const attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT";
    const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    await client.query(
      `${exists.rowCount ? "ALTER" : "CREATE"} ROLE ${ident(role)} ${attributes} PASSWORD ${literal(options.password)}`,
    );
    await client.query("BEGIN");
    await client.query(`GRANT CONNECT, TEMPORARY, CREATE ON DATABASE ${ident(db)} TO ${ident(role)}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${ident(role)}`);
    // PostgreSQL < 15 lets every role create objects in public; the app must not.
    await client.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    await client.query(`REVOKE CREATE ON SCHEMA public FROM ${ident(role)}`);
    await client.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${ident(role)}`,
    );
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ident(role)}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON "AuditEvent" FROM ${ident(role)}`);
    await client.query(`REVOKE ALL ON "_prisma_migrations" FROM ${ident(role)}`);
    await client.query(`GRANT SELECT ON "_prisma_migrations" TO ${ident(role)}`);
    // pg-boss's schema belongs to the app role (pg-boss creates and migrates it at start).
    const boss = await client.query<{ owner: string }>(
      "SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'pgboss'",
    );
    if (boss.rowCount && boss.rows[0]!.owner !== role) {
      await client.query(`ALTER SCHEMA pgboss OWNER TO ${ident(role)}`);
      await client.query(`
        DO $$
        DECLARE r record;
        BEGIN
          FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'pgboss' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                     AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
          LOOP
            EXECUTE format('ALTER %s pgboss.%I OWNER TO ${role}',
              CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              r.relname);
          END LOOP;
          FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'pgboss'
          LOOP
            EXECUTE format('ALTER ROUTINE %s OWNER TO ${role}', r.sig);
          END LOOP;
          FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = 'pgboss' AND t.typtype = 'e'
          LOOP
            EXECUTE format('ALTER TYPE pgboss.%I OWNER TO ${role}', r.typname);
          END LOOP;
        END $$`);
    }
    await client.query("COMMIT");
    const url = new URL(ownerUrl);
    url.username = encodeURIComponent(role);
    url.password = encodeURIComponent(options.password);
    return url.toString();
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
