// Prisma migrations without Prisma's native engine (it cannot be downloaded here): we drive the
// WebAssembly build of Prisma's schema engine that the `prisma` package ships, with the JS glue of
// @prisma/schema-engine-wasm and a pg driver adapter. The engine itself writes `_prisma_migrations`
// (checksums, timestamps, advisory lock), so `prisma migrate deploy|status` on a machine with the
// native engine sees the same history. Workarounds for @prisma/adapter-pg under the engine are
// marked "pitfall N" (docs/operations.md lists them).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import type {
  DiagnoseMigrationHistoryOutput,
  MigrationList,
  SchemaEngine,
  SchemaFilter,
} from "@prisma/schema-engine-wasm";
import type * as SchemaEngineGlue from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const schemaPath = join(packageRoot, "prisma", "schema.prisma");
export const migrationsDir = join(packageRoot, "prisma", "migrations");

const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };

/** A migration problem that must stop deploy; the message says what to do. */
export class MigrationRefusedError extends Error {
  constructor(
    message: string,
    readonly diagnosis: DiagnoseMigrationHistoryOutput,
  ) {
    super(message);
    this.name = "MigrationRefusedError";
  }
}

// ---------------------------------------------------------------------------------------------
// Engine loading

type WasmExports = Record<string, unknown>;
type GlueModule = typeof SchemaEngineGlue & {
  __wbg_set_wasm(exports: WasmExports): void;
};
// lib "ES2023" has no WebAssembly declarations; Node provides the global.
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: WasmExports } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// One wasm instance per process, kept on globalThis: the glue module is a Node-level singleton,
// and a second instantiation (e.g. another vitest project's globalSetup loading this file as a
// separate module instance) would swap the memory under a running engine.
const engineState = globalThis as unknown as {
  __mixcastSchemaEngine?: Promise<typeof SchemaEngine>;
  __mixcastSchemaEnginePanic?: string;
};

function wasmPath(): string {
  const require = createRequire(import.meta.url);
  // The wasm that ships with the prisma CLI matches the adapter/client version we use; the glue
  // package's own build is a fallback (its imports and exports are identical).
  const fromCli = join(dirname(require.resolve("prisma/package.json")), "build", "schema_engine_bg.wasm");
  if (existsSync(fromCli)) return fromCli;
  return join(
    dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
    "schema_engine_bg.wasm",
  );
}

async function loadEngine(): Promise<typeof SchemaEngine> {
  engineState.__mixcastSchemaEngine ??= (async () => {
    // Pitfall 5: without a panic registry, engine panics surface as "reading 'set_message'".
    const g = globalThis as unknown as {
      PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void };
    };
    g.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        engineState.__mixcastSchemaEnginePanic = message;
      },
    };
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as GlueModule;
    // Pitfall 4: the engine arms a ~10 s lock-timeout timer per operation and never clears it,
    // which keeps a finished process alive; unref'd timers still fire while there is other work.
    const imports: Record<string, unknown> = { ...glue };
    for (const [name, fn] of Object.entries(glue)) {
      if (name.startsWith("__wbg_setTimeout") && typeof fn === "function") {
        imports[name] = (...args: unknown[]) => {
          const timer = (fn as (...a: unknown[]) => unknown)(...args);
          (timer as { unref?: () => void } | undefined)?.unref?.();
          return timer;
        };
      }
    }
    const { instance } = await wasmApi.instantiate(readFileSync(wasmPath()), {
      "./schema_engine_bg.js": imports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return engineState.__mixcastSchemaEngine;
}

// ---------------------------------------------------------------------------------------------
// Driver adapter for the engine

const PG_CHAR_OID = 18;

/**
 * Pitfall 2: adapter-pg cannot map Postgres' internal `"char"` type (e.g. pg_constraint.contype);
 * report it as text to the adapter, then tell the engine it is a Character column.
 */
function patchQueryable<T extends { queryRaw(q: SqlQuery): Promise<SqlResultSet> }>(queryable: T): T {
  const target = queryable as unknown as {
    performIO(q: SqlQuery): Promise<pg.QueryResult>;
    pgOptions: unknown;
    // Called below with a `this` of our own (an adapter whose performIO returns a patched result).
    queryRaw: (
      this: { performIO(q: SqlQuery): Promise<pg.QueryResult>; pgOptions: unknown },
      q: SqlQuery,
    ) => Promise<SqlResultSet>;
  };
  const originalQueryRaw = target.queryRaw;
  const performIO = target.performIO.bind(target);
  target.queryRaw = async (query: SqlQuery) => {
    const result = await performIO(query);
    const charColumns: number[] = [];
    result.fields.forEach((field, index) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        charColumns.push(index);
        field.dataTypeID = 25; // text
      }
    });
    const mapped = await originalQueryRaw.call(
      { performIO: () => Promise.resolve(result), pgOptions: target.pgOptions },
      query,
    );
    for (const index of charColumns) mapped.columnTypes[index] = ColumnTypeEnum.Character;
    return mapped;
  };
  return queryable;
}

