/** Cell-level parsing of numbers and dates as users type them into spreadsheets. */

export type NumberCell =
  | { kind: "number"; value: number }
  | { kind: "empty" }
  | { kind: "missing"; text: string }
  | { kind: "invalid"; text: string };

/** Words spreadsheets and exports use for "no value". */
const missingWords = new Set([
  "na",
  "n/a",
  "nan",
  "null",
  "none",
  "-",
  "--",
  "#n/a",
  "#value!",
  "#div/0!",
  "?",
]);
const currencyPrefix = /^(?:[$€£¥₹₩]|us\$|usd|eur|gbp|jpy|chf|cad|aud|inr)\s*/i;
const currencySuffix = /\s*(?:[$€£¥₹₩]|usd|eur|gbp|jpy|chf|cad|aud|inr)$/i;

/**
 * A cell value as text: primitives and dates as `String()` prints them, anything else (a parser
 * handing over an object) as JSON rather than "[object Object]".
 */
export function cellText(raw: unknown): string {
  if (typeof raw === "object" && raw !== null && !(raw instanceof Date)) return JSON.stringify(raw);
  return String(raw);
}

/**
 * Parses a numeric cell: plain numbers, thousands separators ("1,234.50", "1 234,50", "1.234,50"),
 * currency symbols or codes, and accounting negatives "(123)". `decimalComma` (set when the file is
 * ';'-delimited) makes "1,5" and "1.234" read the European way.
 */
export function parseNumberCell(raw: unknown, decimalComma = false): NumberCell {
  if (raw === null || raw === undefined) return { kind: "empty" };
  if (typeof raw === "number") {
    return Number.isFinite(raw) ? { kind: "number", value: raw } : { kind: "invalid", text: String(raw) };
  }
  const text = cellText(raw);
  let s = text.trim();
  if (s === "") return { kind: "empty" };
  if (missingWords.has(s.toLowerCase())) return { kind: "missing", text: s };
  let negative = false;
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) {
    negative = true;
    s = paren[1]!.trim();
  }
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = negative !== s.startsWith("-");
    s = s.slice(1).trim();
  }
  s = s.replace(currencyPrefix, "").replace(currencySuffix, "").trim();
  if (s.startsWith("-") || s.startsWith("+")) {
    // "$-12" and "€ +3" styles
    negative = negative !== s.startsWith("-");
    s = s.slice(1).trim();
  }
  let normalized: string | null = null;
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s) && !decimalComma) normalized = s.replace(/,/g, "");
  else if (/^\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:[.,]\d+)?$/.test(s))
    normalized = s.replace(/[ \u00a0\u202f']/g, "").replace(",", ".");
  else if (/^\d{1,3}(?:\.\d{3})+,\d+$/.test(s)) normalized = s.replace(/\./g, "").replace(",", ".");
  else if (decimalComma && /^\d{1,3}(?:\.\d{3})+$/.test(s)) normalized = s.replace(/\./g, "");
  else if (/^\d+,\d+$/.test(s) && (decimalComma || !/^\d{1,3},\d{3}$/.test(s)))
    normalized = s.replace(",", ".");
  else if (/^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(s)) normalized = s;
  if (normalized === null) return { kind: "invalid", text: text.trim() };
  const value = Number(normalized);
  if (!Number.isFinite(value)) return { kind: "invalid", text: text.trim() };
  return { kind: "number", value: negative ? -value : value };
}

const monthNames: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Days since 1970-01-01 for a valid calendar date, else null. */
export function dayNumber(year: number, month: number, day: number): number | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return Math.round(ms / 86_400_000);
}

/** Day number of an ISO date "yyyy-mm-dd" (no validation beyond Date.UTC). */
export function dayNumberFromIso(iso: string): number {
  return Math.round(
    Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000,
  );
}

export function isoFromDayNumber(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

/** A date cell split into its parts before the day/month order is known. */
export type DateCell =
  | { kind: "date"; day: number }
  /** a/b/year with both a, b <= 31: order decided per column */
  | { kind: "numeric"; a: number; b: number; year: number; text: string }
  | { kind: "empty" }
  | { kind: "invalid"; text: string };

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

/**
 * Reads ISO dates (2024-01-01, with an optional time), yyyy/mm/dd, dd/mm/yyyy or mm/dd/yyyy
 * (with '/', '.' or '-'), and month names ("1 Jan 2024", "Jan 1, 2024", "January 1 2024").
 */
export function parseDateCell(raw: unknown): DateCell {
  if (raw === null || raw === undefined) return { kind: "empty" };
  if (raw instanceof Date) {
    const ms = raw.getTime();
    if (Number.isNaN(ms)) return { kind: "invalid", text: String(raw) };
    return { kind: "date", day: Math.floor(ms / 86_400_000) };
  }
  const text = cellText(raw).trim();
  if (text === "") return { kind: "empty" };
  const bad = { kind: "invalid", text } as const;
  let m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text,
    );
  if (m) {
    const day = dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
    return day === null ? bad : { kind: "date", day };
  }
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a < 1 || b < 1 || a > 31 || b > 31 || (a > 12 && b > 12)) return bad;
    return { kind: "numeric", a, b, year: fullYear(m[3]!), text };
  }
  m = /^(\d{1,2})[ -]([a-z]{3,9})\.?[ -,]*(\d{4})$/i.exec(text);
  if (m) {
    const month = monthNames[m[2]!.toLowerCase().slice(0, m[2]!.toLowerCase().startsWith("sept") ? 4 : 3)];
    const day = month === undefined ? null : dayNumber(Number(m[3]), month, Number(m[1]));
    return day === null ? bad : { kind: "date", day };
  }
  m = /^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/i.exec(text);
  if (m) {
    const month = monthNames[m[1]!.toLowerCase().slice(0, m[1]!.toLowerCase().startsWith("sept") ? 4 : 3)];
    const day = month === undefined ? null : dayNumber(Number(m[3]), month, Number(m[2]));
    return day === null ? bad : { kind: "date", day };
  }
  return bad;
}

/** Day numbers for a numeric a/b/year cell read as day-first or month-first (null if impossible). */
export function numericDate(cell: { a: number; b: number; year: number }, dayFirst: boolean): number | null {
  return dayFirst ? dayNumber(cell.year, cell.b, cell.a) : dayNumber(cell.year, cell.a, cell.b);
}
