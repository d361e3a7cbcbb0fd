import { describe, expect, it } from "vitest";
import { corpusMapping, corpusOptions, csv, goodRows, header } from "./__fixtures__/corpus-cases.ts";
import expected from "./__fixtures__/malformed-expected.json" with { type: "json" };
import { malformedInputs } from "./__fixtures__/malformed-inputs.ts";
import { formatIssues, parseDatasetCsv, parseDatasetRows } from "./parse.ts";
import { parseDateCell, parseNumberCell } from "./values.ts";

const table = expected as Record<
  string,
  { errorCount: number; errors: { row?: number; column?: string; message: string }[] }
>;

describe("malformed CSV corpus", () => {
  it("has at least 30 cases, each with its expected messages", () => {
    expect(malformedInputs.length).toBeGreaterThanOrEqual(30);
    for (const c of malformedInputs) expect(table[c.name], c.name).toBeDefined();
  });

  for (const c of malformedInputs) {
    it(c.name, () => {
      const result = parseDatasetCsv(c.csv, c.mapping ?? corpusMapping, c.options ?? corpusOptions);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const want = table[c.name]!;
      expect(result.errorCount).toBe(want.errorCount);
      expect(result.errors.slice(0, 3)).toEqual(want.errors);
      for (const e of result.errors) {
        // Cell-level problems name row and column inside the message as well.
        if (e.row !== undefined && e.row > 1) expect(e.message).toMatch(new RegExp(`^Row ${e.row}\\b`));
        if (
          e.column !== undefined &&
          e.row !== undefined &&
          e.row > 1 &&
          !e.message.startsWith(`Row ${e.row}:`)
        ) {
          expect(e.message).toContain(`column "${e.column}"`);
        }
      }
    });
  }

  it("caps the error list but counts every error", () => {
    const c = malformedInputs.find((m) => m.name === "many errors are capped")!;
    const r = parseDatasetCsv(c.csv, corpusMapping, c.options);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(50);
    expect(r.errorCount).toBe(61);
    expect(formatIssues(r)).toBe(
      'Row 2, column "revenue": "x" is not a number. Use a plain number such as 1234.50 (currency symbols and thousands separators are accepted). (and 60 more errors)',
    );
  });
});

describe("valid files", () => {
  it("parses the plain file into a Dataset in original units", () => {
    const r = parseDatasetCsv(csv(header, ...goodRows), corpusMapping, corpusOptions);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = r.dataset;
    expect(d.dates).toEqual(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29"]);
    expect(d.kpiName).toBe("revenue");
    expect(Array.from(d.kpi)).toEqual([1000, 1100, 1200, 1150, 1300]);
    expect(d.channels.map((c) => [c.name, c.type])).toEqual([
      ["TV", "traditional"],
      ["Search", "digital"],
      ["Instagram", "social"],
    ]);
    expect(Array.from(d.channels[0]!.spend)).toEqual([100, 0, 120, 0, 130]);
    expect(Array.from(d.controls[0]!.values)).toEqual([9.99, 9.99, 10.49, 10.49, 9.49]);
    expect(Array.from(d.events[0]!.values)).toEqual([0, 0, 1, 0, 0]);
    expect(r.warnings.map((w) => w.message)).toEqual([
      "Only 5 training weeks: with less than a year of history, seasonality and trend are poorly identified.",
    ]);
  });

  it("accepts quoted thousands separators, currency, CRLF, a BOM, blank trailing lines and unused columns", () => {
    const text =
      "\uFEFF" +
      [
        "date,revenue,TV,Search,Instagram,price,holiday,notes",
        ...goodRows.map((r, i) =>
          i === 1 ? '2024-01-08,"$1,100.50",0,"€55",25,9.99,0,"launch, week"' : r + ",x",
        ),
      ].join("\r\n") +
      "\r\n\r\n";
    const r = parseDatasetCsv(text, corpusMapping, corpusOptions);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dataset.kpi[1]).toBe(1100.5);
    expect(r.dataset.channels[1]!.spend[1]).toBe(55);
    expect(r.warnings.map((w) => w.message)).toContain("Columns not in the mapping were ignored: notes.");
  });

  it("reads semicolon files with decimal commas and day-first dates", () => {
    const text = csv(
      "date;revenue;TV;Search;Instagram;price;holiday",
      "01.01.2024;1.000,50;100;50;20;9,99;0",
      "08.01.2024;1.100;0;55;25;9,99;0",
      "15.01.2024;1.200;120;60;0;10,49;1",
      "22.01.2024;1.150;0;52;22;10,49;0",
    );
    const r = parseDatasetCsv(text, corpusMapping, corpusOptions);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dataset.dates).toEqual(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]);
    expect(Array.from(r.dataset.kpi)).toEqual([1000.5, 1100, 1200, 1150]);
    expect(r.dataset.controls[0]!.values[2]).toBe(10.49);
  });

  it("decides month-first vs day-first from the weekly spacing", () => {
    const rows = ["01/02/2024", "01/09/2024", "01/16/2024", "01/23/2024"].map(
      (d, i) => `${d},1000,${i},5,5,${i},0`,
    );
    const r = parseDatasetCsv(csv(header, ...rows), corpusMapping, corpusOptions);
    expect(r.ok && r.dataset.dates).toEqual(["2024-01-02", "2024-01-09", "2024-01-16", "2024-01-23"]);
    const dmy = ["02/01/2024", "09/01/2024", "16/01/2024"].map((d, i) => `${d},1000,${i},5,5,${i},0`);
    const r2 = parseDatasetCsv(csv(header, ...dmy), corpusMapping, corpusOptions);
    expect(r2.ok && r2.dataset.dates).toEqual(["2024-01-02", "2024-01-09", "2024-01-16"]);
  });

  it("parses rows given as objects, numbering them like a spreadsheet", () => {
    const rows = goodRows.map((line) => {
      const cells = line.split(",");
      return Object.fromEntries(
        header.split(",").map((h, i) => [h, h === "date" ? cells[i] : Number(cells[i])]),
      );
    });
    const ok = parseDatasetRows(rows, corpusMapping, corpusOptions);
    expect(ok.ok).toBe(true);
    rows[2]!.TV = -1;
    const bad = parseDatasetRows(rows, corpusMapping, corpusOptions);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors[0]).toEqual({
      row: 4,
      column: "TV",
      message:
        'Row 4, column "TV": spend -1 is negative. Spend must be 0 or more; enter refunds or credits in the week they were spent.',
    });
  });

  it("reads the holdout length from a model config passed as the mapping", () => {
    const rows = Array.from(
      { length: 20 },
      (_, i) =>
        `${new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10)},1000,${i % 3},5,5,${i},0`,
    );
    const r = parseDatasetCsv(
      csv(header, ...rows),
      { ...corpusMapping, holdoutWeeks: 4 } as typeof corpusMapping,
      { minTrainingWeeks: 16 },
    );
    expect(r.ok).toBe(true);
    const r2 = parseDatasetCsv(
      csv(header, ...rows),
      { ...corpusMapping, holdoutWeeks: 5 } as typeof corpusMapping,
      { minTrainingWeeks: 16 },
    );
    expect(r2.ok).toBe(false);
  });
});

