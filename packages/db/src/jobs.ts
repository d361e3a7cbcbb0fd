// The fit queue, shared by the web app (producer) and apps/worker (consumer).
//
// pg-boss keeps its tables in its own PostgreSQL schema (`pgboss`) next to Prisma's `public`, so
// there is one stateful service and Prisma migrations never see the queue tables. Jobs only carry
// a run id: the Run row is the source of truth, the job is the claim ticket. See
// docs/operations.md ("Worker").
import { PgBoss, type ConstructorOptions, type Queue } from "pg-boss";
import { databaseUrl } from "./env.ts";
import { redactSecrets } from "./redact.ts";

export { PgBoss };

export const PGBOSS_SCHEMA = "pgboss";

export const QUEUES = {
  /** One job per run to fit. Data: FitRunJob. */
  fitRun: "fit-run",
  /** One job per chain of a run whose chains run as separate jobs. Data: FitChainJob. */
  fitChain: "fit-chain",
} as const;

export interface FitRunJob {
  runId: string;
}

export interface FitChainJob {
  runId: string;
  /** 0-based chain index. */
  chain: number;
}

export interface FitQueueSettings {
  /** Attempts in total (first try + retries) for transient failures. Default 3. */
  maxAttempts?: number;
  /** Seconds without a heartbeat after which pg-boss gives the job to another worker (>= 10). Default 30. */
  heartbeatSeconds?: number;
  /** Hard ceiling on one attempt, in seconds. Default 6 hours. */
  expireInSeconds?: number;
  /** First retry delay in seconds; doubles per retry (with jitter). Default 5. */
  retryDelaySeconds?: number;
}

/** Queue options for `fit-run`. `exclusive` + singletonKey=runId: at most one live job per run. */
export function fitQueueOptions(settings: FitQueueSettings = {}): Omit<Queue, "name"> {
  const maxAttempts = settings.maxAttempts ?? 3;
  return {
    policy: "exclusive",
    retryLimit: Math.max(0, maxAttempts - 1),
    retryDelay: settings.retryDelaySeconds ?? 5,
    retryBackoff: true,
    retryDelayMax: 300,
    heartbeatSeconds: Math.max(10, settings.heartbeatSeconds ?? 30),
    expireInSeconds: settings.expireInSeconds ?? 6 * 3600,
    // Finished jobs are only bookkeeping: the Run row holds the outcome.
    deleteAfterSeconds: 7 * 24 * 3600,
  };
}

/**
 * A started PgBoss for `connectionString` (default DATABASE_URL). `role: "producer"` (the web app)
 * runs no maintenance and registers no instance; `role: "worker"` supervises (expiry, heartbeats,
 * retention). Creates the queues if missing. Call `stop()` when done.
 */
export async function createBoss(
  options: {
    connectionString?: string;
    role?: "producer" | "worker";
    queue?: FitQueueSettings;
    boss?: Partial<ConstructorOptions>;
  } = {},
): Promise<PgBoss> {
  const role = options.role ?? "producer";
  const boss = new PgBoss({
    connectionString: options.connectionString ?? databaseUrl(),
    schema: PGBOSS_SCHEMA,
    application_name: role === "worker" ? "mixcast-worker" : "mixcast-web",
    max: role === "worker" ? 4 : 2,
    supervise: role === "worker",
    schedule: false,
    registerInstance: role === "worker",
    ...options.boss,
  });
  // pg-boss reports background errors (lost connection during a poll, ...) as events; without a
  // listener EventEmitter would throw them. They are retried by pg-boss itself.
  boss.on("error", (error) => console.error(`[pg-boss] ${redactSecrets(error.message)}`));
  await boss.start();
  await ensureQueues(boss, options.queue);
  return boss;
}

/** Creates the queues (no-op for a queue that exists; its stored options win). */
export async function ensureQueues(boss: PgBoss, settings: FitQueueSettings = {}): Promise<void> {
  for (const name of [QUEUES.fitRun, QUEUES.fitChain]) {
    const existing = await boss.getQueue(name);
    if (!existing) await boss.createQueue(name, fitQueueOptions(settings));
  }
}

const globalForBoss = globalThis as unknown as { __mixcastBoss?: Promise<PgBoss> };

/** The process-wide producer for DATABASE_URL (started lazily, kept on globalThis). */
export function getProducerBoss(): Promise<PgBoss> {
  globalForBoss.__mixcastBoss ??= createBoss({ role: "producer" }).catch((error: unknown) => {
    globalForBoss.__mixcastBoss = undefined;
    throw error;
  });
  return globalForBoss.__mixcastBoss;
}

/**
 * Puts a queued Run on the fit queue. Idempotent: while a job for this run is queued, retrying or
 * active, another call returns null instead of a second job. Returns the job id (or null).
 * The caller creates the Run row (status `queued`) first; the worker loads everything else from it.
 */
export async function enqueueFitRun(runId: string, options: { boss?: PgBoss } = {}): Promise<string | null> {
  const boss = options.boss ?? (await getProducerBoss());
  const data: FitRunJob = { runId };
  return boss.send(QUEUES.fitRun, data, { singletonKey: runId });
}

/** The pg-boss singleton key of a chain's job: at most one live job per (run, chain). */
export const fitChainKey = (runId: string, chain: number) => `${runId}:${chain}`;

/**
 * Puts one chain of a run on the chain queue (the run's coordinator does, docs/operations.md).
 * Idempotent like enqueueFitRun: null while a job for this chain is queued, retrying or active.
 */
export async function enqueueFitChain(
  runId: string,
  chain: number,
  options: { boss?: PgBoss } = {},
): Promise<string | null> {
  const boss = options.boss ?? (await getProducerBoss());
  const data: FitChainJob = { runId, chain };
  return boss.send(QUEUES.fitChain, data, { singletonKey: fitChainKey(runId, chain) });
}
