/**
 * CSV / row parsing and validation into a Dataset (docs/model.md section 1).
 *
 * Every problem is reported with the row as the user sees it in a spreadsheet (header = row 1,
 * first data row = row 2) and the column name, and says what to do. All problems are collected
 * (up to `maxErrors`) instead of stopping at the first.
 */
import Papa from "papaparse";
import { channelTypes, type ColumnMapping, type Dataset } from "./types.ts";
import {
  cellText,
  isoFromDayNumber,
  numericDate,
  parseDateCell,
  parseNumberCell,
  type DateCell,
  type NumberCell,
} from "./values.ts";

export interface DataIssue {
  /** 1-based spreadsheet row (header = 1); absent for file-level problems. */
  row?: number;
  column?: string;
  /** Geo of the row (long/geo files). */
  geo?: string;
  message: string;
}

export interface ParseOptions {
  /** Weeks held out for validation (default: mapping.holdoutWeeks when present, else 13). */
  holdoutWeeks?: number;
  /** Minimum number of training rows (default 26). */
  minTrainingWeeks?: number;
  /** Stop collecting errors after this many (default 50); `errorCount` still counts all. */
  maxErrors?: number;
}

export type ParseResult =
  | { ok: true; dataset: Dataset; warnings: DataIssue[] }
  | { ok: false; errors: DataIssue[]; errorCount: number; warnings: DataIssue[] };

export const DEFAULT_HOLDOUT_WEEKS = 13;
export const DEFAULT_MIN_TRAINING_WEEKS = 26;
export const DEFAULT_MAX_ERRORS = 50;

/** One line for a CLI or a toast: the first error plus how many more there are. */
export function formatIssues(result: { errors: DataIssue[]; errorCount: number }): string {
  const first = result.errors[0]?.message ?? "Invalid data.";
  const more = result.errorCount - 1;
  return more > 0 ? `${first} (and ${more} more error${more === 1 ? "" : "s"})` : first;
}

export class IssueLog {
  readonly errors: DataIssue[] = [];
  readonly warnings: DataIssue[] = [];
  count = 0;
  constructor(private readonly max: number) {}
  error(message: string, row?: number, column?: string, geo?: string): void {
    this.count += 1;
    if (this.errors.length < this.max) this.errors.push(withLocation(message, row, column, geo));
  }
  warn(message: string, row?: number, column?: string, geo?: string): void {
    this.warnings.push(withLocation(message, row, column, geo));
  }
}

function withLocation(message: string, row?: number, column?: string, geo?: string): DataIssue {
  const issue: DataIssue = { message };
  if (row !== undefined) issue.row = row;
  if (column !== undefined) issue.column = column;
  if (geo !== undefined) issue.geo = geo;
  return issue;
}

export function at(row: number, column: string): string {
  return `Row ${row}, column "${column}"`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Parses CSV text (any of , ; tab | delimiters, quoted fields, a BOM) and validates it. */
export function parseDatasetCsv(
  text: string,
  mapping: ColumnMapping,
  options: ParseOptions = {},
): ParseResult {
  const log = new IssueLog(options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const table = splitCsv(text, log);
  if (table === null) return fail(log);
  return validateTable(table.header, table.body, mapping, options, log, table.decimalComma);
}

/** A CSV split into a header and numbered body rows (header = row 1). */
export interface RawTable {
  header: unknown[];
  body: { row: number; cells: unknown[] }[];
  /** `;`-separated files use the decimal comma (1.234,56). */
  decimalComma: boolean;
}

/** Splits CSV text (any of , ; tab | delimiters, quoted fields, a BOM); null after logging errors. */
export function splitCsv(text: string, log: IssueLog): RawTable | null {
  const clean = text.replace(/^\uFEFF/, "");
  if (clean.trim() === "") {
    log.error("The file is empty. Upload a CSV with a header row and one row per week.");
    return null;
  }
  const parsed = Papa.parse<string[]>(clean, { header: false, skipEmptyLines: false, dynamicTyping: false });
  for (const e of parsed.errors) {
    if (e.type === "Delimiter") continue; // single-column files: comma is assumed, columns are checked below
    const row = e.row === undefined ? undefined : e.row + 1;
    if (e.type === "Quotes") {
      log.error(
        `Row ${row ?? "?"}: a quoted field is not closed (a " without its closing "). Close the quote or remove it.`,
        row,
      );
    } else {
      log.error(`Row ${row ?? "?"}: ${e.message}. Fix the CSV structure of this row.`, row);
    }
  }
  if (log.count > 0) return null;
  const rows = parsed.data;
  const header = rows[0] ?? [];
  const body: { row: number; cells: unknown[] }[] = [];
  for (let i = 1; i < rows.length; i += 1) body.push({ row: i + 1, cells: rows[i] ?? [] });
  return { header, body, decimalComma: parsed.meta.delimiter === ";" };
}

/** Rows given as objects (keys = column names) as a RawTable; rows[0] is row 2. */
export function tableFromRows(rows: readonly Record<string, unknown>[]): RawTable {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        header.push(k);
      }
    }
  }
  const body = rows.map((r, i) => ({ row: i + 2, cells: header.map((h) => r[h]) }));
  return { header, body, decimalComma: false };
}

