// Calibration v2 in a real browser (issue 17): lift tests imported from a CSV (the template
// download, a broken file's problems by row and column with nothing stored, a valid file
// previewed and imported), then a fast fit whose run page shows each test against the model's
// implied lift, and the health card with its link checks.
import { expect, test } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newWorkspaceThroughUi, shot } from "./helpers.ts";

test.describe.configure({ mode: "serial" });
test.use({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.53" } });

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const stamp = Date.now().toString(36);
const analyst = { name: "Lena Lift", email: `lena.${stamp}@example.test`, password: "lift-tests-e2e-2026" };

const header = "channel,start,end,geos,lift,se,spend,source";
// TV and Facebook tests inside the fixture's training weeks (2023-01-02 .. 2024-12-23)
const valid = [
  header,
  "tv_spend,2024-03-04,2024-03-31,,4000,1500,5200,Geo holdout (agency)",
  "facebook_spend,2024-05-06,2024-05-26,,1500,600,1800,Conversion lift study",
].join("\n");
const broken = [
  header,
  "tv_spend,2024-03-04,2024-03-31,,4000,1500,5200,ok",
  "facebook_spend,2024-05-26,2024-05-06,,1.5k,0,1800,",
].join("\n");

function tempCsv(name: string, text: string): string {
  const path = join(tmpdir(), `${stamp}-${name}`);
  writeFileSync(path, text);
  return path;
}

test("import lift tests from a CSV, fit, and see each test against the model's implied lift", async ({
  page,
}) => {
  const ws = await newWorkspaceThroughUi(page, analyst, "Lift Coffee Co");

  // a dataset and a model (the main path's fixture: TV, Facebook, influencer, price)
  await page.goto(`${ws}/datasets/new`);
  await page.getByLabel("Dataset name").fill("Weekly sales");
  await page.getByLabel("CSV file").setInputFiles(fixture("weekly-sales.csv"));
  await expect(page.getByText("104 rows, 6 columns")).toBeVisible();
  await page.getByRole("button", { name: "Validate and save version" }).click();
  await page.waitForURL(/\/datasets\/[^/]+$/);
  await page.goto(`${ws}/models`);
  await page.getByLabel("Model name").fill("Calibrated");
  await page.getByRole("button", { name: "Create model" }).click();
  await page.waitForURL(/\/models\/[^/]+$/);
  const modelUrl = page.url();

  // the registry: import, with the keyboard where a user would use it
  await page.goto(`${ws}/lift-tests`);
  await expect(page.getByText("No lift tests yet")).toBeVisible();
  await page.getByRole("button", { name: "Import CSV" }).first().click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download template CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("mixcast-lift-tests-template.csv");
  const template = readFileSync(await download.path(), "utf8");
  expect(template.split("\n")[0]).toBe("channel,start,end,geos,lift,se,spend,source,notes");

  // a broken file: each problem by row and column, the Import button disabled, nothing stored
  await page.getByLabel("Lift tests CSV").setInputFiles(tempCsv("broken.csv", broken));
  const problems = page.getByTestId("lift-import-error");
  await expect(problems).toHaveCount(3);
  await expect(problems.nth(0)).toHaveText(
    "Row 3, column end: 2024-05-06 is before the start date 2024-05-26",
  );
  await expect(problems.nth(1)).toContainText('Row 3, column lift: "1.5k" is not a number');
  await expect(problems.nth(2)).toContainText("Row 3, column se: must be above 0");
  await expect(page.getByText("nothing will be imported until they are fixed")).toBeVisible();
  await expect(page.getByRole("button", { name: "Import", exact: true })).toBeDisabled();
  await shot(page, "lift-tests-import-errors");

  // a valid file: preview, then import both
  await page.getByLabel("Lift tests CSV").setInputFiles(tempCsv("valid.csv", valid));
  await expect(page.getByTestId("lift-import-row")).toHaveCount(2);
  await expect(page.getByTestId("lift-import-error")).toHaveCount(0);
  await shot(page, "lift-tests-import-preview");
  const importButton = page.getByRole("button", { name: "Import 2 tests" });
  await importButton.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("2 lift tests imported")).toBeVisible();
  const registry = page.getByRole("table", { name: "Lift tests", exact: true });
  await expect(registry.getByRole("row")).toHaveCount(3);
  await expect(registry).toContainText("tv_spend");
  await expect(registry).toContainText("Conversion lift study");
  await shot(page, "lift-tests-registry");

  // a fast fit reads them; the run page shows each against the model's implied lift
  await page.goto(modelUrl);
  await page.getByLabel("Fit mode").selectOption("fast");
  await page.getByRole("button", { name: "Start fit" }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(page.getByText(/Succeeded|Not converged|Failed/).first()).toBeVisible({ timeout: 240_000 });
  await expect(page.getByText("Failed")).toHaveCount(0);
  const panel = page.getByRole("table", { name: "Lift tests vs model" });
  await expect(panel).toBeVisible({ timeout: 30_000 });
  const rows = panel.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  for (const [channel, lift] of [
    ["facebook_spend", "1,500"],
    ["tv_spend", "4,000"],
  ] as const) {
    const row = rows.filter({ hasText: channel });
    await expect(row).toContainText(lift);
    // the model's implied lift: a mean and its 90 % interval, not a dash
    const model = row.locator("td").nth(3);
    await expect(model).toHaveText(/^-?[\d,.]+ \(-?[\d,.]+ – -?[\d,.]+\)$/);
  }
  await expect(page.getByRole("table", { name: "Calibration score per channel" })).toBeVisible();
  // the health card lists the link checks like the others
  await expect(page.getByText("Residual curvature vs fitted level (link)")).toBeVisible();
  await page.getByRole("table", { name: "Lift tests vs model" }).scrollIntoViewIfNeeded();
  await shot(page, "lift-tests-run-panel");
});
