// better-auth as configured for Mixcast, through its real HTTP handler and a real database:
// password rules, sign-in limits (per address, per account, known devices), the address seen
// behind (untrusted) proxies over real HTTP, check-slug, account audit events, and address
// verification mail over real SMTP.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";
import { installClientAddressHook } from "@/server/http/client-address-hook.ts";

let db: TestDatabase;
const origin = "http://mixcast.test";
let handler: (request: Request) => Promise<Response>;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  handler(
    new Request(`${origin}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, "x-forwarded-for": "203.0.113.7", ...headers },
      body: JSON.stringify(body),
    }),
  );

/** Mail received by the local SMTP server, newest last. */
const mailbox: { to: string; raw: string }[] = [];
let smtp: SMTPServer;
let http: Server;
let httpBase: string;

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
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  process.env.DATABASE_URL = db.url;
  process.env.BETTER_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
  process.env.BETTER_AUTH_URL = origin;
  const { getAuth } = await import("./auth.ts");
  handler = getAuth().handler;
  // The same handler behind a real HTTP server with the web app's client-address hook: what
  // `next start` does with a request before better-auth sees it.
  installClientAddressHook(undefined);
  http = createServer((req, res) => {
    const body =
      req.method === "GET" || req.method === "HEAD" ? undefined : (Readable.toWeb(req) as ReadableStream);
    const request = new Request(`${origin}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) =>
        v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x] as [string, string]),
      ),
      ...(body ? { body, duplex: "half" } : {}),
    } as RequestInit);
    void handler(request).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  http?.close();
  smtp?.close();
  const { getPrisma } = await import("@mixcast/db");
  await getPrisma().$disconnect();
  await db?.drop();
});

