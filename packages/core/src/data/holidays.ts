/**
 * Weekly holiday regressor (shared/docs/model-v2.md section 1): the number of public holidays that
 * fall in each week (the row's date and the six days after it), from the maintained `date-holidays`
 * calendars (ISO 3166 country, optional region). No calendar is written by hand here.
 */
import Holidays from "date-holidays";
import { dayNumberFromIso, isoFromDayNumber } from "./values.ts";

export interface WeeklyHolidays {
  counts: Float64Array;
  /** Names of the holidays in each week. */
  names: string[][];
}

export class HolidayCalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HolidayCalendarError";
  }
}

/** Country (and region) codes the library knows, e.g. "DE", "US". */
export function holidayCountries(): Record<string, string> {
  return new Holidays().getCountries("en") ?? {};
}

function calendar(country: string, region?: string): Holidays {
  const countries = holidayCountries();
  const c = country.trim().toUpperCase();
  if (countries[c] === undefined)
    throw new HolidayCalendarError(
      `holidays: "${country}" is not a country code the holiday calendar knows. Use an ISO 3166 code such as DE, US, GB or FR.`,
    );
  if (region !== undefined) {
    const regions = new Holidays().getStates(c, "en") ?? {};
    const r = region.trim().toUpperCase();
    if (regions[r] === undefined) {
      const known = Object.keys(regions);
      throw new HolidayCalendarError(
        `holidays: "${region}" is not a region of ${c}${known.length > 0 ? ` (regions: ${known.join(", ")})` : " (the calendar has no regions for it)"}.`,
      );
    }
    return new Holidays(c, r, { types: ["public"] });
  }
  return new Holidays(c, { types: ["public"] });
}

/** Public holidays per week; `weeks` are the ISO dates that start each week. */
export function weeklyHolidays(weeks: readonly string[], country: string, region?: string): WeeklyHolidays {
  const hd = calendar(country, region);
  const counts = new Float64Array(weeks.length);
  const names: string[][] = weeks.map(() => []);
  if (weeks.length === 0) return { counts, names };
  const starts = weeks.map(dayNumberFromIso);
  const byDay = new Map<number, string[]>();
  const first = Math.min(...starts);
  const last = Math.max(...starts) + 6;
  const y0 = Number(isoFromDayNumber(first).slice(0, 4));
  const y1 = Number(isoFromDayNumber(last).slice(0, 4));
  for (let y = y0; y <= y1; y += 1) {
    for (const h of hd.getHolidays(y) ?? []) {
      if (h.type !== "public") continue;
      // `date` is the local calendar date in the country ("2024-12-25 00:00:00"), free of time zones.
      const day = dayNumberFromIso(h.date.slice(0, 10));
      const list = byDay.get(day) ?? [];
      if (!list.includes(h.name)) list.push(h.name);
      byDay.set(day, list);
    }
  }
  starts.forEach((s, i) => {
    for (let d = s; d < s + 7; d += 1) {
      const list = byDay.get(d);
      if (list === undefined) continue;
      counts[i] = counts[i]! + 1;
      names[i]!.push(...list);
    }
  });
  return { counts, names };
}
