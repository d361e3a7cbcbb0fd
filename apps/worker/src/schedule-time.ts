// Weekly slot arithmetic in an IANA time zone, with Intl only (no tz database of our own).
//
// A schedule fires on `weekday` (0 = Sunday ... 6 = Saturday) at `hour`:00 local time. Local
// times that do not exist (spring-forward gap, e.g. 02:00 on the last Sunday of March in
// Europe/Berlin) fire at the first instant after the gap (03:00 CEST); local times that occur twice
// (fall-back, 02:00 on the last Sunday of October) fire once, at the first occurrence.

export interface WeeklySlotRule {
  weekday: number;
  hour: number;
  timezone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone if it is not a valid IANA zone. */
export function assertTimeZone(timezone: string): void {
  try {
    formatter(timezone);
  } catch {
    throw new RangeError(`unknown time zone "${timezone}"`);
  }
}

export interface LocalDateTime {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock fields of `instant` in `timezone`. */
export function localParts(instant: number, timezone: string): LocalDateTime {
  const out: LocalDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timezone).formatToParts(new Date(instant))) {
    if (part.type in out) out[part.type as keyof LocalDateTime] = Number(part.value);
  }
  return out;
}

/** UTC offset of `timezone` at `instant`, in milliseconds (local = UTC + offset). */
export function offsetMs(instant: number, timezone: string): number {
  const p = localParts(instant, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timezone` shows the given local time. Ambiguous times
 * resolve to the earlier instant; non-existent times to the instant just after the gap (the local
 * time shifted by the gap's size, i.e. what the clock shows once it has jumped).
 */
export function zonedTimeToUtc(
  local: Omit<LocalDateTime, "second"> & { second?: number },
  timezone: string,
): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second ?? 0);
  // Zone transitions are far more than two days apart, so the offsets a day either side are the
  // only candidates.
  const before = offsetMs(wall - 86_400_000, timezone);
  const after = offsetMs(wall + 86_400_000, timezone);
  const candidates = [...new Set([before, after])]
    .map((off) => wall - off)
    .filter((t) => offsetMs(t, timezone) === wall - t)
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // In a gap: interpret the wall time with the offset in force before the transition.
  return wall - before;
}

const DAY = 86_400_000;

/**
 * The most recent slot at or before `now` (epoch ms) for a weekly rule. Always within the last
 * 7 days (+ at most a DST hour).
 */
export function mostRecentSlot(rule: WeeklySlotRule, now: number): number {
  validateRule(rule);
  const today = localParts(now, rule.timezone);
  const todayUtcMidnight = Date.UTC(today.year, today.month - 1, today.day);
  for (let back = 0; back <= 8; back++) {
    const date = new Date(todayUtcMidnight - back * DAY);
    if (date.getUTCDay() !== rule.weekday) continue;
    const slot = zonedTimeToUtc(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: rule.hour,
        minute: 0,
      },
      rule.timezone,
    );
    if (slot <= now) return slot;
  }
  throw new Error("unreachable: no weekly slot in the last 8 days");
}

/** The first slot strictly after `now`. */
export function nextSlot(rule: WeeklySlotRule, now: number): number {
  validateRule(rule);
  const today = localParts(now, rule.timezone);
  const todayUtcMidnight = Date.UTC(today.year, today.month - 1, today.day);
  for (let ahead = 0; ahead <= 8; ahead++) {
    const date = new Date(todayUtcMidnight + ahead * DAY);
    if (date.getUTCDay() !== rule.weekday) continue;
    const slot = zonedTimeToUtc(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: rule.hour,
        minute: 0,
      },
      rule.timezone,
    );
    if (slot > now) return slot;
  }
  throw new Error("unreachable: no weekly slot in the next 8 days");
}

function validateRule(rule: WeeklySlotRule): void {
  if (!Number.isInteger(rule.weekday) || rule.weekday < 0 || rule.weekday > 6) {
    throw new RangeError(`weekday must be 0..6 (Sunday..Saturday), got ${rule.weekday}`);
  }
  if (!Number.isInteger(rule.hour) || rule.hour < 0 || rule.hour > 23) {
    throw new RangeError(`hour must be 0..23, got ${rule.hour}`);
  }
  assertTimeZone(rule.timezone);
}
