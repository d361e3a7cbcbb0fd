// The upload's mapping step: one role per column (as suggested by core's inferMappingV2), channel
// columns grouped by channel name into one channel each (spend, exposure, reach, frequency side by
// side), and the dataset-wide settings (KPI type, value per unit, holidays). The result is core's
// DataMappingV2; a mapping without any v2 feature is v1's ColumnMapping (v1MappingOf).
import {
  inferMappingV2,
  v1MappingOf,
  type ChannelMappingV2,
  type ChannelType,
  type ColumnMapping,
  type DataMappingV2,
  type KpiType,
} from "@mixcast/core";

export type MappingRole =
  | "date"
  | "geo"
  | "population"
  | "kpi"
  | "value"
  | "channel"
  | "exposure"
  | "reach"
  | "frequency"
  | "organic"
  | "control"
  | "event"
  | "ignore";

export interface ColumnChoiceV2 {
  column: string;
  role: MappingRole;
  /** Channel the column belongs to (channel-column roles); default: the column's own name. */
  channel: string;
  type: ChannelType;
  reason: string;
}

export interface MappingSettings {
  kpiType: KpiType;
  /** A constant value per unit (units KPI), when no value column is mapped. */
  valuePerUnit: number | null;
  /** ISO 3166 country for the weekly holiday count, or "" for none. */
  holidayCountry: string;
}

export const CHANNEL_COLUMN_ROLES: readonly MappingRole[] = [
  "channel",
  "exposure",
  "reach",
  "frequency",
  "organic",
];

/** Suggested roles from the column names and sample values (core's inferMappingV2). */
export function suggestChoices(
  headers: string[],
  rows: readonly Record<string, unknown>[],
): { choices: ColumnChoiceV2[]; settings: MappingSettings } {
  const inferred = inferMappingV2(headers, rows);
  const m = inferred.mapping;
  const typeOf = new Map<string, ChannelType>();
  const organic = new Set<string>();
  for (const ch of m.channels) {
    const name = ch.name ?? ch.column ?? ch.exposure ?? "";
    typeOf.set(name, ch.type);
    if (ch.role === "organic") organic.add(name);
  }
  const choices = inferred.columns.map((c): ColumnChoiceV2 => {
    const channel = c.channel ?? c.column;
    let role: MappingRole;
    switch (c.role) {
      case "spend":
        role = "channel";
        break;
      case "exposure":
        role = organic.has(channel) ? "organic" : "exposure";
        break;
      default:
        role = c.role;
    }
    return { column: c.column, role, channel, type: typeOf.get(channel) ?? "other", reason: c.reason };
  });
  return {
    choices,
    settings: { kpiType: m.kpiType ?? "revenue", valuePerUnit: m.valuePerUnit ?? null, holidayCountry: "" },
  };
}

export interface ChannelRow {
  name: string;
  role: "paid" | "rf" | "organic";
  type: ChannelType;
  spend?: string;
  exposure?: string;
  reach?: string;
  frequency?: string;
}

