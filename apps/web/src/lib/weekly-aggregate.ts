// Daily rows -> weekly rows, for teams whose exports are daily (Mixcast models weeks).
// Weeks start on Monday and are labelled by that Monday. Spend and KPI columns are summed,
// controls averaged, 0/1 events take the week's maximum. Weeks with fewer than 7 days (the
// ragged first and last) are dropped, so no week looks artificially small. Long (geo) files are
// aggregated per geo: a week is kept when every geo has all 7 of its days.
import Papa from "papaparse";
import { parseDateCell, parseNumberCell } from "@mixcast/core";

export type WeeklyRule = "sum" | "mean" | "max";

export interface WeeklyAggregate {
  csv: string;
  weeks: number;
  droppedPartialWeeks: number;
  daysPerRow: number;
}

const dayToIso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const plainNumber = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** Plain numbers and ISO dates take a fast path; everything else goes through core's parsers. */
function numberCell(raw: string | undefined) {
  if (raw !== undefined && plainNumber.test(raw)) return { kind: "number" as const, value: Number(raw) };
  return parseNumberCell(raw);
}

function dateCell(raw: string | undefined) {
  const m = raw === undefined ? null : isoDate.exec(raw);
  if (m)
    return {
      kind: "date" as const,
      day: Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000,
    };
  return parseDateCell(raw);
}

/** Median spacing in days between the first rows' dates (1 = daily, 7 = weekly), or null. */
export function rowSpacingDays(rows: readonly Record<string, string>[], dateColumn: string): number | null {
  const days: number[] = [];
  for (const r of rows.slice(0, 30)) {
    const d = parseDateCell(r[dateColumn]);
    if (d.kind === "date") days.push(d.day);
  }
  const diffs = days
    .slice(1)
    .map((d, i) => d - days[i]!)
    .sort((a, b) => a - b);
  return diffs.length ? diffs[Math.floor(diffs.length / 2)]! : null;
}

interface WeekAcc {
  week: number;
  geo: string;
  days: Set<number>;
  sum: Float64Array;
  max: Float64Array;
  n: Float64Array;
}

function prepare(text: string, dateColumn: string, geoColumn?: string) {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  const [header, ...body] = parsed.data;
  if (!header) throw new Error("The file is empty.");
  const dateIdx = header.findIndex((h) => h.trim() === dateColumn);
  if (dateIdx < 0) throw new Error(`There is no column "${dateColumn}".`);
  const geoIdx = geoColumn === undefined ? -1 : header.findIndex((h) => h.trim() === geoColumn);
  if (geoColumn !== undefined && geoIdx < 0) throw new Error(`There is no column "${geoColumn}".`);
  const valueCols = header
    .map((h, i) => ({ name: h.trim(), i }))
    .filter((c) => c.i !== dateIdx && c.i !== geoIdx);
  return {
    body,
    dateIdx,
    geoIdx,
    geoColumn,
    valueCols,
    weeks: new Map<string, WeekAcc>(),
    geos: [] as string[],
  };
}

type Prepared = ReturnType<typeof prepare>;

