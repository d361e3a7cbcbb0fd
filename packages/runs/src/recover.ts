// Recovery of runs whose worker is gone: the worker's own last-resort failure, and the sweeper's
// stale-run transitions. Every change is conditional on the status and attempt it was decided on,
// so several workers may recover at once and exactly one change (and one audit event) lands.
import type { PrismaClient } from "@mixcast/db";
import { writeRunEvent, type RunOrigin } from "./audit.ts";
import { transaction } from "./transaction.ts";

/**
 * Fails a run that is still queued or running, whatever attempt holds it (the worker's handler
 * when processing threw something it cannot retry). Returns whether this call failed it.
 */
export async function failLiveRun(
  prisma: PrismaClient,
  runId: string,
  reason: string,
  by: { workerId: string },
): Promise<boolean> {
  return transaction(prisma, async (tx) => {
    const run = await tx.run.findUnique({ where: { id: runId } });
    if (!run || (run.status !== "running" && run.status !== "queued")) return false;
    const updated = await tx.run.updateMany({
      where: { id: runId, attempt: run.attempt, status: run.status },
      data: { status: "failed", error: reason, finishedAt: new Date() },
    });
    if (updated.count === 1)
      await writeRunEvent(tx, run, "run.failed", { attempt: run.attempt, workerId: by.workerId, reason });
    return updated.count === 1;
  });
}

/** A running run whose heartbeat went stale, as the sweeper saw it. */
export interface StaleRun extends RunOrigin {
  attempt: number;
}

/** Gives up on a stale run that used its attempts: failed with the reason. */
export async function failStaleRun(
  prisma: PrismaClient,
  run: StaleRun,
  reason: string,
  now: Date,
): Promise<boolean> {
  return transaction(prisma, async (tx) => {
    const updated = await tx.run.updateMany({
      where: { id: run.id, attempt: run.attempt, status: "running" },
      data: { status: "failed", error: reason, finishedAt: now },
    });
    if (updated.count === 1)
      await writeRunEvent(tx, run, "run.failed", { attempt: run.attempt, reason, by: "sweeper" }, "system");
    return updated.count === 1;
  });
}

/** Puts a stale run back on the queue (status queued; the caller enqueues a job). */
export async function requeueStaleRun(prisma: PrismaClient, run: StaleRun, reason: string): Promise<boolean> {
  return transaction(prisma, async (tx) => {
    const updated = await tx.run.updateMany({
      where: { id: run.id, attempt: run.attempt, status: "running" },
      data: { status: "queued", workerId: null },
    });
    if (updated.count === 1)
      await writeRunEvent(tx, run, "run.requeued", { attempt: run.attempt, reason, by: "sweeper" }, "system");
    return updated.count === 1;
  });
}
