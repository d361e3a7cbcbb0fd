"use client";
import { useSyncExternalStore } from "react";
import { Select } from "./field.tsx";
import {
  THEME_OPTIONS,
  parseThemePreference,
  readThemePreference,
  setThemePreference,
  subscribeThemePreference,
  type ThemePreference,
} from "./theme.ts";

const serverSnapshot = (): ThemePreference => "system";
const clientSnapshot = (): ThemePreference => readThemePreference();

/** Labelled System / Light / Dark select; the choice is stored in this browser and applied at once. */
export function ThemeSelect({ className }: { className?: string }) {
  const theme = useSyncExternalStore(subscribeThemePreference, clientSnapshot, serverSnapshot);
  return (
    <Select
      label="Theme"
      className={className}
      value={theme}
      options={THEME_OPTIONS}
      onChange={(e) => setThemePreference(parseThemePreference(e.target.value))}
    />
  );
}