/**
 * Validates already-split rows (e.g. from a spreadsheet library or a JSON upload). Keys are column
 * names; row numbers in messages count the header as row 1, so rows[0] is row 2.
 */
export function parseDatasetRows(
  rows: readonly Record<string, unknown>[],
  mapping: ColumnMapping,
  options: ParseOptions = {},
): ParseResult {
  const log = new IssueLog(options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const table = tableFromRows(rows);
  return validateTable(table.header, table.body, mapping, options, log, false);
}

export function fail(log: IssueLog): {
  ok: false;
  errors: DataIssue[];
  errorCount: number;
  warnings: DataIssue[];
} {
  // Spreadsheet order: by row, file-level problems last (Array.prototype.sort is stable).
  log.errors.sort((a, b) => (a.row ?? Number.MAX_SAFE_INTEGER) - (b.row ?? Number.MAX_SAFE_INTEGER));
  return { ok: false, errors: log.errors, errorCount: log.count, warnings: log.warnings };
}

export function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

function validateTable(
  rawHeader: unknown[],
  rawBody: { row: number; cells: unknown[] }[],
  mapping: ColumnMapping,
  options: ParseOptions,
  log: IssueLog,
  decimalComma: boolean,
): ParseResult {
  const prepared = prepareTable(rawHeader, rawBody, log);
  if (prepared === null) return fail(log);
  const { header, body, columnIndex } = prepared;

  // ---- mapping ----------------------------------------------------------------------------
  const roles = new Map<string, string>();
  const available = header.filter((h) => h !== "").join(", ");
  const need = (column: string | undefined, role: string): void => {
    if (column === undefined || column.trim() === "") {
      log.error(`The mapping has no ${role} column. Choose which column holds the ${role}.`);
      return;
    }
    const previous = roles.get(column);
    if (previous !== undefined) {
      log.error(
        `Column "${column}" is mapped twice (as ${previous} and as ${role}). Give each column one role.`,
        1,
        column,
      );
      return;
    }
    roles.set(column, role);
    if (!columnIndex.has(column) && !header.includes(column)) {
      log.error(
        `Row 1, column "${column}": the mapping uses this column as the ${role}, but the file has no such column (columns: ${available}). Fix the mapping or the header.`,
        1,
        column,
      );
    }
  };
  need(mapping.date, "date");
  need(mapping.kpi, "KPI");
  if (mapping.channels.length === 0)
    log.error("The mapping has no channels. Map at least one spend column as a channel.");
  for (const ch of mapping.channels) {
    need(ch.column, "channel");
    if (!(channelTypes as readonly string[]).includes(ch.type)) {
      log.error(
        `Channel "${ch.column}" has type "${String(ch.type)}". Use one of: ${channelTypes.join(", ")}.`,
        undefined,
        ch.column,
      );
    }
  }
  for (const c of mapping.controls ?? []) need(c, "control");
  for (const c of mapping.events ?? []) need(c, "event");
  if (log.count > 0) return fail(log);
  const unused = header.filter((h) => h !== "" && !roles.has(h));
  if (unused.length > 0) log.warn(`Columns not in the mapping were ignored: ${unused.join(", ")}.`);
  if (body.length === 0) {
    log.error("The file has a header but no data rows. Add one row per week.");
    return fail(log);
  }

  // ---- cells --------------------------------------------------------------------------------
  const width = header.length;
  for (const r of body) {
    if (r.cells.length > width && r.cells.slice(width).some((c) => !isBlank(c))) {
      log.error(
        `Row ${r.row}: it has ${r.cells.length} cells but the header has ${width} columns. A number with a thousands separator (1,234) must be in quotes ("1,234"); remove stray commas.`,
        r.row,
      );
    } else if (r.cells.length < width) {
      log.error(
        `Row ${r.row}: it has ${r.cells.length} cells but the header has ${width} columns. Fill in the missing cells (0 for weeks without spend).`,
        r.row,
      );
    }
  }
  if (log.count > 0) return fail(log);
  const n = body.length;
  const cell = (r: { cells: unknown[] }, column: string): unknown => r.cells[columnIndex.get(column)!];

  const dateCells: DateCell[] = body.map((r) => parseDateCell(cell(r, mapping.date)));
  const days = resolveDates(dateCells, body, mapping.date, log);

  const numbers = (column: string, what: "kpi" | "spend" | "control" | "event"): Float64Array => {
    const out = new Float64Array(n);
    body.forEach((r, i) => {
      const parsed: NumberCell = parseNumberCell(cell(r, column), decimalComma);
      const where = at(r.row, column);
      if (parsed.kind === "number") {
        out[i] = parsed.value;
        if (parsed.value < 0 && (what === "spend" || what === "kpi")) {
          log.error(
            what === "spend"
              ? `${where}: spend ${parsed.value} is negative. Spend must be 0 or more; enter refunds or credits in the week they were spent.`
              : `${where}: the KPI ${parsed.value} is negative. The KPI (revenue, conversions) must be 0 or more.`,
            r.row,
            column,
          );
        }
        if (what === "event" && parsed.value !== 0 && parsed.value !== 1) {
          log.error(
            `${where}: event value ${parsed.value} is not 0 or 1. Event columns mark weeks with 1 and other weeks with 0.`,
            r.row,
            column,
          );
        }
        return;
      }
      out[i] = Number.NaN;
      const fill =
        what === "spend"
          ? "Enter the spend (0 if nothing ran that week)."
          : what === "kpi"
            ? "Enter the KPI for this week."
            : what === "event"
              ? "Enter 1 for event weeks and 0 otherwise."
              : "Enter the value for this week.";
      if (parsed.kind === "empty") log.error(`${where}: the cell is empty. ${fill}`, r.row, column);
      else if (parsed.kind === "missing")
        log.error(`${where}: "${parsed.text}" is a missing value. ${fill}`, r.row, column);
      else {
        log.error(
          `${where}: "${parsed.text}" is not a number. Use a plain number such as 1234.50 (currency symbols and thousands separators are accepted).`,
          r.row,
          column,
        );
      }
    });
    return out;
  };

  const kpi = numbers(mapping.kpi, "kpi");
  const channels = mapping.channels.map((ch) => ({
    name: ch.column,
    type: ch.type,
    spend: numbers(ch.column, "spend"),
  }));
  const controls = (mapping.controls ?? []).map((name) => ({ name, values: numbers(name, "control") }));
  const events = (mapping.events ?? []).map((name) => ({ name, values: numbers(name, "event") }));

  // ---- column-level checks -------------------------------------------------------------------
  checkSumsFinite(mapping.kpi, kpi, body, log);
  for (const ch of channels) checkSumsFinite(ch.name, ch.spend, body, log);
  for (const c of controls) checkSumsFinite(c.name, c.values, body, log);
  const holdout =
    options.holdoutWeeks ?? (mapping as { holdoutWeeks?: number }).holdoutWeeks ?? DEFAULT_HOLDOUT_WEEKS;
  const minTraining = options.minTrainingWeeks ?? DEFAULT_MIN_TRAINING_WEEKS;
  const nTrain = n - holdout;
  if (nTrain < minTraining) {
    log.error(
      `The file has ${plural(n, "weekly row")}, but at least ${holdout + minTraining} are needed: ${holdout} held out for validation plus ${minTraining} for training. Add more weeks of history or lower holdoutWeeks in the model config.`,
    );
  }
  const firstRow = body[0]!.row;
  const lastTrainRow = body[Math.max(0, nTrain - 1)]!.row;
  const allFinite = (a: Float64Array): boolean => a.every(Number.isFinite);
  if (allFinite(kpi) && kpi.every((v) => v === 0)) {
    log.error(
      `Column "${mapping.kpi}": the KPI is 0 in every row. Check that the right column is mapped as the KPI.`,
      undefined,
      mapping.kpi,
    );
  }
  for (const ch of channels) {
    if (!allFinite(ch.spend)) continue;
    if (ch.spend.every((v) => v === 0)) {
      log.error(
        `Column "${ch.name}": spend is 0 in every row (rows ${firstRow}-${body[n - 1]!.row}). Remove this channel from the mapping or check the column.`,
        undefined,
        ch.name,
      );
    } else if (nTrain >= 1 && nTrain < n && ch.spend.subarray(0, nTrain).every((v) => v === 0)) {
      log.error(
        `Column "${ch.name}": spend is 0 in every training row (rows ${firstRow}-${lastTrainRow}); it only starts in the ${holdout} held-out weeks, so its effect cannot be learned. Remove the channel or lower holdoutWeeks.`,
        undefined,
        ch.name,
      );
    }
  }
  for (const c of controls) {
    if (!allFinite(c.values) || nTrain < 2) continue;
    const train = c.values.subarray(0, Math.max(nTrain, 2));
    if (train.every((v) => v === train[0])) {
      log.error(
        `Column "${c.name}": the control has the same value (${train[0]}) in every training row, so it explains nothing. Remove it from the controls.`,
        undefined,
        c.name,
      );
    }
  }
  if (log.count > 0) return fail(log);
  if (nTrain < 52) {
    log.warn(
      `Only ${plural(nTrain, "training week")}: with less than a year of history, seasonality and trend are poorly identified.`,
    );
  }
  const dataset: Dataset = {
    dates: days.map((d) => isoFromDayNumber(d)),
    kpiName: mapping.kpi,
    kpi,
    channels,
    controls,
    events,
  };
  return { ok: true, dataset, warnings: log.warnings };
}

/**
 * Rejects values so large that the column's sums or sums of squares (which scaling and the
 * model compute) overflow to infinity, e.g. a spend of 1e308: it names the row and column of
 * the value at which the running sum stops being finite. Values that are already NaN were
 * reported as unreadable cells.
 */
export function checkSumsFinite(
  column: string,
  values: Float64Array,
  body: readonly { row: number }[],
  log: IssueLog,
): void {
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    sum += Math.abs(v);
    sumOfSquares += v * v;
    if (!Number.isFinite(sum) || !Number.isFinite(sumOfSquares)) {
      const row = body[i]!.row;
      log.error(
        `${at(row, column)}: ${v} is too large to model (the column's totals overflow). Check the value and its unit; amounts above about 1e150 cannot be used.`,
        row,
        column,
      );
      return;
    }
  }
}

