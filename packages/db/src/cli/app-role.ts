// `pnpm db:app-role`: creates or updates the role web and worker connect as (see app-role.ts and
// docs/operations.md). Run as the owner: DATABASE_URL=<owner URL> APP_DATABASE_PASSWORD=<new
// password> pnpm db:app-role [role]. Run it again after migrations so new tables get grants.
import { DEFAULT_APP_ROLE, provisionAppRole } from "../app-role.ts";
import { databaseUrl } from "../env.ts";
import { redactSecrets } from "../redact.ts";

const role = process.argv[2] ?? DEFAULT_APP_ROLE;
const password = process.env.APP_DATABASE_PASSWORD;
if (!password || password.length < 12) {
  console.error("APP_DATABASE_PASSWORD must be set to the app role's password (at least 12 characters).");
  process.exit(2);
}
try {
  const url = await provisionAppRole(databaseUrl(), { role, password });
  console.log(
    `Role ${role} is ready. Give web and worker APP_DATABASE_URL=${redactSecrets(url)} (with that password).`,
  );
  process.exit(0);
} catch (error) {
  console.error(redactSecrets(error instanceof Error ? error.message : String(error)));
  process.exit(1);
}
