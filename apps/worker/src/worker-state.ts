// A worker's own liveness row, for `pnpm --filter @mixcast/worker status` and /healthz: when it
// started, when it last ticked the scheduler and swept, what it is running. It lives in the
// worker's own schema (like pg-boss's `pgboss`), created idempotently at start, so it needs no
// Prisma migration and is not application data.
import os from "node:os";
import type { PrismaClient } from "@mixcast/db";

export const WORKER_SCHEMA = "mixcast_worker";

export async function ensureWorkerStateTable(prisma: PrismaClient): Promise<void> {
  // Workers starting at the same moment would race in CREATE ... IF NOT EXISTS (PostgreSQL then
  // reports a duplicate pg_type row); a transaction-scoped advisory lock serializes them. Prisma's
  // default 2 s wait for a pooled connection was too short for two workers starting at once (P2028).
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('${WORKER_SCHEMA}.worker_state'))`);
      await tx.$executeRawUnsafe(`CREATE SCHEMA IF NOT EXISTS ${WORKER_SCHEMA}`);
      await tx.$executeRawUnsafe(`
      CREATE TABLE IF NOT EXISTS ${WORKER_SCHEMA}.worker_state (
        worker_id     text PRIMARY KEY,
        host          text NOT NULL,
        pid           integer NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        heartbeat_at  timestamptz NOT NULL DEFAULT now(),
        last_tick_at  timestamptz,
        last_tick     jsonb,
        last_sweep_at timestamptz,
        running       text[] NOT NULL DEFAULT '{}',
        stopped_at    timestamptz
      )`);
    },
    { maxWait: 20_000, timeout: 30_000 },
  );
}

export async function registerWorker(prisma: PrismaClient, workerId: string): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO mixcast_worker.worker_state (worker_id, host, pid) VALUES (${workerId}, ${os.hostname()}, ${process.pid})
    ON CONFLICT (worker_id) DO UPDATE SET started_at = now(), heartbeat_at = now(), stopped_at = NULL, running = '{}'`;
}

export async function workerHeartbeat(
  prisma: PrismaClient,
  workerId: string,
  running: string[],
): Promise<void> {
  await prisma.$executeRaw`
    UPDATE mixcast_worker.worker_state SET heartbeat_at = now(), running = ${running}::text[] WHERE worker_id = ${workerId}`;
}

export async function recordTick(
  prisma: PrismaClient,
  workerId: string,
  at: Date,
  summary: unknown,
): Promise<void> {
  await prisma.$executeRaw`
    UPDATE mixcast_worker.worker_state SET last_tick_at = ${at}, last_tick = ${JSON.stringify(summary)}::jsonb, heartbeat_at = now()
     WHERE worker_id = ${workerId}`;
}

export async function recordSweep(prisma: PrismaClient, workerId: string, at: Date): Promise<void> {
  await prisma.$executeRaw`UPDATE mixcast_worker.worker_state SET last_sweep_at = ${at} WHERE worker_id = ${workerId}`;
}

export async function markStopped(prisma: PrismaClient, workerId: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE mixcast_worker.worker_state SET stopped_at = now(), running = '{}' WHERE worker_id = ${workerId}`;
}

export interface WorkerStateRow {
  workerId: string;
  host: string;
  pid: number;
  startedAt: Date;
  heartbeatAt: Date;
  lastTickAt: Date | null;
  lastSweepAt: Date | null;
  running: string[];
  stoppedAt: Date | null;
}

export async function listWorkers(prisma: PrismaClient): Promise<WorkerStateRow[]> {
  return prisma.$queryRaw<WorkerStateRow[]>`
    SELECT worker_id AS "workerId", host, pid, started_at AS "startedAt", heartbeat_at AS "heartbeatAt",
           last_tick_at AS "lastTickAt", last_sweep_at AS "lastSweepAt", running, stopped_at AS "stoppedAt"
      FROM mixcast_worker.worker_state ORDER BY heartbeat_at DESC LIMIT 50`;
}
