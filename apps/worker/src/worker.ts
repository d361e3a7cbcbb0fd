// The worker process: consumes the fit queue, ticks the weekly scheduler, sweeps stale runs,
// answers /healthz, and shuts down cleanly on SIGTERM (stop taking jobs, let the current fit
// finish within a grace period, otherwise abort it and hand the run back to the queue).
import { randomUUID } from "node:crypto";
import http from "node:http";
import os from "node:os";
import { createPrismaClient, type PrismaClient } from "@mixcast/db";
import {
  createBoss,
  enqueueFitChain,
  enqueueFitRun,
  fitChainKey,
  QUEUES,
  type FitChainJob,
  type FitRunJob,
  type PgBoss,
} from "@mixcast/db/jobs";
import { coreEngine, type Engine } from "./engine.ts";
import { fitThreadPool, type FitThreadPool } from "./fit-thread.ts";
import type { WorkerEnv } from "./env.ts";
import { failChain, failLiveRun, LostClaimError } from "@mixcast/runs";
import { processChainJob, type ChainOutcome } from "./chain-jobs.ts";
import { isTransientError, messageOf } from "./errors.ts";
import { processFitRun, type FitJobContext, type FitOutcome } from "./fit-job.ts";
import { mailerFor, parseAllowedNetworks } from "@mixcast/notify";
import { alertMailSender, checkDataFreshness, deliverPendingAlerts, type DeliveryResult } from "./alerts.ts";
import { reviewFinishedRun } from "./refit-review.ts";
import { runSchedulerTick, type TickResult } from "./scheduler.ts";
import { sweepStaleRuns, type SweepResult } from "./sweeper.ts";
import { backfillRunViews } from "./backfill.ts";
import {
  ensureWorkerStateTable,
  markStopped,
  recordSweep,
  recordTick,
  registerWorker,
  workerHeartbeat,
} from "./worker-state.ts";
import { redactSecrets } from "@mixcast/db/redact";

export interface StartWorkerOptions {
  env: WorkerEnv;
  /** Default: the real engine from @mixcast/core. */
  engine?: Engine;
  /** Default: a new client for env.DATABASE_URL (closed on stop). */
  prisma?: PrismaClient;
  /** Clock for the scheduler (tests move it by hand). */
  now?: () => Date;
  /** Start the periodic scheduler/sweeper timers (default true; tests call tick()/sweep()). */
  timers?: boolean;
  onOutcome?: (outcome: FitOutcome) => void;
  onChainOutcome?: (outcome: ChainOutcome) => void;
  onProgressWrite?: FitJobContext["onProgressWrite"];
  log?: (message: string) => void;
}

export interface HealthReport {
  ok: boolean;
  workerId: string;
  pid: number;
  stopping: boolean;
  /** "ok", or why the database did not answer. */
  database: string;
  activeRuns: string[];
  lastTickAt: string | null;
  lastSweepAt: string | null;
  startedAt: string;
}

export interface WorkerHandle {
  workerId: string;
  boss: PgBoss;
  prisma: PrismaClient;
  tick(now?: Date): Promise<TickResult>;
  sweep(now?: Date): Promise<SweepResult>;
  /** Attempts the due alert deliveries now (also runs every WORKER_ALERT_SECONDS). */
  deliverAlerts(now?: Date): Promise<DeliveryResult>;
  activeRuns(): string[];
  health(): Promise<HealthReport>;
  /** Graceful stop; resolves when the worker has let go of everything. Idempotent. */
  stop(): Promise<void>;
  healthPort: number | null;
}

