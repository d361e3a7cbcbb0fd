/**
 * Parsing and validation of v2 data (shared/docs/model-v2.md section 1, docs/model.md section 9):
 * wide national files and long files with one row per (week, geo), population, channel roles
 * (paid spend with optional exposure, paid reach & frequency, organic exposure), units KPIs with a
 * value per unit, categorical controls and a weekly holiday count.
 *
 * Every problem names the spreadsheet row (header = row 1), the column and, in geo files, the geo,
 * and says what to do. All problems are collected (up to `maxErrors`).
 */
import {
  at,
  checkWeeklySequence,
  dateCellsToDays,
  DEFAULT_HOLDOUT_WEEKS,
  DEFAULT_MAX_ERRORS,
  DEFAULT_MIN_TRAINING_WEEKS,
  fail,
  IssueLog,
  isBlank,
  plural,
  prepareTable,
  splitCsv,
  tableFromRows,
  type DataIssue,
  type ParseOptions,
  type RawTable,
} from "./parse.ts";
import { HolidayCalendarError, weeklyHolidays } from "./holidays.ts";
import {
  channelRoles,
  channelTypes,
  kpiTypes,
  links,
  type DataMappingV2,
  type DatasetChannelV2,
  type DatasetControlV2,
  type DatasetV2,
} from "./types.ts";
import { isoFromDayNumber, parseDateCell, parseNumberCell, type DateCell } from "./values.ts";

export type ParseResultV2 =
  | { ok: true; dataset: DatasetV2; warnings: DataIssue[] }
  | { ok: false; errors: DataIssue[]; errorCount: number; warnings: DataIssue[] };

/** A categorical control may have at most this many levels (one dummy per level but one). */
export const MAX_CATEGORICAL_LEVELS = 50;
/** Name of the single geo of a file without a geo column. */
export const NATIONAL_GEO = "national";

/** The name results are keyed by: `name`, else the spend column (paid) or the exposure (organic). */
export function channelNameV2(ch: DataMappingV2["channels"][number]): string {
  return ch.name ?? (ch.role === "organic" ? ch.exposure : ch.column) ?? ch.column ?? ch.exposure ?? "";
}

