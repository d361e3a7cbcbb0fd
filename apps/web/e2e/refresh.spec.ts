// The weekly refresh of issue 16, end to end in a real browser against `next start`, PostgreSQL
// and the fit worker: an admin creates an API token in Settings and a webhook alert channel (to a
// receiver this spec runs), fits and approves a first run, sets the weekly refit; new data arrives
// through the REST API with the token; the scheduled refit runs (the worker's scheduler tick,
// fired by the spec: the e2e worker's own scheduler is off) and is approved on its run page,
// which shows the stability panel; the "unstable" alert reaches the webhook, signed.
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { base, newWorkspaceThroughUi, shot } from "./helpers.ts";

test.describe.configure({ mode: "serial" });

const webDir = fileURLToPath(new URL("..", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const stamp = Date.now().toString(36);
const admin = { name: "Rita Refresh", email: `rita.${stamp}@example.test`, password: "refresh-e2e-2026" };

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}
const deliveries: Delivery[] = [];
let receiver: http.Server;
let hookUrl = "";

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/mixcast-hook`;
});

test.afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

/** weekly-sales.csv with `extra` weeks appended (the last week's values, a little more spend). */
function csvWithMoreWeeks(extra: number): string {
  const lines = readFileSync(fixture("weekly-sales.csv"), "utf8").trim().split("\n");
  const last = lines[lines.length - 1]!.split(",");
  const t0 = Date.parse(`${last[0]}T00:00:00Z`);
  for (let k = 1; k <= extra; k++) {
    const date = new Date(t0 + k * 7 * 86_400_000).toISOString().slice(0, 10);
    lines.push(
      [
        date,
        (Number(last[1]) + 900 * k).toFixed(2),
        (Number(last[2]) * 1.3).toFixed(2),
        ...last.slice(3),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

test("token, alerts, a weekly refit from data pushed through the API, approved, with the alert delivered", async ({
  page,
}) => {
  // --- an admin's workspace, a dataset, a model and its first approved run
  const ws = await newWorkspaceThroughUi(page, admin, "Refresh Coffee Co");

  await page.goto(`${ws}/datasets/new`);
  await page.getByLabel("Dataset name").fill("Weekly sales");
  await page.getByLabel("CSV file").setInputFiles(fixture("weekly-sales.csv"));
  await expect(page.getByTestId("upload-data-checks")).toBeVisible();
  await page.getByRole("button", { name: "Validate and save version" }).click();
  // (the upload page itself is /datasets/new)
  await page.waitForURL((u) => /\/datasets\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith("/new"));
  const datasetId = page.url().split("/").at(-1)!;

  await page.goto(`${ws}/models`);
  await page.getByLabel("Model name").fill("Weekly refresh", { timeout: 90_000 });
  await page.getByRole("button", { name: "Create model" }).click();
  await page.waitForURL(/\/models\/[^/]+$/);
  const modelUrl = page.url();
  await page.getByLabel("Fit mode").selectOption("fast");
  await page.getByRole("button", { name: "Start fit" }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(page.getByText(/Succeeded|Not converged|Failed/).first()).toBeVisible({ timeout: 240_000 });
  await expect(page.getByText("Failed")).toHaveCount(0);
  await page.getByRole("button", { name: "Approve this run" }).click();
  await expect(page.getByTestId("run-review")).toContainText("Approved run of Weekly refresh");
  const firstRunId = page.url().split("/").at(-1)!;

  // --- Settings: an API token (shown once) and a webhook alert channel
  await page.goto(`${ws}/settings`);
  await page.getByLabel("Token name").fill("Nightly ETL");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByRole("dialog").getByLabel("API token", { exact: true }).inputValue();
  expect(token.length).toBeGreaterThan(20);
  await shot(page, "refresh-01-api-token");
  await page.getByRole("button", { name: "I have copied it" }).click();
  await page.getByLabel("Channel name").fill("Ops hook");
  await page.getByLabel("Webhook URL").fill(hookUrl);
  await page.getByRole("button", { name: "Add channel" }).click();
  const secret = await page.getByRole("dialog").getByLabel("Signing secret").inputValue();
  expect(secret).toMatch(/^whsec_/);
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByRole("cell", { name: "Ops hook" })).toBeVisible();

  // --- the model: any move counts as unstable (threshold 1), a weekly fast refit
  await page.goto(modelUrl);
  await page.getByRole("tab", { name: "Approvals" }).click();
  await page.getByLabel("Stability threshold (0–1)").fill("1");
  await page.getByRole("button", { name: "Save refresh settings" }).click();
  await expect(page.getByText("Refresh settings saved")).toBeVisible();
  await page.getByRole("tab", { name: "Weekly refit" }).click();
  await page.getByLabel("Fit mode").last().selectOption("fast");
  await page.getByRole("button", { name: "Save schedule" }).click();
  await expect(page.getByText("Refit schedule saved")).toBeVisible();

  // --- new data through the REST API, with the token
  const pushed = await page.request.post(`${base()}/api/v1/datasets/${datasetId}/versions`, {
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    data: csvWithMoreWeeks(2),
  });
  expect(pushed.status(), await pushed.text()).toBe(201);
  const version = (await pushed.json()) as { version: number; rows: number };
  expect(version).toMatchObject({ version: 2, rows: 106 });
  const noToken = await page.request.post(`${base()}/api/v1/datasets/${datasetId}/versions`, {
    headers: { "content-type": "text/csv" },
    data: csvWithMoreWeeks(3),
  });
  expect(noToken.status()).toBe(401);

  // --- the weekly slot fires: the worker's scheduler tick creates and enqueues the refit
  const tsx = join(webDir, "..", "..", "node_modules", ".bin", "tsx");
  const ticked = spawnSync(tsx, ["e2e/run-scheduler-tick.ts"], {
    cwd: webDir,
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (ticked.status !== 0) throw new Error(`scheduler tick failed: ${ticked.stderr}`);
  const tick = JSON.parse(ticked.stdout.trim().split("\n").at(-1)!) as {
    created: { runId: string }[];
    skipped: { reason: string }[];
  };
  expect(tick.skipped).toEqual([]);
  expect(tick.created).toHaveLength(1);
  const refitId = tick.created[0]!.runId;

  // --- the refit on its run page: scheduled, finished, stability panel, approve it
  await page.goto(`${ws}/runs/${refitId}`);
  await expect(page.getByText(/^Scheduled · fast fit · dataset v2/)).toBeVisible();
  await expect(page.getByText(/Succeeded|Not converged|Failed/).first()).toBeVisible({ timeout: 240_000 });
  await expect(page.getByText("Failed")).toHaveCount(0);
  const panel = page.getByTestId("stability-panel");
  await expect(panel).toBeVisible();
  await expect(panel).toContainText("Stability against the approved run");
  await shot(page, "refresh-02-refit-stability");
  await page.getByLabel("Approval note (optional)").fill("Weekly refit, checked");
  await page.getByRole("button", { name: "Approve this run" }).click();
  await expect(page.getByTestId("run-review")).toContainText("Weekly refit, checked");
  await shot(page, "refresh-03-refit-approved");

  // --- the alert reached the webhook, signed with the channel's secret
  await expect.poll(() => deliveries.length, { timeout: 90_000 }).toBeGreaterThan(0);
  const hit = deliveries.map((d) => ({ ...d, json: JSON.parse(d.body) as Record<string, unknown> }));
  const unstable = hit.find((d) => d.json.kind === "unstable");
  expect(unstable, `deliveries: ${hit.map((d) => String(d.json.kind)).join(", ")}`).toBeDefined();
  expect(unstable!.json).toMatchObject({ runId: refitId, modelName: "Weekly refresh" });
  expect(String(unstable!.json.title)).toContain("Weekly refit of Weekly refresh moved");
  expect(unstable!.headers["x-mixcast-event"]).toBe("unstable");
  const signed = `${String(unstable!.headers["x-mixcast-timestamp"])}.${unstable!.body}`;
  expect(unstable!.headers["x-mixcast-signature"]).toBe(
    `sha256=${createHmac("sha256", secret).update(signed).digest("hex")}`,
  );
  expect(firstRunId).not.toBe(refitId);

  // the delivery log in Settings says so too
  await page.goto(`${ws}/settings`);
  await expect(page.getByText(/Weekly refit of Weekly refresh moved/).first()).toBeVisible();
  await shot(page, "refresh-04-alert-delivered");
});
