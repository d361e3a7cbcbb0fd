// Web part 2 in a real browser: a fitted run's insights (every chart renders, no console errors,
// light and dark, CSV download), run comparison, the optimizer, and two scenarios in a campaign
// compared with a P(A beats B) matrix. Runs are fitted (fast mode) on simulated data by
// e2e/seed-fitted-runs.ts and stored as the worker stores them.
import { expect, test, type Page } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { base, newWorkspaceThroughUi, shot, signIn, watchConsole } from "./helpers.ts";

test.describe.configure({ mode: "serial" });
// better-auth limits sign-ins to 5 per minute per client address (x-forwarded-for). This file
// signs in several times just before mixcast.spec.ts does, so it presents its own (documentation-
// range) address: each spec file gets its own rate-limit bucket, as two users on two machines would.
test.use({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.50" } });

const webDir = fileURLToPath(new URL("..", import.meta.url));

const stamp = Date.now().toString(36);
const analyst = { name: "Ines Insight", email: `ines.${stamp}@example.test`, password: "insights-e2e-2026" };
let ws = "";
let runIds: string[] = [];
let channels: string[] = [];

test("set up: sign up, workspace, two fitted runs of one model", async ({ page }) => {
  ws = new URL(await newWorkspaceThroughUi(page, analyst, "Insights Coffee Co")).pathname;

  const tsx = join(webDir, "..", "..", "node_modules", ".bin", "tsx");
  const seeded = spawnSync(tsx, ["e2e/seed-fitted-runs.ts", analyst.email, "104", "5", "2"], {
    cwd: webDir,
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
    encoding: "utf8",
    timeout: 240_000,
  });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  const out = JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as {
    runIds: string[];
    channels: string[];
  };
  runIds = out.runIds;
  channels = out.channels;
  expect(runIds).toHaveLength(2);
});

test("run insights: every chart renders, with no console errors, in light and dark", async ({ page }) => {
  const errors = watchConsole(page);
  await signIn(page, analyst);
  await page.goto(`${base()}${ws}/runs/${runIds[1]}`);
  await page.getByRole("link", { name: "Insights" }).click();
  await page.waitForURL(/\/insights$/);
  // first view computes the analysis from the stored draws on the server
  await expect(page.getByTestId("insights")).toHaveAttribute("data-ready", "true", { timeout: 180_000 });

  const tabs: [string, string[]][] = [
    ["Fit & drivers", ["fit", "decomposition", "waterfall", "spend"]],
    ["ROI", ["roi", "share", "refresh"]],
    ["Response & carryover", ["response-curves", "adstock"]],
    ["Social & influencer", ["social"]],
    ["Posterior", ["forest", "diagnostics"]],
  ];
  for (const [tab, charts] of tabs) {
    await page.getByRole("tab", { name: tab }).click();
    for (const chart of charts) {
      const card = page.locator(`[data-chart="${chart}"]`);
      await expect(card, chart).toBeVisible();
      await card.scrollIntoViewIfNeeded(); // plots mount when they come near the viewport
      if (chart !== "diagnostics")
        await expect(card.locator("svg.recharts-surface").first(), `${chart} svg`).toBeVisible();
    }
    await shot(page, `insights-${tab.toLowerCase().replace(/[^a-z]+/g, "-")}`);
  }
  // response curves: one small chart per channel, each with today's spend marked
  await page.getByRole("tab", { name: "Response & carryover" }).click();
  await expect(page.locator("figure[data-curve]")).toHaveCount(channels.length);
  for (const fig of await page.locator("figure[data-curve]").all()) await fig.scrollIntoViewIfNeeded();
  await expect(page.locator(".recharts-reference-dot")).toHaveCount(channels.length);
  // social insights in words
  await page.getByRole("tab", { name: "Social & influencer" }).click();
  await expect(page.getByTestId("social-sentences").locator("li").first()).toBeVisible();
  // holdout metrics under the fit chart; CSV download of the fit data
  await page.getByRole("tab", { name: "Fit & drivers" }).click();
  await expect(page.getByTestId("holdout-metrics")).toContainText("MAPE");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV of Model fit" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8");
  expect(csv.split("\n")[0]).toBe(
    "date,actual,fitted_mean,fitted_q05,fitted_q95,predictive_q05,predictive_q95,holdout",
  );
  expect(csv.trim().split("\n")).toHaveLength(105);
  // refresh view compares against the earlier run of the same model
  await page.getByRole("tab", { name: "ROI" }).click();
  await expect(page.getByTestId("refresh-sentences").locator("li")).toHaveCount(channels.length);

  await page.emulateMedia({ colorScheme: "dark" });
  await page.getByRole("tab", { name: "Fit & drivers" }).click();
  await shot(page, "insights-dark");
  await page.emulateMedia({ colorScheme: "light" });
  expect(errors).toEqual([]);
});

test("run comparison: holdout, LOO, ROI side by side, config diff", async ({ page }) => {
  const errors = watchConsole(page);
  await signIn(page, analyst);
  await page.goto(`${base()}${ws}/runs/compare?a=${runIds[0]}&b=${runIds[1]}`);
  await expect(page.getByTestId("run-comparison")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("PSIS-LOO elpd")).toBeVisible();
  await expect(page.locator('[data-chart="run-roi-compare"] svg.recharts-surface').first()).toBeVisible();
  expect(await page.getByTestId("config-change").count()).toBeGreaterThan(0);
  await shot(page, "run-comparison");
  expect(errors).toEqual([]);
});

test("optimizer: run with a lock, see allocation and uplift; two scenarios compared across the plan", async ({
  page,
}) => {
  const errors = watchConsole(page);
  await signIn(page, analyst);
  await page.goto(`${base()}${ws}/runs/${runIds[1]}/optimizer`);
  await expect(page.getByLabel("Total budget")).not.toHaveValue("", { timeout: 60_000 });
  await page.getByLabel(`Lock ${channels[0]}`).check();
  await page.getByRole("button", { name: "Run optimizer" }).click();
  await expect(page.getByTestId("uplift")).toContainText("Expected uplift", { timeout: 120_000 });
  await expect(page.getByTestId("allocation-row")).toHaveCount(channels.length);
  await expect(page.getByTestId("allocation-row").filter({ hasText: channels[0]! })).toContainText("locked");
  await page.locator('[data-chart="allocation"]').scrollIntoViewIfNeeded();
  await expect(page.locator('[data-chart="allocation"] svg.recharts-surface').first()).toBeVisible();
  await shot(page, "optimizer");

  // goal-seeking (issue 18): spend until the marginal ROI falls to 1, planned week by week
  await page.getByLabel(`Lock ${channels[0]}`).uncheck();
  await page.getByRole("radio", { name: /Spend until the marginal ROI falls to a target/ }).check();
  await page.getByLabel("Marginal ROI to spend down to").fill("1");
  await page.getByLabel(/Plan week by week \(flighting\)/).check();
  await page.getByRole("button", { name: "Run optimizer" }).click();
  await expect(page.getByTestId("goal-headline")).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId("goal-spend")).toContainText(/\d/);
  await expect(page.getByTestId("goal-row")).toHaveCount(channels.length);
  await expect(page.getByTestId("weekly-row")).toHaveCount(channels.length);
  const weeklyChart = page.locator("[data-chart]", { hasText: "Weekly plan per channel" });
  await weeklyChart.scrollIntoViewIfNeeded();
  await expect(weeklyChart.locator("svg.recharts-surface").first()).toBeVisible();
  await shot(page, "optimizer-goal-flighting");

  // a campaign with two scenarios: last quarter x 1.1, and the optimizer's plan
  await page.goto(`${base()}${ws}/campaigns`);
  await page.getByRole("button", { name: "New campaign" }).first().click();
  await page.getByLabel("Name", { exact: true }).fill("Spring flight");
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.waitForURL(/\/campaigns\/[^/]+$/);
  await expect(page.getByLabel("Fitted run")).not.toHaveValue("", { timeout: 30_000 });
  await page.getByLabel("Fitted run").selectOption(runIds[1]!);
  await page.getByLabel("Start from").selectOption("lastQuarter");
  await page.getByLabel("k (multiplier)").fill("1.1");
  await page.getByRole("button", { name: "Build plan" }).click();
  await expect(page.getByTestId("scenario-editor")).toBeVisible({ timeout: 60_000 });
  // edit one cell of the grid and add a labelled assumption
  await page.getByLabel(`${channels[1]} week 1`, { exact: true }).fill("12345");
  await page.getByRole("button", { name: "Add assumption" }).click();
  await page.getByLabel("Label (what you assume)").fill("Video converts 20% better (team estimate)");
  await page.getByLabel("Multiplier", { exact: true }).fill("1.2");
  await shot(page, "scenario-editor");
  await page.getByRole("button", { name: "Save scenario" }).click();
  await expect(page.getByTestId("scenario-row")).toHaveCount(1, { timeout: 30_000 });

  await page.getByLabel("Start from").selectOption("optimizer");
  await page.getByRole("button", { name: "Build plan" }).click();
  await expect(page.getByTestId("scenario-editor")).toBeVisible({ timeout: 120_000 });
  await page.getByRole("button", { name: "Save scenario" }).click();
  await expect(page.getByTestId("scenario-row")).toHaveCount(2, { timeout: 30_000 });
  const headline = page.getByTestId("scenario-row").first().getByTestId("scenario-headline");
  await expect(headline).toHaveText("not evaluated yet");

  await page.getByTestId("scenario-row").first().getByRole("button", { name: "Evaluate" }).click();
  await expect(page.getByTestId("evaluation")).toContainText("incremental", { timeout: 120_000 });
  await expect(page.getByTestId("evaluation")).toContainText("Video converts 20% better");
  // the stored evaluation's headline shows in the table from now on (also on the next visit)
  await expect(headline).toContainText(/\d.*\(.*–.*\), ROI -?\d/);

  for (const row of await page.getByTestId("scenario-row").all()) await row.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Compare selected (2)" }).click();
  await page.waitForURL(/\/campaigns\/compare\?ids=/);
  await expect(page.getByTestId("scenario-comparison")).toBeVisible({ timeout: 120_000 });
  const cells = await page.getByTestId("p-matrix").locator("td").allTextContents();
  expect(cells).toHaveLength(4);
  const p01 = Number(cells[1]!.replace("%", ""));
  const p10 = Number(cells[2]!.replace("%", ""));
  expect(Math.abs(p01 + p10 - 100)).toBeLessThanOrEqual(1);
  await page.locator('[data-chart="scenario-contribution"]').scrollIntoViewIfNeeded();
  await expect(
    page.locator('[data-chart="scenario-contribution"] svg.recharts-surface').first(),
  ).toBeVisible();
  await shot(page, "scenario-comparison");
  const comparisonCsv = await downloadText(page, () =>
    page.getByRole("button", { name: "Download win probabilities" }).click(),
  );
  expect(comparisonCsv.split("\n")).toHaveLength(3); // header + one row per scenario
  expect(errors).toEqual([]);
});

