// Queueing: a Run row starts `queued` with its audit event in the caller's transaction (so a run
// can be created together with other rows, e.g. the demo campaign). Putting it on pg-boss happens
// after commit, by the caller; recordJob / failEnqueue record how that went.
import type { Prisma, PrismaClient, PrismaTransaction, Run } from "@mixcast/db";
import { writeRunEvent, type RunEventBy } from "./audit.ts";
import { overriddenChecksCodec, type OverriddenChecks } from "./stored/overridden-checks.ts";
import { transaction } from "./transaction.ts";

export interface QueueRunInput {
  workspaceId: string;
  modelId: string;
  datasetVersionId: string;
  configVersionId: string;
  mode: "fast" | "full";
  seed: number;
  createdById: string | null;
  /** The blocking data-check findings this run is started despite, and on whose word. */
  overriddenChecks?: OverriddenChecks | null;
}

/**
 * A manual run, queued. `audit.action` is the event the caller's surface has always written
 * ("run.start" from the web, "run.created" for the demo seed); `audit.by` the user who asked.
 */
export async function queueRun(
  tx: PrismaTransaction,
  input: QueueRunInput,
  audit: { action: string; details: Record<string, unknown>; by?: RunEventBy },
): Promise<Run> {
  const run = await tx.run.create({
    data: {
      workspaceId: input.workspaceId,
      modelId: input.modelId,
      datasetVersionId: input.datasetVersionId,
      configVersionId: input.configVersionId,
      status: "queued",
      trigger: "manual",
      mode: input.mode,
      seed: input.seed,
      createdById: input.createdById,
      progress: { phase: "queued", percent: 0 },
      ...(input.overriddenChecks
        ? { overriddenChecks: overriddenChecksCodec.encode(input.overriddenChecks) }
        : {}),
    },
  });
  await writeRunEvent(tx, run, audit.action, audit.details, audit.by);
  return run;
}

/**
 * A scheduled run for one weekly slot, queued; null when that slot already has a run (another
 * scheduler got there first: the (model, slot) pair is unique).
 */
export async function queueScheduledRun(
  tx: PrismaTransaction,
  input: Omit<QueueRunInput, "createdById"> & { scheduleSlot: Date },
  details: Record<string, unknown>,
): Promise<{ id: string } | null> {
  const rows = await tx.run.createManyAndReturn({
    data: [
      {
        workspaceId: input.workspaceId,
        modelId: input.modelId,
        datasetVersionId: input.datasetVersionId,
        configVersionId: input.configVersionId,
        status: "queued",
        trigger: "schedule",
        mode: input.mode,
        seed: input.seed,
        scheduleSlot: input.scheduleSlot,
        ...(input.overriddenChecks
          ? { overriddenChecks: overriddenChecksCodec.encode(input.overriddenChecks) }
          : {}),
      } satisfies Prisma.RunCreateManyInput,
    ],
    skipDuplicates: true,
    select: { id: true, workspaceId: true, trigger: true, createdById: true },
  });
  const run = rows[0];
  if (!run) return null;
  await writeRunEvent(tx, run, "run.created", details);
  return { id: run.id };
}

/** Remembers the queue job of a run (bookkeeping only: the Run row stays the source of truth). */
export async function recordJob(db: PrismaClient | PrismaTransaction, runId: string, jobId: string) {
  await db.run.update({ where: { id: runId }, data: { jobId } });
}

/**
 * The queue refused the job: the run fails at once instead of staying queued forever. Only a
 * run that is still queued is touched.
 */
export async function failEnqueue(
  prisma: PrismaClient,
  run: { id: string; workspaceId: string },
  reason: string,
) {
  await transaction(prisma, async (tx) => {
    // the event is written even when the run moved on meanwhile: it records the queue's refusal
    await tx.run.updateMany({
      where: { id: run.id, status: "queued" },
      data: {
        status: "failed",
        finishedAt: new Date(),
        error: `Could not put the fit on the queue: ${reason}`,
      },
    });
    await writeRunEvent(
      tx,
      { id: run.id, workspaceId: run.workspaceId, trigger: "manual", createdById: null },
      "run.enqueue_failed",
      { reason },
      "system",
    );
  });
}
