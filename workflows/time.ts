import { z } from 'zod';

/**
 * Pure time-zone helpers built on `Intl` only (no clock reads: every instant comes in as epoch
 * milliseconds). Calendar arithmetic is proleptic Gregorian, like `Date`.
 *
 * Wall-clock → instant (`zonedToUtc`) rules, used everywhere below:
 * - **DST gap** (a local time that never happens, e.g. 02:30 on the spring-forward day in
 *   Europe/Berlin): the result is the first instant after the gap, i.e. the transition itself
 *   (02:30 → 03:00 CEST = 01:00Z). Every wall-clock time inside a gap maps to that same instant.
 * - **DST overlap** (a local time that happens twice, e.g. 02:30 on the fall-back day in
 *   Europe/Berlin): the earlier instant (02:30 CEST = 00:30Z).
 *
 * Functions that take a zone throw a RangeError for an unknown one; use `resolveTimeZone` first
 * when the zone comes from customer data.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** `Date` covers ±8.64e15 ms around the epoch. */
const MAX_INSTANT_MS = 8.64e15;

// ---------------------------------------------------------------------------------------------
// Zones

const formatters = new Map<string, Intl.DateTimeFormat>();
const maxCachedFormatters = 512;

/** A formatter per zone (cached, since constructing one is the expensive part). Throws on unknown zones. */
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(
      `unknown time zone ${JSON.stringify(timeZone)}; use an IANA name such as "Europe/Berlin" (resolveTimeZone picks a fallback)`,
    );
  }
  // Zone spellings are case-insensitive, so the key space is unbounded: keep the cache bounded.
  if (formatters.size >= maxCachedFormatters) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
};

/** True when `tz` is an IANA zone name (or alias such as "UTC") this runtime's Intl knows. */
export const isValidTimeZone = (tz: string): boolean => {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 100) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
};

/** The customer's zone when it is valid, else `fallback`, else "UTC". Returns the name as given. */
export const resolveTimeZone = (customerTz: string | null | undefined, fallback: string): string => {
  if (typeof customerTz === 'string' && isValidTimeZone(customerTz)) return customerTz;
  return isValidTimeZone(fallback) ? fallback : 'UTC';
};

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (UTC, proleptic Gregorian)

/** Epoch ms of a wall-clock reading taken as UTC. Fields roll over like `Date.UTC`; years 0–99 are literal. */
const utcFromFields = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number => {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
};

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days in `month` (1–12) of `year`. */
const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (monthLengths[month - 1] ?? 0);

/** A calendar date (plus its weekday, 0 = Sunday) after normalising overflowing days/months. */
interface CalendarDay {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

const calendarDay = (year: number, month: number, day: number): CalendarDay => {
  const date = new Date(utcFromFields(year, month, day));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), weekday: date.getUTCDay() };
};

// ---------------------------------------------------------------------------------------------
// Instant ↔ wall clock

/** A wall-clock reading in some zone. `weekday` is 0 = Sunday … 6 = Saturday. */
export interface ZonedParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** A wall-clock time to place in a zone. Missing time fields are 0; overflowing fields roll over like `Date.UTC`. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

/**
 * The wall-clock reading of instant `at` (epoch ms) in `tz`, to the second (milliseconds are
 * dropped, not rounded). Throws a RangeError for an unknown zone or an instant outside `Date`'s range.
 */
export const zonedParts = (at: number, tz: string): ZonedParts => {
  const formatter = formatterFor(tz);
  if (!Number.isFinite(at) || Math.abs(at) > MAX_INSTANT_MS) {
    throw new RangeError(`${String(at)} is not an instant in epoch milliseconds within Date's range`);
  }
  const fields = { era: 'AD', year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter.formatToParts(at)) {
    switch (part.type) {
      case 'era':
        fields.era = part.value;
        break;
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
        fields[part.type] = Number(part.value);
        break;
      default:
        break;
    }
  }
  // ICU writes years before 1 AD as "n BC"; astronomical numbering makes 1 BC year 0.
  const year = fields.era === 'BC' || fields.era === 'B' ? 1 - fields.year : fields.year;
  const hour = fields.hour === 24 ? 0 : fields.hour;
  const { weekday } = calendarDay(year, fields.month, fields.day);
  return { year, month: fields.month, day: fields.day, hour, minute: fields.minute, second: fields.second, weekday };
};