/**
 * Pitfall 3: adapter-pg splits scripts on every `;` (breaking `$$` bodies and comments, and making
 * a failing migration half-applied). One simple-protocol query runs the whole script atomically.
 */
function patchAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  patchQueryable(adapter);
  const inner = adapter as unknown as { client: pg.Pool; onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await inner.client.query(script);
    } catch (error) {
      inner.onError(error);
    }
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) =>
    patchQueryable<Transaction>(await startTransaction(isolationLevel));
  return adapter;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** Makes `dispose` idempotent and remembers the adapter so the session can close it. */
function tracked(adapter: SqlDriverAdapter, open: Set<SqlDriverAdapter>): SqlDriverAdapter {
  const dispose = adapter.dispose.bind(adapter);
  let disposed: Promise<void> | undefined;
  adapter.dispose = () => {
    open.delete(adapter);
    disposed ??= dispose();
    return disposed;
  };
  open.add(adapter);
  return adapter;
}

/**
 * Pitfalls 1 and 4: one connection per pool (the engine holds a session advisory lock), and a
 * shadow database that is dropped only after its own pool has been closed. The engine does not
 * dispose its main connection when freed, so every adapter is tracked and closed by withEngine.
 */
function migrationAdapterFactory(
  url: string,
  open: Set<SqlDriverAdapter>,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async connect() {
      return tracked(patchAdapter(await new PrismaPg({ connectionString: url, max: 1 }).connect()), open);
    },
    async connectToShadowDb() {
      const shadow = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
      await runOnMaintenanceDb(url, `CREATE DATABASE "${shadow}"`);
      const adapter = patchAdapter(
        await new PrismaPg({ connectionString: withDatabase(url, shadow), max: 1 }).connect(),
      );
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await runOnMaintenanceDb(url, `DROP DATABASE IF EXISTS "${shadow}" WITH (FORCE)`);
      };
      return tracked(adapter, open);
    },
  };
}

/** Runs one statement outside any transaction, connected to the server's `postgres` database. */
export async function runOnMaintenanceDb(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Migration files

export function loadMigrationsList(dir: string = migrationsDir): MigrationList {
  const entries = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => statSync(join(dir, name)).isDirectory())
        .sort()
    : [];
  const lockPath = join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: entries.map((name) => {
      const file = join(dir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: existsSync(file)
            ? { tag: "ok" as const, value: readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `${file} is missing` },
        },
      };
    }),
  };
}

const lockfileContent = `# Please do not edit this file manually
# It should be added in your version-control system (e.g., Git)
provider = "postgresql"
`;

// ---------------------------------------------------------------------------------------------
// Engine sessions

export interface EngineOptions {
  /** Prisma schema file (default: packages/db/prisma/schema.prisma). */
  schemaPath?: string;
  /** Log engine messages to stderr. */
  verbose?: boolean;
}

async function withEngine<T>(
  url: string,
  options: EngineOptions,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const Engine = await loadEngine();
  const path = options.schemaPath ?? schemaPath;
  const open = new Set<SqlDriverAdapter>();
  const factory = bindMigrationAwareSqlAdapterFactory(migrationAdapterFactory(url, open));
  engineState.__mixcastSchemaEnginePanic = undefined;
  const engine = await Engine.new(
    { datamodels: [[path, readFileSync(path, "utf8")]] },
    (message: string) => {
      if (options.verbose) process.stderr.write(`[schema-engine] ${message}\n`);
    },
    factory,
  );
  try {
    return await work(engine);
  } catch (error) {
    throw engineError(error);
  } finally {
    engine.free();
    await Promise.all([...open].map((adapter) => adapter.dispose().catch(() => {})));
  }
}

function engineError(error: unknown): Error {
  const panic = engineState.__mixcastSchemaEnginePanic;
  if (panic) return new Error(`Prisma schema engine panicked: ${panic}`);
  if (error instanceof Error) return error;
  if (typeof error === "object" && error !== null && "message" in error) {
    return new Error(String(error.message));
  }
  return new Error(String(error));
}

function describeRefusal(diagnosis: DiagnoseMigrationHistoryOutput): string | undefined {
  const lines: string[] = [];
  if (diagnosis.failedMigrationNames.length > 0) {
    lines.push(
      `Migration(s) ${diagnosis.failedMigrationNames.join(", ")} failed on this database and were not completed.`,
      "Fix the database by hand (the failed script ran in one transaction and was rolled back unless it",
      "contained explicit transaction control), then mark it rolled back with",
      "`prisma migrate resolve --rolled-back <name>` (or delete its row from _prisma_migrations) and deploy again.",
    );
  }
  if (diagnosis.editedMigrationNames.length > 0) {
    lines.push(
      `Migration(s) ${diagnosis.editedMigrationNames.join(", ")} were edited after being applied to this database`,
      "(the checksum in _prisma_migrations no longer matches migration.sql). Migrations must never be edited",
      "once applied: restore the original file and put the change in a new migration (`pnpm db:migration <name>`).",
    );
  }
  return lines.length > 0 ? `Refusing to migrate:\n${lines.join("\n")}` : undefined;
}

