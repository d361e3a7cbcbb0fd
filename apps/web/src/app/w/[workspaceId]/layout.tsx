import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getSessionUser } from "@/lib/auth.ts";
import { WorkspaceShell } from "@/components/workspace-shell.tsx";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  const user = await getSessionUser(await headers());
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/w/${workspaceId}/runs`)}`);
  return (
    <WorkspaceShell workspaceId={workspaceId} user={user}>
      {children}
    </WorkspaceShell>
  );
}