export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const { env } = options;
  const log = options.log ?? ((m: string) => console.log(`[worker] ${redactSecrets(m)}`));
  const workerId = env.WORKER_ID ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const now = options.now ?? (() => new Date());
  const ownPrisma = !options.prisma;
  const prisma =
    options.prisma ?? createPrismaClient(env.DATABASE_URL, { maxConnections: 4 + env.WORKER_CONCURRENCY });
  let pool: FitThreadPool | null = null;
  if (!options.engine) {
    // Fit threads load the engine once and are reused; start them now, not at the first job.
    pool = fitThreadPool(env.WORKER_CONCURRENCY + env.WORKER_CHAIN_CONCURRENCY);
    pool.warm();
  }
  const engine = options.engine ?? coreEngine();
  const startedAt = new Date();

  await ensureWorkerStateTable(prisma);
  await registerWorker(prisma, workerId);
  const boss = await createBoss({
    connectionString: env.DATABASE_URL,
    role: "worker",
    queue: {
      maxAttempts: env.WORKER_MAX_ATTEMPTS,
      heartbeatSeconds: env.WORKER_JOB_HEARTBEAT_SECONDS,
      retryDelaySeconds: env.WORKER_RETRY_DELAY_SECONDS,
    },
    boss: {
      superviseIntervalSeconds: env.WORKER_SUPERVISE_SECONDS,
      monitorIntervalSeconds: env.WORKER_SUPERVISE_SECONDS,
      instanceName: "mixcast-worker",
    },
  });
  const enqueue = (runId: string) => enqueueFitRun(runId, { boss });
  const enqueueChain = (runId: string, chain: number) => enqueueFitChain(runId, chain, { boss });

  const shutdown = new AbortController();
  const active = new Set<string>();
  const activeChains = new Set<string>();
  let stopping: Promise<void> | null = null;
  let lastTickAt: Date | null = null;
  let lastSweepAt: Date | null = null;

  const ctx: FitJobContext = {
    prisma,
    engine,
    workerId,
    threads: env.FIT_THREADS,
    progressIntervalMs: env.WORKER_PROGRESS_INTERVAL_MS,
    sampler: { chains: env.FIT_CHAINS, warmup: env.FIT_WARMUP, draws: env.FIT_DRAWS },
    onProgressWrite: options.onProgressWrite,
    ...(env.FIT_CHAIN_JOBS === "on"
      ? {
          chainJobs: {
            enqueue: enqueueChain,
            hasLiveJob: async (runId: string, chain: number) =>
              (await boss.findJobs(QUEUES.fitChain, { key: fitChainKey(runId, chain) })).some((job) =>
                ["created", "retry", "active"].includes(job.state),
              ),
            staleSeconds: env.WORKER_STALE_RUN_SECONDS,
            maxAttempts: env.WORKER_MAX_ATTEMPTS,
            pollMs: Math.min(1000, env.WORKER_PROGRESS_INTERVAL_MS),
          },
        }
      : {}),
  };

  /** Best effort: the database may be what failed. */
  const markFailed = async (runId: string, reason: string) => {
    try {
      await failLiveRun(prisma, runId, reason, { workerId });
    } catch (error) {
      log(`could not mark run ${runId} failed (${messageOf(error)}); the sweeper will`);
    }
  };

  if (env.WORKER_FIT_RUNS === "on")
    await boss.work<FitRunJob>(
      QUEUES.fitRun,
      {
        localConcurrency: env.WORKER_CONCURRENCY,
        pollingIntervalSeconds: env.WORKER_POLL_SECONDS,
        batchSize: 1,
      },
      async (jobs) => {
        const job = jobs[0];
        if (!job) return null;
        const { runId } = job.data;
        if (shutdown.signal.aborted || stopping) {
          // Fetched while shutting down: give it straight back.
          await boss.complete(QUEUES.fitRun, { id: job.id, retryCount: job.retryCount });
          await enqueue(runId);
          return { status: "handed-back", runId };
        }
        active.add(runId);
        try {
          const outcome = await processFitRun(ctx, runId, { jobId: job.id, shutdownSignal: shutdown.signal });
          log(`run ${runId}: ${outcome.status}${"reason" in outcome ? ` (${outcome.reason})` : ""}`);
          if (outcome.status === "succeeded" || outcome.status === "failed") {
            // Stability, auto-approval and alerts: after the outcome is stored, never failing it.
            try {
              const review = await reviewFinishedRun(prisma, runId);
              if (review.alerts.length) await deliverAlerts();
            } catch (error) {
              log(`run ${runId}: review failed: ${messageOf(error)}`);
            }
          }
          if (outcome.status === "handed-back") {
            // Complete this job first: the queue allows one live job per run.
            await boss.complete(QUEUES.fitRun, { id: job.id, retryCount: job.retryCount });
            await enqueue(runId);
          }
          options.onOutcome?.(outcome);
          return outcome;
        } catch (error) {
          if (error instanceof LostClaimError) {
            log(`run ${runId}: lost the claim (${error.message})`);
            return { status: "lost", runId };
          }
          const finalAttempt = job.retryCount >= env.WORKER_MAX_ATTEMPTS - 1;
          if (isTransientError(error)) {
            log(
              `run ${runId}: transient error (${messageOf(error)}), ${finalAttempt ? "giving up" : "will retry"}`,
            );
            if (finalAttempt)
              await markFailed(runId, `Gave up after ${job.retryCount + 1} attempts: ${messageOf(error)}`);
            throw error;
          }
          log(`run ${runId}: failed (${messageOf(error)})`);
          await markFailed(runId, `Worker error: ${messageOf(error)}`);
          return { status: "failed", runId };
        } finally {
          active.delete(runId);
        }
      },
    );

  // Chain jobs: every worker takes them, whether or not it coordinates runs with chain jobs itself.
  await boss.work<FitChainJob>(
    QUEUES.fitChain,
    {
      localConcurrency: env.WORKER_CHAIN_CONCURRENCY,
      pollingIntervalSeconds: env.WORKER_POLL_SECONDS,
      batchSize: 1,
    },
    async (jobs) => {
      const job = jobs[0];
      if (!job) return null;
      const { runId, chain } = job.data;
      const key = fitChainKey(runId, chain);
      if (shutdown.signal.aborted || stopping) {
        await boss.complete(QUEUES.fitChain, { id: job.id, retryCount: job.retryCount });
        await enqueueChain(runId, chain);
        return { status: "handed-back", runId, chain };
      }
      activeChains.add(key);
      try {
        const outcome = await processChainJob(ctx, runId, chain, {
          jobId: job.id,
          shutdownSignal: shutdown.signal,
        });
        log(
          `run ${runId} chain ${chain}: ${outcome.status}${"reason" in outcome ? ` (${outcome.reason})` : ""}`,
        );
        if (outcome.status === "handed-back") {
          await boss.complete(QUEUES.fitChain, { id: job.id, retryCount: job.retryCount });
          await enqueueChain(runId, chain);
        }
        options.onChainOutcome?.(outcome);
        return outcome;
      } catch (error) {
        if (error instanceof LostClaimError) {
          log(`run ${runId} chain ${chain}: lost the claim (${error.message})`);
          return { status: "lost", runId, chain };
        }
        const finalAttempt = job.retryCount >= env.WORKER_MAX_ATTEMPTS - 1;
        if (isTransientError(error)) {
          log(
            `run ${runId} chain ${chain}: transient error (${messageOf(error)}), ${finalAttempt ? "giving up" : "will retry"}`,
          );
          if (finalAttempt)
            await failChain(
              prisma,
              { runId, chain },
              `gave up after ${job.retryCount + 1} attempts: ${messageOf(error)}`,
            ).catch(() => undefined);
          throw error;
        }
        log(`run ${runId} chain ${chain}: failed (${messageOf(error)})`);
        await failChain(prisma, { runId, chain }, `worker error: ${messageOf(error)}`).catch(() => undefined);
        return { status: "failed", runId, chain };
      } finally {
        activeChains.delete(key);
      }
    },
  );

  const sendMail = alertMailSender(mailerFor(env.SMTP_URL, env.MAIL_FROM));
  const allowedWebhookNetworks = parseAllowedNetworks(env.MIXCAST_WEBHOOK_ALLOWED_NETWORKS);
  async function deliverAlerts(at: Date = new Date()): Promise<DeliveryResult> {
    const r = await deliverPendingAlerts(prisma, {
      now: () => at,
      appUrl: env.BETTER_AUTH_URL,
      allowedWebhookNetworks,
      ...(sendMail ? { sendMail } : {}),
    });
    if (r.delivered + r.retried + r.failed > 0) log(`alerts: ${JSON.stringify(r)}`);
    return r;
  }
  const tick = async (at: Date = now()): Promise<TickResult> => {
    const result = await runSchedulerTick({ prisma, enqueue, now: at });
    const late = await checkDataFreshness(prisma, at);
    if (late.length) log(`alerts: ${late.length} data-late alert(s)`);
    lastTickAt = at;
    await recordTick(prisma, workerId, at, {
      checked: result.checked,
      created: result.created.length,
      skipped: result.skipped,
    });
    if (result.created.length > 0)
      log(`scheduler: created ${result.created.length} run(s) at ${at.toISOString()}`);
    return result;
  };
  const sweep = async (at: Date = new Date()): Promise<SweepResult> => {
    const result = await sweepStaleRuns({
      prisma,
      boss,
      enqueue,
      now: at,
      staleSeconds: env.WORKER_STALE_RUN_SECONDS,
      maxAttempts: env.WORKER_MAX_ATTEMPTS,
    });
    lastSweepAt = at;
    await recordSweep(prisma, workerId, at);
    const n = result.failed.length + result.requeued.length + result.reenqueued.length;
    if (n > 0) log(`sweeper: ${JSON.stringify(result)}`);
    return result;
  };

  // Stored views (model spec, refresh comparison) for runs that succeeded before the worker stored
  // them itself; a run that cannot get them is not tried again by this process.
  const backfillExcluded = new Set<string>();
  let backfilling: Promise<unknown> | null = null;
  const backfill = () =>
    stopping
      ? Promise.resolve()
      : (backfilling ??= backfillRunViews(prisma, { exclude: backfillExcluded })
          .then((r) => {
            if (r.stored.length + r.skipped.length > 0) log(`stored views: ${JSON.stringify(r)}`);
          })
          .finally(() => {
            backfilling = null;
          }));

  const timers: NodeJS.Timeout[] = [];
  const guarded = (name: string, fn: () => Promise<unknown>) => () => {
    fn().catch((error: unknown) => log(`${name} failed: ${messageOf(error)}`));
  };
  if (options.timers ?? true) {
    if (env.WORKER_SCHEDULER === "on") {
      timers.push(
        setInterval(
          guarded("scheduler tick", () => tick()),
          env.WORKER_TICK_SECONDS * 1000,
        ),
      );
      // Right away too: a slot missed while no worker ran fires as soon as one comes back.
      setImmediate(guarded("scheduler tick", () => tick()));
    }
    timers.push(
      setInterval(
        guarded("alert delivery", () => deliverAlerts()),
        env.WORKER_ALERT_SECONDS * 1000,
      ),
    );
    const sweepEvery = Math.max(2, Math.min(60, Math.floor(env.WORKER_STALE_RUN_SECONDS / 4))) * 1000;
    timers.push(
      setInterval(
        guarded("sweeper", () => sweep()),
        sweepEvery,
      ),
      setInterval(
        guarded("stored views", () => backfill()),
        sweepEvery,
      ),
    );
    setImmediate(guarded("stored views", () => backfill()));
  }
  timers.push(
    setInterval(
      guarded("worker heartbeat", () => workerHeartbeat(prisma, workerId, [...active, ...activeChains])),
      10_000,
    ),
  );

  const health = async (): Promise<HealthReport> => {
    let database = "ok";
    try {
      await prisma.$queryRaw`SELECT 1`;
    } catch (error) {
      database = messageOf(error);
    }
    return {
      ok: database === "ok" && !stopping,
      workerId,
      pid: process.pid,
      stopping: stopping !== null,
      database,
      activeRuns: [...active],
      lastTickAt: lastTickAt?.toISOString() ?? null,
      lastSweepAt: lastSweepAt?.toISOString() ?? null,
      startedAt: startedAt.toISOString(),
    };
  };

  let server: http.Server | null = null;
  let healthPort: number | null = null;
  if (env.WORKER_HEALTH_PORT !== undefined) {
    server = http.createServer((req, res) => {
      if (req.url !== "/healthz") {
        res.writeHead(404).end();
        return;
      }
      void health().then((report) => {
        res
          .writeHead(report.ok ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(report));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(env.WORKER_HEALTH_PORT, "0.0.0.0", () => resolve());
    });
    const address = server.address();
    healthPort = typeof address === "object" && address ? address.port : null;
  }

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      log(`stopping (${active.size} active run(s))`);
      for (const t of timers) clearInterval(t);
      await boss.offWork(QUEUES.fitRun, { wait: false });
      await boss.offWork(QUEUES.fitChain, { wait: false });
      const grace = setTimeout(() => shutdown.abort(), env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000);
      while (active.size + activeChains.size > 0) await new Promise((r) => setTimeout(r, 50));
      clearTimeout(grace);
      await backfilling?.catch(() => undefined);
      await markStopped(prisma, workerId).catch(() => undefined);
      await boss.stop({ graceful: true, timeout: 5000 });
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownPrisma) await prisma.$disconnect();
      await pool?.close();
      log("stopped");
    })();
    return stopping;
  };

  log(
    `started ${workerId} (concurrency ${env.WORKER_CONCURRENCY}, ${env.FIT_THREADS} thread(s) per fit, ${env.WORKER_CHAIN_CONCURRENCY} chain job(s) at once, chain jobs for its runs ${env.FIT_CHAIN_JOBS})`,
  );
  return {
    workerId,
    boss,
    prisma,
    tick,
    sweep,
    deliverAlerts,
    activeRuns: () => [...active],
    health,
    stop,
    healthPort,
  };
}
