"use client";
import { useState, type ComponentType, type ReactNode } from "react";
import { cn } from "./cn.ts";
import { Menu, type MenuEntry } from "./menu.tsx";

export interface NavItem {
  href: string;
  label: string;
  active?: boolean;
}

export interface WorkspaceOption {
  id: string;
  name: string;
  role: string;
}

/** Framework link component (e.g. next/link), so the shell stays router-agnostic. */
export type LinkComponent = ComponentType<{
  href: string;
  className?: string;
  children: ReactNode;
  "aria-current"?: "page";
  onClick?: () => void;
}>;

export function WorkspaceSwitcher({
  workspaces,
  currentId,
  onSwitch,
  onCreate,
}: {
  workspaces: readonly WorkspaceOption[];
  currentId: string | null;
  onSwitch: (id: string) => void;
  onCreate: () => void;
}) {
  const current = workspaces.find((w) => w.id === currentId);
  const entries: MenuEntry[] = workspaces.map((w) => ({
    key: w.id,
    label: (
      <span className="flex w-full justify-between gap-3">
        <span>{w.name}</span>
        <span className="text-xs text-muted">{w.role}</span>
      </span>
    ),
    active: w.id === currentId,
    onSelect: () => onSwitch(w.id),
  }));
  return (
    <Menu
      buttonLabel="Switch workspace"
      button={
        <span className="flex items-center justify-between gap-2 rounded-lg border border-line bg-surface px-3 py-2">
          <span className="min-w-0">
            <span className="block text-xs text-muted">Workspace</span>
            <span className="block truncate text-sm font-semibold text-fg">
              {current?.name ?? "Choose a workspace"}
            </span>
          </span>
          <span aria-hidden className="text-muted">
            ▾
          </span>
        </span>
      }
      entries={entries}
      footer={[{ key: "__create", label: "Create workspace", onSelect: onCreate }]}
    />
  );
}

/** Page shell: a sidebar (collapsible into a drawer on small screens) and the main area. */
export function AppShell({
  brand,
  nav,
  switcher,
  user,
  Link,
  children,
}: {
  brand: ReactNode;
  nav: readonly NavItem[];
  switcher?: ReactNode;
  user?: ReactNode;
  Link: LinkComponent;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const sidebar = (
    <div className="flex h-full flex-col gap-4 p-4">
      <div className="px-1 text-lg font-bold tracking-tight text-fg">{brand}</div>
      {switcher}
      <nav aria-label="Main" className="flex flex-col gap-0.5">
        {nav.map((item) => (
          <Link
            key={item.href}
            href={item.href}
            onClick={() => setOpen(false)}
            aria-current={item.active ? "page" : undefined}
            className={cn(
              "rounded-lg px-3 py-2 text-sm font-medium",
              item.active ? "bg-primary/10 text-primary" : "text-muted hover:bg-surface-2 hover:text-fg",
            )}
          >
            {item.label}
          </Link>
        ))}
      </nav>
      <div className="mt-auto">{user}</div>
    </div>
  );
  return (
    <div className="min-h-screen bg-bg text-fg lg:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 hidden h-screen w-64 shrink-0 overflow-y-auto border-r border-line bg-surface lg:block">
        {sidebar}
      </aside>
      <div className="sticky top-0 z-30 flex items-center gap-3 border-b border-line bg-surface px-4 py-3 lg:hidden">
        <button
          type="button"
          aria-label="Open navigation"
          aria-expanded={open}
          onClick={() => setOpen(true)}
          className="rounded-md px-2 py-1 text-fg hover:bg-surface-2"
        >
          ☰
        </button>
        <span className="font-bold">{brand}</span>
      </div>
      {open ? (
        <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-modal="true" aria-label="Navigation">
          <div className="absolute inset-0 bg-black/40" onClick={() => setOpen(false)} aria-hidden />
          <div className="absolute inset-y-0 left-0 w-72 bg-surface shadow-xl">
            <button
              type="button"
              aria-label="Close navigation"
              onClick={() => setOpen(false)}
              className="absolute top-3 right-3 rounded-md px-2 py-1 text-fg hover:bg-surface-2"
            >
              ×
            </button>
            {sidebar}
          </div>
        </div>
      ) : null}
      <main id="main" className="min-w-0 flex-1">
        <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">{children}</div>
      </main>
    </div>
  );
}
