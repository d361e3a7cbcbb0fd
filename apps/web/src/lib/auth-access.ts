// Access-control statements for better-auth's organization plugin, with Mixcast's four roles.
// The same hierarchy is enforced by the tRPC ladder (src/server/trpc.ts); these statements let
// better-auth's own organization endpoints agree with it.
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/organization/access";

export const statements = {
  ...defaultStatements,
  dataset: ["read", "write"],
  model: ["read", "write"],
  run: ["read", "start", "cancel"],
  schedule: ["read", "write"],
  audit: ["read"],
} as const;

export const ac = createAccessControl(statements);

const read = {
  dataset: ["read"],
  model: ["read"],
  run: ["read"],
  schedule: ["read"],
  audit: ["read"],
} as const;
const analystWork = {
  dataset: ["read", "write"],
  model: ["read", "write"],
  run: ["read", "start", "cancel"],
} as const;

export const viewer = ac.newRole({ ...read });
export const analyst = ac.newRole({ ...read, ...analystWork });
export const admin = ac.newRole({
  ...read,
  ...analystWork,
  schedule: ["read", "write"],
  organization: ["update"],
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
});
export const owner = ac.newRole({
  ...read,
  ...analystWork,
  schedule: ["read", "write"],
  organization: ["update", "delete"],
  member: ["create", "update", "delete"],
  invitation: ["create", "cancel"],
});