describe("auth", () => {
  it("enforces the password rules on the server", async () => {
    const weak = await post("/sign-up/email", {
      name: "Weak",
      email: "weak@example.test",
      password: "onlyletterspassword",
    });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { message: string }).message).toContain("Include at least one digit.");
    expect(await db.prisma.user.count({ where: { email: "weak@example.test" } })).toBe(0);

    const ok = await post("/sign-up/email", {
      name: "Strong",
      email: "strong@example.test",
      password: "harbor-lights-2026",
    });
    expect(ok.status).toBe(200);
    const account = await db.prisma.account.findFirstOrThrow({
      where: { user: { email: "strong@example.test" } },
    });
    expect(account.providerId).toBe("credential");
    expect(account.password).not.toContain("harbor-lights-2026");
  });

  it("organization write endpoints are off (workspace changes go through audited tRPC)", async () => {
    const signIn = await post(
      "/sign-in/email",
      { email: "strong@example.test", password: "harbor-lights-2026" },
      { "x-forwarded-for": "203.0.113.8" },
    );
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const create = await post("/organization/create", { name: "Sneaky", slug: "sneaky" }, { cookie });
    expect(create.status).toBe(404);
    expect(await db.prisma.workspace.count()).toBe(0);
  });

  it("rate-limits sign-in: 5 attempts per minute per IP, then 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await post(
            "/sign-in/email",
            { email: "strong@example.test", password: `wrong-${i}-password` },
            { "x-forwarded-for": "198.51.100.9" },
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

async function signUp(email: string, password = "harbor-lights-2026", name = "Test User") {
  const response = await post(
    "/sign-up/email",
    { name, email, password },
    { "x-forwarded-for": `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
  );
  expect(response.status).toBe(200);
  return response;
}

describe("sign-in limits", () => {
  it("over real HTTP a new X-Forwarded-For per request does not dodge the address limit (no trusted proxy)", async () => {
    await signUp("spoof@example.test");
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await fetch(`${httpBase}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin, "x-forwarded-for": `192.0.2.${i + 1}` },
        // A different account each time: only the address can connect these attempts.
        body: JSON.stringify({ email: `nobody-${i}@example.test`, password: "wrong-password-1" }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it("limits an account attacked from many addresses, with a back-off; a known browser still gets in", async () => {
    await signUp("target@example.test");
    // The owner's usual browser signed in once before: it holds a device cookie.
    const first = await post(
      "/sign-in/email",
      { email: "target@example.test", password: "harbor-lights-2026" },
      { "x-forwarded-for": "203.0.113.50" },
    );
    expect(first.status).toBe(200);
    const deviceCookie = first.headers
      .getSetCookie()
      .find((c) => c.startsWith("mixcast_device="))!
      .split(";")[0]!;

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await post(
            "/sign-in/email",
            { email: "target@example.test", password: `guess-${i}-password` },
            { "x-forwarded-for": `198.51.100.${100 + i}` },
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

    // Even the right password from a new address waits (the back-off is per account)...
    const locked = await post(
      "/sign-in/email",
      { email: "target@example.test", password: "harbor-lights-2026" },
      { "x-forwarded-for": "198.51.100.200" },
    );
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(15 * 60);
    expect(((await locked.json()) as { message: string }).message).toMatch(/for this account/);

    // ...but the owner's own browser is not locked out by someone else's guessing.
    const owner = await post(
      "/sign-in/email",
      { email: "target@example.test", password: "harbor-lights-2026" },
      { "x-forwarded-for": "198.51.100.201", cookie: deviceCookie },
    );
    expect(owner.status).toBe(200);
  });

  it("a locked-out address does not block the right password from a browser that signed in before", async () => {
    await signUp("shared-office@example.test");
    const office = { "x-forwarded-for": "203.0.113.77" };
    const first = await post(
      "/sign-in/email",
      { email: "shared-office@example.test", password: "harbor-lights-2026" },
      office,
    );
    expect(first.status).toBe(200);
    const deviceCookie = cookiesOf(first)
      .split("; ")
      .find((c) => c.startsWith("mixcast_device="))!;
    // Someone else at the same address fails on other accounts until the address is locked.
    for (let i = 0; i < 5; i++)
      expect(
        (await post("/sign-in/email", { email: `x${i}@example.test`, password: "wrong-password-1" }, office))
          .status,
      ).toBe(401);
    expect(
      (
        await post(
          "/sign-in/email",
          { email: "shared-office@example.test", password: "harbor-lights-2026" },
          office,
        )
      ).status,
    ).toBe(429);
    const known = await post(
      "/sign-in/email",
      { email: "shared-office@example.test", password: "harbor-lights-2026" },
      { ...office, cookie: deviceCookie },
    );
    expect(known.status).toBe(200);
    // A device cookie is bound to its account: it does not unlock another one.
    expect(
      (
        await post(
          "/sign-in/email",
          { email: "spoof@example.test", password: "harbor-lights-2026" },
          { ...office, cookie: deviceCookie },
        )
      ).status,
    ).toBe(429);
  });

  it("check-slug answers only signed-in users, at most 10 times a minute", async () => {
    const out = await post(
      "/organization/check-slug",
      { slug: "demo" },
      { "x-forwarded-for": "203.0.113.90" },
    );
    expect(out.status).toBe(401);
    const signIn = await post(
      "/sign-in/email",
      { email: "spoof@example.test", password: "harbor-lights-2026" },
      { "x-forwarded-for": "203.0.113.91" },
    );
    expect(signIn.status).toBe(200);
    const cookie = cookiesOf(signIn);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (
          await post(
            "/organization/check-slug",
            { slug: `s-${i}` },
            { cookie, "x-forwarded-for": "203.0.113.91" },
          )
        ).status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe("account audit events", () => {
  it("sign-up, sign-in, a failed sign-in, a rename and a password change are audited with the name as it was", async () => {
    const address = { "x-forwarded-for": "203.0.113.120" };
    const up = await post(
      "/sign-up/email",
      { name: "Audrey Old", email: "audrey@example.test", password: "harbor-lights-2026" },
      address,
    );
    expect(up.status).toBe(200);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "audrey@example.test" } });
    expect(
      (
        await post(
          "/sign-in/email",
          { email: "audrey@example.test", password: "not-her-password-1" },
          address,
        )
      ).status,
    ).toBe(401);
    const signIn = await post(
      "/sign-in/email",
      { email: "audrey@example.test", password: "harbor-lights-2026" },
      address,
    );
    expect(signIn.status).toBe(200);
    const cookie = cookiesOf(signIn);
    expect((await post("/update-user", { name: "Audrey New" }, { ...address, cookie })).status).toBe(200);
    const changed = await post(
      "/change-password",
      { currentPassword: "harbor-lights-2026", newPassword: "harbor-lights-2027" },
      { ...address, cookie },
    );
    expect(changed.status).toBe(200);

    const events = await db.prisma.auditEvent.findMany({
      where: { actorId: user.id },
      orderBy: { at: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual([
      "user.sign_up",
      "user.sign_in_failed",
      "user.sign_in",
      "user.rename",
      "user.password_change",
    ]);
    // Written after the change, the rename carries the new name; the events before keep the old one.
    expect(events.map((e) => e.actorName)).toEqual([
      "Audrey Old",
      "Audrey Old",
      "Audrey Old",
      "Audrey New",
      "Audrey New",
    ]);
    expect(events[3]!.details).toEqual({ from: "Audrey Old", to: "Audrey New" });
    expect(events[1]!.details).toMatchObject({ email: "audrey@example.test", address: "203.0.113.120" });
    expect(JSON.stringify(events)).not.toContain("not-her-password-1");
  });
});

describe("address verification mail", () => {
  it("sign-up sends a verification link over SMTP; opening it verifies the address", async () => {
    const before = mailbox.length;
    await signUp("verify-me@example.test");
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "verify-me@example.test" } });
    expect(user.emailVerified).toBe(false);
    const deadline = Date.now() + 5000;
    while (mailbox.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const mail = mailbox.at(-1)!;
    expect(mail.to).toBe("verify-me@example.test");
    const text = mail.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    const link = /http:\/\/mixcast\.test\/api\/auth\/verify-email\?token=[^\s]+/.exec(text)?.[0];
    expect(link).toBeDefined();
    const opened = await handler(new Request(link!, { headers: { "x-forwarded-for": "203.0.113.130" } }));
    expect([200, 302]).toContain(opened.status);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(true);
  });
});
