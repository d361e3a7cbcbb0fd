// Alerts end to end on real PostgreSQL: a real HTTP receiver for webhooks (signature checked),
// a real SMTP server (smtp-server) for email, retries with back-off, data-late checks, and the
// post-run review (stability, auto-approval, alerts).
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import {
  backoffMinutes,
  checkDataFreshness,
  deliverPendingAlerts,
  lastDeadline,
  raiseAlert,
  alertMailSender,
} from "./alerts.ts";
import { parseAllowedNetworks, smtpMailer } from "@mixcast/notify";
import { reviewFinishedRun } from "./refit-review.ts";
import { addDatasetVersion, createRun, seedModel, type ModelFixture } from "./testing/fixtures.ts";

let db: TestDatabase;
let fx: ModelFixture;
let receiver: Server;
let hookUrl: string;
const hooks: { headers: Record<string, string>; body: string }[] = [];
let hookStatus = 200;
let smtp: SMTPServer;
let smtpPort: number;
const mails: { to: string; raw: string }[] = [];
const SECRET = "whsec_test_secret";
// The receivers listen on 127.0.0.1, which webhooks may reach only when the operator allows it.
const local = { allowedWebhookNetworks: parseAllowedNetworks("127.0.0.1") };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedModel(db.prisma);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hooks.push({
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(hookStatus).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/mixcast`;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(","),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((done) => smtp.listen(0, "127.0.0.1", done));
  smtpPort = (smtp.server.address() as { port: number }).port;
  await db.prisma.alertChannel.createMany({
    data: [
      { workspaceId: fx.workspaceId, kind: "webhook", name: "Ops hook", target: hookUrl, secret: SECRET },
      {
        workspaceId: fx.workspaceId,
        kind: "email",
        name: "Team",
        target: "team@example.test",
        kinds: ["unstable", "data_late"],
      },
      {
        workspaceId: fx.workspaceId,
        kind: "webhook",
        name: "Disabled",
        target: hookUrl,
        secret: "x",
        enabled: false,
      },
    ],
  });
});

afterAll(async () => {
  await new Promise((done) => receiver.close(done));
  await new Promise<void>((done) => smtp.close(() => done()));
  await db?.drop();
});

const T0 = new Date("2027-03-01T12:00:00Z");

describe("alert delivery", () => {
  it("one alert per dedupe key; a delivery per enabled channel whose kinds match", async () => {
    const input = {
      workspaceId: fx.workspaceId,
      modelId: fx.modelId,
      kind: "refit_failed" as const,
      title: "Weekly refit failed",
      message: "boom",
      dedupeKey: "test:1",
    };
    const id = await raiseAlert(db.prisma, input);
    expect(id).not.toBeNull();
    expect(await raiseAlert(db.prisma, input)).toBeNull();
    const deliveries = await db.prisma.alertDelivery.findMany({
      where: { alertId: id! },
      include: { channel: true },
    });
    // The email channel only wants unstable and data_late; the disabled hook gets nothing.
    expect(deliveries.map((d) => d.channel.name)).toEqual(["Ops hook"]);
  });

  it("webhook: JSON body signed with HMAC-SHA256 over timestamp.body; delivered on 2xx", async () => {
    hooks.length = 0;
    hookStatus = 204;
    const r = await deliverPendingAlerts(db.prisma, {
      ...local,
      now: () => T0,
      appUrl: "http://app.test",
    });
    expect(r).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(hooks).toHaveLength(1);
    const { headers, body } = hooks[0]!;
    const expected = `sha256=${createHmac("sha256", SECRET).update(`${headers["x-mixcast-timestamp"]}.${body}`).digest("hex")}`;
    expect(headers["x-mixcast-signature"]).toBe(expected);
    expect(headers["x-mixcast-timestamp"]).toBe(String(T0.getTime() / 1000));
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["x-mixcast-event"]).toBe("refit_failed");
    const payload = JSON.parse(body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      kind: "refit_failed",
      title: "Weekly refit failed",
      message: "boom",
      modelId: fx.modelId,
    });
    expect(payload.link).toBe(`http://app.test/w/${fx.workspaceId}/models/${fx.modelId}`);
    const d = await db.prisma.alertDelivery.findFirstOrThrow({
      where: { id: headers["x-mixcast-delivery"] },
    });
    expect(d).toMatchObject({ status: "delivered", attempts: 1, responseStatus: 204, lastError: null });
  });

  it("webhook to a loopback address without the operator's allow-list: refused, failed at once, nothing sent", async () => {
    hooks.length = 0;
    const id = await raiseAlert(db.prisma, {
      workspaceId: fx.workspaceId,
      kind: "not_converged",
      title: "t",
      message: "m",
      dedupeKey: "test:ssrf",
    });
    const at = new Date(Date.now() + 1000);
    expect(await deliverPendingAlerts(db.prisma, { now: () => at })).toEqual({
      delivered: 0,
      retried: 0,
      failed: 1,
    });
    const d = await db.prisma.alertDelivery.findFirstOrThrow({ where: { alertId: id! } });
    expect(d).toMatchObject({ status: "failed", attempts: 1, responseStatus: null });
    expect(d.lastError).toMatch(/127\.0\.0\.1 is a loopback address.*MIXCAST_WEBHOOK_ALLOWED_NETWORKS/);
    expect(hooks).toHaveLength(0);
    // The email alert with no SMTP has no mail sender: alertMailSender gives none for the dev transport.
    expect(alertMailSender({ kind: "dev-console", send: () => Promise.resolve() })).toBeUndefined();
  });

  it("retries with back-off (1, 4, 16, 64 min) and gives up after 5 attempts, logging each error", async () => {
    expect([1, 2, 3, 4].map(backoffMinutes)).toEqual([1, 4, 16, 64]);
    hooks.length = 0;
    hookStatus = 503;
    const id = await raiseAlert(db.prisma, {
      workspaceId: fx.workspaceId,
      kind: "not_converged",
      title: "t",
      message: "m",
      dedupeKey: "test:retry",
    });
    const delivery = () => db.prisma.alertDelivery.findFirstOrThrow({ where: { alertId: id! } });
    // Created "now" (real time); attempt well after.
    let at = new Date(Date.now() + 1000);
    expect(
      await deliverPendingAlerts(db.prisma, {
        ...local,
        now: () => at,
      }),
    ).toMatchObject({ retried: 1 });
    let d = await delivery();
    expect(d).toMatchObject({ status: "pending", attempts: 1, responseStatus: 503, lastError: "HTTP 503" });
    expect(d.nextAttemptAt.getTime()).toBe(at.getTime() + 60_000);
    // Not due yet 30 s later.
    expect(
      await deliverPendingAlerts(db.prisma, {
        ...local,
        now: () => new Date(at.getTime() + 30_000),
      }),
    ).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
    });
    for (const [wait, attempts] of [
      [1, 2],
      [4, 3],
      [16, 4],
    ] as const) {
      at = new Date(at.getTime() + wait * 60_000);
      await deliverPendingAlerts(db.prisma, {
        ...local,
        now: () => at,
      });
      d = await delivery();
      expect(d.attempts).toBe(attempts);
      expect(d.nextAttemptAt.getTime()).toBe(at.getTime() + backoffMinutes(attempts) * 60_000);
    }
    at = new Date(at.getTime() + 64 * 60_000);
    expect(
      await deliverPendingAlerts(db.prisma, {
        ...local,
        now: () => at,
      }),
    ).toMatchObject({ failed: 1 });
    expect(await delivery()).toMatchObject({ status: "failed", attempts: 5 });
    expect(hooks).toHaveLength(5);
    hookStatus = 200;
  });

  it("email through a real SMTP server (nodemailer), and a clear error without SMTP", async () => {
    mails.length = 0;
    const id = await raiseAlert(db.prisma, {
      workspaceId: fx.workspaceId,
      modelId: fx.modelId,
      kind: "unstable",
      title: "Weekly refit moved",
      message: "Stability 0.41 is below 0.70.",
      dedupeKey: "test:mail",
    });
    const at = new Date(Date.now() + 1000);
    // First without a mailer: the email delivery records why; the webhook goes out.
    await deliverPendingAlerts(db.prisma, {
      ...local,
      now: () => at,
    });
    const email = await db.prisma.alertDelivery.findFirstOrThrow({
      where: { alertId: id!, channel: { kind: "email" } },
    });
    expect(email.lastError).toMatch(/set SMTP_URL/);
    const sendMail = alertMailSender(
      smtpMailer(`smtp://127.0.0.1:${smtpPort}`, "Mixcast <alerts@mixcast.test>", () => {}),
    );
    await deliverPendingAlerts(db.prisma, {
      ...local,
      now: () => new Date(at.getTime() + 61_000),
      ...(sendMail ? { sendMail } : {}),
      appUrl: "http://app.test",
    });
    expect(await db.prisma.alertDelivery.findUniqueOrThrow({ where: { id: email.id } })).toMatchObject({
      status: "delivered",
      attempts: 2,
    });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe("team@example.test");
    expect(mails[0]!.raw).toMatch(/Subject: \[Mixcast\] Weekly refit moved/);
    expect(mails[0]!.raw).toMatch(/Stability 0\.41 is below 0\.70\./);
    expect(mails[0]!.raw).toMatch(/From: Mixcast <alerts@mixcast\.test>/);
  });
});

