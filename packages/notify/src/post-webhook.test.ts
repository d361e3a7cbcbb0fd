// Real HTTP receivers on 127.0.0.1: the guard must refuse them unless allowed, whether the URL
// names the address, a host name resolving to it, or a redirect leads there.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWebhook, WebhookAddressError, type ResolveHost } from "./post-webhook.ts";
import { parseAllowedNetworks } from "./webhook-address.ts";

const received: { path: string; method: string; body: string }[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        method: req.method ?? "",
        body: Buffer.concat(chunks).toString(),
      });
      const redirect = /^\/redirect\/(\d+)\?to=(.+)$/.exec(req.url ?? "");
      if (redirect) res.writeHead(Number(redirect[1]), { location: decodeURIComponent(redirect[2]!) }).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

const nothingAllowed = parseAllowedNetworks(undefined);
const loopbackAllowed = parseAllowedNetworks("127.0.0.1");
// A public-looking name whose DNS answer is the loopback receiver (DNS rebinding, or an internal
// name); another that also resolves to the metadata address.
const resolve: ResolveHost = (hostname) => {
  if (hostname === "hooks.example.test") return Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
  if (hostname === "mixed.example.test")
    return Promise.resolve([
      { address: "127.0.0.1", family: 4 },
      { address: "169.254.169.254", family: 4 },
    ]);
  return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }));
};
const post = (url: string, allowed = nothingAllowed) =>
  postWebhook(url, { headers: { "content-type": "application/json" }, body: '{"a":1}', allowed, resolve });

describe("postWebhook", () => {
  it("refuses a loopback IP literal without connecting", async () => {
    received.length = 0;
    await expect(post(`http://127.0.0.1:${port}/hook`)).rejects.toThrow(WebhookAddressError);
    await expect(post(`http://[::ffff:127.0.0.1]:${port}/hook`)).rejects.toThrow(/loopback/);
    expect(received).toHaveLength(0);
  });

  it("refuses a host name that resolves to a loopback or metadata address (checked after DNS)", async () => {
    received.length = 0;
    await expect(post(`http://hooks.example.test:${port}/hook`)).rejects.toThrow(
      /hooks\.example\.test resolves to a refused address: 127\.0\.0\.1 is a loopback address/,
    );
    await expect(post(`http://mixed.example.test:${port}/hook`, loopbackAllowed)).rejects.toThrow(
      /169\.254\.169\.254 is a link-local \(cloud metadata\) address/,
    );
    expect(received).toHaveLength(0);
  });

  it("delivers when the operator allows the network, by address or by name", async () => {
    received.length = 0;
    expect((await post(`http://127.0.0.1:${port}/a`, loopbackAllowed)).status).toBe(204);
    expect((await post(`http://hooks.example.test:${port}/b`, loopbackAllowed)).status).toBe(204);
    expect(received).toEqual([
      { path: "/a", method: "POST", body: '{"a":1}' },
      { path: "/b", method: "POST", body: '{"a":1}' },
    ]);
  });

  it("checks every redirect hop: an allowed host redirecting to a forbidden one is refused", async () => {
    received.length = 0;
    // 127.0.0.1 is allowed; the redirect goes to a name resolving to 169.254.169.254 / 127.0.0.1.
    const to = encodeURIComponent(`http://mixed.example.test:${port}/stolen`);
    await expect(post(`http://127.0.0.1:${port}/redirect/307?to=${to}`, loopbackAllowed)).rejects.toThrow(
      /metadata/,
    );
    const toLiteral = encodeURIComponent(`http://169.254.169.254/latest/meta-data`);
    await expect(
      post(`http://127.0.0.1:${port}/redirect/308?to=${toLiteral}`, loopbackAllowed),
    ).rejects.toThrow(WebhookAddressError);
    expect(received.map((r) => r.path)).toEqual([`/redirect/307?to=${to}`, `/redirect/308?to=${toLiteral}`]);
  });

  it("follows an allowed 307 with the same POST body; does not follow 302 (a POST would become a GET)", async () => {
    received.length = 0;
    const to = encodeURIComponent(`http://hooks.example.test:${port}/final`);
    const ok = await post(`http://127.0.0.1:${port}/redirect/307?to=${to}`, loopbackAllowed);
    expect(ok).toEqual({ status: 204, url: `http://hooks.example.test:${port}/final` });
    expect(received.at(-1)).toEqual({ path: "/final", method: "POST", body: '{"a":1}' });
    const found = await post(`http://127.0.0.1:${port}/redirect/302?to=${to}`, loopbackAllowed);
    expect(found.status).toBe(302);
    expect(received).toHaveLength(3);
  });
});