/** Channel-column choices grouped into channels (mapping order = first column of each). */
export function channelRows(choices: ColumnChoiceV2[]): { rows: ChannelRow[]; problems: string[] } {
  const problems: string[] = [];
  const groups = new Map<string, ColumnChoiceV2[]>();
  for (const c of choices) {
    if (!CHANNEL_COLUMN_ROLES.includes(c.role)) continue;
    const key = c.channel.trim() || c.column;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const rows: ChannelRow[] = [];
  for (const [name, cols] of groups) {
    const byRole = (role: MappingRole) => cols.filter((c) => c.role === role);
    for (const role of CHANNEL_COLUMN_ROLES)
      if (byRole(role).length > 1)
        problems.push(
          `Channel "${name}" has two ${role === "channel" ? "spend" : role} columns (${byRole(role)
            .map((c) => c.column)
            .join(", ")}). Give each its own channel or ignore one.`,
        );
    const spend = byRole("channel")[0];
    const organic = byRole("organic")[0];
    const exposure = byRole("exposure")[0];
    const reach = byRole("reach")[0];
    const frequency = byRole("frequency")[0];
    const type = (spend ?? organic ?? cols[0]!).type;
    if (organic) {
      if (spend || exposure || reach || frequency)
        problems.push(
          `Channel "${name}" is organic (${organic.column}), so it has no spend, exposure, reach or frequency column of its own. Move those to another channel.`,
        );
      rows.push({ name, role: "organic", type, exposure: organic.column });
      continue;
    }
    if (!spend)
      problems.push(
        `Channel "${name}" has ${cols.map((c) => `${c.role} column ${c.column}`).join(", ")} but no spend column. Mark its spend column, or make it organic if it costs nothing.`,
      );
    if ((reach === undefined) !== (frequency === undefined))
      problems.push(
        `Channel "${name}" needs both a reach and a frequency column (reach & frequency come together).`,
      );
    if (reach && exposure)
      problems.push(
        `Channel "${name}" has reach & frequency, so its exposure column ${exposure.column} cannot drive it too. Ignore one of them.`,
      );
    rows.push({
      // a spend-only channel is keyed by its column, as in v1
      name: cols.length === 1 && spend ? spend.column : name,
      role: reach ? "rf" : "paid",
      type,
      ...(spend ? { spend: spend.column } : {}),
      ...(exposure ? { exposure: exposure.column } : {}),
      ...(reach ? { reach: reach.column } : {}),
      ...(frequency ? { frequency: frequency.column } : {}),
    });
  }
  return { rows, problems };
}

/** The mapping the choices describe, or what is missing, in words. */
export function buildMappingV2(
  choices: ColumnChoiceV2[],
  settings: MappingSettings,
): { mapping: DataMappingV2 | null; v1: ColumnMapping | null; channels: ChannelRow[]; problems: string[] } {
  const problems: string[] = [];
  const one = (role: MappingRole, what: string, required: boolean): string | undefined => {
    const cols = choices.filter((c) => c.role === role).map((c) => c.column);
    if (cols.length === 0 && required) problems.push(`Choose which column holds ${what}.`);
    if (cols.length > 1) problems.push(`Only one column can be ${what} (now: ${cols.join(", ")}).`);
    return cols[0];
  };
  const date = one("date", "the week's date", true);
  const kpi = one("kpi", "the KPI (e.g. sales or conversions)", true);
  const geo = one("geo", "the geo (region, market)", false);
  const population = one("population", "the population", false);
  const valueColumn = one("value", "the value per unit", false);
  const { rows, problems: channelProblems } = channelRows(choices);
  problems.push(...channelProblems);
  if (rows.length === 0)
    problems.push("Mark at least one column as channel spend (or as an organic channel).");
  if (population && !geo) problems.push("A population column needs a geo column (population is per geo).");
  const units = settings.kpiType === "units";
  if (!units && valueColumn)
    problems.push(
      `Column ${valueColumn} is a value per unit, which only applies to a units KPI: set the KPI type to units, or ignore the column.`,
    );
  if (valueColumn && settings.valuePerUnit !== null)
    problems.push("Give the value per unit as a column or as a number, not both.");
  if (settings.valuePerUnit !== null && !(settings.valuePerUnit > 0))
    problems.push("The value of one unit must be a number above 0 (or leave it empty).");
  if (problems.length > 0 || !date || !kpi) return { mapping: null, v1: null, channels: rows, problems };

  const channels: ChannelMappingV2[] = rows.map((r) => {
    if (r.role === "organic") return { name: r.name, exposure: r.exposure!, role: "organic", type: r.type };
    return {
      // keyed by the spend column unless the channel's name differs (e.g. "Meta" for meta_spend)
      ...(r.name === r.spend ? {} : { name: r.name }),
      column: r.spend!,
      ...(r.exposure ? { exposure: r.exposure } : {}),
      ...(r.reach ? { reach: r.reach, frequency: r.frequency! } : {}),
      type: r.type,
    };
  });
  const controls = choices.filter((c) => c.role === "control").map((c) => c.column);
  const events = choices.filter((c) => c.role === "event").map((c) => c.column);
  const mapping: DataMappingV2 = {
    date,
    kpi,
    ...(units ? { kpiType: "units" as const } : {}),
    ...(units && valueColumn ? { valueColumn } : {}),
    ...(units && settings.valuePerUnit !== null ? { valuePerUnit: settings.valuePerUnit } : {}),
    ...(geo ? { geo } : {}),
    ...(population ? { population } : {}),
    channels,
    ...(controls.length ? { controls } : {}),
    ...(events.length ? { events } : {}),
    ...(settings.holidayCountry ? { holidays: { country: settings.holidayCountry } } : {}),
  };
  const v1 = v1MappingOf(mapping);
  // v1MappingOf keys a channel by its column; a renamed spend-only channel stays v2.
  const renamed = channels.some((c) => c.name !== undefined && c.name !== c.column);
  return { mapping, v1: v1.ok && !renamed ? v1.mapping : null, channels: rows, problems };
}

/** How daily rows of each column become a week: sums, means (rates, levels) or the max (0/1 events). */
export function weeklyRuleOf(role: MappingRole): "sum" | "mean" | "max" {
  if (role === "control" || role === "population" || role === "value" || role === "frequency") return "mean";
  if (role === "event") return "max";
  return "sum";
}
