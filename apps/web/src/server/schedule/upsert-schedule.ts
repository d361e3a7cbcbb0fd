import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { notFound } from "../errors.ts";

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const upsertScheduleInput = z.object({
  modelId: z.string().min(1),
  /** 0 = Sunday ... 6 = Saturday, in `timezone`. */
  weekday: z.number().int().min(0).max(6),
  hour: z.number().int().min(0).max(23),
  timezone: z.string().refine(isTimeZone, "Choose a valid time zone (for example Europe/Berlin)."),
  mode: z.enum(["fast", "full"]).default("full"),
  enabled: z.boolean().default(true),
});

export const removeScheduleInput = z.object({ modelId: z.string().min(1) });

/**
 * Sets the weekly refit of a model. nextRunAt is cleared so the worker's scheduler recomputes it
 * from the new rule (it owns the time-zone slot arithmetic).
 */
export async function upsertSchedule(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof upsertScheduleInput>,
) {
  return db.$transaction(async (tx) => {
    const model = await tx.model.findFirst({ where: { id: input.modelId, workspaceId: actor.workspaceId } });
    if (!model) throw notFound("That model");
    const data = {
      weekday: input.weekday,
      hour: input.hour,
      timezone: input.timezone,
      mode: input.mode,
      enabled: input.enabled,
      nextRunAt: null,
    };
    const schedule = await tx.schedule.upsert({
      where: { modelId: model.id },
      create: { ...data, workspaceId: actor.workspaceId, modelId: model.id, createdById: actor.userId },
      update: data,
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "schedule.upsert",
      targetType: "schedule",
      targetId: schedule.id,
      details: {
        modelId: model.id,
        weekday: input.weekday,
        hour: input.hour,
        timezone: input.timezone,
        mode: input.mode,
        enabled: input.enabled,
      },
    });
    return schedule;
  });
}

export async function removeSchedule(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof removeScheduleInput>,
) {
  return db.$transaction(async (tx) => {
    const schedule = await tx.schedule.findFirst({
      where: { modelId: input.modelId, workspaceId: actor.workspaceId },
    });
    if (!schedule) throw notFound("That schedule");
    await tx.schedule.delete({ where: { id: schedule.id } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "schedule.remove",
      targetType: "schedule",
      targetId: schedule.id,
      details: { modelId: input.modelId },
    });
    return { id: schedule.id };
  });
}
