"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/root.ts";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import {
  AppShell,
  Button,
  Dialog,
  ErrorState,
  Spinner,
  ThemeSelect,
  WorkspaceSwitcher,
  buttonClasses,
  type LinkComponent,
} from "@mixcast/ui";
import { authClient } from "@/lib/auth-client.ts";
import type { SessionUser } from "@/lib/auth.ts";
import { errorMessage, useTRPC } from "@/trpc/client.tsx";
import { CreateWorkspaceForm } from "./create-workspace-form.tsx";
import { WorkspaceContext } from "./workspace-context.tsx";

const NextLink: LinkComponent = ({ href, className, children, onClick, ...rest }) => (
  <Link href={href} className={className} onClick={onClick} aria-current={rest["aria-current"]}>
    {children}
  </Link>
);

type WorkspaceGet = inferRouterOutputs<AppRouter>["workspace"]["get"];

export function WorkspaceShell({
  workspaceId,
  user,
  initialWorkspace,
  children,
}: {
  workspaceId: string;
  user: SessionUser;
  initialWorkspace?: WorkspaceGet | undefined;
  children: ReactNode;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [creating, setCreating] = useState(false);
  const workspaces = useQuery(trpc.workspace.list.queryOptions());
  const workspace = useQuery({
    ...trpc.workspace.get.queryOptions({ workspaceId }),
    ...(initialWorkspace ? { initialData: initialWorkspace } : {}),
  });

  const base = `/w/${workspaceId}`;
  const nav = [
    { href: base, label: "Home" },
    { href: `${base}/runs`, label: "Runs" },
    { href: `${base}/models`, label: "Models" },
    { href: `${base}/campaigns`, label: "Campaigns" },
    { href: `${base}/lift-tests`, label: "Lift tests" },
    { href: `${base}/datasets`, label: "Datasets" },
    { href: `${base}/members`, label: "Members" },
    { href: `${base}/audit`, label: "Audit log" },
    { href: `${base}/settings`, label: "Settings" },
  ].map((item) => ({
    ...item,
    // Home is active on its own page only; every other item also on its sub-pages.
    active: pathname === item.href || (item.href !== base && pathname.startsWith(`${item.href}/`)),
  }));

  async function signOut() {
    await authClient.signOut();
    router.push("/sign-in");
    router.refresh();
  }

  const switcher = (
    <WorkspaceSwitcher
      workspaces={workspaces.data ?? []}
      currentId={workspaceId}
      onSwitch={(id) => router.push(`/w/${id}/runs`)}
      onCreate={() => setCreating(true)}
    />
  );
  const userBox = (
    <div className="flex flex-col gap-2 border-t border-line pt-3">
      <div className="min-w-0 text-sm">
        <p className="truncate font-medium">{user.name}</p>
        <p className="truncate text-xs text-muted">{user.email}</p>
        {workspace.data ? <p className="mt-1 text-xs text-muted">Role here: {workspace.data.role}</p> : null}
      </div>
      <ThemeSelect />
      <Button variant="secondary" size="sm" onClick={signOut}>
        Sign out
      </Button>
    </div>
  );

  let content: ReactNode;
  if (workspace.isPending) content = <Spinner label="Loading workspace" />;
  else if (workspace.error)
    content = (
      <ErrorState
        title="You cannot open this workspace"
        message={`${errorMessage(workspace.error)} If you expected access, ask one of its admins to invite you.`}
        action={
          <Link className={buttonClasses("secondary", "sm")} href="/">
            Go to my workspaces
          </Link>
        }
      />
    );
  else
    content = (
      <WorkspaceContext.Provider
        value={{
          id: workspace.data.id,
          name: workspace.data.name,
          currency: workspace.data.currency,
          role: workspace.data.role,
        }}
      >
        {children}
      </WorkspaceContext.Provider>
    );

  return (
    <AppShell brand="Mixcast" nav={nav} switcher={switcher} user={userBox} Link={NextLink}>
      {content}
      <Dialog
        open={creating}
        onClose={() => setCreating(false)}
        title="Create a workspace"
        description="You will be its owner."
      >
        <CreateWorkspaceForm onDone={() => setCreating(false)} />
      </Dialog>
    </AppShell>
  );
}
