// How Mixcast sends mail (address verification, invitations). With SMTP_URL set: real SMTP
// through nodemailer. Without it, the development transport: nothing is sent, the message is
// written to the server log under a label saying so, so a developer can follow the link.
import nodemailer from "nodemailer";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The link the message is about (printed by the development transport only). */
  link: string;
}

export interface Mailer {
  readonly kind: "smtp" | "dev-console";
  send(message: MailMessage): Promise<void>;
}

export const devConsoleMailer: Mailer = {
  kind: "dev-console",
  async send(m) {
    console.log(
      `[mixcast mail: development transport, NO EMAIL SENT (set SMTP_URL to send)] to ${m.to}: "${m.subject}" ${m.link}`,
    );
  },
};

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    kind: "smtp",
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
      // Never the link: it is a secret meant for the mailbox alone.
      console.log(`[mixcast mail] sent "${m.subject}" to ${m.to}`);
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
