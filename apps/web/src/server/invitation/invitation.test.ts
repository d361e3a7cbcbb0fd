// Accepting an invitation needs proof of the invited address (#11 item 3): a verified address,
// or the token of the link that was sent to it. Mail goes through a real local SMTP server.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { createCaller } from "../root.ts";
import type { Context } from "../trpc.ts";
import { createUser } from "../../../test/fixtures.ts";
import { createWorkspace } from "../workspace/create-workspace.ts";
import { devConsoleMailer, smtpMailer } from "@mixcast/notify";

let db: TestDatabase;
let smtp: SMTPServer;
let smtpUrl: string;
const mailbox: { to: string; raw: string }[] = [];
let owner: { id: string; email: string; name: string };
let workspaceId: string;

const ctxFor = (user: { id: string; email: string; name: string }, mailer = devConsoleMailer): Context => ({
  prisma: db.prisma,
  user: { id: user.id, email: user.email, name: user.name },
  enqueueFitRun: async () => null,
  baseUrl: "http://mixcast.test",
  mailer,
});

async function signedUp(name: string, verified: boolean) {
  const user = await createUser(db.prisma, name);
  return db.prisma.user.update({ where: { id: user.id }, data: { emailVerified: verified } });
}

const tokenOf = (link: string) => new URL(link).searchParams.get("token") ?? undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, done) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on("end", () => {
        mailbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(","), raw });
        done();
      });
    },
  });
  smtp.listen(0, "127.0.0.1");
  await once(smtp.server, "listening");
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  owner = await createUser(db.prisma, "Owner");
  workspaceId = (await createWorkspace(db.prisma, owner.id, { name: "Invite Co" })).id;
});

afterAll(async () => {
  smtp?.close();
  await db?.drop();
});

describe("accepting an invitation", () => {
  it("an unverified account with the invited address cannot accept without the link's token", async () => {
    const squatter = await signedUp("Squatter", false);
    const invite = await createCaller(ctxFor(owner)).invitation.create({
      workspaceId,
      email: squatter.email,
      role: "analyst",
    });
    const api = createCaller(ctxFor(squatter));
    expect((await api.invitation.get({ invitationId: invite.id })).addressVerified).toBe(false);
    await expect(api.invitation.accept({ invitationId: invite.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining(`Confirm that ${squatter.email} is your address`),
    });
    await expect(
      api.invitation.accept({ invitationId: invite.id, token: "guessed-token" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await db.prisma.membership.count({ where: { workspaceId, userId: squatter.id } })).toBe(0);
    expect((await db.prisma.invitation.findUniqueOrThrow({ where: { id: invite.id } })).status).toBe(
      "pending",
    );
  });

  it("the token of the link sent to the address is proof: the invitee joins and the address counts as verified", async () => {
    const invitee = await signedUp("Token Holder", false);
    const invite = await createCaller(ctxFor(owner)).invitation.create({
      workspaceId,
      email: invitee.email,
      role: "viewer",
    });
    // Development transport: the inviter sees the full link to pass on by hand.
    expect(invite.transport).toBe("dev-console");
    const token = tokenOf(invite.link);
    expect(token).toMatch(/^[\w-]{30,}$/);
    // Only a hash is stored.
    expect(
      JSON.stringify(await db.prisma.invitation.findUniqueOrThrow({ where: { id: invite.id } })),
    ).not.toContain(token);
    await createCaller(ctxFor(invitee)).invitation.accept({ invitationId: invite.id, token });
    expect(
      await db.prisma.membership.findFirst({ where: { workspaceId, userId: invitee.id } }),
    ).toMatchObject({ role: "viewer" });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: invitee.id } })).emailVerified).toBe(true);
  });

  it("a verified address may accept from the plain link", async () => {
    const invitee = await signedUp("Verified Vera", true);
    const invite = await createCaller(ctxFor(owner)).invitation.create({
      workspaceId,
      email: invitee.email,
      role: "viewer",
    });
    await createCaller(ctxFor(invitee)).invitation.accept({ invitationId: invite.id });
    expect(await db.prisma.membership.count({ where: { workspaceId, userId: invitee.id } })).toBe(1);
  });

  it("with SMTP the link goes by real mail only to the invited address; the inviter never sees the token", async () => {
    const invitee = await signedUp("Mailed Max", false);
    const mailer = smtpMailer(smtpUrl, "Mixcast <no-reply@mixcast.test>");
    const before = mailbox.length;
    const invite = await createCaller(ctxFor(owner, mailer)).invitation.create({
      workspaceId,
      email: invitee.email,
      role: "analyst",
    });
    expect(invite.transport).toBe("email");
    expect(tokenOf(invite.link)).toBeUndefined();
    const listed = await createCaller(ctxFor(owner)).invitation.list({ workspaceId });
    expect(listed.find((i) => i.id === invite.id)!.link).not.toContain("token=");
    expect(mailbox.length).toBe(before + 1);
    const mail = mailbox.at(-1)!;
    expect(mail.to).toBe(invitee.email);
    const text = mail.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    const link = /http:\/\/mixcast\.test\/invite\/[\w-]+\?token=[\w-]+/.exec(text)?.[0];
    expect(link).toBeDefined();
    await createCaller(ctxFor(invitee)).invitation.accept({ invitationId: invite.id, token: tokenOf(link!) });
    expect(await db.prisma.membership.count({ where: { workspaceId, userId: invitee.id } })).toBe(1);
  });
});