export function parseDatasetV2Csv(
  text: string,
  mapping: DataMappingV2,
  options: ParseOptions = {},
): ParseResultV2 {
  const log = new IssueLog(options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const table = splitCsv(text, log);
  if (table === null) return fail(log);
  return validateTableV2(table, mapping, options, log);
}

/** Rows as objects keyed by column name; rows[0] is spreadsheet row 2. */
export function parseDatasetV2Rows(
  rows: readonly Record<string, unknown>[],
  mapping: DataMappingV2,
  options: ParseOptions = {},
): ParseResultV2 {
  const log = new IssueLog(options.maxErrors ?? DEFAULT_MAX_ERRORS);
  return validateTableV2(tableFromRows(rows), mapping, options, log);
}

type Body = { row: number; cells: unknown[] }[];

/** Checks the mapping against the header; returns the channel names (in mapping order). */
function checkMapping(
  mapping: DataMappingV2,
  header: string[],
  columnIndex: Map<string, number>,
  log: IssueLog,
) {
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
    if (!columnIndex.has(column)) {
      log.error(
        `Row 1, column "${column}": the mapping uses this column as the ${role}, but the file has no such column (columns: ${available}). Fix the mapping or the header.`,
        1,
        column,
      );
    }
  };
  need(mapping.date, "date");
  need(mapping.kpi, "KPI");
  if (mapping.geo !== undefined) need(mapping.geo, "geo");
  if (mapping.population !== undefined) need(mapping.population, "population");
  const kpiType = mapping.kpiType ?? "revenue";
  if (!(kpiTypes as readonly string[]).includes(kpiType))
    log.error(`kpiType is "${String(kpiType)}". Use "revenue" or "units".`);
  if (mapping.link !== undefined && !(links as readonly string[]).includes(mapping.link))
    log.error(`link is "${String(mapping.link)}". Use "identity" or "log".`);
  if (mapping.valueColumn !== undefined && mapping.valuePerUnit !== undefined)
    log.error(
      `The mapping has both a value column ("${mapping.valueColumn}") and a constant valuePerUnit (${mapping.valuePerUnit}). Keep one of them.`,
    );
  if ((mapping.valueColumn !== undefined || mapping.valuePerUnit !== undefined) && kpiType !== "units")
    log.error(
      `A value per unit only applies to a units KPI (conversions, sign-ups): set kpiType to "units", or remove ${mapping.valueColumn !== undefined ? "valueColumn" : "valuePerUnit"} (a revenue KPI is already money).`,
    );
  if (mapping.valueColumn !== undefined) need(mapping.valueColumn, "value per unit");
  if (
    mapping.valuePerUnit !== undefined &&
    !(Number.isFinite(mapping.valuePerUnit) && mapping.valuePerUnit > 0)
  )
    log.error(
      `valuePerUnit is ${mapping.valuePerUnit}, but the value of one unit (e.g. revenue per conversion) must be above 0. Fix it, or leave it out to report results per unit (with cost per incremental unit).`,
    );

  if (mapping.channels.length === 0)
    log.error("The mapping has no channels. Map at least one spend column as a channel.");
  const names = new Set<string>();
  mapping.channels.forEach((ch, i) => {
    const name = channelNameV2(ch) || `channels[${i}]`;
    const label = `Channel "${name}"`;
    if (names.has(name))
      log.error(`${label} appears twice in the mapping. Give each channel its own name.`, undefined, name);
    names.add(name);
    if (!(channelTypes as readonly string[]).includes(ch.type))
      log.error(
        `${label} has type "${String(ch.type)}". Use one of: ${channelTypes.join(", ")}.`,
        undefined,
        ch.column,
      );
    const role = ch.role ?? "paid";
    if (!(channelRoles as readonly string[]).includes(role)) {
      log.error(`${label} has role "${String(role)}". Use "paid" or "organic".`);
      return;
    }
    if (role === "organic") {
      if (ch.column !== undefined)
        log.error(
          `${label} is organic but has a spend column ("${ch.column}"). Organic channels have an exposure column and no spend: make it a paid channel (role "paid") or remove "column".`,
          1,
          ch.column,
        );
      if (ch.reach !== undefined || ch.frequency !== undefined)
        log.error(
          `${label} is organic but has reach or frequency columns. Reach & frequency channels are paid: set role "paid" and give its spend column.`,
          1,
          ch.reach ?? ch.frequency,
        );
      if (ch.exposure === undefined)
        log.error(
          `${label} is organic but has no exposure column. Name the column that measures it (posts, sends, views) as "exposure".`,
        );
      else need(ch.exposure, `exposure of channel "${name}"`);
      return;
    }
    if (ch.column === undefined)
      log.error(
        `${label} has no spend column. A paid channel needs "column" (its spend); a channel without spend is organic (role "organic" with an exposure column).`,
      );
    else need(ch.column, `spend of channel "${name}"`);
    if (ch.reach !== undefined && ch.frequency === undefined)
      log.error(
        `${label} has a reach column ("${ch.reach}") but no frequency column. A reach & frequency channel needs both: add "frequency" (average impressions per reached person), or use the reach as "exposure".`,
        1,
        ch.reach,
      );
    if (ch.frequency !== undefined && ch.reach === undefined)
      log.error(
        `${label} has a frequency column ("${ch.frequency}") but no reach column. A reach & frequency channel needs both: add "reach".`,
        1,
        ch.frequency,
      );
    if (ch.reach !== undefined && ch.frequency !== undefined && ch.exposure !== undefined)
      log.error(
        `${label} has reach & frequency and an exposure column ("${ch.exposure}"). Its exposure is reach x frequency: remove "exposure".`,
        1,
        ch.exposure,
      );
    if (ch.exposure !== undefined && ch.reach === undefined)
      need(ch.exposure, `exposure of channel "${name}"`);
    if (ch.reach !== undefined) need(ch.reach, `reach of channel "${name}"`);
    if (ch.frequency !== undefined) need(ch.frequency, `frequency of channel "${name}"`);
  });
  for (const c of mapping.controls ?? []) need(c, "control");
  for (const c of mapping.events ?? []) need(c, "event");
  return roles;
}

interface Grid {
  geos: string[];
  /** ISO dates of the weeks, sorted. */
  weeks: string[];
  /** Geo and week index of each body row. */
  cellOf: { g: number; t: number }[];
}