/** Clicks, waits for the download it starts, returns the file's text. */
async function downloadText(page: Page, click: () => Promise<void>): Promise<string> {
  const download = page.waitForEvent("download");
  await click();
  return readFileSync(await (await download).path(), "utf8").trim();
}

test("exports, currency and theme: posterior draws and the optimal plan as CSV; amounts in the workspace currency; a dark theme that sticks", async ({
  page,
}) => {
  const errors = watchConsole(page);
  await signIn(page, analyst);
  // every posterior draw of a run, with ROI per channel
  await page.goto(`${base()}${ws}/runs/${runIds[1]}`);
  const draws = (
    await downloadText(page, () => page.getByRole("link", { name: "Download draws CSV" }).click())
  ).split("\n");
  expect(draws[0]).toMatch(/^chain,draw,b0,/);
  expect(draws[0]).toContain(`roi[${channels[0]}]`);
  expect(draws.length - 1).toBeGreaterThanOrEqual(100);
  // the optimizer's plan, one row per channel with its weekly amounts
  await page.goto(`${base()}${ws}/runs/${runIds[1]}/optimizer`);
  await expect(page.getByLabel("Total budget")).not.toHaveValue("", { timeout: 60_000 });
  await page.getByRole("button", { name: "Run optimizer" }).click();
  await expect(page.getByTestId("uplift")).toContainText("Expected uplift", { timeout: 120_000 });
  const plan = (
    await downloadText(page, () =>
      page.getByRole("button", { name: "Download CSV of the optimal plan" }).click(),
    )
  ).split("\n");
  expect(plan).toHaveLength(channels.length + 1);
  expect(plan[0]).toContain("week 1");
  // an admin sets the currency; the insights then label money with its symbol
  await page.goto(`${base()}${ws}/settings`);
  await page.getByLabel("Currency").selectOption("EUR");
  await page.getByRole("button", { name: "Save currency" }).click();
  await expect(page.getByText("Currency saved")).toBeVisible();
  await page.goto(`${base()}${ws}/runs/${runIds[1]}/insights`);
  await expect(page.getByText("Weekly spend per channel, stacked (€)", { exact: false })).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByText("dataset currency", { exact: false })).toHaveCount(0);
  // a campaign that plans two of the model's channels builds plans for those two only
  await page.goto(`${base()}${ws}/campaigns`);
  await page.getByRole("button", { name: "New campaign" }).first().click();
  await page.getByLabel("Name", { exact: true }).fill("Two-channel push");
  await page.getByLabel("Model").selectOption({ index: 1 });
  await page.getByLabel(new RegExp(`^${channels[0]} \\(`)).check();
  await page.getByLabel(new RegExp(`^${channels[2]} \\(`)).check();
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.waitForURL(/\/campaigns\/[^/]+$/);
  await expect(page.getByText(`plans ${channels[0]}, ${channels[2]}`)).toBeVisible();
  await expect(page.getByLabel("Fitted run")).not.toHaveValue("", { timeout: 30_000 });
  await page.getByLabel("Start from").selectOption("lastQuarter");
  await page.getByRole("button", { name: "Build plan" }).click();
  await expect(page.getByTestId("scenario-editor")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel(`${channels[0]} week 1`, { exact: true })).toBeVisible();
  await expect(page.getByLabel(`${channels[1]} week 1`, { exact: true })).toHaveCount(0);
  await page.goto(`${base()}${ws}/runs/${runIds[1]}/insights`);
  // the theme choice sticks across a reload (applied before first paint by the root layout)
  await page.getByLabel("Theme").selectOption("dark");
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await expect(page.getByLabel("Theme")).toHaveValue("dark");
  await page.getByLabel("Theme").selectOption("system");
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  expect(errors).toEqual([]);
});
