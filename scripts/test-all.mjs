// `pnpm test`: the whole suite.
//   0. ESLint in every package and the root scripts (turbo) and Prettier's check; a lint or format
//      error fails the run.
//   1. vitest in every package through turbo (`turbo run test`, one package at a time): a package
//      whose files, dependencies' files and TEST_DATABASE_URL are unchanged since a passing run
//      replays its cached result instead of running again. Database tests run on an embedded
//      PostgreSQL, or on TEST_DATABASE_URL's server.
//   2. The web end-to-end tests (Playwright) in headless Chromium (/usr/bin/chromium; installed
//      with apt-get when missing and running as root). Their global setup starts the stack through
//      the launcher (apps/stack, `--e2e`). Never cached: they cover every app at once.
// Arguments are passed to vitest (e.g. `pnpm test packages/db`; no turbo, no cache); with
// arguments the e2e step is skipped unless --e2e is given. --no-e2e skips it always; --e2e-only
// skips lint and vitest. --force reruns every package's tests (ignores turbo's cache).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureChromium } from "./ensure-chromium.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const argv = process.argv.slice(2);
const own = ["--e2e", "--no-e2e", "--e2e-only", "--force"];
const forceE2e = argv.includes("--e2e");
const noE2e = argv.includes("--no-e2e");
const e2eOnly = argv.includes("--e2e-only");
const force = argv.includes("--force");
const vitestArgs = argv.filter((a) => !own.includes(a));
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

let vitestCode = 0;
if (!e2eOnly && vitestArgs.length > 0) {
  log(`vitest run ${vitestArgs.join(" ")}`);
  vitestCode = await run(bin("vitest"), ["run", ...vitestArgs], { cwd: root });
} else if (!e2eOnly) {
  log("vitest in every package (turbo run test; unchanged packages come from turbo's cache)");
  vitestCode = await run(
    bin("turbo"),
    ["run", "test", "--concurrency=1", "--continue", ...(force ? ["--force"] : [])],
    { cwd: root },
  );
}
if (vitestCode !== 0) {
  console.error(`\n[test] vitest failed (exit ${vitestCode})`);
  process.exit(vitestCode);
}

// ---------------------------------------------------------------------------------------------
// 2. End-to-end

if (noE2e || (vitestArgs.length > 0 && !forceE2e && !e2eOnly)) process.exit(0);

const chromium = ensureChromium(log);
if (chromium === null) {
  loud(
    "Chromium is not installed at /usr/bin/chromium and could not be installed (needs root and apt-get).\n" +
      "[test] THE END-TO-END TESTS WERE SKIPPED. Install it with `sudo apt-get install -y chromium`.",
  );
  process.exit(process.env.MIXCAST_REQUIRE_E2E === "1" ? 1 : 0);
}

const webDir = join(root, "apps", "web");
log("playwright test (apps/web; the global setup starts the stack: launcher --e2e)");
env.CHROMIUM_PATH = chromium;
const code = await run(bin("playwright", webDir), ["test"], { cwd: webDir });
if (code !== 0) console.error(`\n[test] end-to-end tests failed (exit ${code})`);
process.exit(code);
