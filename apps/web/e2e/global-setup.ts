// Starts the stack (e2e/start-stack.ts) in its own tsx process and hands its URLs to the tests
// through the environment (Playwright's test workers inherit it). Returns the teardown.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const webDir = fileURLToPath(new URL("..", import.meta.url));
  const tsx = join(webDir, "..", "..", "node_modules", ".bin", "tsx");
  const child = spawn(tsx, ["e2e/start-stack.ts"], {
    cwd: webDir,
    env: process.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = await new Promise<{ baseUrl: string; databaseUrl: string }>((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((l) => l.startsWith("READY "));
      if (line) resolve(JSON.parse(line.slice(6)) as { baseUrl: string; databaseUrl: string });
    });
    child.once("exit", (code) => reject(new Error(`e2e stack exited early (code ${code})`)));
  });
  process.env.E2E_BASE_URL = ready.baseUrl;
  process.env.E2E_DATABASE_URL = ready.databaseUrl;
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
}
