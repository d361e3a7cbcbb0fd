// Light / dark / system theme choice. styles.css follows the OS unless <html> has class="light"
// or class="dark"; this module stores the choice in localStorage and sets that class. No React, so
// the root layout (a server component) can import the inline script below from "@mixcast/ui/theme".
export type ThemePreference = "system" | "light" | "dark";

export const THEME_STORAGE_KEY = "mixcast-theme";

export const THEME_OPTIONS: readonly { value: ThemePreference; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Same-tab change notification (the `storage` event only reaches other tabs). */
const CHANGE_EVENT = "mixcast-theme-change";

type ReadableStorage = Pick<Storage, "getItem">;
type WritableStorage = Pick<Storage, "setItem" | "removeItem">;

/** Anything but "light" or "dark" (missing, old or invalid values) means "system". */
export function parseThemePreference(value: unknown): ThemePreference {
  return value === "light" || value === "dark" ? value : "system";
}

/** The class to put on <html>: none for "system", so the media query decides. */
export function themeClass(preference: ThemePreference): "light" | "dark" | null {
  return preference === "system" ? null : preference;
}

function browserStorage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage blocked (e.g. cookies disabled)
  }
}

export function readThemePreference(storage: ReadableStorage | null = browserStorage()): ThemePreference {
  try {
    return parseThemePreference(storage?.getItem(THEME_STORAGE_KEY));
  } catch {
    return "system";
  }
}

/** Stores the choice; "system" removes the key. Fails silently where storage is blocked. */
export function writeThemePreference(
  preference: ThemePreference,
  storage: WritableStorage | null = browserStorage(),
): void {
  try {
    if (preference === "system") storage?.removeItem(THEME_STORAGE_KEY);
    else storage?.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // the choice then lasts for this page only
  }
}

export function applyThemePreference(
  preference: ThemePreference,
  root: Element = document.documentElement,
): void {
  const cls = themeClass(preference);
  root.classList.remove("light", "dark");
  if (cls) root.classList.add(cls);
}

/** Stores, applies and announces a choice (what the theme control calls). */
export function setThemePreference(preference: ThemePreference): void {
  writeThemePreference(preference);
  applyThemePreference(preference);
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

/** For useSyncExternalStore: calls `onChange` after a choice here or in another tab (and applies the latter). */
export function subscribeThemePreference(onChange: () => void): () => void {
  const fromOtherTab = (e: StorageEvent) => {
    if (e.key !== null && e.key !== THEME_STORAGE_KEY) return;
    applyThemePreference(readThemePreference());
    onChange();
  };
  window.addEventListener("storage", fromOtherTab);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", fromOtherTab);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/**
 * Inline <script> for <head>: applies the stored choice before first paint, so a forced theme
 * never flashes the OS theme first. Same rules as readThemePreference + applyThemePreference.
 */
export const themeInitScript = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)}),c=document.documentElement.classList;c.remove("light","dark");if(t==="light"||t==="dark")c.add(t)}catch(e){}})();`;
