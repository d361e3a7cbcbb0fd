// Alerts: raised once (Alert.dedupeKey is unique), fanned out to the workspace's enabled alert
// channels as AlertDelivery rows, and delivered by every worker tick with retries and back-off.
//
// Webhooks: POST application/json, signed: X-Mixcast-Signature: sha256=<hex HMAC-SHA256 of
// "<X-Mixcast-Timestamp>.<body>" with the channel's secret>. A 2xx answer is delivered; anything
// else (or no answer within 10 s) is retried after 1, 4, 16 and 64 minutes, then given up.
// Webhooks reach only public addresses (checked after DNS resolution and on every redirect) unless
// the operator allows networks with MIXCAST_WEBHOOK_ALLOWED_NETWORKS (@mixcast/notify).
// Email: the shared mail transport over SMTP_URL; without SMTP_URL an email delivery fails with
// that reason.
import { createHmac } from "node:crypto";
import type { Prisma, PrismaClient } from "@mixcast/db";
import {
  parseAllowedNetworks,
  postWebhook,
  type AllowedNetworks,
  type Mailer,
  type ResolveHost,
  WebhookAddressError,
} from "@mixcast/notify";

export const ALERT_KINDS = [
  "refit_failed",
  "not_converged",
  "unstable",
  "backtest_coverage",
  "data_late",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface RaiseAlertInput {
  workspaceId: string;
  modelId?: string | null;
  runId?: string | null;
  kind: AlertKind;
  title: string;
  message: string;
  details?: Record<string, unknown>;
  /** Same key twice = one alert (e.g. `unstable:<runId>`). */
  dedupeKey: string;
}

/** Stores the alert and one pending delivery per matching channel; returns null when it existed. */
export async function raiseAlert(prisma: PrismaClient, input: RaiseAlertInput): Promise<string | null> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.alert.createManyAndReturn({
      data: [
        {
          workspaceId: input.workspaceId,
          modelId: input.modelId ?? null,
          runId: input.runId ?? null,
          kind: input.kind,
          title: input.title,
          message: input.message,
          details: JSON.parse(JSON.stringify(input.details ?? {})) as Prisma.InputJsonValue,
          dedupeKey: input.dedupeKey,
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    const alert = rows[0];
    if (!alert) return null;
    const channels = await tx.alertChannel.findMany({
      where: { workspaceId: input.workspaceId, enabled: true },
      select: { id: true, kinds: true },
    });
    const matching = channels.filter((c) => c.kinds.length === 0 || c.kinds.includes(input.kind));
    if (matching.length)
      await tx.alertDelivery.createMany({
        data: matching.map((c) => ({ workspaceId: input.workspaceId, alertId: alert.id, channelId: c.id })),
      });
    await tx.auditEvent.create({
      data: {
        workspaceId: input.workspaceId,
        actorKind: "system",
        action: "alert.raise",
        targetType: input.runId ? "run" : input.modelId ? "model" : "workspace",
        targetId: input.runId ?? input.modelId ?? input.workspaceId,
        details: { alertId: alert.id, kind: input.kind, title: input.title, channels: matching.length },
      },
    });
    return alert.id;
  });
}

export interface AlertMail {
  to: string;
  subject: string;
  text: string;
}

export interface DeliveryDeps {
  /** Sends one email; undefined when SMTP is not configured. */
  sendMail?: (mail: AlertMail) => Promise<void>;
  /** Networks webhooks may reach although private/loopback/link-local (default: none). */
  allowedWebhookNetworks?: AllowedNetworks;
  /** DNS resolution for webhook hosts (tests). */
  resolveHost?: ResolveHost;
  now?: () => Date;
  maxAttempts?: number;
  timeoutMs?: number;
  /** Public app URL for links in messages. */
  appUrl?: string;
}

/** Alert email through the shared mail transport; undefined unless it really sends (SMTP). */
export function alertMailSender(mailer: Mailer): ((mail: AlertMail) => Promise<void>) | undefined {
  return mailer.kind === "smtp" ? (mail) => mailer.send(mail) : undefined;
}

/** Minutes to wait after the n-th failed attempt (n = 1, 2, ...): 1, 4, 16, 64. */
export function backoffMinutes(attempt: number): number {
  return 4 ** (attempt - 1);
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface DeliveryResult {
  delivered: number;
  retried: number;
  failed: number;
}

/** Attempts every due delivery once. Rows are claimed with SKIP LOCKED, so workers share the work. */
export async function deliverPendingAlerts(
  prisma: PrismaClient,
  deps: DeliveryDeps = {},
): Promise<DeliveryResult> {
  const now = deps.now?.() ?? new Date();
  const maxAttempts = deps.maxAttempts ?? 5;
  const allowed = deps.allowedWebhookNetworks ?? parseAllowedNetworks(undefined);
  const result: DeliveryResult = { delivered: 0, retried: 0, failed: 0 };
  const due = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE "AlertDelivery" SET "nextAttemptAt" = ${new Date(now.getTime() + 5 * 60_000)}
    WHERE id IN (
      SELECT id FROM "AlertDelivery" WHERE status = 'pending' AND "nextAttemptAt" <= ${now}
      ORDER BY "nextAttemptAt" LIMIT 50 FOR UPDATE SKIP LOCKED
    ) RETURNING id`;
  for (const { id } of due) {
    const d = await prisma.alertDelivery.findUniqueOrThrow({
      where: { id },
      include: { alert: { include: { model: { select: { name: true } } } }, channel: true },
    });
    const a = d.alert;
    const link = deps.appUrl
      ? `${deps.appUrl}/w/${a.workspaceId}${a.runId ? `/runs/${a.runId}` : a.modelId ? `/models/${a.modelId}` : ""}`
      : null;
    let ok = false;
    let refused = false;
    let error: string | null = null;
    let responseStatus: number | null = null;
    try {
      if (d.channel.kind === "webhook") {
        const body = JSON.stringify({
          id: a.id,
          deliveryId: d.id,
          kind: a.kind,
          title: a.title,
          message: a.message,
          workspaceId: a.workspaceId,
          modelId: a.modelId,
          modelName: a.model?.name ?? null,
          runId: a.runId,
          at: a.at.toISOString(),
          details: a.details,
          link,
        });
        const timestamp = String(Math.floor(now.getTime() / 1000));
        const res = await postWebhook(d.channel.target, {
          allowed,
          ...(deps.resolveHost ? { resolve: deps.resolveHost } : {}),
          headers: {
            "content-type": "application/json",
            "user-agent": "Mixcast-Webhook/1",
            "x-mixcast-event": a.kind,
            "x-mixcast-delivery": d.id,
            "x-mixcast-timestamp": timestamp,
            "x-mixcast-signature": signWebhook(d.channel.secret ?? "", timestamp, body),
          },
          body,
          timeoutMs: deps.timeoutMs ?? 10_000,
        });
        responseStatus = res.status;
        ok = res.status >= 200 && res.status < 300;
        if (!ok) error = `HTTP ${res.status}`;
      } else if (d.channel.kind === "email") {
        if (!deps.sendMail) throw new Error("email is not configured on the worker (set SMTP_URL)");
        await deps.sendMail({
          to: d.channel.target,
          subject: `[Mixcast] ${a.title}`,
          text: `${a.message}\n\n${link ? `Open: ${link}\n` : ""}Alert ${a.kind} at ${a.at.toISOString()}.`,
        });
        ok = true;
      } else throw new Error(`unknown channel kind "${d.channel.kind}"`);
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      error = `${(e as Error).message}${cause ? ` (${cause})` : ""}`;
      // A refused address will be refused again: fail now instead of retrying for an hour.
      refused = e instanceof WebhookAddressError;
    }
    const attempts = d.attempts + 1;
    const giveUp = refused || attempts >= maxAttempts;
    if (ok) result.delivered += 1;
    else if (giveUp) result.failed += 1;
    else result.retried += 1;
    await prisma.alertDelivery.update({
      where: { id },
      data: ok
        ? { status: "delivered", attempts, deliveredAt: now, responseStatus, lastError: null }
        : giveUp
          ? { status: "failed", attempts, responseStatus, lastError: error }
          : {
              attempts,
              responseStatus,
              lastError: error,
              nextAttemptAt: new Date(now.getTime() + backoffMinutes(attempts) * 60_000),
            },
    });
  }
  return result;
}

/** End (24:00 UTC) of the most recent `weekday` (0 = Sunday) at or before `now`. */
export function lastDeadline(weekday: number, now: Date): Date {
  // Deadlines are the midnights that start the day after `weekday`.
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const back = (new Date(today).getUTCDay() - ((weekday + 1) % 7) + 7) % 7;
  return new Date(today - back * 86_400_000);
}

/**
 * "Data not received by the expected day": for each model with dataExpectedWeekday, when its
 * dataset got no new version in the 7 days before the last deadline, one alert per deadline.
 */
export async function checkDataFreshness(prisma: PrismaClient, now: Date): Promise<string[]> {
  const models = await prisma.model.findMany({
    where: { dataExpectedWeekday: { not: null }, archivedAt: null },
    select: {
      id: true,
      name: true,
      workspaceId: true,
      datasetId: true,
      dataExpectedWeekday: true,
      createdAt: true,
    },
  });
  const raised: string[] = [];
  for (const m of models) {
    const deadline = lastDeadline(m.dataExpectedWeekday!, now);
    const windowStart = new Date(deadline.getTime() - 7 * 86_400_000);
    // A model created after the window opened has not had a full week to receive data yet.
    if (m.createdAt > windowStart) continue;
    const latest = await prisma.datasetVersion.findFirst({
      where: { datasetId: m.datasetId },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true, version: true },
    });
    if (latest && latest.createdAt > windowStart && latest.createdAt <= deadline) continue;
    if (latest && latest.createdAt > deadline) continue; // arrived late but arrived
    const day = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][
      m.dataExpectedWeekday!
    ];
    const id = await raiseAlert(prisma, {
      workspaceId: m.workspaceId,
      modelId: m.id,
      kind: "data_late",
      title: `No new data for ${m.name} by ${day}`,
      message:
        `The dataset of ${m.name} got no new version in the week up to ${deadline.toISOString().slice(0, 10)} (expected by the end of ${day}, UTC). ` +
        `The last version${latest ? `, v${latest.version}, arrived ${latest.createdAt.toISOString().slice(0, 10)}` : " never arrived"}. ` +
        "Check the pipeline that pushes it (pnpm mixcast push / the REST API).",
      details: { deadline: deadline.toISOString(), lastVersionAt: latest?.createdAt.toISOString() ?? null },
      dedupeKey: `data_late:${m.id}:${deadline.toISOString()}`,
    });
    if (id) raised.push(id);
  }
  return raised;
}
