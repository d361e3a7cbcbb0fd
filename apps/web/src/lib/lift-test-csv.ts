// Lift tests from a CSV file (docs/trust.md section 2b): one test per row, columns channel, start,
// end, geos (optional), lift, se, spend, source (optional), notes (optional). Pure and browser-safe:
// the server's import procedure parses with it, and the registry page offers its template.
// Rows are numbered as a spreadsheet shows them: the header is row 1, the first test row 2.
import Papa from "papaparse";

export const liftTestCsvColumns = [
  "channel",
  "start",
  "end",
  "geos",
  "lift",
  "se",
  "spend",
  "source",
  "notes",
] as const;
export type LiftTestCsvColumn = (typeof liftTestCsvColumns)[number];
const REQUIRED: LiftTestCsvColumn[] = ["channel", "start", "end", "lift", "se", "spend"];

/** Most tests a file may hold (a registry grows by a few a quarter; this is a bulk back-fill). */
export const MAX_LIFT_TEST_ROWS = 1000;

export const liftTestCsvTemplate = [
  "channel,start,end,geos,lift,se,spend,source,notes",
  "tv_spend,2024-03-04,2024-03-31,,12500,3000,40000,Geo holdout by the agency,national on/off",
  'facebook_spend,2024-05-06,2024-05-26,"north;south",4200,1100,15000,Conversion lift study,',
  "",
].join("\n");

export interface LiftTestCsvRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  channel: string;
  start: string;
  end: string;
  geos: string[];
  lift: number;
  se: number;
  spend: number;
  source?: string;
  notes?: string;
}

export interface LiftTestCsvError {
  /** Spreadsheet row number (1: the header). */
  row: number;
  /** The column the problem is in; null when it is the whole row. */
  column: string | null;
  message: string;
}

export interface LiftTestCsvResult {
  rows: LiftTestCsvRow[];
  errors: LiftTestCsvError[];
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(s: string): boolean {
  if (!ISO.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

function parseNumber(raw: string): { value: number } | { problem: string } {
  const s = raw.trim();
  if (s === "") return { problem: "is empty" };
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s))
    return { problem: `"${s}" has a thousands separator: write it as ${s.replace(/,/g, "")}` };
  const v = Number(s);
  if (!Number.isFinite(v)) return { problem: `"${s}" is not a number` };
  return { value: v };
}

/** One message for a problem, in the words the page and the server both use. */
export function describeCsvError(e: LiftTestCsvError): string {
  return e.column ? `Row ${e.row}, column ${e.column}: ${e.message}` : `Row ${e.row}: ${e.message}`;
}

/**
 * Parses and checks every row; a file with any error is meant to be imported not at all. Checks:
 * the header names every required column and no unknown one; per row, channel present, start and
 * end calendar dates (YYYY-MM-DD) with end not before start, lift a number, se and spend numbers
 * above 0; at most MAX_LIFT_TEST_ROWS tests; a test repeated within the file. `rows` holds the
 * rows without a problem (for a preview) even when other rows have one.
 */
export function parseLiftTestCsv(text: string): LiftTestCsvResult {
  const errors: LiftTestCsvError[] = [];
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { header: false, skipEmptyLines: false });
  const lines = parsed.data;
  const blank = (cells: string[]) => cells.every((c) => c.trim() === "");
  const headerIndex = lines.findIndex((cells) => !blank(cells));
  if (headerIndex < 0)
    return {
      rows: [],
      errors: [
        { row: 1, column: null, message: "the file is empty: it needs a header row and one test per row" },
      ],
    };
  const header = lines[headerIndex]!.map((h) => h.trim().toLowerCase());
  const at = new Map<string, number>();
  header.forEach((h, i) => {
    const headerRow = headerIndex + 1;
    if (h === "") return;
    if (!(liftTestCsvColumns as readonly string[]).includes(h))
      errors.push({
        row: headerRow,
        column: h,
        message: `unknown column; the columns are ${liftTestCsvColumns.join(", ")}`,
      });
    else if (at.has(h)) errors.push({ row: headerRow, column: h, message: "the column appears twice" });
    else at.set(h, i);
  });
  for (const c of REQUIRED)
    if (!at.has(c))
      errors.push({
        row: headerIndex + 1,
        column: c,
        message: "missing from the header row (needed: channel, start, end, lift, se, spend)",
      });
  if (errors.length > 0) return { rows: [], errors };

