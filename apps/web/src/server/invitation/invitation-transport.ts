/**
 * How invitation links reach people. Mixcast ships only a development transport: the link is
 * written to the server console and returned to the inviter, whose screen shows it (labelled as
 * such) to pass on by hand. A real mail transport plugs in here.
 */
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

export const devConsoleTransport: InvitationTransport = {
  kind: "dev-console",
  send(m) {
    console.log(
      `[mixcast invitations: dev transport, no email sent] ${m.inviterName} invited ${m.email} to "${m.workspaceName}" as ${m.role}: ${m.link}`,
    );
    return Promise.resolve();
  },
};
