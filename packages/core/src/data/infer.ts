/** Suggests a column mapping from header names (and, when given, a few sample rows). */
import type { ChannelType, ColumnMapping } from "./types.ts";
import { cellText, parseDateCell, parseNumberCell } from "./values.ts";

export type ColumnRole = "date" | "kpi" | "channel" | "control" | "event" | "ignore";

export interface InferredColumn {
  column: string;
  role: ColumnRole;
  type?: ChannelType;
  /** Why this role was suggested, for display next to the mapping form. */
  reason: string;
}

export interface InferredMapping {
  mapping: ColumnMapping;
  columns: InferredColumn[];
  /** Problems the user must resolve (no date or KPI column found, no channel found). */
  warnings: string[];
}

/** Splits "TikTok_Spend", "x (twitter)", "googleAds" into lower-case tokens. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== "");
}

/** Keywords per channel type, most specific type first. Short words must match a whole token. */
const channelKeywords: [ChannelType, string[]][] = [
  [
    "influencer",
    [
      "influencer",
      "influencers",
      "creator",
      "creators",
      "ugc",
      "gifting",
      "seeding",
      "ambassador",
      "ambassadors",
    ],
  ],
  [
    "social",
    [
      "facebook",
      "fb",
      "instagram",
      "ig",
      "tiktok",
      "x",
      "twitter",
      "snapchat",
      "snap",
      "youtube",
      "pinterest",
      "linkedin",
      "social",
      "meta",
      "reddit",
    ],
  ],
  [
    "digital",
    [
      "search",
      "display",
      "google",
      "digital",
      "sem",
      "ppc",
      "bing",
      "programmatic",
      "adwords",
      "affiliate",
      "email",
      "online",
    ],
  ],
  [
    "traditional",
    [
      "tv",
      "radio",
      "ooh",
      "print",
      "television",
      "billboard",
      "billboards",
      "outdoor",
      "newspaper",
      "magazine",
      "cinema",
      "dooh",
    ],
  ],
];
const spendWords = ["spend", "cost", "costs", "budget", "media", "investment", "ads", "ad"];
const dateWords = ["date", "week", "weekstart", "week_start", "period", "day", "time", "ds"];
const kpiWords = [
  "revenue",
  "sales",
  "kpi",
  "conversions",
  "conversion",
  "orders",
  "gmv",
  "income",
  "units",
  "turnover",
  "signups",
  "leads",
  "bookings",
  "y",
];
const controlWords = [
  "price",
  "promo",
  "promotion",
  "discount",
  "competitor",
  "competition",
  "temperature",
  "weather",
  "distribution",
  "macro",
  "unemployment",
  "cpi",
  "inflation",
  "stock",
  "gdp",
  "trend",
];
const eventWords = [
  "holiday",
  "holidays",
  "event",
  "events",
  "blackfriday",
  "christmas",
  "easter",
  "launch",
  "dummy",
  "covid",
];

function matchesWord(tokens: string[], joined: string, word: string): boolean {
  if (tokens.includes(word)) return true;
  // Longer keywords also match inside a token ("googleads", "facebookspend").
  return word.length >= 5 && joined.includes(word);
}

/** The channel type a column name suggests, or null when no keyword matches. */
export function guessChannelType(name: string): ChannelType | null {
  const tokens = nameTokens(name);
  const joined = tokens.join("");
  for (const [type, words] of channelKeywords) {
    if (words.some((w) => matchesWord(tokens, joined, w))) return type;
  }
  return null;
}

export function inferMapping(
  headers: readonly string[],
  sampleRows: readonly Record<string, unknown>[] = [],
): InferredMapping {
  const columns: InferredColumn[] = [];
  const warnings: string[] = [];
  const values = (h: string): unknown[] =>
    sampleRows.map((r) => r[h]).filter((v) => v !== undefined && v !== null && cellText(v).trim() !== "");
  const looksLikeDates = (h: string): boolean => {
    const v = values(h);
    return (
      v.length > 0 &&
      v.every((x) => {
        const c = parseDateCell(x);
        return c.kind === "date" || c.kind === "numeric";
      })
    );
  };
  const numeric = (h: string): number[] | null => {
    const v = values(h);
    if (v.length === 0) return null;
    const out: number[] = [];
    for (const x of v) {
      const c = parseNumberCell(x);
      if (c.kind !== "number") return null;
      out.push(c.value);
    }
    return out;
  };

  let dateColumn: string | undefined;
  const tokensOf = new Map(headers.map((h) => [h, nameTokens(h)]));
  const has = (h: string, words: string[]): boolean => {
    const t = tokensOf.get(h) ?? [];
    const joined = t.join("");
    return words.some((w) => matchesWord(t, joined, w));
  };
  // Date: a name that says so, else the first column whose sample values are dates.
  dateColumn = headers.find((h) => has(h, dateWords) && (sampleRows.length === 0 || looksLikeDates(h)));
  if (dateColumn === undefined && sampleRows.length > 0) dateColumn = headers.find(looksLikeDates);
  // KPI: the first kpi-named column that is not a channel name.
  const kpiColumn = headers.find((h) => h !== dateColumn && has(h, kpiWords) && guessChannelType(h) === null);

  const mapping: ColumnMapping = {
    date: dateColumn ?? "",
    kpi: kpiColumn ?? "",
    channels: [],
    controls: [],
    events: [],
  };
  for (const h of headers) {
    if (h === dateColumn) {
      columns.push({
        column: h,
        role: "date",
        reason: "named like a date" + (sampleRows.length ? " and holds dates" : ""),
      });
      continue;
    }
    if (h === kpiColumn) {
      columns.push({ column: h, role: "kpi", reason: "named like a KPI (revenue, sales, conversions)" });
      continue;
    }
    const nums = numeric(h);
    const isNumeric = sampleRows.length === 0 || nums !== null;
    const type = guessChannelType(h);
    if (type !== null && isNumeric) {
      mapping.channels.push({ column: h, type });
      columns.push({ column: h, role: "channel", type, reason: `channel name suggests ${type}` });
    } else if (has(h, eventWords) && isNumeric && (nums === null || nums.every((v) => v === 0 || v === 1))) {
      mapping.events!.push(h);
      columns.push({ column: h, role: "event", reason: "named like an event or holiday (0/1)" });
    } else if (has(h, controlWords) && isNumeric) {
      mapping.controls!.push(h);
      columns.push({ column: h, role: "control", reason: "named like a control variable" });
    } else if (has(h, spendWords) && isNumeric) {
      mapping.channels.push({ column: h, type: "other" });
      columns.push({
        column: h,
        role: "channel",
        type: "other",
        reason: "named like spend; channel type unknown",
      });
    } else {
      columns.push({ column: h, role: "ignore", reason: isNumeric ? "name not recognized" : "not numeric" });
    }
  }
  if (dateColumn === undefined)
    warnings.push("No date column found. Choose the column that holds the week's date.");
  if (kpiColumn === undefined)
    warnings.push("No KPI column found. Choose the column that holds revenue or conversions.");
  if (mapping.channels.length === 0)
    warnings.push("No channel columns found. Mark the spend columns as channels.");
  return { mapping, columns, warnings };
}