  const rows: LiftTestCsvRow[] = [];
  const seen = new Map<string, number>();
  let count = 0;
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const cells = lines[i]!;
    if (blank(cells)) continue;
    const row = i + 1;
    count += 1;
    if (count > MAX_LIFT_TEST_ROWS) {
      errors.push({
        row,
        column: null,
        message: `more than ${MAX_LIFT_TEST_ROWS} tests in one file: split it`,
      });
      break;
    }
    const cell = (c: LiftTestCsvColumn) => {
      const k = at.get(c);
      return k === undefined ? "" : (cells[k] ?? "").trim();
    };
    const before = errors.length;
    const bad = (column: LiftTestCsvColumn, message: string) => errors.push({ row, column, message });

    const channel = cell("channel");
    if (channel === "") bad("channel", "is empty: name the channel as the model calls it (e.g. tv_spend)");
    else if (channel.length > 120) bad("channel", "is longer than 120 characters");
    const start = cell("start");
    const end = cell("end");
    for (const [column, v] of [
      ["start", start],
      ["end", end],
    ] as const) {
      if (v === "") bad(column, "is empty: write the date as YYYY-MM-DD (e.g. 2024-03-04)");
      else if (!ISO.test(v)) bad(column, `"${v}" is not a date written as YYYY-MM-DD (e.g. 2024-03-04)`);
      else if (!isCalendarDate(v)) bad(column, `"${v}" is not a calendar date`);
    }
    if (isCalendarDate(start) && isCalendarDate(end) && end < start)
      bad("end", `${end} is before the start date ${start}`);
    const geos = cell("geos")
      .split(/[;|,]/)
      .map((g) => g.trim())
      .filter((g) => g !== "");
    if (geos.some((g) => g.length > 120)) bad("geos", "a geo name is longer than 120 characters");
    if (geos.length > 500) bad("geos", "more than 500 geos");
    const num = (column: "lift" | "se" | "spend", positive: string | null): number => {
      const r = parseNumber(cell(column));
      if ("problem" in r) {
        bad(
          column,
          `${r.problem}${column === "lift" && !r.problem.includes("separator") ? " (the measured lift in KPI units)" : ""}`,
        );
        return Number.NaN;
      }
      if (positive !== null && !(r.value > 0)) {
        bad(column, `must be above 0 (got ${r.value}): ${positive}`);
        return Number.NaN;
      }
      return r.value;
    };
    const lift = num("lift", null);
    const se = num("se", "the standard error of the measured lift");
    const spend = num("spend", "the spend during the test sets its weight");
    const source = cell("source");
    const notes = cell("notes");
    if (source.length > 200) bad("source", "is longer than 200 characters");
    if (notes.length > 2000) bad("notes", "is longer than 2000 characters");
    if (errors.length > before) continue;

    const key = [channel, start, end, [...geos].sort().join("|"), lift, se].join("\u0000");
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ row, column: null, message: `repeats the test of row ${first}` });
      continue;
    }
    seen.set(key, row);
    rows.push({
      row,
      channel,
      start,
      end,
      geos,
      lift,
      se,
      spend,
      ...(source ? { source } : {}),
      ...(notes ? { notes } : {}),
    });
  }
  if (count === 0 && errors.length === 0)
    errors.push({ row: headerIndex + 2, column: null, message: "no tests below the header row" });
  return { rows, errors };
}
