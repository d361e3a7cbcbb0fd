// Writes the CSV fixtures of the end-to-end tests (run: tsx e2e/make-fixtures.ts).
import { writeFileSync } from "node:fs";
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
