// Starts the stack for the end-to-end tests through the launcher (apps/stack, `--e2e`: a fresh
// migrated database, `next start` of the build in apps/web/.next-e2e, rebuilt when its sources
// changed, and a quick fit worker) and hands its URLs to the tests through the environment
// (Playwright's test workers inherit it). E2E_REBUILD=1 forces a fresh `next build`.
// Returns the teardown (SIGTERM: the launcher stops web and worker, then drops the database).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The launcher with the end-to-end preset; prints `READY {json}` on stdout once it is up. */
export function spawnE2eStack(extraArgs: string[] = [], stdio: "inherit" | "ignore" = "inherit") {
  const stackDir = fileURLToPath(new URL("../../stack", import.meta.url));
  return spawn(
    process.execPath,
    ["--import", "tsx", join(stackDir, "src", "main.ts"), "--e2e", ...extraArgs],
    { cwd: stackDir, env: process.env, stdio: ["ignore", "pipe", stdio] },
  );
}

export function waitForReady(
  child: ReturnType<typeof spawnE2eStack>,
): Promise<{ baseUrl: string; databaseUrl: string }> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((l) => l.startsWith("READY "));
      if (line) resolve(JSON.parse(line.slice(6)) as { baseUrl: string; databaseUrl: string });
    });
    child.once("exit", (code) => reject(new Error(`the e2e stack exited early (code ${code})`)));
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  // The refresh spec's alert webhook is a receiver on this machine: let web and worker reach loopback
  // (refused by default, packages/notify webhook-address.ts).
  process.env.MIXCAST_WEBHOOK_ALLOWED_NETWORKS ??= "127.0.0.1/32";
  const child = spawnE2eStack(process.env.E2E_REBUILD === "1" ? ["--rebuild"] : []);
  const ready = await waitForReady(child);
  process.env.E2E_BASE_URL = ready.baseUrl;
  process.env.E2E_DATABASE_URL = ready.databaseUrl;
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
}
