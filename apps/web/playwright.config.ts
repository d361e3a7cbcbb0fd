import { defineConfig } from "@playwright/test";

// The stack (database, `next start`, fit worker) is started by e2e/global-setup.ts through the
// launcher (apps/stack, --e2e). Debian's Chromium, never a downloaded browser.
export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 300_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "./e2e/test-results",
  use: {
    headless: true,
    viewport: { width: 1360, height: 900 },
    actionTimeout: 20_000,
    navigationTimeout: 60_000,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
