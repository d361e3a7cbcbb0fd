/**
 * How invitation links reach people. The link carries a secret token; whoever opens it with
 * the invited address signed in has shown they received mail at that address, so they may join
 * without verifying the address first (server/invitation/accept-invitation.ts).
 *  - "email": sent through the mailer (SMTP_URL); the inviter never sees the token.
 *  - "dev-console": no mail is sent; the link is written to the server log, labelled, and shown
 *    to the inviter to pass on by hand.
 */
import { devConsoleMailer, type Mailer } from "@mixcast/notify";

export interface InvitationMessage {
  email: string;
  workspaceName: string;
  inviterName: string;
  role: string;
  link: string;
}

export interface InvitationTransport {
  readonly kind: "dev-console" | "email";
  send(message: InvitationMessage): Promise<void>;
}

export function invitationTransportFor(mailer: Mailer): InvitationTransport {
  return {
    kind: mailer.kind === "smtp" ? "email" : "dev-console",
    async send(m) {
      await mailer.send({
        to: m.email,
        subject: `${m.inviterName} invited you to ${m.workspaceName} on Mixcast`,
        text: `${m.inviterName} invited you to join "${m.workspaceName}" on Mixcast as ${m.role}.\n\nOpen this link and sign in or create an account with this address (${m.email}); the link is valid for 7 days and only works for this address:\n\n${m.link}\n`,
        link: m.link,
      });
    },
  };
}

export const devConsoleTransport: InvitationTransport = invitationTransportFor(devConsoleMailer);
