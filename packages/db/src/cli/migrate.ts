// `pnpm db:migrate` (deploy) and `pnpm db:migration <name>` (create from schema changes).
// Uses DATABASE_URL, or the embedded PostgreSQL under .mixcast/pg when it is unset.
import { createMigration, MigrationRefusedError, migrateDatabase } from "../migrate.ts";
import { openLocalDatabase } from "../local.ts";

const [command, name] = process.argv.slice(2);

function usage(): never {
  console.error("usage: migrate.ts deploy | migrate.ts create <name>   (name: lower_snake_case)");
  process.exit(2);
}

async function main(): Promise<number> {
  if (command !== "deploy" && command !== "create") usage();
  if (command === "create" && (!name || !/^[a-z0-9_]+$/.test(name))) usage();
  const db = await openLocalDatabase();
  if (db.embedded)
    console.log(`Using the embedded PostgreSQL in ${db.embedded.dataDir} (DATABASE_URL is not set).`);
  try {
    if (command === "deploy") {
      const started = Date.now();
      const result = await migrateDatabase(db.url);
      if (result.applied.length === 0)
        console.log(`Database is up to date (${result.alreadyApplied} migrations applied).`);
      else
        console.log(
          `Applied ${result.applied.length} migration(s) in ${Date.now() - started} ms:\n  ${result.applied.join("\n  ")}`,
        );
    } else {
      const created = await createMigration(db.url, name!);
      if (!created.name) console.log("No schema changes: schema.prisma already matches the migrations.");
      else console.log(`Created and applied ${created.path}/migration.sql`);
    }
    return 0;
  } catch (error) {
    console.error(
      error instanceof MigrationRefusedError ? error.message : error instanceof Error ? error.message : error,
    );
    return 1;
  } finally {
    await db.stop();
  }
}

// Exit explicitly: the schema engine leaves a lock-timeout timer running for ~10 s.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
