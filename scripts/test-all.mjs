// `pnpm test`: the whole suite.
//   0. ESLint in every package (turbo) and Prettier's check; a lint or format error fails the run.
//   1. vitest over every package (database tests on an embedded PostgreSQL, or TEST_DATABASE_URL).
//   2. When apps/web/playwright.config.ts exists: the web end-to-end tests in headless Chromium
//      (/usr/bin/chromium; installed with apt-get when missing and running as root) against a
//      production build (`next start`, started here unless the config has a webServer) on a fresh
//      migrated database. The Playwright process gets DATABASE_URL, BETTER_AUTH_SECRET,
//      BETTER_AUTH_URL, PORT, E2E_BASE_URL, PLAYWRIGHT_BASE_URL and CHROMIUM_PATH.
// Arguments are passed to vitest (e.g. `pnpm test packages/db`); with arguments the e2e step is
// skipped unless --e2e is given. --no-e2e skips it always; --e2e-only skips vitest.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
import { ensureChromium } from "./ensure-chromium.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const argv = process.argv.slice(2);
const forceE2e = argv.includes("--e2e");
const noE2e = argv.includes("--no-e2e");
const e2eOnly = argv.includes("--e2e-only");
const vitestArgs = argv.filter((a) => !["--e2e", "--no-e2e", "--e2e-only"].includes(a));
const log = (message) => console.log(`\n[test] ${message}`);
const loud = (message) => console.log(`\n${"!".repeat(78)}\n[test] ${message}\n${"!".repeat(78)}\n`);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" };

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env, ...options });
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(signal ? 1 : (code ?? 1));
    });
  });
}

const bin = (name, dir = root) => join(dir, "node_modules", ".bin", name);

// ---------------------------------------------------------------------------------------------
// 0. Lint and format (the whole suite only): ESLint in every package through turbo, Prettier.

if (!e2eOnly && vitestArgs.length === 0) {
  log("lint (turbo run lint lint:root) and format check (prettier --check .)");
  const lintCode = await run(bin("turbo"), ["run", "lint", "lint:root", "--continue"], { cwd: root });
  const formatCode = await run(bin("prettier"), ["--check", "."], { cwd: root });
  if (lintCode !== 0 || formatCode !== 0) {
    console.error(
      `\n[test] ${lintCode !== 0 ? "lint" : "format check"} failed: see above (pnpm format fixes formatting)`,
    );
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. vitest

const vitestCode = e2eOnly
  ? 0
  : (log(`vitest run ${vitestArgs.join(" ")}`),
    await run(bin("vitest"), ["run", ...vitestArgs], { cwd: root }));
if (vitestCode !== 0) {
  console.error(`\n[test] vitest failed (exit ${vitestCode})`);
  process.exit(vitestCode);
}

// ---------------------------------------------------------------------------------------------
// 2. End-to-end

const webDir = join(root, "apps", "web");
const playwrightConfig = join(webDir, "playwright.config.ts");
if (noE2e || (vitestArgs.length > 0 && !forceE2e && !e2eOnly)) process.exit(0);
if (!existsSync(playwrightConfig)) {
  loud("apps/web/playwright.config.ts does not exist: NO END-TO-END TESTS RAN");
  process.exit(0);
}

const chromium = ensureChromium(log);
if (chromium === null) {
  loud(
    "Chromium is not installed at /usr/bin/chromium and could not be installed (needs root and apt-get).\n" +
      "[test] THE END-TO-END TESTS WERE SKIPPED. Install it with `sudo apt-get install -y chromium`.",
  );
  process.exit(process.env.MIXCAST_REQUIRE_E2E === "1" ? 1 : 0);
}

register();
const { startTestServer, adminQuery, databaseUrl, quoteIdent, uniqueName } =
  await import("../packages/db/src/testing-server.ts");
const { findFreePort } = await import("../packages/db/src/embedded.ts");

log("Preparing a fresh migrated database for the end-to-end tests...");
const server = await startTestServer();
const database = uniqueName("mixcast_e2e");
await adminQuery(
  server.adminUrl,
  `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(server.template)}`,
);
const url = databaseUrl(server.adminUrl, database);

const port = await findFreePort(3100);
const baseUrl = `http://127.0.0.1:${port}`;
Object.assign(env, {
  DATABASE_URL: url,
  BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
  BETTER_AUTH_URL: baseUrl,
  PORT: String(port),
  E2E_BASE_URL: baseUrl,
  PLAYWRIGHT_BASE_URL: baseUrl,
  CHROMIUM_PATH: chromium,
});

let code;
let webServer;
try {
  log("next build (apps/web)");
  code = await run(bin("next", webDir), ["build"], { cwd: webDir });
  if (code === 0) {
    // The Playwright config may start the server itself (webServer); otherwise start it here.
    if (!/webServer\s*:/.test(readFileSync(playwrightConfig, "utf8"))) {
      webServer = spawn(bin("next", webDir), ["start", "-p", String(port), "-H", "127.0.0.1"], {
        cwd: webDir,
        env: { ...env, NODE_ENV: "production" },
        stdio: "inherit",
      });
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const up = await fetch(baseUrl).then(
          () => true,
          () => false,
        );
        if (up) break;
        await new Promise((done) => setTimeout(done, 500));
      }
    }
    log(`playwright test (base URL ${baseUrl})`);
    code = await run(bin("playwright", webDir), ["test"], { cwd: webDir });
  }
} finally {
  if (webServer && webServer.exitCode === null) {
    const exited = new Promise((done) => webServer.once("exit", done));
    webServer.kill("SIGTERM");
    await exited;
  }
  await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).catch(
    () => {},
  );
  await server.stop();
}
if (code !== 0) console.error(`\n[test] end-to-end tests failed (exit ${code})`);
process.exit(code);