/**
 * Cleans a raw table: drops trailing unnamed empty columns and blank rows (warning about blank rows
 * inside the data), checks that every column has a unique name. Null when the header is empty.
 */
export function prepareTable(
  rawHeader: unknown[],
  rawBody: { row: number; cells: unknown[] }[],
  log: IssueLog,
): { header: string[]; body: { row: number; cells: unknown[] }[]; columnIndex: Map<string, number> } | null {
  const header = rawHeader.map((h) => (h === null || h === undefined ? "" : cellText(h).trim()));
  // Trailing unnamed columns that are empty everywhere come from trailing delimiters: drop them.
  while (
    header.length > 0 &&
    header[header.length - 1] === "" &&
    rawBody.every((r) => isBlank(r.cells[header.length - 1]))
  ) {
    header.pop();
  }
  const body: { row: number; cells: unknown[] }[] = [];
  let trailingBlank = 0;
  for (const r of rawBody) {
    if (r.cells.every(isBlank)) {
      trailingBlank += 1;
      continue;
    }
    if (trailingBlank > 0 && body.length > 0) {
      log.warn(
        `${plural(trailingBlank, "empty row")} before row ${r.row} ${trailingBlank === 1 ? "was" : "were"} skipped.`,
        r.row - 1,
      );
    }
    trailingBlank = 0;
    body.push(r);
  }
  if (header.length === 0 || header.every((h) => h === "")) {
    log.error(
      "Row 1: the header row is empty. The first row must name the columns (date, KPI, one column per channel).",
      1,
    );
    return null;
  }
  const columnIndex = new Map<string, number>();
  header.forEach((name, i) => {
    if (name === "") {
      log.error(
        `Row 1, column ${i + 1}: this column has no name. Give it a name in the header row or delete the column.`,
        1,
        `column ${i + 1}`,
      );
      return;
    }
    const first = columnIndex.get(name);
    if (first !== undefined) {
      log.error(
        `Row 1, column "${name}": the name appears twice (columns ${first + 1} and ${i + 1}). Rename or delete one of them.`,
        1,
        name,
      );
      return;
    }
    columnIndex.set(name, i);
  });

  return { header, body, columnIndex };
}

