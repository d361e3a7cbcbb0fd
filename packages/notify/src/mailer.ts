// How Mixcast sends mail: address verification and invitations (web), alert email (worker).
// With SMTP_URL set: real SMTP through nodemailer. Without it, the development transport: nothing
// is sent, the message is written to the server log under a label saying so, so a developer can
// follow the link. Links carry secrets (tokens): only the development transport ever prints one,
// and an SMTP failure is reported with passwords and tokens redacted.
import nodemailer from "nodemailer";
import { redactSecrets } from "@mixcast/db/redact";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The link the message is about (printed by the development transport only). */
  link?: string;
}

export interface Mailer {
  readonly kind: "smtp" | "dev-console";
  send(message: MailMessage): Promise<void>;
}

type Log = (line: string) => void;

export const DEV_TRANSPORT_LABEL =
  "[mixcast mail: development transport, NO EMAIL SENT (set SMTP_URL to send)]";

export function devConsoleMailerWith(log: Log): Mailer {
  return {
    kind: "dev-console",
    send(m) {
      log(`${DEV_TRANSPORT_LABEL} to ${m.to}: "${m.subject}"${m.link ? ` ${m.link}` : ""}`);
      return Promise.resolve();
    },
  };
}

export const devConsoleMailer: Mailer = devConsoleMailerWith((line) => console.log(line));

/** What smtpMailer needs of a nodemailer transport (tests pass one that fails on purpose). */
export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

export function smtpMailer(
  url: string,
  from: string,
  log: Log = (line) => console.log(line),
  transport: MailTransport = nodemailer.createTransport(url),
): Mailer {
  return {
    kind: "smtp",
    async send(m) {
      try {
        await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
      } catch (error) {
        // nodemailer's messages can quote the server URL (with its password) or the message; the
        // original is not attached as `cause`, so no log prints it unredacted.
        const message = error instanceof Error ? error.message : String(error);
        // eslint-disable-next-line preserve-caught-error -- the cause would carry the secret
        throw new Error(`sending mail to ${m.to} failed: ${redactSecrets(message)}`);
      }
      // Never the link: it is a secret meant for the mailbox alone.
      log(`[mixcast mail] sent "${m.subject}" to ${m.to}`);
    },
  };
}

const globalForMail = globalThis as unknown as { __mixcastMailer?: { key: string; mailer: Mailer } };

/** The process's mailer for these settings (SMTP when smtpUrl is set). */
export function mailerFor(smtpUrl: string | undefined, from: string): Mailer {
  const key = `${smtpUrl ?? ""}|${from}`;
  if (globalForMail.__mixcastMailer?.key !== key)
    globalForMail.__mixcastMailer = { key, mailer: smtpUrl ? smtpMailer(smtpUrl, from) : devConsoleMailer };
  return globalForMail.__mixcastMailer.mailer;
}
