import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  nextDateRelativeFire,
  nextWindowStart,
  parseDateValue,
  parseTimeOfDay,
  resolveTimeZone,
  weekdayIndex,
  weekdaySchema,
  zonedParts,
  zonedToUtc,
  type DateRelativeSchedule,
  type LocalDateTime,
  type TimeWindow,
  type Weekday,
  type ZonedParts,
} from './time.js';

/** Fixed instants written as ISO strings, for readable tables (never a clock read). */
const utc = (iso: string): number => {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new Error(`bad test instant ${iso}`);
  return at;
};
const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const KOLKATA = 'Asia/Kolkata';
const LORD_HOWE = 'Australia/Lord_Howe';
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('isValidTimeZone / resolveTimeZone', () => {
  it.each([
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['Asia/Kolkata', true],
    ['Australia/Lord_Howe', true],
    ['UTC', true],
    ['Etc/UTC', true],
    ['europe/berlin', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['Europe/Berlin ', false],
    ['Z', false],
  ])('isValidTimeZone(%j) → %s', (tz, expected) => {
    expect(isValidTimeZone(tz)).toBe(expected);
  });

  it.each([
    ['America/New_York', 'Europe/Berlin', 'America/New_York'],
    [null, 'Europe/Berlin', 'Europe/Berlin'],
    [undefined, 'Asia/Kolkata', 'Asia/Kolkata'],
    ['', 'Asia/Kolkata', 'Asia/Kolkata'],
    ['Not/AZone', 'Europe/Berlin', 'Europe/Berlin'],
    ['Not/AZone', 'Also/Not', 'UTC'],
    [null, '', 'UTC'],
  ])('resolveTimeZone(%j, %j) → %s', (customerTz, fallback, expected) => {
    expect(resolveTimeZone(customerTz, fallback)).toBe(expected);
  });
});

describe('zonedParts', () => {
  const cases: [string, string, ZonedParts][] = [
    // Berlin, last second of CET and first of CEST on 2026-03-29 (a Sunday).
    ['2026-03-29T00:59:59Z', BERLIN, { year: 2026, month: 3, day: 29, hour: 1, minute: 59, second: 59, weekday: 0 }],
    ['2026-03-29T01:00:00Z', BERLIN, { year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0, weekday: 0 }],
    // Both passes of 02:30 on the fall-back day.
    ['2026-10-25T00:30:00Z', BERLIN, { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0, weekday: 0 }],
    ['2026-10-25T01:30:00Z', BERLIN, { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0, weekday: 0 }],
    ['2026-01-01T00:00:00Z', NEW_YORK, { year: 2025, month: 12, day: 31, hour: 19, minute: 0, second: 0, weekday: 3 }],
    ['2026-01-01T00:00:00Z', KOLKATA, { year: 2026, month: 1, day: 1, hour: 5, minute: 30, second: 0, weekday: 4 }],
    // Lord Howe: +11:00 in (southern) summer, +10:30 in winter.
    ['2026-01-15T00:00:00Z', LORD_HOWE, { year: 2026, month: 1, day: 15, hour: 11, minute: 0, second: 0, weekday: 4 }],
    ['2026-07-15T00:00:00Z', LORD_HOWE, { year: 2026, month: 7, day: 15, hour: 10, minute: 30, second: 0, weekday: 3 }],
    // Milliseconds are dropped, also before the epoch.
    ['2026-06-01T12:00:00.999Z', 'UTC', { year: 2026, month: 6, day: 1, hour: 12, minute: 0, second: 0, weekday: 1 }],
    ['1969-12-31T23:59:59.999Z', 'UTC', { year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, weekday: 3 }],
    ['2026-03-01T00:00:00Z', 'UTC', { year: 2026, month: 3, day: 1, hour: 0, minute: 0, second: 0, weekday: 0 }],
  ];
  it.each(cases)('%s in %s', (at, tz, expected) => {
    expect(zonedParts(utc(at), tz)).toEqual(expected);
  });

  it('numbers years before 1 AD astronomically (1 BC = year 0)', () => {
    const yearZero = zonedToUtc({ year: 0, month: 6, day: 1 }, 'UTC');
    expect(zonedParts(yearZero, 'UTC')).toMatchObject({ year: 0, month: 6, day: 1 });
    expect(zonedParts(zonedToUtc({ year: -3, month: 11, day: 27 }, 'UTC'), 'UTC')).toMatchObject({ year: -3, month: 11, day: 27 });
  });

  it('throws a RangeError that says how to fix an unknown zone or a bad instant', () => {
    expect(() => zonedParts(0, 'Nope/Nope')).toThrow(/unknown time zone "Nope\/Nope".*IANA/);
    expect(() => zonedParts(Number.NaN, 'UTC')).toThrow(RangeError);
    expect(() => zonedParts(9e15, 'UTC')).toThrow(RangeError);
  });
});

describe('zonedToUtc', () => {
  const cases: [string, LocalDateTime, string, string][] = [
    ['plain summer time', { year: 2026, month: 7, day: 1, hour: 12 }, BERLIN, '2026-07-01T10:00:00.000Z'],
    ['plain winter time', { year: 2026, month: 1, day: 1, hour: 12 }, BERLIN, '2026-01-01T11:00:00.000Z'],
    ['defaults to midnight', { year: 2026, month: 3, day: 1 }, 'UTC', '2026-03-01T00:00:00.000Z'],
    ['last minute before the gap', { year: 2026, month: 3, day: 29, hour: 1, minute: 59 }, BERLIN, '2026-03-29T00:59:00.000Z'],
    ['gap start → transition', { year: 2026, month: 3, day: 29, hour: 2 }, BERLIN, '2026-03-29T01:00:00.000Z'],
    ['inside the gap → transition (03:00 CEST)', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, BERLIN, '2026-03-29T01:00:00.000Z'],
    ['first valid time after the gap', { year: 2026, month: 3, day: 29, hour: 3 }, BERLIN, '2026-03-29T01:00:00.000Z'],
    ['overlap → earlier (CEST) instant', { year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, BERLIN, '2026-10-25T00:30:00.000Z'],
    ['after the overlap', { year: 2026, month: 10, day: 25, hour: 3 }, BERLIN, '2026-10-25T02:00:00.000Z'],
    ['New York gap', { year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, NEW_YORK, '2026-03-08T07:00:00.000Z'],
    ['New York overlap → EDT', { year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, NEW_YORK, '2026-11-01T05:30:00.000Z'],
    ['New York before the overlap', { year: 2026, month: 11, day: 1, hour: 0, minute: 30 }, NEW_YORK, '2026-11-01T04:30:00.000Z'],
    ['Kolkata half-hour offset', { year: 2026, month: 3, day: 1, hour: 10 }, KOLKATA, '2026-03-01T04:30:00.000Z'],
    ['Lord Howe 30-minute gap', { year: 2026, month: 10, day: 4, hour: 2, minute: 15 }, LORD_HOWE, '2026-10-03T15:30:00.000Z'],
    ['Lord Howe 30-minute overlap → earlier', { year: 2026, month: 4, day: 5, hour: 1, minute: 45 }, LORD_HOWE, '2026-04-04T14:45:00.000Z'],
    ['Samoa skipped 30 Dec 2011 entirely', { year: 2011, month: 12, day: 30, hour: 12 }, 'Pacific/Apia', '2011-12-30T10:00:00.000Z'],
    ['days roll over', { year: 2026, month: 12, day: 32, hour: 9 }, BERLIN, '2027-01-01T08:00:00.000Z'],
    ['negative days roll back', { year: 2026, month: 3, day: 0, hour: 9 }, 'UTC', '2026-02-28T09:00:00.000Z'],
    ['years below 100 are literal', { year: 50, month: 1, day: 1 }, 'UTC', '0050-01-01T00:00:00.000Z'],
  ];
  it.each(cases)('%s', (_label, parts, tz, expected) => {
    expect(iso(zonedToUtc(parts, tz))).toBe(expected);
  });

  it('is NaN for non-finite fields and throws for an unknown zone', () => {
    expect(zonedToUtc({ year: Number.NaN, month: 1, day: 1 }, 'UTC')).toBeNaN();
    expect(zonedToUtc({ year: 300_000, month: 1, day: 1 }, 'UTC')).toBeNaN();
    expect(() => zonedToUtc({ year: 2026, month: 1, day: 1 }, 'Nope/Nope')).toThrow(RangeError);
  });

  const zones = ['UTC', BERLIN, NEW_YORK, KOLKATA, LORD_HOWE, 'America/Sao_Paulo', 'Pacific/Chatham', 'Africa/Casablanca'];

  it('round-trips every instant through its wall clock (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: utc('1975-01-01T00:00:00Z'), max: utc('2037-12-31T00:00:00Z') }), fc.constantFrom(...zones), (at, tz) => {
        const wall = zonedParts(at, tz);
        const back = zonedToUtc(wall, tz);
        const wholeSecond = at - (((at % 1000) + 1000) % 1000);
        // The same instant, or the earlier pass of an overlapped wall-clock time.
        expect(back).toBeLessThanOrEqual(wholeSecond);
        expect(wholeSecond - back).toBeLessThanOrEqual(HOUR);
        expect(zonedParts(back, tz)).toEqual(wall);
      }),
      { numRuns: 300 },
    );
  });

  it('returns the first second whose wall clock reaches the requested time (property)', () => {
    const asUtc = (p: LocalDateTime): number => Date.UTC(p.year, p.month - 1, p.day, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
    fc.assert(
      fc.property(
        fc.record({
          year: fc.integer({ min: 1975, max: 2037 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.constantFrom(0, 15, 30, 45, 59),
        }),
        fc.constantFrom(...zones),
        (parts, tz) => {
          const at = zonedToUtc(parts, tz);
          expect(asUtc(zonedParts(at, tz))).toBeGreaterThanOrEqual(asUtc(parts));
          expect(asUtc(zonedParts(at - 1000, tz))).toBeLessThan(asUtc(parts));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseTimeOfDay', () => {
  it.each([
    ['00:00', { hour: 0, minute: 0 }],
    ['09:05', { hour: 9, minute: 5 }],
    ['23:59', { hour: 23, minute: 59 }],
    ['24:00', null],
    ['9:00', null],
    ['12:60', null],
    ['12:5', null],
    ['12:00:00', null],
    [' 09:00', null],
    ['', null],
    ['ab:cd', null],
  ])('%j → %j', (text, expected) => {
    expect(parseTimeOfDay(text)).toEqual(expected);
  });
});

describe('weekdaySchema', () => {
  it('accepts the seven short names only, numbered from Sunday', () => {
    expect(weekdaySchema.options).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    expect(weekdaySchema.safeParse('Mon').success).toBe(false);
    expect(weekdayIndex.sun).toBe(0);
    expect(weekdayIndex.sat).toBe(6);
  });
});

describe('nextWindowStart', () => {
  const workdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
  const office: TimeWindow = { days: workdays, from: '09:00', to: '17:00' };
  const fridayNight: TimeWindow = { days: ['fri'], from: '22:00', to: '06:00' };
  // 2026-03-02 is a Monday; Berlin is on CET (+01:00) until 2026-03-29.
  const cases: [string, string, TimeWindow, string, string][] = [
    ['inside → now', '2026-03-02T09:00:00Z', office, BERLIN, '2026-03-02T09:00:00.000Z'],
    ['exactly at the start → now', '2026-03-02T08:00:00Z', office, BERLIN, '2026-03-02T08:00:00.000Z'],
    ['before the start → same day', '2026-03-02T07:00:00Z', office, BERLIN, '2026-03-02T08:00:00.000Z'],
    ['at the end (exclusive) → next day', '2026-03-02T16:00:00Z', office, BERLIN, '2026-03-03T08:00:00.000Z'],
    ['Friday evening → Monday', '2026-03-06T17:00:00Z', office, BERLIN, '2026-03-09T08:00:00.000Z'],
    ['Saturday → Monday', '2026-03-07T12:00:00Z', office, BERLIN, '2026-03-09T08:00:00.000Z'],
    ['crossing midnight: Saturday 03:00 is inside Friday’s window', '2026-03-07T02:00:00Z', fridayNight, BERLIN, '2026-03-07T02:00:00.000Z'],
    ['crossing midnight: Saturday 07:00 → next Friday 22:00', '2026-03-07T06:00:00Z', fridayNight, BERLIN, '2026-03-13T21:00:00.000Z'],
    ['crossing midnight: Friday 21:00 → Friday 22:00', '2026-03-06T20:00:00Z', fridayNight, BERLIN, '2026-03-06T21:00:00.000Z'],
    ['crossing midnight: Thursday 23:00 → Friday 22:00', '2026-03-05T22:00:00Z', fridayNight, BERLIN, '2026-03-06T21:00:00.000Z'],
    ['crossing midnight counts the starting weekday', '2026-03-07T02:00:00Z', { days: ['sat'], from: '22:00', to: '06:00' }, BERLIN, '2026-03-07T21:00:00.000Z'],
    ['from === to is a 24-hour window (inside)', '2026-03-03T07:59:00Z', { days: ['mon'], from: '09:00', to: '09:00' }, BERLIN, '2026-03-03T07:59:00.000Z'],
    ['from === to is a 24-hour window (ended)', '2026-03-03T08:00:00Z', { days: ['mon'], from: '09:00', to: '09:00' }, BERLIN, '2026-03-09T08:00:00.000Z'],
    ['start in the DST gap moves to 03:00 CEST', '2026-03-29T00:30:00Z', { days: ['sun'], from: '02:00', to: '04:00' }, BERLIN, '2026-03-29T01:00:00.000Z'],
    ['window wholly inside the gap is skipped that day', '2026-03-29T00:00:00Z', { days: ['sun'], from: '02:00', to: '02:30' }, BERLIN, '2026-04-05T00:00:00.000Z'],
    ['New York across spring-forward weekend', '2026-03-07T17:00:00Z', office, NEW_YORK, '2026-03-09T13:00:00.000Z'],
    ['Kolkata inside a half-hour-offset window', '2026-03-02T03:45:00Z', { days: ['mon'], from: '09:00', to: '09:30' }, KOLKATA, '2026-03-02T03:45:00.000Z'],
    ['Kolkata after it → next week', '2026-03-02T04:00:00Z', { days: ['mon'], from: '09:00', to: '09:30' }, KOLKATA, '2026-03-09T03:30:00.000Z'],
    ['Lord Howe (+11:00 in January)', '2026-01-15T00:00:00Z', { days: [...workdays, 'sat', 'sun'], from: '10:00', to: '11:00' }, LORD_HOWE, '2026-01-15T23:00:00.000Z'],
  ];
  it.each(cases)('%s', (_label, now, window, tz, expected) => {
    expect(iso(nextWindowStart(utc(now), window, tz))).toBe(expected);
  });

  it('returns now when no weekday is selected', () => {
    expect(nextWindowStart(utc('2026-03-02T10:00:00Z'), { days: [], from: '09:00', to: '17:00' }, BERLIN)).toBe(utc('2026-03-02T10:00:00Z'));
  });

  it('rejects times that are not HH:MM', () => {
    expect(() => nextWindowStart(0, { days: ['mon'], from: '9', to: '17:00' }, BERLIN)).toThrow(/"HH:MM"/);
  });

  const inside = (at: number, window: TimeWindow, tz: string): boolean => {
    const p = zonedParts(at, tz);
    const minutes = p.hour * 60 + p.minute;
    const [from, to] = [window.from, window.to].map((t) => {
      const parsed = parseTimeOfDay(t);
      if (!parsed) throw new Error(t);
      return parsed.hour * 60 + parsed.minute;
    }) as [number, number];
    const open = new Set(window.days.map((d) => weekdayIndex[d]));
    if (to > from) return open.has(p.weekday) && minutes >= from && minutes < to;
    return (open.has(p.weekday) && minutes >= from) || (open.has((p.weekday + 6) % 7) && minutes < to);
  };

  it('lands inside the window, not later than needed, within the search horizon (property)', () => {
    const timeArb = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30, 45)).map(
      ([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
    );
    const windowArb = fc.record({
      days: fc.uniqueArray(fc.constantFrom(...weekdaySchema.options), { minLength: 1, maxLength: 7 }),
      from: timeArb,
      to: timeArb,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: utc('2020-01-01T00:00:00Z'), max: utc('2030-12-31T00:00:00Z') }),
        windowArb,
        fc.constantFrom('UTC', KOLKATA, LORD_HOWE, 'Asia/Tokyo'),
        (now, window, tz) => {
          const start = nextWindowStart(now, window, tz);
          expect(start).toBeGreaterThanOrEqual(now);
          // Within 8 days, unless a DST gap swallowed the only weekly interval (Lord Howe's
          // 02:00–02:30 on its spring-forward Sunday): then the one a week later.
          expect(start - now).toBeLessThanOrEqual(tz === LORD_HOWE ? 15 * DAY : 8 * DAY);
          expect(inside(start, window, tz)).toBe(true);
          if (start - 1000 >= now) expect(inside(start - 1000, window, tz)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseDateValue', () => {
  const accepted: [unknown, string, string][] = [
    [1_772_366_400_000, BERLIN, '2026-03-01T12:00:00.000Z'],
    [0, BERLIN, '1970-01-01T00:00:00.000Z'],
    ['2026-03-01T10:00:00Z', BERLIN, '2026-03-01T10:00:00.000Z'],
    ['2026-03-01t10:00:00z', BERLIN, '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T10:00Z', BERLIN, '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T10:00:00.123Z', BERLIN, '2026-03-01T10:00:00.123Z'],
    ['2026-03-01T10:00:00.123456789Z', BERLIN, '2026-03-01T10:00:00.123Z'],
    ['2026-03-01T10:00:00.5Z', BERLIN, '2026-03-01T10:00:00.500Z'],
    ['2026-03-01T10:00:00+02:00', NEW_YORK, '2026-03-01T08:00:00.000Z'],
    ['2026-03-01T10:00:00+0200', NEW_YORK, '2026-03-01T08:00:00.000Z'],
    ['2026-03-01T10:00:00+02', NEW_YORK, '2026-03-01T08:00:00.000Z'],
    ['2026-03-01T10:00:00-05:30', NEW_YORK, '2026-03-01T15:30:00.000Z'],
    ['2026-03-01T10:00', BERLIN, '2026-03-01T09:00:00.000Z'],
    ['2026-03-01 10:00:00', NEW_YORK, '2026-03-01T15:00:00.000Z'],
    ['2026-03-01', KOLKATA, '2026-02-28T18:30:00.000Z'],
    ['2026-03-01', BERLIN, '2026-02-28T23:00:00.000Z'],
    ['2026-07-01', LORD_HOWE, '2026-06-30T13:30:00.000Z'],
    ['2026-03-29T02:30', BERLIN, '2026-03-29T01:00:00.000Z'],
    ['2024-02-29', 'UTC', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T23:59:59Z', 'UTC', '2000-02-29T23:59:59.000Z'],
  ];
  it.each(accepted)('%j in %s → %s', (value, tz, expected) => {
    expect(iso(parseDateValue(value, tz))).toBe(expected);
  });

  const rejected: unknown[] = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    9e15,
    '',
    'March 1',
    'March 1, 2026',
    'Sun Mar 01 2026',
    ' 2026-03-01',
    '2026-03-01 ',
    '2026-3-1',
    '20260301',
    '2026-03-01T10',
    '2026-03-01Z',
    '1700000000000',
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-03-00',
    '2026-03-01T24:00',
    '2026-03-01T10:60',
    '2026-03-01T10:00:60Z',
    '2026-03-01T10:00:00+24:00',
    '2026-03-01T10:00:00+02:60',
    '2026-03-01T10:00:00+02:00[Europe/Berlin]',
    '+002026-03-01',
    true,
    false,
    null,
    undefined,
    {},
    [],
    ['2026-03-01'],
  ];
  it.each(rejected.map((value) => [value]))('%j → null', (value) => {
    expect(parseDateValue(value, BERLIN)).toBeNull();
  });

  it('never throws for arbitrary data in a valid zone (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.double()), (value) => {
        const parsed = parseDateValue(value, BERLIN);
        expect(parsed === null || Number.isFinite(parsed)).toBe(true);
      }),
    );
  });
});

describe('nextDateRelativeFire', () => {
  const schedule = (overrides: Partial<DateRelativeSchedule> & Pick<DateRelativeSchedule, 'dateMs'>): DateRelativeSchedule => ({
    direction: 'before',
    offset: { amount: 0, unit: 'days' },
    yearly: false,
    ...overrides,
  });
  const date = (value: string, tz: string): number => {
    const parsed = parseDateValue(value, tz);
    if (parsed === null) throw new Error(value);
    return parsed;
  };

  const cases: [string, DateRelativeSchedule, string, string, string | null][] = [
    ['3 days before, default 09:00 local', schedule({ dateMs: date('2026-05-10', BERLIN), offset: { amount: 3, unit: 'days' } }), '2026-05-01T00:00:00Z', BERLIN, '2026-05-07T07:00:00.000Z'],
    ['strictly after: equal → null', schedule({ dateMs: date('2026-05-10', BERLIN), offset: { amount: 3, unit: 'days' } }), '2026-05-07T07:00:00Z', BERLIN, null],
    ['past, not yearly → null', schedule({ dateMs: date('2026-05-10', BERLIN) }), '2026-06-01T00:00:00Z', BERLIN, null],
    ['2 days after at 18:30', schedule({ dateMs: date('2026-05-10', BERLIN), direction: 'after', offset: { amount: 2, unit: 'days' }, at: '18:30' }), '2026-05-01T00:00:00Z', BERLIN, '2026-05-12T16:30:00.000Z'],
    ['24 hours before, `at` ignored', schedule({ dateMs: utc('2026-05-10T14:00:00Z'), offset: { amount: 24, unit: 'hours' }, at: '18:30' }), '2026-05-01T00:00:00Z', BERLIN, '2026-05-09T14:00:00.000Z'],
    ['uses the LOCAL calendar day of the date', schedule({ dateMs: utc('2026-03-01T00:00:00Z') }), '2026-01-01T00:00:00Z', NEW_YORK, '2026-02-28T14:00:00.000Z'],
    ['1 day before a spring-forward day (still CET)', schedule({ dateMs: date('2026-03-29', BERLIN), offset: { amount: 1, unit: 'days' } }), '2026-01-01T00:00:00Z', BERLIN, '2026-03-28T08:00:00.000Z'],
    ['on the spring-forward day (CEST)', schedule({ dateMs: date('2026-03-29', BERLIN) }), '2026-01-01T00:00:00Z', BERLIN, '2026-03-29T07:00:00.000Z'],
    ['`at` inside the DST gap → end of the gap', schedule({ dateMs: date('2026-03-29', BERLIN), at: '02:30' }), '2026-01-01T00:00:00Z', BERLIN, '2026-03-29T01:00:00.000Z'],
    ['New York, day before fall-back', schedule({ dateMs: date('2026-11-02', NEW_YORK), offset: { amount: 1, unit: 'days' }, at: '01:30' }), '2026-01-01T00:00:00Z', NEW_YORK, '2026-11-01T05:30:00.000Z'],
    ['Kolkata half-hour offset', schedule({ dateMs: date('2026-08-15', KOLKATA), offset: { amount: 1, unit: 'days' } }), '2026-01-01T00:00:00Z', KOLKATA, '2026-08-14T03:30:00.000Z'],
    ['Lord Howe: `at` in the 30-minute gap', schedule({ dateMs: date('2026-10-05', LORD_HOWE), offset: { amount: 1, unit: 'days' }, at: '02:15' }), '2026-01-01T00:00:00Z', LORD_HOWE, '2026-10-03T15:30:00.000Z'],
    // Yearly.
    ['birthday this year', schedule({ dateMs: date('1990-07-15', BERLIN), yearly: true }), '2026-03-01T00:00:00Z', BERLIN, '2026-07-15T07:00:00.000Z'],
    ['birthday just fired → next year', schedule({ dateMs: date('1990-07-15', BERLIN), yearly: true }), '2026-07-15T07:00:00Z', BERLIN, '2027-07-15T07:00:00.000Z'],
    ['birthday passed → next year', schedule({ dateMs: date('1990-07-15', BERLIN), yearly: true }), '2026-12-31T00:00:00Z', BERLIN, '2027-07-15T07:00:00.000Z'],
    ['5 days before 2 Jan falls in the previous year', schedule({ dateMs: date('1990-01-02', BERLIN), offset: { amount: 5, unit: 'days' }, yearly: true }), '2026-06-01T00:00:00Z', BERLIN, '2026-12-28T08:00:00.000Z'],
    ['5 days after 30 Dec falls in the next year', schedule({ dateMs: date('1990-12-30', BERLIN), direction: 'after', offset: { amount: 5, unit: 'days' }, yearly: true }), '2026-01-01T00:00:00Z', BERLIN, '2026-01-04T08:00:00.000Z'],
    ['Feb 29 → Feb 28 in a non-leap year', schedule({ dateMs: date('2000-02-29', 'UTC'), yearly: true }), '2026-01-01T00:00:00Z', 'UTC', '2026-02-28T09:00:00.000Z'],
    ['Feb 29 stays Feb 29 in a leap year', schedule({ dateMs: date('2000-02-29', 'UTC'), yearly: true }), '2027-06-01T00:00:00Z', 'UTC', '2028-02-29T09:00:00.000Z'],
    ['Feb 29, 1 day after in a non-leap year → Mar 1', schedule({ dateMs: date('2000-02-29', 'UTC'), direction: 'after', offset: { amount: 1, unit: 'days' }, yearly: true }), '2026-01-01T00:00:00Z', 'UTC', '2026-03-01T09:00:00.000Z'],
    ['yearly in hours keeps the local time of day', schedule({ dateMs: utc('1990-07-15T08:00:00Z'), offset: { amount: 2, unit: 'hours' }, yearly: true }), '2026-01-01T00:00:00Z', 'UTC', '2026-07-15T06:00:00.000Z'],
    ['yearly in hours keeps the local wall time (Berlin)', schedule({ dateMs: date('1990-01-15T10:00', BERLIN), direction: 'after', offset: { amount: 1, unit: 'hours' }, yearly: true }), '2026-06-01T00:00:00Z', BERLIN, '2027-01-15T10:00:00.000Z'],
    ['no anniversaries before the date itself', schedule({ dateMs: date('2027-05-10', 'UTC'), yearly: true }), '2026-01-01T00:00:00Z', 'UTC', '2027-05-10T09:00:00.000Z'],
    ['first anniversary years after `after`', schedule({ dateMs: date('2030-05-10', 'UTC'), yearly: true }), '2020-01-01T00:00:00Z', 'UTC', '2030-05-10T09:00:00.000Z'],
    ['a shift longer than a year', schedule({ dateMs: date('2000-01-01', 'UTC'), direction: 'after', offset: { amount: 400, unit: 'days' }, yearly: true }), '2026-01-01T00:00:00Z', 'UTC', '2026-02-05T09:00:00.000Z'],
  ];
  it.each(cases)('%s', (_label, params, after, tz, expected) => {
    expect(iso(nextDateRelativeFire(params, utc(after), tz))).toBe(expected);
  });

  it('returns null for non-finite input and throws on a bad `at` or a fractional day', () => {
    expect(nextDateRelativeFire(schedule({ dateMs: Number.NaN }), 0, 'UTC')).toBeNull();
    expect(nextDateRelativeFire(schedule({ dateMs: 0 }), Number.NaN, 'UTC')).toBeNull();
    expect(() => nextDateRelativeFire(schedule({ dateMs: 0, at: '9am' }), 0, 'UTC')).toThrow(/HH:MM/);
    expect(() => nextDateRelativeFire(schedule({ dateMs: 0, offset: { amount: 1.5, unit: 'days' } }), 0, 'UTC')).toThrow(/whole number/);
  });

  it('yearly: fires strictly after `after`, on the anniversary day, and no anniversary is skipped (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: utc('1950-01-01T00:00:00Z'), max: utc('2030-01-01T00:00:00Z') }),
        fc.integer({ min: utc('2020-01-01T00:00:00Z'), max: utc('2035-01-01T00:00:00Z') }),
        fc.constantFrom('before' as const, 'after' as const),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom('UTC', BERLIN, KOLKATA),
        (dateMs, after, direction, amount, tz) => {
          const params = schedule({ dateMs, direction, offset: { amount, unit: 'days' }, yearly: true });
          const fire = nextDateRelativeFire(params, after, tz);
          expect(fire).not.toBeNull();
          if (fire === null) return;
          expect(fire).toBeGreaterThan(after);
          // 09:00 local (never inside a DST gap in these zones).
          const shifted = zonedParts(fire, tz);
          expect([shifted.hour, shifted.minute]).toEqual([9, 0]);
          // Firing one second after the previous anniversary's fire time would land on this one.
          expect(nextDateRelativeFire(params, fire - 1, tz)).toBe(fire);
          // The first fire time after `after` is at most a year (plus a leap day) away, unless
          // the first anniversary is still ahead.
          const dateYear = zonedParts(dateMs, tz).year;
          if (zonedParts(after, tz).year > dateYear + 1) expect(fire - after).toBeLessThanOrEqual(367 * DAY);
        },
      ),
      { numRuns: 200 },
    );
  });
});
