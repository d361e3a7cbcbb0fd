// The shared mail transport: the labelled development transport prints the link; SMTP sends
// through a real local server, never logs the link, and redacts secrets from its errors.
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_TRANSPORT_LABEL, devConsoleMailerWith, mailerFor, smtpMailer } from "./mailer.ts";

let smtp: SMTPServer;
let port: number;
const mails: { to: string; raw: string }[] = [];

beforeAll(async () => {
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
  port = (smtp.server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((done) => smtp.close(() => done()));
});

const message = {
  to: "ada@example.test",
  subject: "Join Acme",
  text: "Open https://app.test/invite/abc?token=s3cret",
  link: "https://app.test/invite/abc?token=s3cret",
};

describe("mail transport", () => {
  it("development transport: sends nothing, prints the labelled line with the link", async () => {
    const lines: string[] = [];
    await devConsoleMailerWith((l) => lines.push(l)).send(message);
    expect(lines).toEqual([
      `${DEV_TRANSPORT_LABEL} to ada@example.test: "Join Acme" https://app.test/invite/abc?token=s3cret`,
    ]);
    expect(DEV_TRANSPORT_LABEL).toMatch(/NO EMAIL SENT/);
  });

  it("SMTP: delivers to a real server; the log line names the recipient, never the link", async () => {
    const lines: string[] = [];
    await smtpMailer(`smtp://127.0.0.1:${port}`, "Mixcast <no-reply@mixcast.test>", (l) =>
      lines.push(l),
    ).send(message);
    expect(mails.at(-1)?.to).toBe("ada@example.test");
    expect(mails.at(-1)?.raw).toMatch(/Subject: Join Acme/);
    expect(mails.at(-1)?.raw).toContain("token=s3cret");
    expect(lines).toEqual(['[mixcast mail] sent "Join Acme" to ada@example.test']);
  });

  it("SMTP failure: a real server that echoes the credentials in its refusal; the password is redacted", async () => {
    // A server that quotes the login it refused (as some relays do) puts the password into
    // nodemailer's error message, so only the redaction keeps it out of ours.
    const refusing = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        const url = `smtp://${auth.username ?? ""}:${auth.password ?? ""}@127.0.0.1`;
        callback(new Error(`login refused for ${url} (password=${auth.password ?? ""})`));
      },
    });
    await new Promise<void>((done) => refusing.listen(0, "127.0.0.1", done));
    try {
      const refusingPort = (refusing.server.address() as { port: number }).port;
      const url = `smtp://mailuser:hunter2-secret@127.0.0.1:${refusingPort}`;
      // The unredacted error does carry the password: without redaction the check below fails.
      const raw = await nodemailer
        .createTransport(url)
        .sendMail({ from: "x@example.test", to: message.to, subject: "s", text: "t" })
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
      expect(raw?.message).toContain("hunter2-secret");

      const error = await smtpMailer(url, "x@example.test", () => {})
        .send(message)
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
      expect(error?.message).toMatch(
        /^sending mail to ada@example\.test failed: .*login refused for smtp:\/\/mailuser:/,
      );
      expect(error?.message).toContain("535");
      expect(error?.message).not.toContain("hunter2-secret");
      expect(error?.cause).toBeUndefined();
    } finally {
      await new Promise<void>((done) => refusing.close(() => done()));
    }
  });

  it("SMTP failure whose message quotes the server URL: the password is redacted from the error", async () => {
    // An error raised by the transport itself (not the server's reply) that quotes the URL.
    const url = "smtp://mailuser:hunter2-secret@mail.example.test:587";
    const failing = { sendMail: () => Promise.reject(new Error(`Invalid login at ${url}: 535 auth failed`)) };
    const error = await smtpMailer(url, "x@example.test", () => {}, failing)
      .send(message)
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toMatch(/^sending mail to ada@example\.test failed: Invalid login at /);
    expect(error?.message).toContain("535 auth failed");
    expect(error?.message).not.toContain("hunter2-secret");
    expect(error?.cause).toBeUndefined();
  });

  it("mailerFor picks SMTP only when SMTP_URL is set, one instance per setting", () => {
    expect(mailerFor(undefined, "x@example.test").kind).toBe("dev-console");
    const smtpOne = mailerFor(`smtp://127.0.0.1:${port}`, "x@example.test");
    expect(smtpOne.kind).toBe("smtp");
    expect(mailerFor(`smtp://127.0.0.1:${port}`, "x@example.test")).toBe(smtpOne);
  });
});
