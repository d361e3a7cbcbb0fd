"use client";
import { Menu as HMenu, MenuButton, MenuItem, MenuItems, MenuSeparator } from "@headlessui/react";
import type { ReactNode } from "react";
import { cn } from "./cn.ts";

export interface MenuEntry {
  key: string;
  label: ReactNode;
  onSelect: () => void;
  active?: boolean;
  danger?: boolean;
}

/** Dropdown menu with arrow-key navigation and type-ahead (Headless UI). */
export function Menu({
  button,
  buttonLabel,
  entries,
  footer,
  className,
}: {
  button: ReactNode;
  buttonLabel?: string;
  entries: readonly MenuEntry[];
  footer?: readonly MenuEntry[];
  className?: string;
}) {
  const item = (e: MenuEntry) => (
    <MenuItem key={e.key}>
      <button
        type="button"
        onClick={e.onSelect}
        className={cn(
          "flex w-full items-center gap-2 rounded-md px-3 py-2 text-left text-sm data-[focus]:bg-surface-2",
          e.danger ? "text-danger" : "text-fg",
          e.active && "font-semibold",
        )}
      >
        {e.active ? <span aria-hidden>✓</span> : <span aria-hidden className="w-3" />}
        {e.label}
      </button>
    </MenuItem>
  );
  return (
    <HMenu>
      <MenuButton
        aria-label={buttonLabel}
        className={cn(
          "w-full rounded-lg text-left focus:outline-none data-[focus]:ring-2 data-[focus]:ring-ring",
          className,
        )}
      >
        {button}
      </MenuButton>
      <MenuItems
        anchor="bottom start"
        className="z-50 mt-1 min-w-56 rounded-lg border border-line bg-surface p-1 shadow-lg focus:outline-none"
      >
        {entries.map(item)}
        {footer && footer.length > 0 ? <MenuSeparator className="my-1 h-px bg-line" /> : null}
        {footer?.map(item)}
      </MenuItems>
    </HMenu>
  );
}
