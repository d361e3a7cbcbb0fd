// Generates the Prisma client (packages/db/src/generated, not checked in) after install.
// Generation needs no native engine, but Prisma's CLI insists on one being configured; any
// existing file satisfies it (docs/operations.md). Runs prisma directly, so it does not matter
// whether `pnpm` itself is on PATH (e.g. when installed through npx).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dbDir = fileURLToPath(new URL("../packages/db/", import.meta.url));
const prisma = `${dbDir}node_modules/.bin/prisma`;
if (existsSync(`${dbDir}prisma/schema.prisma`) && existsSync(prisma)) {
  execFileSync(prisma, ["generate"], {
    cwd: dbDir,
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/false",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  });
}

// Prebuilds the `mixcast` command line (packages/core/bin/cli-bundle.mjs; it rebuilds itself
// whenever packages/core/src changes, so this only saves the first command's build).
const bundle = new URL("../packages/core/bin/cli-bundle.mjs", import.meta.url);
if (existsSync(bundle)) {
  try {
    const { ensureCliBundle } = await import(bundle.href);
    await ensureCliBundle();
  } catch (err) {
    console.warn(`postinstall: prebuilding the mixcast CLI failed (it builds on first use): ${err}`);
  }
}
