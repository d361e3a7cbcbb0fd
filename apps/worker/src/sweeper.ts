// Stale-run recovery. pg-boss already hands a job whose worker stopped heart-beating to another
// worker; the sweeper covers what the queue cannot see: a Run left `running` whose job is gone
// (retries exhausted, job deleted) and a `queued` Run that never got a job (crash between the
// insert and the send). A run is re-enqueued until it reaches the attempt limit, then failed with
// the reason. Every transition is conditional, so several workers may sweep at once.
import type { PrismaClient } from "@mixcast/db";
import { QUEUES, type PgBoss } from "@mixcast/db/jobs";
import { failStaleRun, requeueStaleRun } from "@mixcast/runs";

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
    if (run.attempt >= maxAttempts) {
      const reason = `Worker ${run.workerId ?? "?"} stopped responding (last heartbeat ${lastSeen}); gave up after ${run.attempt} attempt${run.attempt === 1 ? "" : "s"}.`;
      if (await failStaleRun(prisma, run, reason, now)) result.failed.push(run.id);
    } else if (await requeueStaleRun(prisma, run, `stale heartbeat (${lastSeen})`)) {
      await enqueue(run.id);
      result.requeued.push(run.id);
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
