// Shared steps of the end-to-end specs.
import type { Page } from "@playwright/test";
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

/** Signs in through the form and waits for a workspace page. */
export async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base()}/sign-in`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/w\//);
}