/** Turns date cells into day numbers and checks the weekly sequence. */
function resolveDates(
  cells: DateCell[],
  body: { row: number; cells: unknown[] }[],
  column: string,
  log: IssueLog,
): number[] {
  const days = dateCellsToDays(cells, body, column, log, cells);
  return checkWeeklySequence(days, body, column, log);
}

/**
 * Day numbers of date cells (NaN where a cell is not a date, with the error logged). Numeric dates
 * like 03/04/2023 are read day-first or month-first by one decision over the whole column, scored
 * on `sequence` (cells in week order, e.g. one geo's rows).
 */
export function dateCellsToDays(
  cells: DateCell[],
  body: { row: number; cells: unknown[] }[],
  column: string,
  log: IssueLog,
  sequence: DateCell[],
): number[] {
  // Decide day/month order for numeric dates like 03/04/2023 over the whole column.
  const numeric = cells.flatMap((c) => (c.kind === "numeric" ? [c] : []));
  const numericSequence = sequence.flatMap((c) => (c.kind === "numeric" ? [c] : []));
  let dayFirst = false;
  let mixedFormats = false;
  if (numeric.length > 0) {
    const forcesDayFirst = numeric.some((c) => c.a > 12);
    const forcesMonthFirst = numeric.some((c) => c.b > 12);
    if (forcesDayFirst && !forcesMonthFirst) dayFirst = true;
    else if (forcesMonthFirst && !forcesDayFirst) dayFirst = false;
    else if (!forcesDayFirst && !forcesMonthFirst) {
      const weeklyScore = (df: boolean): number => {
        const ds = numericSequence.map((c) => numericDate(c, df));
        let score = 0;
        for (let i = 1; i < ds.length; i += 1)
          if (ds[i] !== null && ds[i - 1] !== null && ds[i]! - ds[i - 1]! === 7) score += 1;
        return score;
      };
      const dayFirstScore = weeklyScore(true);
      const monthFirstScore = weeklyScore(false);
      dayFirst = dayFirstScore > monthFirstScore;
      if (dayFirstScore === monthFirstScore) {
        log.warn(
          `Column "${column}": dates like ${numeric[0]!.a}/${numeric[0]!.b}/${numeric[0]!.year} are ambiguous; they were read as month/day/year. Use ISO dates (yyyy-mm-dd) to be sure.`,
          undefined,
          column,
        );
      }
    } else {
      const dmy = numeric.find((c) => c.a > 12)!;
      const mdy = numeric.find((c) => c.b > 12)!;
      mixedFormats = true;
      const rowOf = (c: DateCell): number => body[cells.indexOf(c)]!.row;
      log.error(
        `${at(rowOf(mdy), column)}: the column mixes day/month/year (row ${rowOf(dmy)}) and month/day/year dates. Use one format, ideally ISO dates like 2024-01-01.`,
        rowOf(mdy),
        column,
      );
    }
  }
  const days: number[] = cells.map((c, i) => {
    const row = body[i]!.row;
    if (c.kind === "date") return c.day;
    if (c.kind === "numeric") {
      const d = numericDate(c, dayFirst);
      if (d !== null) return d;
      if (mixedFormats) return Number.NaN;
      log.error(
        `${at(row, column)}: "${c.text}" is not a date. Use ISO dates like 2024-01-01 (yyyy-mm-dd).`,
        row,
        column,
      );
      return Number.NaN;
    }
    if (c.kind === "empty")
      log.error(`${at(row, column)}: the date is empty. Every row needs the date of its week.`, row, column);
    else
      log.error(
        `${at(row, column)}: "${c.text}" is not a date. Use ISO dates like 2024-01-01 (yyyy-mm-dd).`,
        row,
        column,
      );
    return Number.NaN;
  });
  return days;
}

