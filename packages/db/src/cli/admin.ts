// `pnpm admin <command>`: operator tasks straight on the database (no web app or login needed).
//
//   pnpm admin token create --workspace <slug> --name <name> --scopes datasets:write,runs:read [--expires-in-days 90]
//   pnpm admin token list   --workspace <slug>
//   pnpm admin token revoke --workspace <slug> --id <token id>
//
// Uses DATABASE_URL; without it the embedded PostgreSQL in ./.mixcast/pg (the running one when
// `pnpm start` is up, otherwise it is started for the command and stopped again).
import { connectLocalDatabase } from "../local-running.ts";
import { runAdminCommand } from "../admin-commands.ts";

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
  return runAdminCommand(argv, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    connect: async () => {
      const db = await connectLocalDatabase();
      if (db.note) console.error(db.note);
      return db;
    },
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
