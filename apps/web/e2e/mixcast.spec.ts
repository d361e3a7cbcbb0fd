// The main path of a marketing team, in a real browser against `next start`, PostgreSQL and the
// fit worker: sign up, create a workspace, upload a broken and a valid CSV, map columns, fit,
// watch progress to the end, find the run in history; then a viewer cannot start a fit.
import { expect, test, type Page } from "@playwright/test";
import { fileURLToPath } from "node:url";
import { base, newWorkspaceThroughUi, shot, signIn, signUpThroughForm } from "./helpers.ts";

test.describe.configure({ mode: "serial" });

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const stamp = Date.now().toString(36);
const owner = { name: "Olivia Owner", email: `olivia.${stamp}@example.test`, password: "mixcast-e2e-2026" };
const viewer = { name: "Victor Viewer", email: `victor.${stamp}@example.test`, password: "viewer-e2e-2026" };
let workspaceUrl = "";
let modelUrl = "";
let inviteLink = "";

// Through the shared helper: it waits out the per-address sign-up limit that the specs before
// this one may have used up (a plain click then got a 429 and never left the form).
const signUp = (page: Page, who: typeof owner, next?: string) => signUpThroughForm(page, who, next);

test("sign up with password rules, create a workspace", async ({ page }) => {
  await page.goto(`${base()}/sign-up`);
  await page.getByLabel("Name").fill(owner.name);
  await page.getByLabel("Work email").fill(owner.email);
  await page.getByLabel("Password").fill("short1");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await shot(page, "01-sign-up-password-rules");

  workspaceUrl = await newWorkspaceThroughUi(page, owner, "E2E Coffee Co");
  await expect(page.getByText("No datasets yet")).toBeVisible();
  await shot(page, "02-datasets-empty");
});

test("a broken CSV lists its errors by row and column and saves nothing", async ({ page }) => {
  await signIn(page, owner);

  await page.goto(`${workspaceUrl}/datasets/new`);
  await page.getByLabel("Dataset name").fill("Weekly sales");
  await page.getByLabel("CSV file").setInputFiles(fixture("broken-sales.csv"));
  await expect(page.getByText("104 rows, 6 columns")).toBeVisible();
  // The bad cells keep core's inference from recognizing two columns; map them by hand.
  await expect(page.getByText("The mapping is not complete")).toBeVisible();
  await page.getByLabel("Role of date").selectOption("date");
  await page.getByLabel("Role of tv_spend").selectOption("channel");
  await page.getByLabel("Channel type of tv_spend").selectOption("traditional");
  await page.getByRole("button", { name: "Validate and save version" }).click();
  await expect(page.getByText(/The file was not saved: \d+ problems? found/)).toBeVisible();
  const rows = page.getByTestId("validation-error");
  expect(await rows.count()).toBeGreaterThanOrEqual(3);
  await expect(rows.filter({ hasText: "tv_spend" }).first()).toContainText("10");
  await expect(rows.filter({ hasText: "facebook_spend" }).first()).toContainText("13");
  await shot(page, "03-upload-errors");
  await page.goto(`${workspaceUrl}/datasets`);
  await expect(page.getByText("No datasets yet")).toBeVisible();
});

test("a valid CSV becomes version 1; the same file again is not a new version", async ({ page }) => {
  await signIn(page, owner);

  await page.goto(`${workspaceUrl}/datasets/new`);
  await page.getByLabel("Dataset name").fill("Weekly sales");
  await page.getByLabel("CSV file").setInputFiles(fixture("weekly-sales.csv"));
  await expect(page.getByText("104 rows, 6 columns")).toBeVisible();
  // Suggested mapping from core's inferMapping.
  await expect(page.getByLabel("Role of date")).toHaveValue("date");
  await expect(page.getByLabel("Role of sales")).toHaveValue("kpi");
  await expect(page.getByLabel("Role of price")).toHaveValue("control");
  await expect(page.getByLabel("Channel type of tv_spend")).toHaveValue("traditional");
  await expect(page.getByLabel("Channel type of facebook_spend")).toHaveValue("social");
  await expect(page.getByLabel("Channel type of influencer_spend")).toHaveValue("influencer");
  await shot(page, "04-upload-mapping");
  await page.getByRole("button", { name: "Validate and save version" }).click();
  await page.waitForURL(/\/datasets\/[^/]+$/);
  await expect(page.getByRole("cell", { name: "v1", exact: true })).toBeVisible();
  await shot(page, "05-dataset");

  await page.getByRole("link", { name: "Upload new version" }).click();
  await page.getByLabel("CSV file").setInputFiles(fixture("weekly-sales.csv"));
  await expect(page.getByText("104 rows, 6 columns")).toBeVisible();
  await page.getByRole("button", { name: "Validate and save version" }).click();
  await expect(page.getByText("Same data as version 1")).toBeVisible();
  await page.waitForURL(/\/datasets\/[^/]+$/);
  await expect(page.getByRole("cell", { name: "v2", exact: true })).toHaveCount(0);
});

