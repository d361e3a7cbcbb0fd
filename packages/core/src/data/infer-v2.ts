/**
 * Column inference for v2 data (issue #13 item 2, docs/model.md section 9): from header names and a
 * few sample rows, a DataMappingV2 that follows the naming conventions of ad platforms and MMM
 * tools, and a plain account of what was inferred and why.
 *
 * - A spend column (`<stem>_spend`, `_cost`, Robyn's `_S`) and an exposure column of the same stem
 *   (`_impression(s)`, `_clicks`, `_views`, `_grps`, Robyn's `_I` / `_P`) are ONE paid channel
 *   whose exposure drives the effect (not two channels).
 * - `<stem>_reach` + `<stem>_frequency` (+ `<stem>_spend`) are a reach & frequency channel.
 * - An exposure column without spend, or a column named organic / newsletter / posts, is an
 *   organic channel.
 * - `geo` / `region` / `market` / `dma` (text) is the geo column; `population` the population.
 * - The KPI's name says revenue or units (conversions, orders, sign-ups ...); `revenue_per_*` /
 *   `value_per_*` is the value per unit of a units KPI.
 */
import { guessChannelType, nameTokens } from "./infer.ts";
import type { ChannelMappingV2, ChannelType, ColumnMapping, DataMappingV2, KpiType } from "./types.ts";
import { parseDateCell, parseNumberCell } from "./values.ts";

export type ColumnRoleV2 =
  | "date"
  | "kpi"
  | "value"
  | "geo"
  | "population"
  | "spend"
  | "exposure"
  | "reach"
  | "frequency"
  | "control"
  | "event"
  | "ignore";

export interface InferredColumnV2 {
  column: string;
  role: ColumnRoleV2;
  /** The channel the column belongs to (spend, exposure, reach, frequency). */
  channel?: string;
  reason: string;
}

export interface InferredMappingV2 {
  mapping: DataMappingV2;
  columns: InferredColumnV2[];
  /** One line per decision, for a CLI or a form ("channel Meta: spend meta_spend, exposure ..."). */
  summary: string[];
  /** What the user must resolve (no date, KPI or channel found). */
  warnings: string[];
}

