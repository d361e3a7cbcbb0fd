// The insights page of a v2 run in a real browser: a geo model with a units KPI (with a value per
// conversion), a reach & frequency channel, an organic channel and time-varying media, fitted
// (fast mode) by e2e/seed-fitted-run-v2.ts and stored as the worker stores it. Every chart renders
// with no console errors; CPIK and the optimal frequency are shown; the geo table sorts and
// exports; the geo filter changes the decomposition.
import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { base, newWorkspaceThroughUi, shot, signIn, watchConsole } from "./helpers.ts";

test.describe.configure({ mode: "serial" });
test.use({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.52" } });

const webDir = fileURLToPath(new URL("..", import.meta.url));
const stamp = Date.now().toString(36);
const analyst = { name: "Gia Geo", email: `gia.${stamp}@example.test`, password: "insights-v2-e2e-2026" };
let ws = "";
let runId = "";

test("set up: sign up, workspace, a fitted v2 geo run", async ({ page }) => {
  ws = new URL(await newWorkspaceThroughUi(page, analyst, "Geo Conversions Co")).pathname;
  const tsx = join(webDir, "..", "..", "node_modules", ".bin", "tsx");
  const seeded = spawnSync(tsx, ["e2e/seed-fitted-run-v2.ts", analyst.email], {
    cwd: webDir,
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
    encoding: "utf8",
    timeout: 240_000,
  });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  runId = (JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as { runId: string }).runId;
  expect(runId).not.toBe("");
});

test("v2 insights: national figures with CPIK, geo table, fit per geo, decomposition rule, curves, optimal frequency", async ({
  page,
}) => {
  const errors = watchConsole(page);
  await signIn(page, analyst);
  await page.goto(`${base()}${ws}/runs/${runId}/insights`, { timeout: 180_000 });
  await expect(page.getByTestId("insights")).toHaveAttribute("data-ready", "true", { timeout: 180_000 });
  await expect(page.getByTestId("insights")).toHaveAttribute("data-model-version", "2");

  const tabs: [string, string[]][] = [
    ["Returns", ["national-figures", "geo-table", "organic"]],
    ["Fit & drivers", ["fit", "decomposition", "waterfall", "geo-fit", "media-effectiveness"]],
    ["Response & frequency", ["response-curves-v2", "frequency"]],
    ["Posterior", ["forest", "diagnostics"]],
  ];
  for (const [tab, charts] of tabs) {
    await page.getByRole("tab", { name: tab }).click();
    for (const chart of charts) {
      const card = page.locator(`[data-chart="${chart}"]`);
      await expect(card, chart).toBeVisible();
      await card.scrollIntoViewIfNeeded();
      if (!["diagnostics", "geo-table"].includes(chart))
        await expect(card.locator("svg.recharts-surface").first(), `${chart} svg`).toBeVisible();
    }
    await shot(page, `insights-v2-${tab.toLowerCase().replace(/[^a-z]+/g, "-")}`);
  }

  // units KPI: CPIK beside ROI, labelled
  await page.getByRole("tab", { name: "Returns" }).click();
  const national = page.locator('[data-chart="national-figures"]');
  await expect(national.getByRole("columnheader", { name: /per incremental conversion/ })).toBeVisible();
  await expect(page.getByTestId("v2-channel-row")).toHaveCount(4);
  await expect(page.getByTestId("v2-channel-row").filter({ hasText: "Newsletter" })).toContainText(
    "no spend, no ROI",
  );
  // geo table: 3 geos x 4 channels, sortable, CSV
  await expect(page.getByTestId("geo-row")).toHaveCount(12);
  await page.getByLabel("Channel shown in the geo table").selectOption("Meta");
  await expect(page.getByTestId("geo-row")).toHaveCount(3);
  await page.locator('[data-chart="geo-table"]').getByRole("button", { name: /^ROI/ }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV of Returns by geo" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8")
    .trim()
    .split("\n");
  expect(csv[0]!.startsWith("geo,channel,role,spend,incremental_mean")).toBe(true);
  expect(csv).toHaveLength(4);
  const rois = csv.slice(1).map((l) => Number(l.split(",")[7]));
  expect([...rois].sort((a, b) => b - a)).toEqual(rois); // sorted by ROI, highest first

  // decomposition: the rule in words, and a geo filter
  await page.getByRole("tab", { name: "Fit & drivers" }).click();
  await expect(page.getByTestId("decomposition-rule")).toContainText("Additive model");
  await expect(page.getByTestId("decomposition-rule")).toContainText("knots");
  await page.getByLabel("Geo of the decomposition").selectOption({ index: 1 });
  await expect(page.locator('[data-chart="decomposition"]')).toContainText("Baseline (knots)");
  await expect(page.locator("figure[data-geo]")).toHaveCount(3);

  // R&F: the optimal frequency with its interval
  await page.getByRole("tab", { name: "Response & frequency" }).click();
  await expect(page.getByTestId("frequency-sentence")).toContainText("exposures per reached person (90%:");
  await page.getByLabel("Geo of the response curves").selectOption({ index: 2 });
  await expect(page.locator("figure[data-curve]")).toHaveCount(4);
  await expect(page.getByText("Meta: response to reach, frequency held at today's")).toBeVisible();

  // the draws export has the v2 quantities
  const res = await page.request.get(`${base()}/api${ws}/runs/${runId}/draws.csv`);
  expect(res.status()).toBe(200);
  const header = (await res.text()).split("\n", 1)[0]!;
  expect(header).toContain("cpik[Meta]");
  expect(header).toContain("optimal_frequency[Meta]");
  expect(errors).toEqual([]);
});
