// Alert channels (webhooks, email) per workspace, the alerts raised by the worker, and the
// delivery log. Alerts are raised and delivered by the worker (apps/worker/src/alerts.ts).
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "@mixcast/db";
import { literalHostRefusal, parseAllowedNetworks, type AllowedNetworks } from "@mixcast/notify";
import type { Actor } from "../actor.ts";
import { writeAudit } from "../audit/write-audit.ts";
import { badRequest, notFound } from "../errors.ts";

export const ALERT_KINDS = [
  "refit_failed",
  "not_converged",
  "unstable",
  "backtest_coverage",
  "data_late",
] as const;

export const createAlertChannelInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("webhook"),
    name: z.string().trim().min(2, "Name the channel (at least 2 characters).").max(80),
    target: z
      .url({ error: "Enter the webhook's full URL, e.g. https://hooks.example.com/mixcast." })
      .max(2000)
      .refine((u) => /^https?:\/\//i.test(u), "The webhook URL must start with http:// or https://."),
    kinds: z.array(z.enum(ALERT_KINDS)).max(ALERT_KINDS.length),
  }),
  z.object({
    kind: z.literal("email"),
    name: z.string().trim().min(2, "Name the channel (at least 2 characters).").max(80),
    target: z.email({ error: "Enter an email address, e.g. team@example.com." }).max(320),
    kinds: z.array(z.enum(ALERT_KINDS)).max(ALERT_KINDS.length),
  }),
]);

export const channelIdInput = z.object({ channelId: z.string().min(1) });

export async function listAlertChannels(db: PrismaClient, actor: Actor) {
  const rows = await db.alertChannel.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { createdAt: "asc" },
  });
  // The signing secret is shown once, at creation.
  return rows.map(({ secret, ...c }) => ({ ...c, hasSecret: secret !== null }));
}

export async function createAlertChannel(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof createAlertChannelInput>,
  /** MIXCAST_WEBHOOK_ALLOWED_NETWORKS (the worker checks again after resolving the host). */
  allowedWebhookNetworks: AllowedNetworks = parseAllowedNetworks(undefined),
) {
  if (input.kind === "webhook") {
    const refusal = literalHostRefusal(input.target, allowedWebhookNetworks);
    if (refusal)
      throw badRequest(
        `Webhooks cannot call internal addresses: ${refusal}. Use the receiver's public URL, or ask the operator to allow that network (MIXCAST_WEBHOOK_ALLOWED_NETWORKS).`,
      );
  }
  const secret = input.kind === "webhook" ? `whsec_${randomBytes(24).toString("base64url")}` : null;
  return db.$transaction(async (tx) => {
    const channel = await tx.alertChannel.create({
      data: {
        workspaceId: actor.workspaceId,
        kind: input.kind,
        name: input.name,
        target: input.target,
        secret,
        kinds: input.kinds,
        createdById: actor.userId,
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "alert_channel.create",
      targetType: "alert_channel",
      targetId: channel.id,
      details: { kind: input.kind, name: input.name, target: input.target, kinds: input.kinds },
    });
    return { id: channel.id, kind: channel.kind, name: channel.name, secret };
  });
}

export async function deleteAlertChannel(
  db: PrismaClient,
  actor: Actor,
  input: z.infer<typeof channelIdInput>,
) {
  return db.$transaction(async (tx) => {
    const channel = await tx.alertChannel.findFirst({
      where: { id: input.channelId, workspaceId: actor.workspaceId },
    });
    if (!channel) throw notFound("That alert channel");
    await tx.alertChannel.delete({ where: { id: channel.id } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "alert_channel.delete",
      targetType: "alert_channel",
      targetId: channel.id,
      details: { kind: channel.kind, name: channel.name, target: channel.target },
    });
    return { id: channel.id };
  });
}

export async function listAlerts(db: PrismaClient, actor: Pick<Actor, "workspaceId">, take = 50) {
  const rows = await db.alert.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { at: "desc" },
    take,
    include: {
      model: { select: { id: true, name: true } },
      deliveries: { select: { status: true } },
    },
  });
  return rows.map(({ deliveries, dedupeKey: _k, ...a }) => ({
    ...a,
    deliveries: {
      delivered: deliveries.filter((d) => d.status === "delivered").length,
      pending: deliveries.filter((d) => d.status === "pending").length,
      failed: deliveries.filter((d) => d.status === "failed").length,
    },
  }));
}

export async function listAlertDeliveries(db: PrismaClient, actor: Actor) {
  return db.alertDelivery.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: {
      id: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      lastError: true,
      responseStatus: true,
      deliveredAt: true,
      createdAt: true,
      channel: { select: { name: true, kind: true, target: true } },
      alert: { select: { id: true, kind: true, title: true, at: true } },
    },
  });
}