/** Assigns every row its (geo, week); logs missing, duplicate and badly spaced weeks. */
function buildGrid(
  mapping: DataMappingV2,
  body: Body,
  cell: (r: Body[number], c: string) => unknown,
  log: IssueLog,
): Grid | null {
  const dateColumn = mapping.date;
  const dateCells: DateCell[] = body.map((r) => parseDateCell(cell(r, dateColumn)));
  if (mapping.geo === undefined) {
    const days = dateCellsToDays(dateCells, body, dateColumn, log, dateCells);
    checkWeeklySequence(days, body, dateColumn, log);
    if (log.count > 0) return null;
    return {
      geos: [NATIONAL_GEO],
      weeks: days.map(isoFromDayNumber),
      cellOf: days.map((_, t) => ({ g: 0, t })),
    };
  }
  const geoColumn = mapping.geo;
  const geoOfRow: number[] = [];
  const geos: string[] = [];
  const geoIndex = new Map<string, number>();
  for (const r of body) {
    const raw = cell(r, geoColumn);
    if (isBlank(raw)) {
      log.error(
        `${at(r.row, geoColumn)}: the geo is empty. Every row needs the geo (region, market) it belongs to.`,
        r.row,
        geoColumn,
      );
      geoOfRow.push(-1);
      continue;
    }
    const name = String(raw).trim();
    let g = geoIndex.get(name);
    if (g === undefined) {
      g = geos.length;
      geos.push(name);
      geoIndex.set(name, g);
    }
    geoOfRow.push(g);
  }
  const firstGeoCells = dateCells.filter((_, i) => geoOfRow[i] === 0);
  const days = dateCellsToDays(dateCells, body, dateColumn, log, firstGeoCells);
  if (log.count > 0) return null;
  const where = (i: number) => `${at(body[i]!.row, dateColumn)} (geo "${geos[geoOfRow[i]!]}")`;
  const distinct = [...new Set(days)].sort((a, b) => a - b);
  const diffs = distinct.slice(1).map((d, i) => d - distinct[i]!);
  if (diffs.length >= 3 && diffs.filter((d) => d === 1).length > diffs.length / 2) {
    log.error(
      `Column "${dateColumn}": the rows are daily (1 day apart). Mixcast models weekly data: sum spend and KPI per week and use one row per week and geo.`,
      undefined,
      dateColumn,
    );
    return null;
  }
  const firstRowOfDay = new Map<number, number>();
  days.forEach((d, i) => {
    if (!firstRowOfDay.has(d)) firstRowOfDay.set(d, i);
  });
  for (let k = 1; k < distinct.length; k += 1) {
    const prev = distinct[k - 1]!;
    const d = distinct[k]! - prev;
    const i = firstRowOfDay.get(distinct[k]!)!;
    if (d % 7 !== 0) {
      log.error(
        `${where(i)}: ${isoFromDayNumber(distinct[k]!)} is ${plural(d, "day")} after the week of ${isoFromDayNumber(prev)}. Weeks must be exactly 7 days apart (one row per week and geo, same weekday).`,
        body[i]!.row,
        dateColumn,
        geos[geoOfRow[i]!],
      );
    } else if (d > 7) {
      const missing = d / 7 - 1;
      const firstMissing = isoFromDayNumber(prev + 7);
      log.error(
        `Column "${dateColumn}": ${plural(missing, "week")} missing in every geo between ${isoFromDayNumber(prev)} and ${isoFromDayNumber(distinct[k]!)}. Add rows for ${missing === 1 ? `the week of ${firstMissing}` : `each week from ${firstMissing}`} for every geo (spend 0 if nothing ran).`,
        undefined,
        dateColumn,
      );
    }
  }
  if (log.count > 0) return null;
  const weekIndex = new Map(distinct.map((d, t) => [d, t]));
  const T = distinct.length;
  const seen: Int32Array[] = geos.map(() => new Int32Array(T).fill(-1));
  const cellOf: { g: number; t: number }[] = [];
  days.forEach((d, i) => {
    const g = geoOfRow[i]!;
    const t = weekIndex.get(d)!;
    cellOf.push({ g, t });
    const first = seen[g]![t]!;
    if (first >= 0) {
      log.error(
        `${where(i)}: the week of ${isoFromDayNumber(d)} appears twice for this geo (rows ${body[first]!.row} and ${body[i]!.row}). Each geo needs one row per week: merge or delete the duplicate.`,
        body[i]!.row,
        dateColumn,
        geos[g],
      );
    } else seen[g]![t] = i;
  });
  geos.forEach((geo, g) => {
    for (let t = 0; t < T; t += 1) {
      if (seen[g]![t]! >= 0) continue;
      log.error(
        `Geo "${geo}" has no row for the week of ${isoFromDayNumber(distinct[t]!)} (column "${dateColumn}"). Every geo needs a row for every week: add it (spend 0 if nothing ran).`,
        undefined,
        dateColumn,
        geo,
      );
    }
  });
  if (log.count > 0) return null;
  return { geos, weeks: distinct.map(isoFromDayNumber), cellOf };
}

