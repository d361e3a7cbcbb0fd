// The v2 path of issue 14 in a real browser against `next start`, PostgreSQL and the fit worker: a
// long geo CSV (e2e/fixtures/geo-conversions.csv from core's v2 simulator, make-fixtures.ts: 4
// regions x 60 weeks, conversions with revenue per conversion, Search with clicks, Meta as reach &
// frequency, organic Instagram posts, price and a categorical promo) is uploaded and mapped, its data checks
// show, it is saved, modelled and fitted in fast mode; the run shows CPIK beside ROI and organic
// Instagram without ROI; the insights page shows national CPIK, Meta's optimal frequency with its
// interval and the geo table; a per-geo scenario is built, edited in one region, saved and evaluated.
import { expect, test } from "@playwright/test";
import { fileURLToPath } from "node:url";
import { newWorkspaceThroughUi, shot, signIn, watchConsole } from "./helpers.ts";

test.describe.configure({ mode: "serial" });
// better-auth limits sign-ins per client address; this file has its own (documentation-range)
// address, as the other spec files do.
// Longer page loads than the config's: its first visit of each page of a fresh build compiles
// nothing but still warms caches, slow on the shared 2-core machine.
test.use({
  extraHTTPHeaders: { "x-forwarded-for": "203.0.113.14" },
  navigationTimeout: 180_000,
  actionTimeout: 60_000,
});

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const stamp = Date.now().toString(36);
const analyst = { name: "Gina Geo", email: `gina.${stamp}@example.test`, password: "geo-v2-e2e-2026" };
let workspaceUrl = "";
let runUrl = "";
let campaignUrl = "";

test("set up: sign up and create a workspace", async ({ page }) => {
  workspaceUrl = await newWorkspaceThroughUi(page, analyst, "Geo Sneakers Inc");
});

test("upload a long geo CSV with reach & frequency, organic posts and a units KPI; map it; see its data checks", async ({
  page,
}) => {
  await signIn(page, analyst);
  await page.goto(`${workspaceUrl}/datasets/new`);
  await page.getByLabel("Dataset name").fill("Conversions by region");
  await page.getByLabel("CSV file").setInputFiles(fixture("geo-conversions.csv"));
  await expect(page.getByText("240 rows, 13 columns")).toBeVisible();

  // Suggested from the names (core's inferMappingV2): the geo column is called "region" here.
  const role = (column: string) => page.getByLabel(`Role of ${column}`, { exact: true });
  await expect(role("date")).toHaveValue("date");
  await expect(role("region")).toHaveValue("geo");
  await expect(role("population")).toHaveValue("population");
  await expect(role("conversions")).toHaveValue("kpi");
  await expect(role("revenue_per_conversion")).toHaveValue("value");
  await expect(role("Search")).toHaveValue("channel");
  await expect(role("Search_clicks")).toHaveValue("exposure");
  await expect(role("Meta_spend")).toHaveValue("channel");
  await expect(role("Meta_reach")).toHaveValue("reach");
  await expect(role("Meta_frequency")).toHaveValue("frequency");
  await expect(role("Instagram_posts")).toHaveValue("organic");
  await expect(role("promo")).toHaveValue("control");
  await expect(page.getByLabel("KPI type")).toHaveValue("units");

  // The user's part of the mapping: Instagram posts are social, the channel is called "Instagram",
  // and the brand sells in the US (public holidays as a control).
  await page.getByLabel("Channel type of Instagram_posts").selectOption("social");
  await page.getByLabel("Channel of Instagram_posts", { exact: true }).fill("Instagram");
  await page.getByLabel("Holiday country").selectOption("US");

  // One row per channel with its columns side by side.
  const channels = page.getByTestId("mapped-channel");
  await expect(channels).toHaveCount(3);
  await expect(channels.filter({ hasText: "Search" })).toContainText("Paid, exposure drives the effect");
  await expect(channels.filter({ hasText: "Search" })).toContainText("Search_clicks");
  await expect(channels.filter({ hasText: "Meta" })).toContainText("Paid, reach & frequency");
  await expect(channels.filter({ hasText: "Meta" })).toContainText("Meta_frequency");
  await expect(channels.filter({ hasText: "Instagram" })).toContainText("Organic (no ROI)");
  await expect(page.getByText("The mapping is not complete")).toHaveCount(0);

  // The data checks of this mapping, before anything is saved.
  await expect(page.getByTestId("upload-data-checks")).toBeVisible();
  await expect(page.getByText(/in 4 geos/)).toBeVisible();
  await expect(page.getByTestId("geo-panel")).toHaveCount(4);
  await shot(page, "geo-01-upload-mapping");

  await page.getByRole("button", { name: "Validate and save version" }).click();
  await page.waitForURL(/\/datasets\/[^/]+$/);
  await expect(page.getByRole("cell", { name: "v1", exact: true })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "geo-conversions.csv" })).toContainText("240");
  await shot(page, "geo-02-dataset");
});