describe("data not received by the expected day", () => {
  it("deadline = the end (24:00 UTC) of the most recent expected weekday", () => {
    // 2027-03-03 is a Wednesday.
    expect(lastDeadline(2, new Date("2027-03-03T10:00:00Z")).toISOString()).toBe("2027-03-03T00:00:00.000Z");
    expect(lastDeadline(3, new Date("2027-03-03T10:00:00Z")).toISOString()).toBe("2027-02-25T00:00:00.000Z");
    expect(lastDeadline(1, new Date("2027-03-03T10:00:00Z")).toISOString()).toBe("2027-03-02T00:00:00.000Z");
  });

  it("one alert per missed deadline; none when a version arrived that week", async () => {
    const own = await seedModel(db.prisma);
    await db.prisma.model.update({
      where: { id: own.modelId },
      data: { dataExpectedWeekday: 1, createdAt: new Date("2027-01-01T00:00:00Z") },
    });
    await db.prisma.datasetVersion.updateMany({
      where: { datasetId: own.datasetId },
      data: { createdAt: new Date("2027-02-20T00:00:00Z") },
    });
    const now = new Date("2027-03-03T10:00:00Z"); // deadline 2027-03-02 00:00 (end of Monday 03-01)
    const ids = await checkDataFreshness(db.prisma, now);
    const mine = await db.prisma.alert.findMany({ where: { modelId: own.modelId, kind: "data_late" } });
    expect(mine).toHaveLength(1);
    expect(ids).toContain(mine[0]!.id);
    expect(mine[0]!.message).toMatch(/no new version in the week up to 2027-03-02/);
    await checkDataFreshness(db.prisma, new Date("2027-03-04T10:00:00Z"));
    expect(await db.prisma.alert.count({ where: { modelId: own.modelId, kind: "data_late" } })).toBe(1);
    // A version during the next week: no alert for the deadline after it.
    const v = await addDatasetVersion(db.prisma, { ...own, csv: own.csv + "\n", mapping: {} });
    await db.prisma.datasetVersion.update({
      where: { id: v.id },
      data: { createdAt: new Date("2027-03-05T00:00:00Z") },
    });
    await checkDataFreshness(db.prisma, new Date("2027-03-10T10:00:00Z"));
    expect(await db.prisma.alert.count({ where: { modelId: own.modelId, kind: "data_late" } })).toBe(1);
  });
});

