"use client";
import { createContext, useContext } from "react";
import { roleAtLeast, type Role } from "@/lib/roles.ts";

export interface WorkspaceInfo {
  id: string;
  name: string;
  /** ISO 4217 code, or null when no admin has set one. */
  currency: string | null;
  role: Role;
}

export const WorkspaceContext = createContext<WorkspaceInfo | null>(null);

export function useWorkspace(): WorkspaceInfo & { can: (minimum: Role) => boolean } {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error("useWorkspace must be used inside a workspace page");
  return { ...ws, can: (minimum) => roleAtLeast(ws.role, minimum) };
}
