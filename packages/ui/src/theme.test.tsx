import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { ThemeSelect } from "./theme-select.tsx";
import {
  THEME_STORAGE_KEY,
  applyThemePreference,
  parseThemePreference,
  readThemePreference,
  themeClass,
  themeInitScript,
  writeThemePreference,
} from "./theme.ts";

const html = document.documentElement;
const classes = () => [...html.classList].filter((c) => c === "light" || c === "dark");
/** What a page load does: the inline <head> script. */
const runInitScript = () => {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the inline script's text as the browser does
  const script = new Function(themeInitScript) as () => void;
  script();
};

afterEach(() => {
  cleanup();
  localStorage.clear();
  html.className = "";
});

describe("theme preference", () => {
  it("parses light and dark; anything else is system", () => {
    expect(parseThemePreference("dark")).toBe("dark");
    expect(parseThemePreference("light")).toBe("light");
    expect(parseThemePreference("system")).toBe("system");
    for (const bad of [null, undefined, "", "Dark", "blue", 1])
      expect(parseThemePreference(bad)).toBe("system");
    expect(themeClass("system")).toBeNull();
    expect(themeClass("dark")).toBe("dark");
  });

  it("stored dark -> class dark; light replaces it; system removes both", () => {
    localStorage.setItem(THEME_STORAGE_KEY, "dark");
    applyThemePreference(readThemePreference());
    expect(classes()).toEqual(["dark"]);
    applyThemePreference("light");
    expect(classes()).toEqual(["light"]);
    html.classList.add("dark");
    applyThemePreference("system");
    expect(classes()).toEqual([]);
  });

  it("an invalid stored value falls back to system", () => {
    localStorage.setItem(THEME_STORAGE_KEY, "purple");
    expect(readThemePreference()).toBe("system");
  });

  it("writes the key; system removes it; blocked storage means system and no error", () => {
    writeThemePreference("dark");
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");
    writeThemePreference("system");
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
    const blocked = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("SecurityError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    };
    expect(readThemePreference(blocked)).toBe("system");
    expect(() => writeThemePreference("dark", blocked)).not.toThrow();
  });

  it("the inline script applies the same rules before first paint", () => {
    localStorage.setItem(THEME_STORAGE_KEY, "dark");
    runInitScript();
    expect(classes()).toEqual(["dark"]);
    localStorage.setItem(THEME_STORAGE_KEY, "light");
    runInitScript();
    expect(classes()).toEqual(["light"]);
    localStorage.setItem(THEME_STORAGE_KEY, "nonsense");
    runInitScript();
    expect(classes()).toEqual([]);
    localStorage.removeItem(THEME_STORAGE_KEY);
    html.classList.add("dark");
    runInitScript();
    expect(classes()).toEqual([]);
  });
});

describe("ThemeSelect", () => {
  it("is a labelled select that shows, stores and applies the choice", () => {
    localStorage.setItem(THEME_STORAGE_KEY, "light");
    render(<ThemeSelect />);
    const select = screen.getByLabelText<HTMLSelectElement>("Theme");
    expect(select.value).toBe("light");
    expect([...select.options].map((o) => o.textContent)).toEqual(["System", "Light", "Dark"]);

    fireEvent.change(select, { target: { value: "dark" } });
    expect(select.value).toBe("dark");
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");
    expect(classes()).toEqual(["dark"]);

    fireEvent.change(select, { target: { value: "system" } });
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
    expect(classes()).toEqual([]);
  });

  it("follows a choice made in another tab", () => {
    render(<ThemeSelect />);
    const select = screen.getByLabelText<HTMLSelectElement>("Theme");
    expect(select.value).toBe("system");
    act(() => {
      localStorage.setItem(THEME_STORAGE_KEY, "dark");
      window.dispatchEvent(new StorageEvent("storage", { key: THEME_STORAGE_KEY, newValue: "dark" }));
    });
    expect(select.value).toBe("dark");
    expect(classes()).toEqual(["dark"]);
  });
});
