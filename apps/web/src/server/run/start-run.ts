import { randomInt } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import {
  blockingFindings,
  checkRunData,
  describeBlocking,
  failEnqueue,
  queueRun,
  recordJob,
  writeRunEvent,
} from "@mixcast/runs";
import type { OverriddenFinding } from "@mixcast/runs/stored";
import type { Actor } from "../actor.ts";
import { badRequest, notFound, unavailable } from "../errors.ts";

export const startRunInput = z.object({
  modelId: z.string().min(1),
  mode: z.enum(["fast", "full"]).default("full"),
  /** Default: the model's newest config version. */
  configVersionId: z.string().min(1).optional(),
  /** Default: the newest version of the model's dataset. */
  datasetVersionId: z.string().min(1).optional(),
  seed: z.number().int().min(1).max(2_147_483_647).optional(),
  /**
   * "Fit anyway: I understand the blocking data checks". Without it a run whose data has a
   * blocking finding (docs/trust.md section 1) is refused; with it the run starts, and the
   * findings are recorded on the run and in the audit log.
   */
  overrideBlockingChecks: z.boolean().optional(),
});

export type EnqueueFitRun = (runId: string) => Promise<string | null>;

/**
 * Refuses a start whose data has blocking findings unless the caller overrides them; checked on
 * the server, so no client (or a stale page) can skip it.
 */
export function blockingRefusal(findings: readonly OverriddenFinding[]) {
  return badRequest(
    `The data has ${describeBlocking(findings)}. ` +
      'Fix the data or the model configuration, or tick "Fit anyway" to start despite them (recorded in the audit log).',
  );
}

/**
 * Creates a queued Run pinned to one dataset version and one config version, then puts it on the
 * fit queue. If the queue cannot take it, the run is marked failed (never left queued forever).
 */
export async function startRun(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof startRunInput>,
  enqueueFitRun: EnqueueFitRun,
) {
  const run = await db.$transaction(async (tx) => {
    const model = await tx.model.findFirst({ where: { id: input.modelId, workspaceId: actor.workspaceId } });
    if (!model) throw notFound("That model");
    const config = await tx.modelConfigVersion.findFirst({
      where: { modelId: model.id, ...(input.configVersionId ? { id: input.configVersionId } : {}) },
      orderBy: { version: "desc" },
    });
    if (!config)
      throw input.configVersionId
        ? badRequest(
            "That configuration version belongs to another model. Pick one of this model's versions.",
          )
        : badRequest("This model has no saved configuration yet. Save one first.");
    const dataVersion = await tx.datasetVersion.findFirst({
      where: {
        datasetId: model.datasetId,
        ...(input.datasetVersionId ? { id: input.datasetVersionId } : {}),
      },
      orderBy: { version: "desc" },
    });
    if (!dataVersion)
      throw input.datasetVersionId
        ? badRequest("That dataset version is not a version of this model's dataset.")
        : badRequest("The model's dataset has no valid version. Upload a CSV first.");
    // Versions are immutable, so checking inside the transaction sees exactly what the run pins.
    const blocking = blockingFindings(checkRunData(dataVersion.csv, config.config));
    if (blocking.length > 0 && input.overrideBlockingChecks !== true) throw blockingRefusal(blocking);
    const overriddenChecks =
      blocking.length > 0 ? { by: "user" as const, userId: actor.userId, findings: blocking } : null;
    const seed = input.seed ?? randomInt(1, 2_147_483_647);
    const created = await queueRun(
      tx,
      {
        workspaceId: actor.workspaceId,
        modelId: model.id,
        datasetVersionId: dataVersion.id,
        configVersionId: config.id,
        mode: input.mode,
        seed,
        createdById: actor.userId,
        overriddenChecks,
      },
      {
        action: "run.start",
        by: { userId: actor.userId },
        details: {
          modelId: model.id,
          mode: input.mode,
          configVersion: config.version,
          datasetVersion: dataVersion.version,
          seed,
          ...(overriddenChecks ? { overriddenChecks: overriddenChecks.findings } : {}),
        },
      },
    );
    if (overriddenChecks)
      await writeRunEvent(
        tx,
        created,
        "run.data_checks_overridden",
        {
          modelId: model.id,
          datasetVersion: dataVersion.version,
          configVersion: config.version,
          findings: overriddenChecks.findings,
        },
        { userId: actor.userId },
      );
    return created;
  });
  try {
    const jobId = await enqueueFitRun(run.id);
    if (jobId) await recordJob(db, run.id, jobId);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await failEnqueue(db, run, reason);
    throw unavailable(
      "The fit could not be queued. Is the worker's database reachable? Try again in a minute.",
    );
  }
  return { id: run.id };
}
