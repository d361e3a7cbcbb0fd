import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getSessionUser } from "@/lib/auth.ts";
import { WorkspaceShell } from "@/components/workspace-shell.tsx";
import { contextForUser } from "@/server/context.ts";
import { createCaller } from "@/server/root.ts";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ workspaceId: string }>;
}) {
  const { workspaceId } = await params;
  const user = await getSessionUser(await headers());
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/w/${workspaceId}/runs`)}`);
  // The workspace (and the caller's role in it) through the same procedure and access check the
  // client would call, so pages render and start their own queries without waiting for that round
  // trip. A refusal is left to the shell's own query, which shows it in plain words.
  const initialWorkspace = await createCaller(contextForUser(user))
    .workspace.get({ workspaceId })
    .catch(() => undefined);
  return (
    <WorkspaceShell workspaceId={workspaceId} user={user} initialWorkspace={initialWorkspace}>
      {children}
    </WorkspaceShell>
  );
}