export interface MigrateResult {
  applied: string[];
  /** Names of migrations that were already applied before this call. */
  alreadyApplied: number;
}

/**
 * `migrate deploy`: applies pending migrations. Refuses (MigrationRefusedError) when an applied
 * migration was edited or a migration is in a failed state.
 */
export async function migrateDatabase(
  url: string,
  options: EngineOptions & { migrationsDir?: string } = {},
): Promise<MigrateResult> {
  const migrationsList = loadMigrationsList(options.migrationsDir ?? migrationsDir);
  return withEngine(url, options, async (engine) => {
    const diagnosis = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: noFilter,
    });
    const refusal = describeRefusal(diagnosis);
    if (refusal) throw new MigrationRefusedError(refusal, diagnosis);
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilter });
    return {
      applied: appliedMigrationNames,
      alreadyApplied: migrationsList.migrationDirectories.length - appliedMigrationNames.length,
    };
  }).catch((error: unknown) => {
    if (error instanceof MigrationRefusedError) throw error;
    throw explainApplyError(error);
  });
}

function explainApplyError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new Error(`Migration failed: ${message}`);
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}

/** The engine's history diagnosis (no shadow database). */
export async function diagnoseMigrations(
  url: string,
  options: EngineOptions & { migrationsDir?: string } = {},
) {
  const migrationsList = loadMigrationsList(options.migrationsDir ?? migrationsDir);
  return withEngine(url, options, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: noFilter }),
  );
}

/**
 * SQL that would take a database built from the migrations to schema.prisma; "" when they agree.
 * Needs a server where a shadow database may be created (`url` names any database on it).
 */
export async function diffMigrationsToSchema(
  url: string,
  options: EngineOptions & { migrationsDir?: string } = {},
): Promise<string> {
  const migrationsList = loadMigrationsList(options.migrationsDir ?? migrationsDir);
  const path = options.schemaPath ?? schemaPath;
  return withEngine(url, options, async (engine) => {
    const result = await engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [{ path, content: readFileSync(path, "utf8") }] },
      script: true,
      exitCode: null,
      filters: noFilter,
    });
    const script = (result.stdout ?? "").trim();
    return script === "-- This is an empty migration." ? "" : script;
  });
}

export interface CreateMigrationResult {
  /** Directory name, e.g. 20261124053000_add_runs; undefined when the schema has no changes. */
  name?: string;
  path?: string;
  script?: string;
}

/**
 * `migrate dev --create-only` + apply: writes prisma/migrations/<timestamp>_<name>/migration.sql for
 * the difference between the migrations and schema.prisma (computed on a shadow database), then
 * applies it to `url`. Refuses when the database at `url` has drifted from the migrations.
 */
export async function createMigration(
  url: string,
  name: string,
  options: EngineOptions & { migrationsDir?: string; apply?: boolean } = {},
): Promise<CreateMigrationResult> {
  const dir = options.migrationsDir ?? migrationsDir;
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, "migration_lock.toml");
  if (!existsSync(lockPath)) writeFileSync(lockPath, lockfileContent);
  // Like `migrate dev`: bring the development database up to date first (the engine computes the
  // new migration against a database that has the whole history).
  await migrateDatabase(url, { ...options, migrationsDir: dir });
  const migrationsList = loadMigrationsList(dir);
  const path = options.schemaPath ?? schemaPath;
  const created = await withEngine(url, options, async (engine) => {
    const { action } = await engine.devDiagnostic({ migrationsList, filters: noFilter });
    if (action.tag === "reset") {
      throw new Error(
        `The database at DATABASE_URL (${databaseName(url)}) does not match the migrations: ${action.reason}\n` +
          "Point DATABASE_URL at a scratch database (or reset this one) and run `pnpm db:migration` again.",
      );
    }
    return engine.createMigration({
      draft: false,
      migrationName: name,
      migrationsList,
      schema: { files: [{ path, content: readFileSync(path, "utf8") }] },
      filters: noFilter,
    });
  });
  if (created.migrationScript === null) return {};
  const migrationPath = join(dir, created.generatedMigrationName);
  mkdirSync(migrationPath, { recursive: true });
  writeFileSync(join(migrationPath, `migration.${created.extension}`), created.migrationScript);
  if (options.apply ?? true) await migrateDatabase(url, { ...options, migrationsDir: dir });
  return { name: created.generatedMigrationName, path: migrationPath, script: created.migrationScript };
}