test("a geo model fits in fast mode; the run shows CPIK beside ROI, organic without ROI", async ({
  page,
}) => {
  await signIn(page, analyst);
  await page.goto(`${workspaceUrl}/models`);
  await page.getByLabel("Model name").fill("Geo conversions");
  await page.getByRole("button", { name: "Create model" }).click();
  await page.waitForURL(/\/models\/[^/]+$/);

  await page.getByLabel("Fit mode").selectOption("fast");
  await page.getByRole("button", { name: "Start fit" }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  runUrl = page.url();
  await expect(page.getByText(/Succeeded|Not converged|Failed/).first()).toBeVisible({ timeout: 240_000 });
  await expect(page.getByText("Failed")).toHaveCount(0);

  const rows = page.getByTestId("roi-row");
  await expect(rows).toHaveCount(3);
  await expect(
    page.getByRole("columnheader", { name: "Cost per incremental conversion (mean)" }),
  ).toBeVisible();
  const number = /\d/;
  const meta = rows.filter({ hasText: "Meta" });
  await expect(meta).toContainText("(reach & frequency)");
  await expect(meta.getByRole("cell")).toHaveCount(8);
  for (const i of [2, 3, 4, 5]) await expect(meta.getByRole("cell").nth(i)).toHaveText(number);
  const search = rows.filter({ hasText: "Search" });
  for (const i of [2, 3, 4, 5]) await expect(search.getByRole("cell").nth(i)).toHaveText(number);
  const instagram = rows.filter({ hasText: "Instagram" });
  await expect(instagram).toContainText("(organic)");
  await expect(instagram).toContainText("organic: no spend, no ROI");
  await shot(page, "geo-03-run-cpik");
});

test("insights: national CPIK, Meta's optimal frequency with its interval, the geo table, ROI versus frequency", async ({
  page,
}) => {
  const errors = watchConsole(page);
  await signIn(page, analyst);
  await page.goto(runUrl);
  await page.getByRole("link", { name: "Insights" }).click();
  await page.waitForURL(/\/insights$/);
  const insights = page.getByTestId("insights");
  await expect(insights).toHaveAttribute("data-ready", "true", { timeout: 180_000 });
  await expect(insights).toHaveAttribute("data-model-version", "2");
  const national = page.locator('[data-chart="national-figures"]');
  await expect(national.getByRole("columnheader", { name: /per incremental conversion/ })).toBeVisible();
  await expect(national.getByRole("columnheader", { name: "Optimal frequency" })).toBeVisible();
  const row = (name: string) => page.getByTestId("v2-channel-row").filter({ hasText: name });
  await expect(page.getByTestId("v2-channel-row")).toHaveCount(3);
  const frequencyCell = row("Meta").getByRole("cell").last();
  await expect(frequencyCell).toHaveText(/^\d+\.\d/);
  const optimal = Number.parseFloat((await frequencyCell.textContent())!);
  expect(optimal).toBeGreaterThanOrEqual(1);
  expect(optimal).toBeLessThan(10);
  await expect(row("Search").getByRole("cell").last()).toHaveText("—");
  await expect(row("Instagram")).toContainText("no spend, no ROI");
  const geoTable = page.locator('[data-chart="geo-table"]');
  await geoTable.getByLabel("Channel shown in the geo table").selectOption("Meta");
  await expect(page.getByTestId("geo-row")).toHaveCount(4);
  await shot(page, "geo-04-insights-returns");
  await page.getByRole("tab", { name: "Response & frequency" }).click();
  const meta = page.locator('figure[data-frequency="Meta"]');
  await meta.scrollIntoViewIfNeeded();
  await expect(meta.locator("svg.recharts-surface").first()).toBeVisible();
  const sentence = meta.getByTestId("frequency-sentence");
  await expect(sentence).toContainText("exposures per reached person (90%:");
  const [mean, lo, hi] = ((await sentence.textContent())!.match(/\d+\.\d/g) ?? []).map(Number);
  expect(lo!).toBeLessThanOrEqual(mean!);
  expect(mean!).toBeLessThanOrEqual(hi!);
  expect(Math.abs(mean! - optimal)).toBeLessThan(0.5);
  await shot(page, "geo-05-insights-frequency");
  expect(errors).toEqual([]);
});

test("a per-geo scenario: last quarter region by region, Meta raised in one region, saved and evaluated", async ({
  page,
}) => {
  const errors = watchConsole(page);
  await signIn(page, analyst);
  await page.goto(`${workspaceUrl}/campaigns`);
  await page.getByRole("button", { name: "New campaign" }).click();
  await page.getByLabel("Name", { exact: true }).fill("Next quarter by region");
  await page.getByLabel("Model").selectOption({ label: "Geo conversions" });
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.waitForURL(/\/campaigns\/[^/]+$/);
  campaignUrl = page.url();
  await page.getByLabel("Geo plan").selectOption("perGeo");
  await page.getByRole("button", { name: "Build plan" }).click();
  const grids = page.getByTestId("geo-grid");
  await expect(grids).toHaveCount(4);
  const held = page.getByTestId("held-inputs");
  await expect(held.getByLabel("Frequency of Meta (exposures per reached person)")).toBeVisible();
  await expect(held).toContainText("Optimal:");
  await expect(held.getByLabel("Weekly level of Instagram (organic, held)")).toBeVisible();
  const north = grids.filter({ hasText: "north" });
  await expect(north.getByLabel("Meta@north week 1", { exact: true })).toBeHidden();
  await north.locator("summary").click();
  const cell = north.getByLabel("Meta@north week 1", { exact: true });
  await expect(cell).toBeVisible();
  const totalBefore = await page.getByTestId("plan-total").textContent();
  await cell.fill(String(Number(await cell.inputValue()) + 5000));
  await expect(page.getByTestId("plan-total")).not.toHaveText(totalBefore!);
  await page.getByLabel("Scenario name").fill("North: more Meta");
  await shot(page, "geo-06-scenario-per-geo");
  await page.getByRole("button", { name: "Save scenario" }).click();
  const row = page.getByTestId("scenario-row").filter({ hasText: "North: more Meta" });
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: "Evaluate" }).click();
  const evaluation = page.getByTestId("evaluation");
  await expect(evaluation).toBeVisible({ timeout: 180_000 });
  // revenue per conversion is known, so the plan is measured in money: value of conversions, ROI
  await expect(evaluation).toContainText("incremental value of conversions");
  await expect(evaluation).toContainText("; ROI ");
  await expect(evaluation).toContainText("Meta@north");
  await shot(page, "geo-07-scenario-evaluated");
  expect(errors).toEqual([]);
});

