// Stale-run recovery. pg-boss already hands a job whose worker stopped heart-beating to another
// worker; the sweeper covers what the queue cannot see: a Run left `running` whose job is gone
// (retries exhausted, job deleted) and a `queued` Run that never got a job (crash between the
// insert and the send). A run is re-enqueued until it reaches the attempt limit, then failed with
// the reason. Every transition is conditional, so several workers may sweep at once.
import type { PrismaClient } from "@mixcast/db";
import { QUEUES, type PgBoss } from "@mixcast/db/jobs";
import { auditRun } from "./audit.ts";
import { transaction } from "./transaction.ts";

export interface SweepDeps {
  prisma: PrismaClient;
  boss: PgBoss;
  enqueue: (runId: string) => Promise<unknown>;
  now: Date;
  staleSeconds: number;
  maxAttempts: number;
}

export interface SweepResult {
  requeued: string[];
  failed: string[];
  reenqueued: string[];
}

const LIVE_JOB_STATES = new Set(["created", "retry", "active"]);

export async function hasLiveJob(boss: PgBoss, runId: string): Promise<boolean> {
  const jobs = await boss.findJobs(QUEUES.fitRun, { key: runId });
  return jobs.some((job) => LIVE_JOB_STATES.has(job.state));
}

export async function sweepStaleRuns({
  prisma,
  boss,
  enqueue,
  now,
  staleSeconds,
  maxAttempts,
}: SweepDeps): Promise<SweepResult> {
  const result: SweepResult = { requeued: [], failed: [], reenqueued: [] };
  const cutoff = new Date(now.getTime() - staleSeconds * 1000);

  const stale = await prisma.run.findMany({
    where: { status: "running", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: cutoff } }] },
    select: {
      id: true,
      workspaceId: true,
      trigger: true,
      createdById: true,
      attempt: true,
      heartbeatAt: true,
      workerId: true,
    },
    take: 100,
  });
  for (const run of stale) {
    if (await hasLiveJob(boss, run.id)) continue; // pg-boss will retry or expire it
    const lastSeen = run.heartbeatAt?.toISOString() ?? "never";
    const fenced = { id: run.id, attempt: run.attempt, status: "running" as const };
    if (run.attempt >= maxAttempts) {
      const reason = `Worker ${run.workerId ?? "?"} stopped responding (last heartbeat ${lastSeen}); gave up after ${run.attempt} attempt${run.attempt === 1 ? "" : "s"}.`;
      const done = await transaction(prisma, async (tx) => {
        const updated = await tx.run.updateMany({
          where: fenced,
          data: { status: "failed", error: reason, finishedAt: now },
        });
        if (updated.count === 1)
          await auditRun(
            tx,
            run,
            "run.failed",
            { attempt: run.attempt, reason, by: "sweeper" },
            { system: true },
          );
        return updated.count === 1;
      });
      if (done) result.failed.push(run.id);
    } else {
      const done = await transaction(prisma, async (tx) => {
        const updated = await tx.run.updateMany({
          where: fenced,
          data: { status: "queued", workerId: null },
        });
        if (updated.count === 1) {
          await auditRun(
            tx,
            run,
            "run.requeued",
            { attempt: run.attempt, reason: `stale heartbeat (${lastSeen})`, by: "sweeper" },
            { system: true },
          );
        }
        return updated.count === 1;
      });
      if (done) {
        await enqueue(run.id);
        result.requeued.push(run.id);
      }
    }
  }

  const orphans = await prisma.run.findMany({
    where: { status: "queued", queuedAt: { lt: cutoff }, cancelRequestedAt: null },
    select: { id: true },
    take: 100,
  });
  for (const run of orphans) {
    if (await hasLiveJob(boss, run.id)) continue;
    await enqueue(run.id);
    result.reenqueued.push(run.id);
  }
  return result;
}
