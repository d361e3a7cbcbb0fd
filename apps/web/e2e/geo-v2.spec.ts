// The v2 path of issue 14 in a real browser against `next start`, PostgreSQL and the fit worker: a
// long geo CSV (e2e/fixtures/geo-conversions.csv from core's v2 simulator, make-fixtures.ts: 4
// regions x 60 weeks, conversions with revenue per conversion, Search with clicks, Meta as reach &
// frequency, organic Instagram posts, price and a categorical promo) is uploaded and mapped, and its
// data checks show before anything is saved. The later steps of issue 14 (save, fast fit, CPIK and optimal frequency, a geo
// scenario) were written but not yet run green on the shared machine before the deadline, so they
// are not in this file yet.
import { expect, test } from "@playwright/test";
import { fileURLToPath } from "node:url";
import { base, shot, signIn } from "./helpers.ts";

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

test("set up: sign up and create a workspace", async ({ page }) => {
  await page.goto(`${base()}/sign-up`);
  await page.getByLabel("Name").fill(analyst.name);
  await page.getByLabel("Work email").fill(analyst.email);
  await page.getByLabel("Password").fill(analyst.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/onboarding$/);
  await page.getByLabel("Workspace name").fill("Geo Sneakers Inc");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.waitForURL(/\/w\/[^/]+\/datasets$/);
  workspaceUrl = page.url().replace(/\/datasets$/, "");
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
  await shot(page, "geo-01-upload-mapping");
});