const SPEND = ["spend", "cost", "costs", "budget", "investment"];
const EXPOSURE = [
  "impression",
  "impressions",
  "imps",
  "clicks",
  "click",
  "views",
  "view",
  "grp",
  "grps",
  "trps",
  "sends",
  "posts",
  "opens",
  "volume",
  "exposure",
];
/** Which exposure to prefer when a stem has several. */
const EXPOSURE_RANK = [
  "impression",
  "impressions",
  "imps",
  "views",
  "view",
  "grp",
  "grps",
  "trps",
  "exposure",
  "clicks",
  "click",
  "sends",
  "posts",
  "opens",
  "volume",
];
const REACH = ["reach"];
const FREQUENCY = ["frequency", "freq"];
const ORGANIC_WORDS = [
  "organic",
  "newsletter",
  "newsletters",
  "owned",
  "seo",
  "posts",
  "post",
  "pr",
  "earned",
];
const DATE_WORDS = ["date", "week", "weekstart", "period", "day", "time", "ds"];
const GEO_WORDS = [
  "geo",
  "geos",
  "region",
  "regions",
  "market",
  "markets",
  "dma",
  "state",
  "province",
  "territory",
  "country",
  "area",
];
const POPULATION_WORDS = ["population", "pop"];
const REVENUE_WORDS = ["revenue", "sales", "gmv", "income", "turnover", "kpi", "y"];
const UNIT_WORDS = [
  "conversions",
  "conversion",
  "orders",
  "units",
  "signups",
  "signup",
  "leads",
  "bookings",
  "installs",
  "subscriptions",
  "customers",
  "transactions",
  "registrations",
  "downloads",
  "visits",
];
const VALUE_WORDS = ["revenue", "value", "price", "aov", "margin"];
const CONTROL_WORDS = [
  "control",
  "controls",
  "price",
  "promo",
  "promotion",
  "promotions",
  "discount",
  "competitor",
  "competition",
  "sentiment",
  "temperature",
  "weather",
  "distribution",
  "macro",
  "unemployment",
  "cpi",
  "inflation",
  "stock",
  "gdp",
];
const EVENT_WORDS = [
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
/** Columns that restate time (the model has its own trend and seasonality). */
const TIME_WORDS = [
  "t",
  "trend",
  "dayofyear",
  "weekofyear",
  "week_number",
  "index",
  "idx",
  "month",
  "year",
  "quarter",
];

interface Suffixed {
  stem: string;
  kind: "spend" | "exposure" | "reach" | "frequency";
  word: string;
}

/** Splits `<stem><sep><suffix>` for the channel suffixes (case-insensitive words; Robyn's _S/_I/_P exact). */
export function splitChannelSuffix(name: string): Suffixed | null {
  const robyn = /^(.+?)[_\s.-]([SIP])$/.exec(name);
  if (robyn) {
    const kind = robyn[2] === "S" ? "spend" : "exposure";
    // "search_clicks_P": the stem is "search" (the exposure word goes too).
    const inner = kind === "exposure" ? splitChannelSuffix(robyn[1]!) : null;
    const stem = inner !== null && inner.kind === "exposure" ? inner.stem : robyn[1]!;
    return { stem, kind, word: `_${robyn[2]}` };
  }
  const m = /^(.+?)[_\s.-]*([A-Za-z]+)$/.exec(name);
  if (!m) return null;
  const tokens = nameTokens(name);
  const last = tokens[tokens.length - 1];
  if (last === undefined || tokens.length < 2) return null;
  const kinds: [Suffixed["kind"], string[]][] = [
    ["spend", SPEND],
    ["exposure", EXPOSURE],
    ["reach", REACH],
    ["frequency", FREQUENCY],
  ];
  for (const [kind, words] of kinds) {
    if (!words.includes(last)) continue;
    // Cut the suffix word (and the separator before it) off the original name.
    const re = new RegExp(`[_\\s.-]*${last}$`, "i");
    const stem = name.replace(re, "");
    if (stem === "" || stem === name) return null;
    return { stem, kind, word: last };
  }
  return null;
}

function has(tokens: string[], words: readonly string[]): boolean {
  const joined = tokens.join("");
  return words.some((w) => tokens.includes(w) || (w.length >= 6 && joined.includes(w)));
}

export function inferMappingV2(
  headers: readonly string[],
  sampleRows: readonly Record<string, unknown>[] = [],
): InferredMappingV2 {
  const columns: InferredColumnV2[] = [];
  const summary: string[] = [];
  const warnings: string[] = [];
  const tokensOf = new Map(headers.map((h) => [h, nameTokens(h)]));
  const tok = (h: string) => tokensOf.get(h) ?? [];
  const values = (h: string): unknown[] =>
    sampleRows
      .map((r) => r[h])
      .filter((v) => v !== undefined && v !== null && (typeof v !== "string" || v.trim() !== ""));
  const numbers = (h: string): number[] | null => {
    const v = values(h);
    if (v.length === 0) return sampleRows.length === 0 ? [] : null;
    const out: number[] = [];
    for (const x of v) {
      const c = parseNumberCell(x);
      if (c.kind !== "number") return null;
      out.push(c.value);
    }
    return out;
  };
  const isNumeric = (h: string) => numbers(h) !== null;
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
  const taken = new Set<string>();
  const claim = (h: string, role: ColumnRoleV2, reason: string, channel?: string) => {
    taken.add(h);
    const c: InferredColumnV2 = { column: h, role, reason };
    if (channel !== undefined) c.channel = channel;
    columns.push(c);
  };

  // ---- date, geo, population ------------------------------------------------------------------
  let date = headers.find((h) => has(tok(h), DATE_WORDS) && (sampleRows.length === 0 || looksLikeDates(h)));
  if (date === undefined && sampleRows.length > 0) date = headers.find(looksLikeDates);
  if (date !== undefined)
    claim(date, "date", "named like a date" + (sampleRows.length ? " and holds dates" : ""));
  const geo = headers.find(
    (h) =>
      !taken.has(h) &&
      has(tok(h), GEO_WORDS) &&
      // text names, or numeric codes (DMA 501) that repeat within the sample (one row per geo and week)
      (sampleRows.length === 0 ||
        !isNumeric(h) ||
        values(h).length === 0 ||
        new Set(values(h).map(String)).size < values(h).length),
  );
  if (geo !== undefined) claim(geo, "geo", "named like a geo (region, market, dma)");
  const population = headers.find((h) => !taken.has(h) && has(tok(h), POPULATION_WORDS) && isNumeric(h));
  if (population !== undefined) claim(population, "population", "named like a population");

  // ---- KPI and value per unit -----------------------------------------------------------------
  const isRatio = (h: string) =>
    tok(h).includes("per") || tok(h).includes("avg") || tok(h).includes("average");
  const kpiCandidates = headers.filter(
    (h) =>
      !taken.has(h) &&
      !isRatio(h) &&
      splitChannelSuffix(h) === null &&
      guessChannelType(h) === null &&
      isNumeric(h) &&
      (has(tok(h), UNIT_WORDS) || has(tok(h), REVENUE_WORDS)),
  );
  const kpi = kpiCandidates[0];
  let kpiType: KpiType = "revenue";
  if (kpi !== undefined) {
    kpiType =
      has(tok(kpi), UNIT_WORDS) &&
      !has(
        tok(kpi),
        REVENUE_WORDS.filter((w) => w !== "kpi"),
      )
        ? "units"
        : "revenue";
    claim(
      kpi,
      "kpi",
      kpiType === "units"
        ? "named like a count of units (conversions, orders, sign-ups)"
        : "named like revenue or sales",
    );
  }
  let valueColumn: string | undefined;
  if (kpi !== undefined && kpiType === "units") {
    valueColumn = headers.find(
      (h) => !taken.has(h) && isRatio(h) && has(tok(h), VALUE_WORDS) && isNumeric(h),
    );
    if (valueColumn !== undefined) claim(valueColumn, "value", `value of one unit of ${kpi} (ROI in money)`);
  }

  // ---- channels -------------------------------------------------------------------------------
  interface Group {
    stem: string;
    spend?: string;
    exposures: string[];
    reach?: string;
    frequency?: string;
  }
  const groups = new Map<string, Group>();
  const order: string[] = [];
  for (const h of headers) {
    if (taken.has(h) || !isNumeric(h)) continue;
    const s = splitChannelSuffix(h);
    if (s === null) continue;
    const key = s.stem.toLowerCase();
    let g = groups.get(key);
    if (g === undefined) {
      g = { stem: s.stem, exposures: [] };
      groups.set(key, g);
      order.push(key);
    }
    if (s.kind === "spend" && g.spend === undefined) g.spend = h;
    else if (s.kind === "exposure") g.exposures.push(h);
    else if (s.kind === "reach" && g.reach === undefined) g.reach = h;
    else if (s.kind === "frequency" && g.frequency === undefined) g.frequency = h;
    else continue;
    taken.add(h);
  }
  // Plain channel names without a suffix ("tv", "facebook"): spend, as in v1.
  for (const h of headers) {
    if (taken.has(h) || !isNumeric(h)) continue;
    const t = tok(h);
    if (has(t, ORGANIC_WORDS)) {
      const key = h.toLowerCase();
      if (!groups.has(key)) {
        groups.set(key, { stem: h, exposures: [h] });
        order.push(key);
        taken.add(h);
      }
      continue;
    }
    if (guessChannelType(h) !== null && !has(t, CONTROL_WORDS) && !has(t, EVENT_WORDS)) {
      const key = h.toLowerCase();
      const g = groups.get(key);
      if (g !== undefined && g.spend === undefined) g.spend = h;
      else if (g === undefined) {
        groups.set(key, { stem: h, spend: h, exposures: [] });
        order.push(key);
      } else continue;
      taken.add(h);
    }
  }
  // Channels in the order their first column appears in the file.
  const firstColumn = (g: Group) =>
    Math.min(
      ...[g.spend, g.reach, g.frequency, ...g.exposures]
        .filter((c): c is string => c !== undefined)
        .map((c) => headers.indexOf(c)),
    );
  order.sort((a, b) => firstColumn(groups.get(a)!) - firstColumn(groups.get(b)!));
  const channels: ChannelMappingV2[] = [];
  const rank = (h: string) => {
    const s = splitChannelSuffix(h);
    const w = s?.word.toLowerCase() ?? "";
    const i = EXPOSURE_RANK.indexOf(w);
    return i < 0 ? (w === "_i" ? -1 : w === "_p" ? 9 : 50) : i;
  };
  for (const key of order) {
    const g = groups.get(key)!;
    const type: ChannelType = guessChannelType(g.stem) ?? "other";
    const exposure = [...g.exposures].sort((a, b) => rank(a) - rank(b))[0];
    const extra = g.exposures.filter((e) => e !== exposure);
    const organicNamed = has(nameTokens(g.stem), ORGANIC_WORDS);
    if (g.reach !== undefined || g.frequency !== undefined) {
      if (g.reach === undefined || g.frequency === undefined || g.spend === undefined) {
        const present = [g.spend, g.reach, g.frequency].filter((c): c is string => c !== undefined);
        const missing = [
          g.spend ? null : "spend",
          g.reach ? null : "reach",
          g.frequency ? null : "frequency",
        ].filter(Boolean);
        warnings.push(
          `Columns ${present.map((c) => `"${c}"`).join(", ")} look like a reach & frequency channel "${g.stem}", but its ${missing.join(" and ")} column is missing; they were left out. Add the column or map the channel in --config.`,
        );
        for (const c of present)
          claim(
            c,
            "ignore",
            `part of reach & frequency channel "${g.stem}" without its ${missing.join(" and ")}`,
          );
        for (const e of g.exposures)
          claim(e, "ignore", `exposure of incomplete reach & frequency channel "${g.stem}"`);
        continue;
      }
      channels.push({ name: g.stem, column: g.spend, reach: g.reach, frequency: g.frequency, type });
      claim(g.spend, "spend", `spend of reach & frequency channel ${g.stem}`, g.stem);
      claim(g.reach, "reach", `reach of ${g.stem}`, g.stem);
      claim(g.frequency, "frequency", `frequency of ${g.stem}`, g.stem);
      for (const e of g.exposures) claim(e, "ignore", `${g.stem} is modeled by reach x frequency`, g.stem);
      summary.push(
        `channel ${g.stem} (${type}, reach & frequency): spend ${g.spend}, reach ${g.reach}, frequency ${g.frequency}`,
      );
      continue;
    }
    if (g.spend !== undefined) {
      const ch: ChannelMappingV2 = { name: g.stem, column: g.spend, type };
      if (g.spend === g.stem) delete ch.name;
      if (exposure !== undefined) ch.exposure = exposure;
      channels.push(ch);
      claim(
        g.spend,
        "spend",
        exposure ? `spend of ${g.stem} (ROI and planning)` : `spend of ${g.stem}`,
        g.stem,
      );
      if (exposure !== undefined)
        claim(exposure, "exposure", `exposure of ${g.stem}: drives its effect`, g.stem);
      for (const e of extra) claim(e, "ignore", `second exposure of ${g.stem} (${exposure} is used)`, g.stem);
      summary.push(
        `channel ${g.stem} (${type}, paid): spend ${g.spend}${exposure ? `, exposure ${exposure} drives the effect` : ""}${extra.length ? ` (not used: ${extra.join(", ")})` : ""}`,
      );
      continue;
    }
    if (exposure !== undefined) {
      const name = g.stem;
      channels.push({ name, exposure, role: "organic", type });
      claim(
        exposure,
        "exposure",
        organicNamed
          ? `organic channel ${name}`
          : `exposure of ${name} without a spend column: organic (no ROI)`,
        name,
      );
      for (const e of extra) claim(e, "ignore", `second exposure of ${name} (${exposure} is used)`, name);
      summary.push(
        `channel ${name} (${type}, organic): exposure ${exposure}${organicNamed ? "" : " (no spend column with the same stem, so no ROI)"}`,
      );
    }
  }

  // ---- controls and events --------------------------------------------------------------------
  const controls: string[] = [];
  const events: string[] = [];
  for (const h of headers) {
    if (taken.has(h)) continue;
    const t = tok(h);
    const nums = numbers(h);
    const binary = nums !== null && nums.every((v) => v === 0 || v === 1);
    if (has(t, EVENT_WORDS) && nums !== null && binary) {
      events.push(h);
      claim(h, "event", "named like an event or holiday (0/1)");
    } else if (has(t, CONTROL_WORDS) || (has(t, EVENT_WORDS) && nums === null)) {
      controls.push(h);
      claim(
        h,
        "control",
        nums === null ? "named like a control; text, so categorical" : "named like a control variable",
      );
    } else if (TIME_WORDS.includes(h.toLowerCase()) || has(t, ["dayofyear", "weekofyear"])) {
      claim(h, "ignore", "restates time (the model has its own trend and seasonality)");
    } else {
      claim(h, "ignore", nums === null ? "not numeric and not named like a control" : "name not recognized");
    }
  }

  const mapping: DataMappingV2 = { date: date ?? "", kpi: kpi ?? "", channels };
  if (kpiType === "units") mapping.kpiType = "units";
  if (valueColumn !== undefined) mapping.valueColumn = valueColumn;
  if (geo !== undefined) mapping.geo = geo;
  if (population !== undefined) mapping.population = population;
  if (controls.length > 0) mapping.controls = controls;
  if (events.length > 0) mapping.events = events;

  const head: string[] = [`date ${date ?? "?"}`];
  if (geo !== undefined) head.push(`geo ${geo}${population ? `, population ${population}` : ""}`);
  head.push(
    `KPI ${kpi ?? "?"}${kpi ? ` (${kpiType}${kpiType === "units" ? (valueColumn ? `, value per unit ${valueColumn}` : ", no value column: results per unit, with cost per incremental unit") : ""})` : ""}`,
  );
  summary.unshift(head.join("; "));
  if (controls.length > 0) summary.push(`controls: ${controls.join(", ")}`);
  if (events.length > 0) summary.push(`events: ${events.join(", ")}`);
  const ignored = columns.filter((c) => c.role === "ignore");
  if (ignored.length > 0)
    summary.push(`ignored: ${ignored.map((c) => `${c.column} (${c.reason})`).join("; ")}`);

  if (date === undefined)
    warnings.unshift("No date column found. Choose the column that holds the week's date.");
  if (kpi === undefined)
    warnings.unshift("No KPI column found. Choose the column that holds revenue, sales or conversions.");
  if (channels.length === 0) {
    const candidates = columns
      .filter((c) => c.role === "ignore" && c.reason === "name not recognized")
      .map((c) => c.column);
    warnings.unshift(
      `No channel columns found: no column is named like spend (<channel>_spend, _cost, _S) or like a known channel (tv, search, facebook ...).${candidates.length > 0 ? ` If ${candidates.join(", ")} ${candidates.length === 1 ? "is" : "are"} spend, list ${candidates.length === 1 ? "it" : "them"} as channels in the config (or rename ${candidates.length === 1 ? "it" : "them"} <channel>_spend).` : ""}`,
    );
  }
  // Spreadsheet order for the columns list.
  columns.sort((a, b) => headers.indexOf(a.column) - headers.indexOf(b.column));
  return { mapping, columns, summary, warnings };
}

/**
 * The v1 column mapping of a v2 mapping that uses no v2 feature, else the v2 features it uses
 * (for a message). A v1 mapping fits exactly as before.
 */
export function v1MappingOf(
  m: DataMappingV2,
): { ok: true; mapping: ColumnMapping } | { ok: false; features: string[] } {
  const features: string[] = [];
  if (m.geo !== undefined) features.push(`geo column "${m.geo}"`);
  if (m.kpiType === "units") features.push(`units KPI "${m.kpi}"`);
  if (m.holidays !== undefined) features.push("holidays");
  if (m.link === "log") features.push("log link");
  for (const ch of m.channels) {
    const name = ch.name ?? ch.column ?? ch.exposure ?? "?";
    if (ch.role === "organic") features.push(`organic channel "${name}"`);
    else if (ch.reach !== undefined) features.push(`reach & frequency channel "${name}"`);
    else if (ch.exposure !== undefined)
      features.push(`exposure column "${ch.exposure}" of channel "${name}"`);
  }
  if (features.length > 0) return { ok: false, features };
  const mapping: ColumnMapping = {
    date: m.date,
    kpi: m.kpi,
    channels: m.channels.map((c) => ({ column: c.column!, type: c.type })),
  };
  if (m.controls !== undefined) mapping.controls = [...m.controls];
  if (m.events !== undefined) mapping.events = [...m.events];
  return { ok: true, mapping };
}
