/**
 * Workspace roles, lowest to highest. Each role has every right of the roles before it:
 * viewer reads; analyst also works with datasets, models, runs and scenarios; admin also manages
 * members, invitations and schedules; owner also deletes the workspace.
 */
export const ROLES = ["viewer", "analyst", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return roleRank(role) >= roleRank(minimum);
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "Can see datasets, models, runs and the audit log.",
  analyst: "Can also upload data, edit models and start or cancel fits.",
  admin: "Can also invite and manage members and set refit schedules.",
  owner: "Can also delete the workspace.",
};
