// Shared steps of the end-to-end specs.
import type { ConsoleMessage, Page } from "@playwright/test";
import { fileURLToPath } from "node:url";

/** Base URL of the stack the global setup started. */
export const base = (): string => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set (the global setup starts the stack)");
  return url;
};

/** Full-page screenshot into e2e/screenshots/<name>.png. */
export const shot = (page: Page, name: string) =>
  page.screenshot({
    path: fileURLToPath(new URL(`./screenshots/${name}.png`, import.meta.url)),
    fullPage: true,
  });

/** Collects the page's console errors and uncaught exceptions from now on (a spec expects none). */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}

/** Signs in through the form and waits for a workspace page. */
export async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base()}/sign-in`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/w\//);
}

/**
 * Signs up through the form. The app allows a few sign-ups (and failed sign-ins) a minute per
 * address, and every spec signs up from the same one, so a 429 waits out the window it names
 * (x-retry-after) and submits again; the caller then waits for the page it expects.
 */
export async function signUpThroughForm(
  page: Page,
  who: { name: string; email: string; password: string },
  next?: string,
): Promise<void> {
  await page.goto(`${base()}/sign-up${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Work email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  for (let attempt = 0; attempt < 4; attempt++) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/api/auth/sign-up/email")),
      page.getByRole("button", { name: "Create account" }).click(),
    ]);
    if (response.status() !== 429) return;
    await page.waitForTimeout((Number(response.headers()["x-retry-after"] ?? "20") + 1) * 1000);
  }
}

/**
 * A new user's way in: signs up through the form, names a workspace on the onboarding page and
 * waits for its datasets page (where onboarding lands). Returns the workspace's URL, `<base>/w/<id>`.
 */
export async function newWorkspaceThroughUi(
  page: Page,
  who: { name: string; email: string; password: string },
  workspaceName: string,
): Promise<string> {
  await signUpThroughForm(page, who);
  await page.waitForURL(/\/onboarding$/);
  await page.getByLabel("Workspace name").fill(workspaceName);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.waitForURL(/\/w\/[^/]+\/datasets$/);
  return page.url().replace(/\/datasets$/, "");
}