/** Checks that day numbers (rows in file order) form a weekly sequence; returns them. */
export function checkWeeklySequence(
  days: number[],
  body: { row: number; cells: unknown[] }[],
  column: string,
  log: IssueLog,
): number[] {
  // Weekly sequence: duplicates, order, gaps, non-weekly spacing.
  // Only neighbours that both hold a valid date are compared, so one bad cell gives one error.
  const diffs: { i: number; prev: number; d: number }[] = [];
  for (let i = 1; i < days.length; i += 1) {
    if (Number.isFinite(days[i]!) && Number.isFinite(days[i - 1]!))
      diffs.push({ i, prev: i - 1, d: days[i]! - days[i - 1]! });
  }
  // Unsorted rows: sorting fixes the apparent gaps too, so report only the order.
  const unsorted = diffs.some((x) => x.d < 0);
  const dailyLike = diffs.length >= 3 && diffs.filter((x) => x.d === 1).length > diffs.length / 2;
  if (dailyLike) {
    log.error(
      `Column "${column}": the rows are daily (1 day apart). Mixcast models weekly data: sum spend and KPI per week and use one row per week.`,
      undefined,
      column,
    );
    return days;
  }
  for (const { i, prev: p, d } of diffs) {
    const row = body[i]!.row;
    const prevRow = body[p]!.row;
    const iso = isoFromDayNumber(days[i]!);
    const prevIso = isoFromDayNumber(days[p]!);
    if (unsorted && d > 0) continue;
    if (d === 0) {
      log.error(
        `${at(row, column)}: ${iso} repeats the date of row ${prevRow}. Each week must appear once; merge or delete the duplicate row.`,
        row,
        column,
      );
    } else if (d < 0) {
      log.error(
        `${at(row, column)}: ${iso} comes before ${prevIso} in row ${prevRow}. Sort the rows by date, oldest first.`,
        row,
        column,
      );
    } else if (d % 7 !== 0) {
      log.error(
        `${at(row, column)}: ${iso} is ${plural(d, "day")} after ${prevIso} in row ${prevRow}. Rows must be exactly 7 days apart (one row per week, same weekday).`,
        row,
        column,
      );
    } else if (d > 7) {
      const missing = d / 7 - 1;
      const firstMissing = isoFromDayNumber(days[p]! + 7);
      log.error(
        `${at(row, column)}: ${plural(missing, "week")} missing between ${prevIso} (row ${prevRow}) and ${iso}. Add a row for ${missing === 1 ? firstMissing : `each week from ${firstMissing}`} (spend 0 if nothing ran).`,
        row,
        column,
      );
    }
  }
  return days;
}
