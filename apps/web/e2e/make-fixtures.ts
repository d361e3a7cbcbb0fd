// Writes the CSV fixtures of the end-to-end tests (run: tsx e2e/make-fixtures.ts).
import { writeFileSync } from "node:fs";
import { simulateV2 } from "@mixcast/core";
import { weeklyCsv } from "../test/fixtures.ts";

const good = weeklyCsv(104, "2023-01-02");
writeFileSync(new URL("./fixtures/weekly-sales.csv", import.meta.url), good);

const lines = good.trimEnd().split("\n");
lines[5] = lines[5]!.replace(/^2023-01-30/, "2023-31-01"); // impossible date, row 6
lines[9] = lines[9]!
  .split(",")
  .map((v, i) => (i === 2 ? "lots" : v))
  .join(","); // not a number, row 10
lines[12] = lines[12]!
  .split(",")
  .map((v, i) => (i === 3 ? "-250" : v))
  .join(","); // negative spend, row 13
writeFileSync(new URL("./fixtures/broken-sales.csv", import.meta.url), `${lines.join("\n")}\n`);

// A long geo file for the v2 path (geo-v2.spec.ts): 4 regions x 60 weeks from core's v2 simulator,
// conversions with revenue per conversion, Search spend with clicks, Meta as reach & frequency,
// organic Instagram posts, price and a categorical promo. The geo column is called "region" (as
// marketers' exports do), which the upload page must still recognise.
const geo = simulateV2({
  weeks: 60,
  seed: 14,
  geos: 4,
  lineup: { paid: ["Search"], rf: ["Meta"], organic: ["Instagram"] },
  units: true,
  rfAudience: 0.01,
});
const [header, ...rows] = geo.csv.trimEnd().split("\n");
writeFileSync(
  new URL("./fixtures/geo-conversions.csv", import.meta.url),
  `${[header!.replace(/^date,geo,/, "date,region,"), ...rows].join("\n")}\n`,
);