/** The wall clock at `at` in `tz`, read as if it were UTC (whole seconds). */
const wallClockAsUtc = (at: number, tz: string): number => {
  const p = zonedParts(at, tz);
  return utcFromFields(p.year, p.month, p.day, p.hour, p.minute, p.second);
};

/** UTC offset of `tz` at instant `at`, in ms (e.g. +3_600_000 for CET). */
const offsetAt = (at: number, tz: string): number => {
  const wholeSecond = at - (((at % 1000) + 1000) % 1000);
  return wallClockAsUtc(wholeSecond, tz) - wholeSecond;
};

/**
 * Epoch ms of the wall-clock time `parts` in `tz`. DST gap → the transition instant (first valid
 * instant after the gap); DST overlap → the earlier instant. NaN when the fields are not finite
 * or fall outside `Date`'s range. Throws a RangeError for an unknown zone.
 */
export const zonedToUtc = (parts: LocalDateTime, tz: string): number => {
  formatterFor(tz);
  const wall = utcFromFields(parts.year, parts.month, parts.day, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  if (!Number.isFinite(wall) || Math.abs(wall) > MAX_INSTANT_MS - 2 * DAY_MS) return Number.NaN;
  // The offsets in force a day either side give every candidate reading (a zone does not change
  // its offset twice within two days; the same assumption Temporal's reference code makes).
  const offsetBefore = offsetAt(wall - DAY_MS, tz);
  const offsetAfter = offsetAt(wall + DAY_MS, tz);
  const early = wall - Math.max(offsetBefore, offsetAfter);
  const late = wall - Math.min(offsetBefore, offsetAfter);
  const matches = (at: number): boolean => wallClockAsUtc(at, tz) === wall;
  if (matches(early)) return early; // the only reading, or the earlier one of an overlap
  if (matches(late)) return late;
  // A gap: the wall clock jumps from below `wall` (at `early`) to above it (at `late`).
  // Find the first whole second whose wall clock reads `wall` or later: the transition.
  let below = early;
  let atOrAbove = late;
  if (wallClockAsUtc(below, tz) >= wall || wallClockAsUtc(atOrAbove, tz) < wall) return wall - offsetBefore;
  while (atOrAbove - below > 1000) {
    const middle = below + Math.floor((atOrAbove - below) / 2000) * 1000;
    if (wallClockAsUtc(middle, tz) >= wall) atOrAbove = middle;
    else below = middle;
  }
  return atOrAbove;
};

// ---------------------------------------------------------------------------------------------
// Times of day, weekdays, windows

export interface TimeOfDay {
  hour: number;
  minute: number;
}

const timeOfDayPattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "HH:MM" (00:00–23:59, two digits each) → { hour, minute }; anything else → null. */
export const parseTimeOfDay = (hhmm: string): TimeOfDay | null => {
  if (typeof hhmm !== 'string') return null;
  const match = timeOfDayPattern.exec(hhmm);
  if (!match) return null;
  return { hour: Number(match[1]), minute: Number(match[2]) };
};

export const timeOfDaySchema = z.string().regex(timeOfDayPattern, 'a time of day is "HH:MM", e.g. "09:00"');

export const weekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof weekdaySchema>;

/** `Weekday` → `Date#getUTCDay()` numbering (0 = Sunday). */
export const weekdayIndex: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** A weekly window of local time: on `days`, from `from` (inclusive) to `to` (exclusive). */
export const timeWindowSchema = z.object({
  days: z.array(weekdaySchema),
  from: timeOfDaySchema,
  to: timeOfDaySchema,
});
export type TimeWindow = z.infer<typeof timeWindowSchema>;

const minutesOf = (time: TimeOfDay): number => time.hour * 60 + time.minute;

/**
 * The earliest instant >= `now` inside `window` in zone `tz` (`now` itself when already inside).
 *
 * Each listed weekday opens one interval [day `from`, day `to`) in local time; when `to` <= `from`
 * the interval ends at `to` on the next day (22:00–06:00 on "fri" is Friday 22:00 → Saturday 06:00,
 * and `from` === `to` means 24 hours). Local times go through `zonedToUtc`, so an interval edge in a
 * DST gap moves to the end of the gap, and one that falls wholly inside a gap is skipped that day.
 * An empty `days` list means "no restriction" and returns `now`. Searches from yesterday (for an
 * interval that started yesterday) up to two weeks ahead; it only looks past the first week when a
 * DST gap swallowed an interval, and returns `now` if nothing is found at all.
 * Throws a RangeError when `from`/`to` are not "HH:MM" or the zone is unknown.
 */
export const nextWindowStart = (now: number, window: { days: Weekday[]; from: string; to: string }, tz: string): number => {
  if (window.days.length === 0) return now;
  const from = parseTimeOfDay(window.from);
  const to = parseTimeOfDay(window.to);
  if (!from || !to) {
    throw new RangeError(`a window needs "from" and "to" as "HH:MM", got ${JSON.stringify(window.from)}–${JSON.stringify(window.to)}`);
  }
  const crossesMidnight = minutesOf(to) <= minutesOf(from);
  const openDays = new Set(window.days.map((day) => weekdayIndex[day]));
  const today = zonedParts(now, tz);
  for (let offset = -1; offset <= 14; offset += 1) {
    const day = calendarDay(today.year, today.month, today.day + offset);
    if (!openDays.has(day.weekday)) continue;
    const start = zonedToUtc({ year: day.year, month: day.month, day: day.day, hour: from.hour, minute: from.minute }, tz);
    const endDay = crossesMidnight ? day.day + 1 : day.day;
    const end = zonedToUtc({ year: day.year, month: day.month, day: endDay, hour: to.hour, minute: to.minute }, tz);
    // Intervals come in start order and never overlap, so the first one not yet over is the answer.
    if (start < end && end > now) return Math.max(start, now);
  }
  return now;
};

// ---------------------------------------------------------------------------------------------
// Date values from customer data

const dateValuePattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** "Z", "+02", "+0200", "+02:00", "-05:30" → offset in ms; null when out of range. */
const parseOffset = (text: string): number | null => {
  if (text === 'Z' || text === 'z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * HOUR_MS + minutes * MINUTE_MS);
};

/**
 * A date trait or event property → epoch ms, or null when it is not a date we accept:
 * - a finite number: epoch milliseconds, as is (within `Date`'s range);
 * - "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or an offset ("+02:00", "+0200", "+02"): that instant;
 * - the same without an offset (also with a space instead of "T"): wall-clock time in `tz`;
 * - "YYYY-MM-DD": local midnight in `tz`.
 * Fields are range-checked (month 1–12, day within the month, hour 0–23, minute and second 0–59);
 * fractions beyond milliseconds are truncated. No trimming and no `Date.parse` fallback, so
 * "March 1", "", "2026-3-1", booleans and NaN are all null. Throws only for an unknown `tz`.
 */
export const parseDateValue = (value: unknown, tz: string): number | null => {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= MAX_INSTANT_MS ? value : null;
  if (typeof value !== 'string' || value.length > 40) return null;
  const match = dateValuePattern.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, offsetText] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? '0');
  const minute = Number(mi ?? '0');
  const second = Number(s ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  let at: number;
  if (offsetText === undefined) {
    at = zonedToUtc({ year, month, day, hour, minute, second }, tz) + millis;
  } else {
    const offset = parseOffset(offsetText);
    if (offset === null) return null;
    at = utcFromFields(year, month, day, hour, minute, second) + millis - offset;
  }
  return Number.isFinite(at) && Math.abs(at) <= MAX_INSTANT_MS ? at : null;
};

// ---------------------------------------------------------------------------------------------
// Date-relative schedules (birthdays, renewals, "3 days before the appointment")

export interface DateRelativeSchedule {
  /** The date trait, already parsed (see `parseDateValue`). */
  dateMs: number;
  direction: 'before' | 'after';
  offset: { amount: number; unit: 'hours' | 'days' };
  /** Local time of day for `days` offsets, "HH:MM"; default "09:00". Ignored for `hours`. */
  at?: string;
  /** Repeat on every anniversary of the date. */
  yearly: boolean;
}

const defaultFireTime: TimeOfDay = { hour: 9, minute: 0 };
/** Bounds the yearly search (offsets of centuries are not schedules anyone means). */
const maxYearsSearched = 1000;

/**
 * The next time a date-relative schedule fires, strictly after `after`, or null.
 *
 * - unit "days": the date's local calendar day in `tz`, moved `amount` days before/after, at local
 *   time `at` (default 09:00). `amount` must be a whole number.
 * - unit "hours": the date's instant ± `amount` hours; `at` is ignored.
 * - not yearly: the single fire time if it is after `after`, else null.
 * - yearly: the same rule applied to each anniversary — the date's local month/day (and, for
 *   hours, local time of day) in year Y, with Feb 29 → Feb 28 in non-leap years — for Y from the
 *   date's own year onward (a date never has anniversaries before itself); the first fire time
 *   after `after` wins.
 * Returns null for non-finite input or offsets of centuries. Throws a RangeError for a bad `at`, a fractional day amount
 * or an unknown zone.
 */
export const nextDateRelativeFire = (params: DateRelativeSchedule, after: number, tz: string): number | null => {
  const { dateMs, direction, offset, yearly } = params;
  if (!Number.isFinite(dateMs) || Math.abs(dateMs) > MAX_INSTANT_MS) return null;
  if (!Number.isFinite(after) || !Number.isFinite(offset.amount)) return null;
  const fireTime = params.at === undefined ? defaultFireTime : parseTimeOfDay(params.at);
  if (!fireTime) throw new RangeError(`"at" is a time of day "HH:MM", e.g. "09:00"; got ${JSON.stringify(params.at)}`);
  if (offset.unit === 'days' && !Number.isInteger(offset.amount)) {
    throw new RangeError(`a day offset is a whole number of days; got ${offset.amount} (use hours for fractions)`);
  }
  const sign = direction === 'before' ? -1 : 1;
  const date = zonedParts(dateMs, tz);
  const millis = ((dateMs % 1000) + 1000) % 1000;

  const fireFor = (year: number): number => {
    const day = Math.min(date.day, daysInMonth(year, date.month));
    switch (offset.unit) {
      case 'days':
        return zonedToUtc(
          { year, month: date.month, day: day + sign * offset.amount, hour: fireTime.hour, minute: fireTime.minute },
          tz,
        );
      case 'hours': {
        const anniversary =
          year === date.year
            ? dateMs
            : zonedToUtc({ year, month: date.month, day, hour: date.hour, minute: date.minute, second: date.second }, tz) + millis;
        return anniversary + sign * offset.amount * HOUR_MS;
      }
    }
  };

  if (!yearly) {
    const fire = fireFor(date.year);
    return fire > after ? fire : null;
  }
  // Fire times grow with the year. Start early enough that a long "after" shift cannot skip an
  // anniversary, and stop once past every year that could still be the first.
  const shiftYears = Math.ceil(Math.abs(offset.amount) / (offset.unit === 'days' ? 365 : 365 * 24));
  const afterYear = Math.abs(after) <= MAX_INSTANT_MS ? zonedParts(after, tz).year : date.year;
  const firstYear = Math.max(date.year, afterYear - 1 - shiftYears);
  const lastYear = Math.max(afterYear, date.year) + 2 + shiftYears;
  if (lastYear - firstYear > maxYearsSearched) return null;
  for (let year = firstYear; year <= lastYear; year += 1) {
    const fire = fireFor(year);
    if (fire > after) return fire;
  }
  return null;
};
