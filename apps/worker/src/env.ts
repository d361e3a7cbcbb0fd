// The only place in apps/worker that reads process.env. A bad value fails at start with its name.
import os from "node:os";
import { z } from "zod";
import { parseAllowedNetworks } from "@mixcast/notify";

const int = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(min, `${name} must be >= ${min}`)
    .max(max, `${name} must be <= ${max}`);

export const workerEnvSchema = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set (expected postgresql://user:password@host:port/database)" })
    .regex(/^postgres(ql)?:\/\/[^/]+\/[^/?]+/, "DATABASE_URL must be a PostgreSQL URL"),
  /** Fits run at the same time in this process. */
  WORKER_CONCURRENCY: int("WORKER_CONCURRENCY", 1, 64).default(1),
  /** Worker threads one fit may use (one per chain at most). Default: the machine's cores. */
  FIT_THREADS: int("FIT_THREADS", 1, 256).default(Math.max(1, os.availableParallelism())),
  /** Port of the /healthz HTTP endpoint; unset = no HTTP server. */
  WORKER_HEALTH_PORT: int("WORKER_HEALTH_PORT", 1, 65535).optional(),
  /** Attempts per run before it is failed (transient errors, lost workers). */
  WORKER_MAX_ATTEMPTS: int("WORKER_MAX_ATTEMPTS", 1, 20).default(3),
  /** pg-boss job heartbeat: a job silent this long goes to another worker (min 10). */
  WORKER_JOB_HEARTBEAT_SECONDS: int("WORKER_JOB_HEARTBEAT_SECONDS", 10, 3600).default(30),
  /** First retry delay after a transient failure; doubles per retry. */
  WORKER_RETRY_DELAY_SECONDS: int("WORKER_RETRY_DELAY_SECONDS", 0, 3600).default(5),
  /** Run.heartbeatAt older than this (and its job not alive) = stale run, swept. */
  WORKER_STALE_RUN_SECONDS: int("WORKER_STALE_RUN_SECONDS", 5, 86_400).default(120),
  /** Minimum milliseconds between two progress writes to a Run row. */
  WORKER_PROGRESS_INTERVAL_MS: int("WORKER_PROGRESS_INTERVAL_MS", 100, 60_000).default(1000),
  /** Scheduler tick period. */
  WORKER_TICK_SECONDS: int("WORKER_TICK_SECONDS", 1, 3600).default(60),
  /** pg-boss supervision (expiry, missed heartbeats) period. */
  WORKER_SUPERVISE_SECONDS: int("WORKER_SUPERVISE_SECONDS", 1, 3600).default(30),
  /** pg-boss polling interval for new jobs. */
  WORKER_POLL_SECONDS: z.coerce.number().min(0.5, "WORKER_POLL_SECONDS must be >= 0.5").max(60).default(2),
  /** Seconds SIGTERM waits for a running fit before aborting it and handing the run back. */
  WORKER_SHUTDOWN_GRACE_SECONDS: int("WORKER_SHUTDOWN_GRACE_SECONDS", 0, 3600).default(10),
  /** Disable the scheduler in this process (e.g. dedicated fit-only workers). */
  WORKER_SCHEDULER: z.enum(["on", "off"], { error: "WORKER_SCHEDULER must be on or off" }).default("on"),
  /** Default sampler size for full (NUTS) runs; a config's `sampler` field overrides it. */
  FIT_CHAINS: int("FIT_CHAINS", 1, 64).default(4),
  FIT_WARMUP: int("FIT_WARMUP", 0, 100_000).default(1000),
  FIT_DRAWS: int("FIT_DRAWS", 1, 100_000).default(1000),
  /** `on`: full runs claimed by this worker run each chain as a separate queue job (any worker). */
  FIT_CHAIN_JOBS: z.enum(["on", "off"], { error: "FIT_CHAIN_JOBS must be on or off" }).default("off"),
  /** Chain jobs this process runs at once (one thread each). Default: the machine's cores. */
  WORKER_CHAIN_CONCURRENCY: int("WORKER_CHAIN_CONCURRENCY", 1, 256).default(
    Math.max(1, os.availableParallelism()),
  ),
  /** `off`: this process takes only chain jobs (a helper machine for other workers' runs). */
  WORKER_FIT_RUNS: z.enum(["on", "off"], { error: "WORKER_FIT_RUNS must be on or off" }).default("on"),
  WORKER_ID: z.string().min(1).optional(),
  /** Alert email (nodemailer): smtp://user:pass@host:port or smtps://...; unset = no email alerts. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, "SMTP_URL must look like smtp://user:password@host:587 or smtps://...")
    .optional(),
  MAIL_FROM: z
    .string()
    .min(3, "MAIL_FROM must be an address like Mixcast <alerts@example.com>")
    .default("Mixcast <alerts@mixcast.local>"),
  /** Public URL of the web app, for links in alerts (default http://localhost:3000). */
  BETTER_AUTH_URL: z
    .url({ error: "BETTER_AUTH_URL must be the app's public URL" })
    .default("http://localhost:3000"),
  /**
   * Networks alert webhooks may reach although private, loopback or link-local (addresses or CIDR
   * ranges, comma-separated). Unset: webhooks reach public addresses only.
   */
  MIXCAST_WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseAllowedNetworks(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /** How often pending alert deliveries are attempted. */
  WORKER_ALERT_SECONDS: int("WORKER_ALERT_SECONDS", 1, 3600).default(15),
});

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export function loadWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = workerEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid worker environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