describe("after a run finished", () => {
  const summary = (roi: Record<string, [number, number, number, number]>) => ({
    channels: Object.fromEntries(
      Object.entries(roi).map(([n, [mean, sd, q05, q95]]) => [
        n,
        { spend: 100, roi: { mean, sd, q05, q95 } },
      ]),
    ),
    holdout: { mape: 0.1 },
  });

  async function finishedRun(
    m: ModelFixture,
    s: unknown,
    opts: { trigger?: "manual" | "schedule"; converged?: boolean; status?: "succeeded" | "failed" } = {},
  ) {
    const id = await createRun(db.prisma, m);
    // Test set-up only: a finished run as the worker would leave it.
    await db.prisma.run.update({
      where: { id },
      data: {
        status: opts.status ?? "succeeded",
        trigger: opts.trigger ?? "schedule",
        converged: opts.converged ?? true,
        summary: s as object,
        finishedAt: new Date(),
        ...(opts.status === "failed" ? { error: "Fit failed: the dataset has a gap" } : {}),
      },
    });
    return id;
  }

  it("stores stability against the approved run, alerts when unstable, auto-approves only stable healthy refits", async () => {
    const m = await seedModel(db.prisma);
    const first = await finishedRun(m, summary({ TV: [2, 0.2, 1.7, 2.3], Search: [1, 0.1, 0.85, 1.15] }), {
      trigger: "manual",
    });
    await db.prisma.model.update({ where: { id: m.modelId }, data: { autoApprove: true } });
    // No approved run yet: converged and healthy is enough.
    expect((await reviewFinishedRun(db.prisma, first)).autoApproved).toBe(true);
    const approval = await db.prisma.runApproval.findFirstOrThrow({ where: { runId: first } });
    expect(approval).toMatchObject({ auto: true, approvedById: null });
    expect((await db.prisma.model.findUniqueOrThrow({ where: { id: m.modelId } })).approvedRunId).toBe(first);

    // A refit that moved Search by 3 sd: unstable -> stored, alerted, not approved.
    const moved = await finishedRun(m, summary({ TV: [2, 0.2, 1.7, 2.3], Search: [1.3, 0.1, 1.15, 1.45] }));
    const review = await reviewFinishedRun(db.prisma, moved);
    expect(review.autoApproved).toBe(false);
    expect(review.stability).toMatchObject({ approvedRunId: first, stable: false, moved: ["Search"] });
    expect(review.stability!.score).toBeCloseTo(0.5, 12); // TV 1, Search 0, equal spend
    const stored = await db.prisma.run.findUniqueOrThrow({ where: { id: moved } });
    expect(stored.stability).toMatchObject({ approvedRunId: first, stable: false });
    const unstable = await db.prisma.alert.findFirstOrThrow({ where: { runId: moved, kind: "unstable" } });
    expect(unstable.message).toMatch(
      /Stability 0\.50 .* below the model's threshold 0\.70\. Channels that moved: Search/,
    );
    expect((await db.prisma.model.findUniqueOrThrow({ where: { id: m.modelId } })).approvedRunId).toBe(first);

    // A refit close to the approved one: stable and healthy -> auto-approved, audited.
    const close = await finishedRun(
      m,
      summary({ TV: [2.02, 0.2, 1.72, 2.32], Search: [1.01, 0.1, 0.86, 1.16] }),
    );
    const ok = await reviewFinishedRun(db.prisma, close);
    expect(ok.stability!.stable).toBe(true);
    expect(ok.autoApproved).toBe(true);
    expect(ok.alerts).toEqual([]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "run.approve", targetId: close },
    });
    expect(audit).toMatchObject({ actorKind: "system" });
    expect(audit.details).toMatchObject({ previousApprovedRunId: first, auto: true });
  });

  it("a failed or non-converged scheduled refit raises its alert once", async () => {
    const m = await seedModel(db.prisma);
    const failed = await finishedRun(m, null, { status: "failed" });
    await reviewFinishedRun(db.prisma, failed);
    await reviewFinishedRun(db.prisma, failed);
    const alerts = await db.prisma.alert.findMany({ where: { runId: failed } });
    expect(alerts.map((a) => a.kind)).toEqual(["refit_failed"]);
    expect(alerts[0]!.message).toMatch(/failed: Fit failed: the dataset has a gap/);
    const loose = await finishedRun(m, summary({ TV: [2, 0.2, 1.7, 2.3] }), { converged: false });
    await reviewFinishedRun(db.prisma, loose);
    expect((await db.prisma.alert.findMany({ where: { runId: loose } })).map((a) => a.kind)).toEqual([
      "not_converged",
    ]);
    // A manual run that failed alerts nobody.
    const manual = await finishedRun(m, null, { status: "failed", trigger: "manual" });
    expect((await reviewFinishedRun(db.prisma, manual)).alerts).toEqual([]);
  });
});
