import { loadWorkerEnv, type WorkerEnv } from "../env.ts";

/** Worker settings for tests: fast polling and supervision, short heartbeats and retries. */
export function testWorkerEnv(databaseUrl: string, overrides: Record<string, string> = {}): WorkerEnv {
  return loadWorkerEnv({
    DATABASE_URL: databaseUrl,
    WORKER_POLL_SECONDS: "0.5",
    WORKER_SUPERVISE_SECONDS: "1",
    WORKER_JOB_HEARTBEAT_SECONDS: "10",
    WORKER_RETRY_DELAY_SECONDS: "1",
    WORKER_PROGRESS_INTERVAL_MS: "200",
    WORKER_STALE_RUN_SECONDS: "30",
    WORKER_SHUTDOWN_GRACE_SECONDS: "2",
    FIT_THREADS: "2",
    ...overrides,
  });
}