type NumberRole =
  "kpi" | "spend" | "exposure" | "reach" | "frequency" | "population" | "value" | "control" | "event";

const fillHint: Record<NumberRole, string> = {
  kpi: "Enter the KPI for this week.",
  spend: "Enter the spend (0 if nothing ran that week).",
  exposure: "Enter the exposure (0 if nothing ran that week).",
  reach: "Enter the reach (0 if nothing ran that week).",
  frequency: "Enter the frequency (0 if nothing ran that week).",
  population: "Enter the geo's population.",
  value: "Enter the value of one unit in this week.",
  control: "Enter the value for this week.",
  event: "Enter 1 for event weeks and 0 otherwise.",
};

function validateTableV2(
  table: RawTable,
  mapping: DataMappingV2,
  options: ParseOptions,
  log: IssueLog,
): ParseResultV2 {
  const prepared = prepareTable(table.header, table.body, log);
  if (prepared === null) return fail(log);
  const { header, body, columnIndex } = prepared;
  const roles = checkMapping(mapping, header, columnIndex, log);
  if (mapping.holidays !== undefined) {
    try {
      weeklyHolidays([], mapping.holidays.country, mapping.holidays.region);
    } catch (e) {
      if (!(e instanceof HolidayCalendarError)) throw e;
      log.error(e.message);
    }
  }
  if (log.count > 0) return fail(log);
  const unused = header.filter((h) => h !== "" && !roles.has(h));
  if (unused.length > 0) log.warn(`Columns not in the mapping were ignored: ${unused.join(", ")}.`);
  if (body.length === 0) {
    log.error("The file has a header but no data rows. Add one row per week.");
    return fail(log);
  }
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
  const cell = (r: { cells: unknown[] }, column: string): unknown => r.cells[columnIndex.get(column)!];
  const grid = buildGrid(mapping, body, cell, log);
  if (grid === null) return fail(log);
  const G = grid.geos.length;
  const T = grid.weeks.length;
  const isGeo = mapping.geo !== undefined;
  const geoOf = (i: number) => (isGeo ? grid.geos[grid.cellOf[i]!.g] : undefined);
  const where = (i: number, column: string) =>
    `${at(body[i]!.row, column)}${isGeo ? ` (geo "${grid.geos[grid.cellOf[i]!.g]}")` : ""}`;
  const grid2 = (): Float64Array[] => grid.geos.map(() => new Float64Array(T));
  /** Row index (into body) of each cell, for messages in spreadsheet order. */
  const rowOfCell: Int32Array[] = grid.geos.map(() => new Int32Array(T));
  grid.cellOf.forEach(({ g, t }, i) => (rowOfCell[g]![t] = i));

  const numbers = (column: string, role: NumberRole): Float64Array[] => {
    const out = grid2();
    body.forEach((r, i) => {
      const { g, t } = grid.cellOf[i]!;
      const parsed = parseNumberCell(cell(r, column), table.decimalComma);
      const here = where(i, column);
      if (parsed.kind === "number") {
        const v = parsed.value;
        out[g]![t] = v;
        const nonNegative: Partial<Record<NumberRole, string>> = {
          spend: `spend ${v} is negative. Spend must be 0 or more; enter refunds or credits in the week they were spent.`,
          kpi: `the KPI ${v} is negative. The KPI (revenue, conversions) must be 0 or more.`,
          exposure: `the exposure ${v} is negative. Impressions, clicks, views or sends must be 0 or more.`,
          reach: `the reach ${v} is negative. Reach (people reached) must be 0 or more.`,
          frequency: `the frequency ${v} is negative. Frequency (average impressions per reached person) must be 0 or more.`,
        };
        const msg = nonNegative[role];
        if (v < 0 && msg !== undefined) log.error(`${here}: ${msg}`, r.row, column, geoOf(i));
        if (role === "event" && v !== 0 && v !== 1)
          log.error(
            `${here}: event value ${v} is not 0 or 1. Event columns mark weeks with 1 and other weeks with 0.`,
            r.row,
            column,
            geoOf(i),
          );
        return;
      }
      out[g]![t] = Number.NaN;
      const fill = fillHint[role];
      if (parsed.kind === "empty") log.error(`${here}: the cell is empty. ${fill}`, r.row, column, geoOf(i));
      else if (parsed.kind === "missing")
        log.error(`${here}: "${parsed.text}" is a missing value. ${fill}`, r.row, column, geoOf(i));
      else
        log.error(
          `${here}: "${parsed.text}" is not a number. Use a plain number such as 1234.50 (currency symbols and thousands separators are accepted).`,
          r.row,
          column,
          geoOf(i),
        );
    });
    return out;
  };
  /** First cell (in row order) where `bad` holds, as a body index. */
  const firstCell = (
    values: Float64Array[],
    bad: (v: number, g: number, t: number) => boolean,
  ): number | null => {
    let best: number | null = null;
    for (let g = 0; g < G; g += 1)
      for (let t = 0; t < T; t += 1) {
        const v = values[g]![t]!;
        if (Number.isFinite(v) && bad(v, g, t)) {
          const i = rowOfCell[g]![t]!;
          if (best === null || i < best) best = i;
        }
      }
    return best;
  };

  const holdout = options.holdoutWeeks ?? mapping.holdoutWeeks ?? DEFAULT_HOLDOUT_WEEKS;
  const minTraining = options.minTrainingWeeks ?? DEFAULT_MIN_TRAINING_WEEKS;
  const nTrain = T - holdout;

  // ---- KPI, population, value ---------------------------------------------------------------
  const kpiType = mapping.kpiType ?? "revenue";
  const kpi = numbers(mapping.kpi, "kpi");
  if (mapping.link === "log") {
    const i = firstCell(kpi, (v) => v <= 0);
    if (i !== null) {
      const { g, t } = grid.cellOf[i]!;
      log.error(
        `${where(i, mapping.kpi)}: the KPI is ${kpi[g]![t]}, but the log link needs a KPI above 0 in every row. Check this row, or use link "identity".`,
        body[i]!.row,
        mapping.kpi,
        geoOf(i),
      );
    }
  }
  let population = new Float64Array(G).fill(1);
  if (mapping.population !== undefined) {
    const col = mapping.population;
    const pop = numbers(col, "population");
    body.forEach((r, i) => {
      const { g, t } = grid.cellOf[i]!;
      const v = pop[g]![t]!;
      if (Number.isFinite(v) && v <= 0)
        log.error(
          `${where(i, col)}: the population is ${v}. It must be above 0 (the number of people in the geo); leave "population" out of the mapping if you do not know it.`,
          r.row,
          col,
          geoOf(i),
        );
    });
    population = Float64Array.from(pop, (series) => series.reduce((s, v) => s + v, 0) / T);
    const varying = grid.geos.filter((_, g) => pop[g]!.some((v) => v !== pop[g]![0]));
    if (varying.length > 0 && pop.every((s) => s.every(Number.isFinite)))
      log.warn(
        `Column "${col}": the population changes over time in ${varying.length === 1 ? `geo "${varying[0]}"` : `${varying.length} geos (${varying.slice(0, 5).join(", ")}${varying.length > 5 ? ", ..." : ""})`}; the mean per geo is used.`,
        undefined,
        col,
      );
  }
  let value: Float64Array[] | undefined;
  if (mapping.valueColumn !== undefined) {
    const col = mapping.valueColumn;
    value = numbers(col, "value");
    body.forEach((r, i) => {
      const { g, t } = grid.cellOf[i]!;
      const v = value![g]![t]!;
      if (Number.isFinite(v) && v <= 0)
        log.error(
          `${where(i, col)}: the value per unit is ${v}, but it must be above 0 (the money one unit of "${mapping.kpi}" brings). Fix this row, or leave valueColumn out to report results per unit.`,
          r.row,
          col,
          geoOf(i),
        );
    });
  } else if (mapping.valuePerUnit !== undefined) {
    value = grid.geos.map(() => new Float64Array(T).fill(mapping.valuePerUnit!));
  }

  // ---- channels ------------------------------------------------------------------------------
  const channels: DatasetChannelV2[] = mapping.channels.map((ch) => {
    const name = channelNameV2(ch);
    const organic = (ch.role ?? "paid") === "organic";
    const rf = !organic && ch.reach !== undefined;
    const out: DatasetChannelV2 = {
      name,
      type: ch.type,
      role: organic ? "organic" : rf ? "rf" : "paid",
      columns: {},
    };
    if (!organic) {
      out.columns.spend = ch.column!;
      out.spend = numbers(ch.column!, "spend");
    }
    if (rf) {
      out.columns.reach = ch.reach!;
      out.columns.frequency = ch.frequency!;
      out.reach = numbers(ch.reach!, "reach");
      out.frequency = numbers(ch.frequency!, "frequency");
      body.forEach((r, i) => {
        const { g, t } = grid.cellOf[i]!;
        const reach = out.reach![g]![t]!;
        const f = out.frequency![g]![t]!;
        if (reach > 0 && f === 0)
          log.error(
            `${where(i, ch.frequency!)}: the frequency is 0 but the reach ("${ch.reach}") is ${reach}. Frequency (average impressions per reached person) must be above 0 in weeks with reach.`,
            r.row,
            ch.frequency,
            geoOf(i),
          );
      });
    } else if (ch.exposure !== undefined) {
      out.columns.exposure = ch.exposure;
      out.exposure = numbers(ch.exposure, "exposure");
    }
    return out;
  });

  // ---- controls and events -------------------------------------------------------------------
  const controls: DatasetControlV2[] = [];
  for (const name of mapping.controls ?? []) {
    const parsedCells = body.map((r) => parseNumberCell(cell(r, name), table.decimalComma));
    const filled = parsedCells.filter((c) => c.kind !== "empty");
    const numeric = filled.filter((c) => c.kind === "number").length;
    const text = filled.filter((c) => c.kind === "invalid").length;
    if (text === 0 || numeric >= filled.length / 2) {
      controls.push({ name, kind: "numeric", values: numbers(name, "control") });
      continue;
    }
    const levelOf: string[][] = grid.geos.map(() => new Array<string>(T).fill(""));
    body.forEach((r, i) => {
      const { g, t } = grid.cellOf[i]!;
      const raw = cell(r, name);
      if (isBlank(raw)) {
        log.error(
          `${where(i, name)}: the cell is empty. Enter the level of "${name}" for this week.`,
          r.row,
          name,
          geoOf(i),
        );
        return;
      }
      levelOf[g]![t] = String(raw).trim();
    });
    const levels = [...new Set(levelOf.flat().filter((l) => l !== ""))].sort(codePointCompare);
    if (levels.length > MAX_CATEGORICAL_LEVELS) {
      log.error(
        `Column "${name}": the control has ${levels.length} different text values (${levels
          .slice(0, 3)
          .map((l) => `"${l}"`)
          .join(
            ", ",
          )}, ...), but a categorical control can have at most ${MAX_CATEGORICAL_LEVELS} levels (one dummy each). Group the levels, map an id-like column as the geo, or leave it out of the controls.`,
        undefined,
        name,
      );
      continue;
    }
    if (levels.length === 1) {
      log.error(
        `Column "${name}": the control has the same value ("${levels[0]}") in every row, so it explains nothing. Remove it from the controls.`,
        undefined,
        name,
      );
      continue;
    }
    const counts: Record<string, number> = Object.fromEntries(levels.map((l) => [l, 0]));
    for (let g = 0; g < G; g += 1)
      for (let t = 0; t < Math.max(nTrain, 0); t += 1) {
        const l = levelOf[g]![t]!;
        if (l !== "") counts[l] = counts[l]! + 1;
      }
    let reference = levels[0]!;
    for (const l of levels) if (counts[l]! > counts[reference]!) reference = l;
    const index = new Map(levels.map((l, k) => [l, k]));
    controls.push({
      name,
      kind: "categorical",
      levels,
      counts,
      reference,
      dummies: levels.filter((l) => l !== reference).map((l) => `${name}=${l}`),
      codes: levelOf.map((row) => Int32Array.from(row, (l) => index.get(l) ?? -1)),
    });
  }
  const events = (mapping.events ?? []).map((name) => ({ name, values: numbers(name, "event") }));

  // ---- column-level checks -------------------------------------------------------------------
  const weeksWord = isGeo ? "weeks (per geo)" : "weekly rows";
  if (nTrain < minTraining) {
    log.error(
      `The file has ${T} ${weeksWord}, but at least ${holdout + minTraining} are needed: ${holdout} held out for validation plus ${minTraining} for training. Add more weeks of history or lower holdoutWeeks in the model config.`,
    );
  }
  const finite = (a: Float64Array[]) => a.every((s) => s.every(Number.isFinite));
  const trainingSum = (a: Float64Array[]) => {
    let s = 0;
    for (const series of a) for (let t = 0; t < Math.max(nTrain, 0); t += 1) s += series[t]!;
    return s;
  };
  const allZero = (a: Float64Array[]) => a.every((s) => s.every((v) => v === 0));
  if (finite(kpi) && allZero(kpi))
    log.error(
      `Column "${mapping.kpi}": the KPI is 0 in every row. Check that the right column is mapped as the KPI.`,
      undefined,
      mapping.kpi,
    );
  for (const ch of channels) {
    const checks: [string, Float64Array[] | undefined, string][] = [
      [ch.columns.spend ?? "", ch.spend, "spend"],
      [ch.columns.exposure ?? "", ch.exposure, "exposure"],
      [ch.columns.reach ?? "", ch.reach, "reach"],
    ];
    for (const [column, series, what] of checks) {
      if (series === undefined || !finite(series)) continue;
      if (allZero(series)) {
        log.error(
          `Column "${column}": ${what} is 0 in every row${isGeo ? " of every geo" : ""}. Remove channel "${ch.name}" from the mapping or check the column.`,
          undefined,
          column,
        );
      } else if (nTrain >= 1 && nTrain < T && trainingSum(series) === 0) {
        log.error(
          `Column "${column}": ${what} is 0 in every training week (the first ${nTrain}); it only starts in the ${holdout} held-out weeks, so the effect of channel "${ch.name}" cannot be learned. Remove the channel or lower holdoutWeeks.`,
          undefined,
          column,
        );
      }
    }
  }
  for (const c of controls) {
    if (c.kind !== "numeric" || !finite(c.values) || nTrain < 2) continue;
    const first = c.values[0]![0]!;
    if (c.values.every((s) => s.subarray(0, Math.max(nTrain, 2)).every((v) => v === first)))
      log.error(
        `Column "${c.name}": the control has the same value (${first}) in every training row, so it explains nothing. Remove it from the controls.`,
        undefined,
        c.name,
      );
  }
  if (log.count > 0) return fail(log);
  if (nTrain < 52)
    log.warn(
      `Only ${plural(nTrain, "training week")}: with less than a year of history, seasonality and trend are poorly identified.`,
    );

  const dataset: DatasetV2 = {
    dates: grid.weeks,
    geos: grid.geos,
    population,
    kpiName: mapping.kpi,
    kpiType,
    kpi,
    channels,
    controls,
    events,
  };
  if (isGeo) dataset.geoColumn = mapping.geo!;
  if (mapping.population !== undefined) dataset.populationColumn = mapping.population;
  if (mapping.valueColumn !== undefined) dataset.valueColumn = mapping.valueColumn;
  if (mapping.valuePerUnit !== undefined) dataset.valuePerUnit = mapping.valuePerUnit;
  if (value !== undefined) dataset.value = value;
  if (mapping.holidays !== undefined) {
    const h = weeklyHolidays(grid.weeks, mapping.holidays.country, mapping.holidays.region);
    dataset.holidays = { country: mapping.holidays.country, counts: h.counts, names: h.names };
    if (mapping.holidays.region !== undefined) dataset.holidays.region = mapping.holidays.region;
    if (h.counts.subarray(0, Math.max(nTrain, 0)).every((v) => v === 0))
      log.warn(
        `No public holiday of ${mapping.holidays.country}${mapping.holidays.region ? `-${mapping.holidays.region}` : ""} falls in the training weeks, so the holiday regressor explains nothing.`,
      );
  }
  return { ok: true, dataset, warnings: log.warnings };
}

/** Code-point order (not locale order), as the conformance vectors sort levels. */
export function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