test("a national plan compared with the per-geo one: each with its own geo plan, differences paired by draw", async ({
  page,
}) => {
  const errors = watchConsole(page);
  await signIn(page, analyst);
  await page.goto(campaignUrl);
  await page.getByLabel("Geo plan").selectOption("national");
  await page.getByRole("button", { name: "Build plan" }).click();
  await expect(page.getByTestId("scenario-editor")).toBeVisible({ timeout: 120_000 });
  await page.getByLabel("Scenario name").fill("National: last quarter");
  await page.getByRole("button", { name: "Save scenario" }).click();
  await expect(page.getByTestId("scenario-row")).toHaveCount(2, { timeout: 30_000 });
  for (const row of await page.getByTestId("scenario-row").all()) await row.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Compare selected (2)" }).click();
  await page.waitForURL(/\/campaigns\/compare\?ids=/);
  await expect(page.getByTestId("scenario-comparison")).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId("compare-differing-choices")).toContainText("They differ in Geo plan");
  const choices = await page.getByTestId("compare-choice").allTextContents();
  expect(choices.sort()).toEqual(["national", "per geo"]);
  await expect(page.getByTestId("compare-pair")).toHaveCount(1);
  await expect(page.getByTestId("compare-pair")).toContainText("%");
  await shot(page, "geo-08-compare-national-vs-per-geo");
  expect(errors).toEqual([]);
});