function accumulate(p: Prepared, dateColumn: string, from: number, to: number): void {
  const { body, dateIdx, geoIdx, valueCols, weeks } = p;
  for (let r = from; r < to; r++) {
    const cells = body[r]!;
    const d = dateCell(cells[dateIdx]);
    if (d.kind !== "date")
      throw new Error(
        `Row ${r + 2}, column "${dateColumn}": "${cells[dateIdx] ?? ""}" is not a date Mixcast can aggregate (use YYYY-MM-DD).`,
      );
    const week = Math.floor((d.day + 3) / 7); // epoch day 0 is a Thursday; weeks start Monday
    const geo = geoIdx < 0 ? "" : (cells[geoIdx] ?? "").trim();
    if (geoIdx >= 0 && geo === "")
      throw new Error(`Row ${r + 2}, column "${p.geoColumn}": the geo is empty. Every row needs its geo.`);
    if (!p.geos.includes(geo)) p.geos.push(geo);
    const key = `${week}\u0000${geo}`;
    let acc = weeks.get(key);
    if (!acc) {
      acc = {
        week,
        geo,
        days: new Set(),
        sum: new Float64Array(valueCols.length),
        max: new Float64Array(valueCols.length).fill(-Infinity),
        n: new Float64Array(valueCols.length),
      };
      weeks.set(key, acc);
    }
    acc.days.add(d.day);
    for (let k = 0; k < valueCols.length; k++) {
      const c = valueCols[k]!;
      const v = numberCell(cells[c.i]);
      if (v.kind === "number") {
        acc.sum[k]! += v.value;
        acc.n[k]! += 1;
        if (v.value > acc.max[k]!) acc.max[k] = v.value;
      } else if (v.kind === "invalid") {
        throw new Error(
          `Row ${r + 2}, column "${c.name}"${geo ? ` (geo ${geo})` : ""}: "${v.text}" is not a number.`,
        );
      }
    }
  }
}

function finish(p: Prepared, dateColumn: string, rules: Record<string, WeeklyRule>): WeeklyAggregate {
  const byWeek = new Map<number, Map<string, WeekAcc>>();
  for (const acc of p.weeks.values()) {
    const geos = byWeek.get(acc.week) ?? new Map<string, WeekAcc>();
    geos.set(acc.geo, acc);
    byWeek.set(acc.week, geos);
  }
  const ordered = [...byWeek.entries()].sort(([a], [b]) => a - b);
  // A week is complete when every geo has all 7 days (one geo: the file's own days).
  const full = ordered.filter(
    ([, geos]) => geos.size === p.geos.length && [...geos.values()].every((acc) => acc.days.size === 7),
  );
  const geoHeader = p.geoColumn !== undefined ? [p.geoColumn] : [];
  const lines = [[dateColumn, ...geoHeader, ...p.valueCols.map((c) => c.name)].join(",")];
  for (const [week, geos] of full) {
    for (const geo of p.geos) {
      const acc = geos.get(geo)!;
      const cells = p.valueCols.map((c, k) => {
        const rule = rules[c.name] ?? "sum";
        const value =
          rule === "sum"
            ? acc.sum[k]!
            : rule === "mean"
              ? acc.n[k]! > 0
                ? acc.sum[k]! / acc.n[k]!
                : NaN
              : acc.max[k]!;
        return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : "";
      });
      const geoCell = p.geoColumn !== undefined ? [csvCell(geo)] : [];
      lines.push([dayToIso(week * 7 - 3), ...geoCell, ...cells].join(","));
    }
  }
  return {
    csv: `${lines.join("\n")}\n`,
    weeks: full.length,
    droppedPartialWeeks: ordered.length - full.length,
    daysPerRow: 1,
  };
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Aggregates a daily CSV to weeks. `rules` gives the rule per column (default "sum"); the date
 * column is `dateColumn`. Throws an Error in plain words for cells it cannot read.
 */
export function aggregateDailyToWeekly(
  text: string,
  dateColumn: string,
  rules: Record<string, WeeklyRule> = {},
  geoColumn?: string,
): WeeklyAggregate {
  const p = prepare(text, dateColumn, geoColumn);
  accumulate(p, dateColumn, 0, p.body.length);
  return finish(p, dateColumn, rules);
}

/** The same, in slices of `sliceRows` rows with a yield to the event loop in between (UI stays responsive). */
export async function aggregateDailyToWeeklyInSlices(
  text: string,
  dateColumn: string,
  rules: Record<string, WeeklyRule> = {},
  sliceRows = 150,
  geoColumn?: string,
): Promise<WeeklyAggregate> {
  const p = prepare(text, dateColumn, geoColumn);
  for (let from = 0; from < p.body.length; from += sliceRows) {
    accumulate(p, dateColumn, from, Math.min(p.body.length, from + sliceRows));
    await new Promise((r) => setTimeout(r, 0));
  }
  return finish(p, dateColumn, rules);
}