test("create a model, start a fast fit, watch it finish, find it in history", async ({ page }) => {
  await signIn(page, owner);

  await page.goto(`${workspaceUrl}/models`);
  await page.getByLabel("Model name").fill("Social-aware default");
  await page.getByRole("button", { name: "Create model" }).click();
  await page.waitForURL(/\/models\/[^/]+$/);
  modelUrl = page.url();
  await expect(page.getByRole("heading", { name: "facebook_spend" })).toBeVisible();
  // Defaults by channel type, from core: geometric carry-over, and Beta(2, 6) retention for social.
  await expect(page.getByLabel("Carry-over (adstock)").first()).toHaveValue("");
  await expect(page.getByText("Beta(2, 6)").first()).toBeVisible();
  await shot(page, "06-model-config");

  await page.getByLabel("Fit mode").selectOption("fast");
  await page.getByRole("button", { name: "Start fit" }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  const runUrl = page.url();
  await expect(page.getByRole("progressbar")).toBeVisible();
  await shot(page, "07-run-progress");
  // Progress survives a reload: the state is in the database, not in the page.
  await page.reload();
  await expect(page.getByText(/Succeeded|Not converged|Failed/).first()).toBeVisible({ timeout: 240_000 });
  await expect(page.getByText("Failed")).toHaveCount(0);
  await expect(page.getByTestId("roi-row").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Download result JSON" })).toBeVisible();
  await shot(page, "08-run-detail");

  await page.goto(`${workspaceUrl}/runs`);
  const row = page.getByTestId("run-row").first();
  await expect(row).toContainText("Social-aware default");
  await expect(row).toContainText("manual");
  await expect(row).toContainText("Olivia Owner");
  await shot(page, "09-run-history");
  await page.getByLabel("Status").selectOption("failed");
  await expect(page.getByText("No runs match these filters")).toBeVisible();
  expect(runUrl).toContain("/runs/");

  await page.goto(`${workspaceUrl}/audit`);
  await expect(
    page.getByTestId("audit-row").filter({ has: page.getByText("run.start", { exact: true }) }),
  ).toHaveCount(1);
  await shot(page, "10-audit-log");
  const csv = await page.request.get(`${workspaceUrl.replace("/w/", "/api/w/")}/audit.csv?action=run.start`);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const csvLines = (await csv.text()).trim().split("\n");
  expect(csvLines[0]).toBe("at,action,actor_email,actor_name,actor_kind,target_type,target_id,details");
  expect(csvLines.some((l) => l.includes(",run.start,") && l.includes(owner.email))).toBe(true);

  await page.goto(`${workspaceUrl}/members`);
  await page.getByLabel("Email").fill(viewer.email);
  await page.getByRole("combobox", { name: "Role" }).selectOption("viewer");
  await page.getByRole("button", { name: "Create invitation" }).click();
  await expect(page.getByText("Development mode: no email was sent")).toBeVisible();
  inviteLink = (await page.getByTestId("invite-link").textContent())!.trim();
  // The development transport shows the full link, with the token that proves the address.
  expect(inviteLink).toMatch(/\/invite\/[0-9a-f-]+\?token=[\w-]+$/);
  await shot(page, "11-members-invite");
});

test("an invited viewer sees runs but cannot start a fit", async ({ page }) => {
  // Signing up with the invited address is not proof of it: the plain link asks to confirm it.
  const plain = new URL(inviteLink).pathname;
  await signUp(page, viewer, plain);
  await page.waitForURL(/\/invite\//);
  await expect(page.getByTestId("invite-verify")).toBeVisible();
  await expect(page.getByRole("button", { name: "Accept and open workspace" })).toHaveCount(0);
  // The link that was sent to the address carries the proof.
  const url = new URL(inviteLink);
  await page.goto(`${base()}${url.pathname}${url.search}`);
  await page.getByRole("button", { name: "Accept and open workspace" }).click();
  await page.waitForURL(/\/w\/[^/]+\/runs/);
  await expect(page.getByTestId("run-row").first()).toBeVisible();

  await page.goto(modelUrl);
  await expect(page.getByTestId("cannot-start")).toBeVisible();
  await expect(page.getByRole("button", { name: "Start fit" })).toHaveCount(0);
  await shot(page, "12-viewer-model");

  // The server refuses too, not just the UI.
  const workspaceId = workspaceUrl.split("/w/")[1]!;
  const modelId = modelUrl.split("/models/")[1]!;
  const response = await page.request.post(`${base()}/api/trpc/run.start`, {
    headers: { "content-type": "application/json", origin: base() },
    data: { json: { workspaceId, modelId, mode: "fast" } },
  });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain("Your role (viewer) cannot do this");
});

test("a 5-year daily file with 51 columns stays responsive and is converted to weeks", async ({
  page,
}, testInfo) => {
  const t0 = Date.parse("2020-01-06T00:00:00Z");
  const header = ["date", "sales", ...Array.from({ length: 48 }, (_, i) => `channel_${i}_spend`), "price"];
  const lines = [header.join(",")];
  for (let d = 0; d < 5 * 365; d++) {
    const spend = Array.from({ length: 48 }, (_, i) => (100 + ((d * (i + 3)) % 57)).toFixed(2));
    lines.push(
      [
        new Date(t0 + d * 86_400_000).toISOString().slice(0, 10),
        (5000 + (d % 91) * 3).toFixed(2),
        ...spend,
        (9.5 + (d % 5) * 0.1).toFixed(2),
      ].join(","),
    );
  }
  const file = testInfo.outputPath("daily-5y-51cols.csv");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(file, `${lines.join("\n")}\n`);

  await signIn(page, owner);
  await page.goto(`${workspaceUrl}/datasets/new`);
  await page.getByLabel("Dataset name").fill("Daily export");
  // Record main-thread blocking (long tasks) while the file is read, mapped and converted.
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => w.__longTasks.push(e.duration)),
    ).observe({ type: "longtask" });
  });
  await page.getByLabel("CSV file").setInputFiles(file);
  await expect(page.getByText("1,825 rows, 51 columns")).toBeVisible();
  await page.getByRole("button", { name: "Convert to weekly rows" }).click();
  await expect(page.getByText("Daily rows converted to weeks")).toBeVisible();
  await expect(page.getByText(/into 260 full weeks/)).toBeVisible();
  await shot(page, "13-daily-converted");
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const worst = Math.max(0, ...longTasks);
  console.log(
    `[bench] 5y daily x 51 columns: ${longTasks.length} long tasks, longest ${worst.toFixed(0)} ms`,
  );
  testInfo.annotations.push({ type: "longest-main-thread-block-ms", description: worst.toFixed(0) });
  expect(worst).toBeLessThan(1000);
});

test("sign-in is rate limited after repeated failures", async ({ page }) => {
  await page.goto(`${base()}/sign-in`);
  const statuses: number[] = [];
  for (let i = 0; i < 8 && !statuses.includes(429); i++) {
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(`wrong-password-${i}`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/api/auth/sign-in/email")),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    statuses.push(response.status());
  }
  // Wrong passwords are refused (401) until the limit (5 per minute per IP) answers 429.
  expect(statuses.at(-1)).toBe(429);
  expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
  expect(statuses.length).toBeLessThanOrEqual(6);
  await expect(
    page.getByText("Too many attempts from this device. Wait a minute, then try again."),
  ).toBeVisible();
  await shot(page, "14-sign-in-rate-limited");
});
