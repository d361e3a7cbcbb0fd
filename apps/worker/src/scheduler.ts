// Weekly refits. Each tick looks at every enabled schedule, computes the most recent slot at or
// before `now`, and if that slot has not fired yet creates ONE run for it (trigger `schedule`,
// newest dataset version, newest config version). Missed weeks collapse into the most recent
// slot. Duplicate slots are impossible: Run has a unique (modelId, scheduleSlot) and the insert is
// ON CONFLICT DO NOTHING, so any number of workers may tick at once.
//
// A slot whose newest data and config are identical to those of the model's last fitted run (or
// the run already queued or running for them) is skipped: no run, the reason recorded on the
// schedule (lastSkippedAt, lastSkipReason) and in the audit log ("schedule.skipped").
//
// So is a slot whose newest data has a blocking data-check finding (docs/trust.md section 1),
// unless the model is set to fit despite them (Model.fitDespiteBlockingChecks): then the run is
// queued with the findings recorded on it (Run.overriddenChecks) and in the audit log.
import type { PrismaClient } from "@mixcast/db";
import {
  blockingFindings,
  checkRunData,
  describeBlocking,
  queueScheduledRun,
  transaction,
  writeRunEvent,
} from "@mixcast/runs";
import type { OverriddenChecks } from "@mixcast/runs/stored";
import { decodeStoredModelConfig } from "@mixcast/runs/stored";
import { mostRecentSlot, nextSlot } from "./schedule-time.ts";

export interface TickResult {
  checked: number;
  created: { runId: string; modelId: string; slot: Date }[];
  skipped: { modelId: string; reason: string }[];
}

export interface TickDeps {
  prisma: PrismaClient;
  /** Puts a created run on the queue (enqueueFitRun). */
  enqueue: (runId: string) => Promise<unknown>;
  now: Date;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/**
 * Why this slot needs no run, or null: the last run that fitted (or is about to fit) this model
 * used data and a config identical to the newest ones.
 */
async function noNewDataReason(
  prisma: PrismaClient,
  modelId: string,
  newest: {
    dataset: { id: string; version: number; checksum: string; mapping: unknown };
    config: { id: string; version: number; config: unknown };
  },
): Promise<string | null> {
  const last = await prisma.run.findFirst({
    where: { modelId, status: { in: ["queued", "running", "succeeded"] } },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      status: true,
      datasetVersion: { select: { id: true, version: true, checksum: true, mapping: true } },
      configVersion: { select: { id: true, version: true, config: true } },
    },
  });
  if (!last) return null;
  const sameData =
    last.datasetVersion.id === newest.dataset.id ||
    (last.datasetVersion.checksum === newest.dataset.checksum &&
      canonical(last.datasetVersion.mapping) === canonical(newest.dataset.mapping));
  const sameConfig =
    last.configVersion.id === newest.config.id ||
    canonical(last.configVersion.config) === canonical(newest.config.config);
  if (!sameData || !sameConfig) return null;
  const what = last.status === "succeeded" ? "fitted by" : `already ${last.status} in`;
  return (
    `no new data: the newest dataset version (v${newest.dataset.version}) is identical to v${last.datasetVersion.version}, ` +
    `${what} run ${last.id}, and the config is unchanged`
  );
}

/** The config's `seed`, else one derived from the slot. A config that no longer parses still gets
 *  its run (which then fails with the config's errors), with the slot's seed. */
function seedFor(storedConfig: unknown, slot: Date): number {
  let seed: number | undefined;
  try {
    seed = decodeStoredModelConfig(storedConfig).config.seed;
  } catch {
    seed = undefined;
  }
  if (seed !== undefined) return seed;
  return Math.floor(slot.getTime() / 1000) % 2_147_483_647;
}