describe("cells", () => {
  it.each([
    ["1234.5", 1234.5],
    ["1,234.50", 1234.5],
    ["$1,234.50", 1234.5],
    ["USD 1,234", 1234],
    ["1 234,50", 1234.5],
    ["1.234.567,8", 1234567.8],
    ["(250)", -250],
    ["-3", -3],
    ["€-3", -3],
    ["12,5", 12.5],
    ["1e3", 1000],
    [".5", 0.5],
  ])("number %s", (text, value) => {
    expect(parseNumberCell(text)).toEqual({ kind: "number", value });
  });

  it.each(["abc", "1,2,3", "12..5", "1.2.3", "$", "5%"])("not a number: %s", (text) => {
    expect(parseNumberCell(text).kind).toBe("invalid");
  });

  it.each([
    ["2024-03-04", "2024-03-04"],
    ["2024/03/04", "2024-03-04"],
    ["2024-03-04T00:00:00Z", "2024-03-04"],
    ["4 Mar 2024", "2024-03-04"],
    ["March 4, 2024", "2024-03-04"],
    ["Sept 2 2024", "2024-09-02"],
  ])("date %s", (text, iso) => {
    const c = parseDateCell(text);
    expect(c.kind).toBe("date");
    if (c.kind === "date") expect(new Date(c.day * 86_400_000).toISOString().slice(0, 10)).toBe(iso);
  });

  it.each(["2023-02-29", "2024-13-01", "31/31/2024", "tomorrow", "2024-1"])("not a date: %s", (text) => {
    expect(parseDateCell(text).kind).toBe("invalid");
  });
});

describe("absurd magnitudes", () => {
  it("rejects a value whose column sums overflow, naming its row and column", () => {
    const rows = [...goodRows];
    rows[1] = "2024-01-08,1100,1e308,55,25,9.99,0";
    rows[2] = "2024-01-15,1200,1e308,60,0,10.49,1";
    const result = parseDatasetCsv(csv(header, ...rows), corpusMapping, corpusOptions);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      // Its square already overflows: the first 1e308 (row 3) is the one named.
      expect.objectContaining({
        row: 3,
        column: "TV",
        message: expect.stringContaining("too large to model"),
      }),
    ]);
  });

  it("catches squares that overflow (1e200) in the KPI and controls too, and accepts large but sane values", () => {
    const rows = [...goodRows];
    rows[0] = "2024-01-01,1e200,100,50,20,9.99,0";
    rows[3] = "2024-01-22,1150,0,52,22,1e160,0";
    const result = parseDatasetCsv(csv(header, ...rows), corpusMapping, corpusOptions);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((e) => [e.row, e.column])).toEqual([
        [2, "revenue"],
        [5, "price"],
      ]);
    const big = goodRows.map((r) =>
      r.replace(/^(\S+?),(\d+)/, (_, d: string, k: string) => `${d},${k}000000000`),
    );
    expect(parseDatasetCsv(csv(header, ...big), corpusMapping, corpusOptions).ok).toBe(true);
  });
});
