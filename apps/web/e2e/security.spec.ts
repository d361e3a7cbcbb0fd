// Security headers against the real `next start` (#11 items 4 and 7): a signed-in page carries
// a nonce CSP with frame-ancestors 'none' and cannot be framed by another site; the app runs
// under that CSP without violations; ?next= never leaves the site.
import { expect, test, type Page } from "@playwright/test";
import { base } from "./helpers.ts";

const user = { name: "Sec Tester", email: `sec.${Date.now()}@example.test`, password: "harbor-lights-2026" };
let workspaceUrl = "";

async function signUpByApi(page: Page) {
  for (let attempt = 0; attempt < 4; attempt++) {
    const response = await page.request.post(`${base()}/api/auth/sign-up/email`, {
      headers: { origin: base() },
      data: user,
    });
    if (response.status() !== 429) return expect(response.status()).toBe(200);
    // Sign-ups are limited to 5 a minute per address; the other specs signed up too.
    await page.waitForTimeout(Number(response.headers()["x-retry-after"] ?? "15") * 1000);
  }
}

test("a signed-in page sends a nonce CSP and security headers, and runs under them", async ({ page }) => {
  await signUpByApi(page);
  const created = await page.request.post(`${base()}/api/trpc/workspace.create`, {
    headers: { origin: base(), "content-type": "application/json" },
    data: { json: { name: "Framing Co" } },
  });
  expect(created.status()).toBe(200);
  const { id } = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data.json;
  workspaceUrl = `${base()}/w/${id}/runs`;

  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  const response = await page.goto(workspaceUrl);
  const headers = response!.headers();
  const csp = headers["content-security-policy"]!;
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp).not.toContain("unsafe-eval");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  // Every inline script carries this response's nonce, and the page works (React hydrated).
  const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
  const scriptNonces = await page
    .locator("script")
    .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(scriptNonces.every((n) => n === nonce)).toBe(true);
  await expect(page.getByRole("heading", { name: "Run history" })).toBeVisible();
  // A fresh nonce per request.
  const again = await page.request.get(workspaceUrl);
  expect(again.headers()["content-security-policy"]).not.toContain(nonce);
  expect(violations).toEqual([]);
  // API responses get the static headers too.
  const api = await page.request.get(`${base()}/api/auth/get-session`);
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});

test("another site cannot frame a signed-in page", async ({ page }) => {
  await page.request.post(`${base()}/api/auth/sign-in/email`, {
    headers: { origin: base() },
    data: { email: user.email, password: user.password },
  });
  // A page on another origin that embeds the workspace.
  await page.route("http://attacker.test/", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><title>attacker</title><iframe id="victim" src="${workspaceUrl}" width="800" height="600"></iframe>`,
    }),
  );
  await page.goto("http://attacker.test/");
  await page.waitForTimeout(3000);
  const frame = page.frames().find((f) => f !== page.mainFrame())!;
  // Without frame-ancestors/X-Frame-Options the frame would show Mixcast (the workspace, or the
  // sign-in page where the browser withholds the cookie); blocked, it is Chromium's error page.
  const text = await frame
    .locator("body")
    .innerText({ timeout: 5000 })
    .catch(() => "");
  expect(text).not.toMatch(/Mixcast|Run history|Sign in/);
  expect(await page.title()).toBe("attacker");
});

test("?next= after sign-in never leaves the site", async ({ page }) => {
  // The rate-limit spec just locked this address for a minute; a browser that signed in before
  // is not locked out (known-device cookie), so sign in once through the API to become one.
  for (let attempt = 0; attempt < 10; attempt++) {
    const response = await page.request.post(`${base()}/api/auth/sign-in/email`, {
      headers: { origin: base() },
      data: { email: user.email, password: user.password },
    });
    if (response.status() === 200) break;
    expect(response.status()).toBe(429);
    await page.waitForTimeout(Number(response.headers()["retry-after"] ?? "10") * 1000);
  }
  const device = (await page.context().cookies()).filter((c) => c.name === "mixcast_device");
  expect(device).toHaveLength(1);
  for (const next of ["//evil.example/", "/\\evil.example/"]) {
    await page.context().clearCookies();
    await page.context().addCookies(device);
    await page.goto(`${base()}/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname !== "/sign-in", { timeout: 20_000 });
    expect(new URL(page.url()).origin).toBe(new URL(base()).origin);
  }
});
