// Spawns real worker processes (`src/main.ts`, the same entry `pnpm start` runs).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const WORKER_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnWorker(
  id: string,
  databaseUrl: string,
  env: Record<string, string> = {},
): WorkerProcess {
  let out = "";
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: WORKER_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_NO_WARNINGS: "1",
      DATABASE_URL: databaseUrl,
      WORKER_ID: id,
      WORKER_POLL_SECONDS: "0.5",
      WORKER_SUPERVISE_SECONDS: "1",
      WORKER_JOB_HEARTBEAT_SECONDS: "10",
      WORKER_RETRY_DELAY_SECONDS: "1",
      WORKER_SCHEDULER: "off",
      WORKER_SHUTDOWN_GRACE_SECONDS: "2",
      FIT_THREADS: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { id, child, output: () => out, exited };
}

export async function killAll(workers: WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill("SIGKILL");
        await w.exited;
      }
    }),
  );
}
