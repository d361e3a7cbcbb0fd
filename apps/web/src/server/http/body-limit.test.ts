// Request-body limits on the real route handlers (#11 item 5): an anonymous POST is answered
// 401 without its body being read; a signed-in one is read only up to the limit (413 past it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@mixcast/db/testing";

let db: TestDatabase;
const origin = "http://mixcast.test";
let trpcPost: (request: Request) => Promise<Response>;
let authPost: (request: Request) => Promise<Response>;
let cookie = "";

/** A body of `total` bytes made on demand; `pulled()` tells how much of it was read. */
function lazyBody(total: number) {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk.byteLength, total - sent);
      sent += n;
      controller.enqueue(chunk.subarray(0, n));
    },
  });
  return { stream, pulled: () => sent };
}

const post = (url: string, body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", origin, ...headers },
    body,
    duplex: "half",
  } as RequestInit);

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  process.env.BETTER_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
  process.env.BETTER_AUTH_URL = origin;
  trpcPost = (await import("@/app/api/trpc/[trpc]/route.ts")).POST;
  authPost = (await import("@/app/api/auth/[...all]/route.ts")).POST;
  const signUp = await authPost(
    post(
      `${origin}/api/auth/sign-up/email`,
      JSON.stringify({ name: "Big Body", email: "big@example.test", password: "harbor-lights-2026" }),
      { "x-forwarded-for": "203.0.113.200" },
    ),
  );
  expect(signUp.status).toBe(200);
  cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
});

afterAll(async () => {
  const { getPrisma } = await import("@mixcast/db");
  await getPrisma().$disconnect();
  await db?.drop();
});

describe("request body limits", () => {
  it.each([
    "workspace.create",
    "workspace.create,workspace.rename?batch=1",
    "workspace.create,workspace.list?batch=1",
    "no.such.procedure",
  ])("an anonymous 20 MB POST to /api/trpc/%s is refused without reading its body", async (path) => {
    const body = lazyBody(20 * 1024 * 1024);
    const response = await trpcPost(post(`${origin}/api/trpc/${path}`, body.stream));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    // At most what a stream pre-fetches, not the 20 MB.
    expect(body.pulled()).toBeLessThan(256 * 1024);
  });

  it("a signed-in POST over the limit is a 413 after reading at most the limit", async () => {
    const declared = await trpcPost(
      post(`${origin}/api/trpc/workspace.create`, "{}", {
        cookie,
        "content-length": String(30 * 1024 * 1024),
      }),
    );
    expect(declared.status).toBe(413);

    const body = lazyBody(5 * 1024 * 1024);
    const streamed = await trpcPost(post(`${origin}/api/trpc/workspace.create`, body.stream, { cookie }));
    expect(streamed.status).toBe(413);
    expect(await streamed.text()).toContain("larger than 1 MB");
    expect(body.pulled()).toBeLessThanOrEqual(1024 * 1024 + 128 * 1024);
  });

  it("the CSV upload has its own, documented limit (20 MB of CSV)", async () => {
    const body = lazyBody(30 * 1024 * 1024);
    const response = await trpcPost(post(`${origin}/api/trpc/dataset.upload`, body.stream, { cookie }));
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("CSV files can be at most 20 MB");
    expect(body.pulled()).toBeLessThanOrEqual(24 * 1024 * 1024 + 128 * 1024);
  });

  it("normal requests still work, and auth requests are limited to 64 KB", async () => {
    const ok = await trpcPost(
      post(`${origin}/api/trpc/workspace.create`, JSON.stringify({ json: { name: "Small Co" } }), { cookie }),
    );
    expect(ok.status).toBe(200);
    const big = lazyBody(2 * 1024 * 1024);
    const auth = await authPost(post(`${origin}/api/auth/sign-in/email`, big.stream));
    expect(auth.status).toBe(413);
    expect(big.pulled()).toBeLessThanOrEqual(64 * 1024 + 128 * 1024);
  });
});