export async function runSchedulerTick({ prisma, enqueue, now }: TickDeps): Promise<TickResult> {
  const result: TickResult = { checked: 0, created: [], skipped: [] };
  const schedules = await prisma.schedule.findMany({
    where: { enabled: true, model: { archivedAt: null } },
    include: {
      model: { select: { id: true, datasetId: true, workspaceId: true, fitDespiteBlockingChecks: true } },
    },
  });
  for (const schedule of schedules) {
    result.checked += 1;
    const rule = { weekday: schedule.weekday, hour: schedule.hour, timezone: schedule.timezone };
    let slotMs: number;
    let nextMs: number;
    try {
      slotMs = mostRecentSlot(rule, now.getTime());
      nextMs = nextSlot(rule, now.getTime());
    } catch (error) {
      result.skipped.push({ modelId: schedule.modelId, reason: (error as Error).message });
      continue;
    }
    const slot = new Date(slotMs);
    const nextRunAt = new Date(nextMs);
    // A slot is due once: after the last fired slot, and not before the schedule existed.
    const baseline = Math.max(schedule.lastSlotAt?.getTime() ?? -Infinity, schedule.createdAt.getTime());
    if (slotMs <= baseline) {
      if (schedule.nextRunAt?.getTime() !== nextMs) {
        await prisma.schedule.update({ where: { id: schedule.id }, data: { nextRunAt } });
      }
      continue;
    }
    const [datasetVersion, configVersion] = await Promise.all([
      prisma.datasetVersion.findFirst({
        where: { datasetId: schedule.model.datasetId },
        orderBy: { version: "desc" },
        select: { id: true, version: true, checksum: true, mapping: true },
      }),
      prisma.modelConfigVersion.findFirst({
        where: { modelId: schedule.modelId },
        orderBy: { version: "desc" },
        select: { id: true, version: true, config: true },
      }),
    ]);
    let reason = !datasetVersion
      ? "the model's dataset has no version"
      : !configVersion
        ? "the model has no config version"
        : await noNewDataReason(prisma, schedule.modelId, { dataset: datasetVersion, config: configVersion });
    let overriddenChecks: OverriddenChecks | null = null;
    if (datasetVersion && configVersion && reason === null) {
      const { csv } = await prisma.datasetVersion.findUniqueOrThrow({
        where: { id: datasetVersion.id },
        select: { csv: true },
      });
      const blocking = blockingFindings(checkRunData(csv, configVersion.config));
      if (blocking.length > 0 && schedule.model.fitDespiteBlockingChecks)
        overriddenChecks = { by: "model-setting", userId: null, findings: blocking };
      else if (blocking.length > 0)
        reason =
          `blocked by the data checks: dataset v${datasetVersion.version} has ${describeBlocking(blocking)}. ` +
          'Fix the data, start a run with "Fit anyway", or let scheduled refits fit despite blocking checks in the model\'s refresh settings';
    }
    if (!datasetVersion || !configVersion || reason !== null) {
      await transaction(prisma, async (tx) => {
        const marked = await tx.schedule.updateMany({
          where: { id: schedule.id, OR: [{ lastSlotAt: null }, { lastSlotAt: { lt: slot } }] },
          data: { lastSlotAt: slot, nextRunAt, lastSkippedAt: slot, lastSkipReason: reason },
        });
        if (marked.count === 1) {
          await tx.auditEvent.create({
            data: {
              workspaceId: schedule.workspaceId,
              actorKind: "schedule",
              action: "schedule.skipped",
              targetType: "schedule",
              targetId: schedule.id,
              details: {
                slot: slot.toISOString(),
                reason,
                modelId: schedule.modelId,
                ...(datasetVersion ? { datasetVersion: datasetVersion.version } : {}),
              },
            },
          });
        }
      });
      result.skipped.push({ modelId: schedule.modelId, reason: reason! });
      continue;
    }
    const created = await transaction(prisma, async (tx) => {
      const run = await queueScheduledRun(
        tx,
        {
          workspaceId: schedule.workspaceId,
          modelId: schedule.modelId,
          datasetVersionId: datasetVersion.id,
          configVersionId: configVersion.id,
          mode: schedule.mode,
          seed: seedFor(configVersion.config, slot),
          scheduleSlot: slot,
          overriddenChecks,
        },
        {
          scheduleId: schedule.id,
          slot: slot.toISOString(),
          datasetVersion: datasetVersion.version,
          configVersion: configVersion.version,
          mode: schedule.mode,
          missedSlotsCollapsed: schedule.lastSlotAt
            ? Math.max(0, Math.round((slotMs - schedule.lastSlotAt.getTime()) / (7 * 86_400_000)) - 1)
            : 0,
          ...(overriddenChecks ? { overriddenChecks: overriddenChecks.findings } : {}),
        },
      );
      if (run && overriddenChecks)
        await writeRunEvent(
          tx,
          { id: run.id, workspaceId: schedule.workspaceId, trigger: "schedule", createdById: null },
          "run.data_checks_overridden",
          {
            modelId: schedule.modelId,
            datasetVersion: datasetVersion.version,
            configVersion: configVersion.version,
            setting: "fitDespiteBlockingChecks",
            findings: overriddenChecks.findings,
          },
        );
      await tx.schedule.updateMany({
        where: { id: schedule.id, OR: [{ lastSlotAt: null }, { lastSlotAt: { lt: slot } }] },
        data: { lastSlotAt: slot, nextRunAt, lastSkippedAt: null, lastSkipReason: null },
      });
      return run;
    });
    if (created) {
      result.created.push({ runId: created.id, modelId: schedule.modelId, slot });
      // After commit: a crash between commit and send leaves a queued run without a job, which
      // the sweeper re-enqueues.
      await enqueue(created.id);
    }
  }
  return result;
}
