// better-auth as configured for Mixcast, through its real HTTP handler and a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";

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

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  process.env.BETTER_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
  process.env.BETTER_AUTH_URL = origin;
  const { getAuth } = await import("./auth.ts");
  handler = getAuth().handler;
});

afterAll(async () => {
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
