import type { Role } from "@/lib/roles.ts";

/** Who is acting, in which workspace, with which role: what every domain function receives. */
export interface Actor {
  userId: string;
  workspaceId: string;
  role: Role;
}
