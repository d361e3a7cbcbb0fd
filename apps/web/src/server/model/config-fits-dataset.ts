// Whether a model config can be fitted to the dataset version it will run on, checked when the
// config is saved so a mistake shows up next to the field, not as a failed run later.
import { DEFAULT_MIN_TRAINING_WEEKS, type ModelConfig } from "@mixcast/core";

/** What a DatasetVersion records about its columns (mapping + summary), as stored. */
export interface DatasetShape {
  date: string | undefined;
  weeks: number;
  firstDate: string | null;
  lastDate: string | null;
  columns: { name: string; role: string }[];
}

export interface ConfigIssue {
  path: string;
  message: string;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const isIsoDay = (s: string) =>
  ISO_DAY.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

export function datasetShapeOf(version: {
  mapping: unknown;
  summary: unknown;
  rowCount?: number;
}): DatasetShape {
  const mapping = (version.mapping ?? {}) as { date?: string };
  const summary = (version.summary ?? {}) as {
    weeks?: number;
    firstDate?: string | null;
    lastDate?: string | null;
    columns?: { name: string; role: string }[];
  };
  return {
    date: mapping.date,
    weeks: summary.weeks ?? version.rowCount ?? 0,
    firstDate: summary.firstDate ?? null,
    lastDate: summary.lastDate ?? null,
    columns: summary.columns ?? [],
  };
}

/** Every way `config` does not fit `data`, each with the config field it is about. */
export function configIssuesForDataset(config: ModelConfig, data: DatasetShape): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const byRole = (role: string) => data.columns.filter((c) => c.role === role).map((c) => c.name);
  const list = (names: string[]) => (names.length ? names.map((n) => `"${n}"`).join(", ") : "none");
  const kpis = byRole("kpi");
  const channels = byRole("channel");
  const controls = byRole("control");
  const events = byRole("event");

  if (data.date !== undefined && config.date !== data.date)
    issues.push({
      path: "date",
      message: `The dataset's date column is "${data.date}", not "${config.date}".`,
    });
  if (kpis.length > 0 && !kpis.includes(config.kpi))
    issues.push({ path: "kpi", message: `The dataset's KPI column is ${list(kpis)}, not "${config.kpi}".` });
  config.channels.forEach((ch, i) => {
    if (!channels.includes(ch.column))
      issues.push({
        path: `channels[${i}].column`,
        message: `"${ch.column}" is not a channel of the dataset (channels: ${list(channels)}).`,
      });
  });
  config.controls.forEach((c, i) => {
    if (!controls.includes(c))
      issues.push({
        path: `controls[${i}]`,
        message: `"${c}" is not a control column of the dataset (controls: ${list(controls)}).`,
      });
  });
  config.events.forEach((c, i) => {
    if (!events.includes(c))
      issues.push({
        path: `events[${i}]`,
        message: `"${c}" is not an event column of the dataset (events: ${list(events)}).`,
      });
  });
  if (data.weeks > 0 && data.weeks - config.holdoutWeeks < DEFAULT_MIN_TRAINING_WEEKS)
    issues.push({
      path: "holdoutWeeks",
      message: `Holding out ${config.holdoutWeeks} of the dataset's ${data.weeks} weeks leaves ${Math.max(0, data.weeks - config.holdoutWeeks)} for training; at least ${DEFAULT_MIN_TRAINING_WEEKS} are needed, so hold out at most ${Math.max(0, data.weeks - DEFAULT_MIN_TRAINING_WEEKS)}.`,
    });
  const configChannels = new Set(config.channels.map((c) => c.column));
  config.liftTests.forEach((t, i) => {
    if (!configChannels.has(t.channel))
      issues.push({
        path: `liftTests[${i}].channel`,
        message: `"${t.channel}" is not one of the model's channels.`,
      });
    for (const field of ["start", "end"] as const) {
      if (!isIsoDay(t[field]))
        issues.push({
          path: `liftTests[${i}].${field}`,
          message: `"${t[field]}" is not a date like 2024-03-04.`,
        });
    }
    if (isIsoDay(t.start) && isIsoDay(t.end)) {
      if (t.end < t.start)
        issues.push({
          path: `liftTests[${i}].end`,
          message: `The test ends (${t.end}) before it starts (${t.start}).`,
        });
      else if (data.firstDate && data.lastDate && (t.end < data.firstDate || t.start > data.lastDate))
        issues.push({
          path: `liftTests[${i}].start`,
          message: `The test (${t.start} to ${t.end}) lies outside the dataset's weeks (${data.firstDate} to ${data.lastDate}).`,
        });
    }
  });
  config.roiPriors.forEach((p, i) => {
    if (!configChannels.has(p.channel))
      issues.push({
        path: `roiPriors[${i}].channel`,
        message: `"${p.channel}" is not one of the model's channels.`,
      });
  });
  return issues;
}
