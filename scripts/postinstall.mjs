// Generates the Prisma client after install. Generation needs no native engine, but Prisma's
// CLI insists on one being configured; any existing file satisfies it (docs/operations.md).
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";

if (existsSync(new URL("../packages/db/prisma/schema.prisma", import.meta.url))) {
  execSync("pnpm --filter @mixcast/db generate", { stdio: "inherit" });
}
