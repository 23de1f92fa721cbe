/**
 * Business time: turns a time limit (an ISO 8601 duration counted on a calendar) into a deadline.
 *
 * PURE: no Node built-ins, no I/O, no clock, no randomness, no imports. Workflow code may import it.
 *
 * Time zone: Beijing time, Asia/Shanghai = UTC+8 all year (China has no daylight saving time), so
 * every conversion is a fixed offset; no time-zone database is needed.
 *
 * Calendars (CalendarKind, the Prisma enum of the same name):
 *   CLOCK          紧急工作时: wall-clock time around the clock; a day is 24 hours, a week 7 days.
 *   WORKING_HOURS  工作时: only the working periods of working days count, 09:00–12:00 and
 *                  13:00–18:00 Beijing time = 8 working hours a day. A start outside them counts
 *                  from the next working-period start. In a duration, 1 day (D) = 8 working hours
 *                  and 1 week (W) = 5 working days = 40 working hours (a working week).
 *   WORKING_DAYS   工作日: "from the day after receipt" (次日起算, 遇节假日顺延): counting begins at
 *                  00:00 Beijing time of the day after the start's date, whatever the start's time or
 *                  the kind of day it falls on. PnD ends at the end (18:00) of the n-th working day
 *                  counted that way. Hours, minutes and seconds count as working hours after those
 *                  days (P1DT2H = 11:00 of the second working day; PT4H alone = 13:00 of the first
 *                  working day after the start's date). A week (W) = 5 working days.
 *   Years (Y) and months (M) are parsed by parseDuration but rejected by every calculation
 *   (durationMs, addBusinessTime): their length varies and no time limit uses them; write days.
 *   A zero duration (P0D, PT0S) gives the start itself, on every calendar.
 *
 * Working days come from a WorkingCalendar (built from the calendar_days table with fromDays);
 * dates the table does not hold fall back to Monday–Friday working, Saturday and Sunday not.
 *
 * Every calculation walks day by day (never minute by minute): a limit of 30 working days looks at
 * about 45 days. A walk that finds no working day within MAX_WALK_DAYS throws.
 */

export type CalendarKind = 'CLOCK' | 'WORKING_HOURS' | 'WORKING_DAYS';
export const CALENDAR_KINDS: readonly CalendarKind[] = ['CLOCK', 'WORKING_HOURS', 'WORKING_DAYS'];

// ---------------------------------------------------------------------------------------------
// constants

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Beijing time (Asia/Shanghai) is UTC+8 all year. */
export const BEIJING_UTC_OFFSET_MS = 8 * HOUR_MS;

/** The working periods of a working day, in minutes after Beijing midnight: 09:00–12:00, 13:00–18:00. */
export const WORKING_PERIODS: readonly { readonly from: number; readonly to: number }[] = [
  { from: 9 * 60, to: 12 * 60 },
  { from: 13 * 60, to: 18 * 60 },
];
/** The same periods as 'HH:MM' labels, for messages and documentation. */
export const WORKING_PERIOD_LABELS: readonly string[] = ['09:00-12:00', '13:00-18:00'];
/** Working hours in one working day (3 + 5). */
export const WORKING_HOURS_PER_DAY = 8;
export const WORKING_MS_PER_DAY = WORKING_HOURS_PER_DAY * HOUR_MS;
/** Working days in one week (W) of a WORKING_HOURS or WORKING_DAYS duration. */
export const WORKING_DAYS_PER_WEEK = 5;
/** The longest day-by-day walk before giving up (no working day in 100 years: a broken calendar). */
export const MAX_WALK_DAYS = 36_525;

/** Working periods in ms after Beijing midnight. */
const PERIODS_MS = WORKING_PERIODS.map((p) => ({ from: p.from * MINUTE_MS, to: p.to * MINUTE_MS }));

// ---------------------------------------------------------------------------------------------
// ISO 8601 durations

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  /** may be fractional (PT1.5S) */
  seconds: number;
}

const DURATION_RE = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/**
 * Parses an ISO 8601 duration: PnYnMnWnDTnHnMnS, each part optional but at least one present and,
 * after T, at least one time part. Whole numbers, except the seconds (PT0.5S or PT0,5S).
 * Weeks may be combined with other parts (P1W2D), as most parsers allow. Negative durations, lower
 * case and spaces are not accepted. Throws an Error naming the input otherwise.
 */
export function parseDuration(iso: string): Duration {
  const m = typeof iso === 'string' ? DURATION_RE.exec(iso) : null;
  if (!m || iso === 'P' || iso.endsWith('T')) {
    throw new Error(`invalid ISO 8601 duration ${JSON.stringify(iso)}: expected e.g. PT30M, PT8H, P3D, P1DT2H, P2W`);
  }
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s.replace(',', '.')));
  return { years: n(m[1]), months: n(m[2]), weeks: n(m[3]), days: n(m[4]), hours: n(m[5]), minutes: n(m[6]), seconds: n(m[7]) };
}

function rejectYearsMonths(d: Duration, iso: string): void {
  if (d.years || d.months) {
    throw new Error(`duration ${JSON.stringify(iso)}: years and months have no fixed length; write the limit in days, hours or minutes`);
  }
}

function partsMs(d: Duration): number {
  return d.hours * HOUR_MS + d.minutes * MINUTE_MS + Math.round(d.seconds * 1000);
}

/** Clock length of a duration in ms: W = 7 days, D = 24 hours. Years and months throw. */
export function durationMs(iso: string): number {
  const d = parseDuration(iso);
  rejectYearsMonths(d, iso);
  return (d.weeks * 7 + d.days) * DAY_MS + partsMs(d);
}

/** Working length of a duration in ms: W = 5 working days, D = 8 working hours. Years and months throw. */
export function workingDurationMs(iso: string): number {
  const d = parseDuration(iso);
  rejectYearsMonths(d, iso);
  return (d.weeks * WORKING_DAYS_PER_WEEK + d.days) * WORKING_MS_PER_DAY + partsMs(d);
}

// ---------------------------------------------------------------------------------------------
// Beijing days: day number = days since 1970-01-01 in Beijing time

function dayNumber(t: number): number {
  return Math.floor((t + BEIJING_UTC_OFFSET_MS) / DAY_MS);
}
/** The instant of Beijing midnight starting day number n. */
function dayStart(n: number): number {
  return n * DAY_MS - BEIJING_UTC_OFFSET_MS;
}

/** Day number → 'YYYY-MM-DD' (proleptic Gregorian; H. Hinnant's civil_from_days). */
function ymdOf(n: number): string {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const YMD_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → day number (H. Hinnant's days_from_civil); throws on anything else. */
function dayNumberOfYmd(ymd: string): number {
  const m = YMD_RE.exec(ymd);
  if (!m) throw new Error(`invalid date ${JSON.stringify(ymd)}: expected YYYY-MM-DD`);
  let y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  y -= mo <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const n = era * 146_097 + doe - 719_468;
  // 2026-02-30 and 2026-13-01 do not round-trip
  if (mo < 1 || mo > 12 || d < 1 || ymdOf(n) !== ymd) throw new Error(`invalid date ${JSON.stringify(ymd)}: no such day`);
  return n;
}

/** The Beijing date ('YYYY-MM-DD') of an instant. */
export function beijingDate(t: Date | number): string {
  return ymdOf(dayNumber(typeof t === 'number' ? t : t.getTime()));
}

/** The instant of 00:00 Beijing time on a date ('YYYY-MM-DD'). */
export function beijingMidnight(ymd: string): Date {
  return new Date(dayStart(dayNumberOfYmd(ymd)));
}

// ---------------------------------------------------------------------------------------------
// working calendars

export interface WorkingCalendar {
  /** ymd = 'YYYY-MM-DD', a date in Beijing time. */
  isWorkingDay(ymd: string): boolean;
}

/** Monday to Friday working, Saturday and Sunday not: the fallback for dates no row covers. */
export const MONDAY_TO_FRIDAY: WorkingCalendar = {
  isWorkingDay(ymd: string): boolean {
    const weekday = (((dayNumberOfYmd(ymd) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    return weekday !== 0 && weekday !== 6;
  },
};

/**
 * A calendar from calendar_days rows (date 'YYYY-MM-DD', isWorkingDay). Dates that no row covers
 * are asked of `fallback`, by default MONDAY_TO_FRIDAY. A later row for the same date wins.
 * Throws on a date that is not 'YYYY-MM-DD'.
 */
export function fromDays(rows: readonly { date: string; isWorkingDay: boolean }[], fallback: WorkingCalendar = MONDAY_TO_FRIDAY): WorkingCalendar {
  const days = new Map<string, boolean>();
  for (const r of rows) {
    dayNumberOfYmd(r.date);
    days.set(r.date, r.isWorkingDay);
  }
  return {
    isWorkingDay(ymd: string): boolean {
      return days.get(ymd) ?? fallback.isWorkingDay(ymd);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// working time

/** The instant when `amount` ms of working time have elapsed after `from` (amount > 0). */
function addWorking(from: number, amount: number, cal: WorkingCalendar): number {
  let remaining = amount;
  let sawWorkingDay = false;
  const first = dayNumber(from);
  for (let day = first; day < first + MAX_WALK_DAYS; day++) {
    if (!cal.isWorkingDay(ymdOf(day))) continue;
    sawWorkingDay = true;
    const base = dayStart(day);
    for (const p of PERIODS_MS) {
      const s = Math.max(base + p.from, from);
      const e = base + p.to;
      if (s >= e) continue;
      if (remaining <= e - s) return s + remaining;
      remaining -= e - s;
    }
  }
  throw new Error(
    sawWorkingDay
      ? `the limit runs more than ${MAX_WALK_DAYS} days past ${new Date(from).toISOString()}`
      : `no working day within ${MAX_WALK_DAYS} days after ${new Date(from).toISOString()}: check the working calendar`,
  );
}

/** Working ms in [from, to); 0 when to <= from. */
function workingBetween(from: number, to: number, cal: WorkingCalendar): number {
  if (!(to > from)) return 0;
  let total = 0;
  const last = dayNumber(to);
  for (let day = dayNumber(from); day <= last; day++) {
    if (!cal.isWorkingDay(ymdOf(day))) continue;
    const base = dayStart(day);
    for (const p of PERIODS_MS) {
      const s = Math.max(base + p.from, from);
      const e = Math.min(base + p.to, to);
      if (e > s) total += e - s;
    }
  }
  return total;
}

/** WORKING_DAYS counting begins at 00:00 Beijing time of the day after the start's date. */
function workingDaysCountFrom(start: number): number {
  return dayStart(dayNumber(start) + 1);
}

function instant(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new Error(`${what} is not a valid date`);
  return t;
}

function checkKind(kind: CalendarKind): void {
  if (!CALENDAR_KINDS.includes(kind)) throw new Error(`unknown calendar ${JSON.stringify(kind)}: expected one of ${CALENDAR_KINDS.join(', ')}`);
}

/**
 * The deadline of a time limit `iso` started at `start`, counted on calendar `kind`
 * (see the module comment for the rules of each calendar). Throws on an invalid duration,
 * years or months, an unknown calendar or an invalid start.
 */
export function addBusinessTime(start: Date, iso: string, kind: CalendarKind, cal: WorkingCalendar): Date {
  const t = instant(start, 'start');
  checkKind(kind);
  if (kind === 'CLOCK') {
    const due = new Date(t + durationMs(iso));
    if (!Number.isFinite(due.getTime())) throw new Error(`duration ${JSON.stringify(iso)} is too long`);
    return due;
  }
  const amount = workingDurationMs(iso);
  if (amount === 0) return new Date(t);
  return new Date(addWorking(kind === 'WORKING_DAYS' ? workingDaysCountFrom(t) : t, amount, cal));
}

/**
 * Time between `start` and `end` in ms as the calendar counts it: CLOCK, the plain difference;
 * WORKING_HOURS, the working time in [start, end); WORKING_DAYS, the working time from the day after
 * start's date (the start day never counts) up to end. Never negative: 0 when end is not later.
 */
export function businessTimeBetween(start: Date, end: Date, kind: CalendarKind, cal: WorkingCalendar): number {
  const a = instant(start, 'start');
  const b = instant(end, 'end');
  checkKind(kind);
  if (kind === 'CLOCK') return Math.max(0, b - a);
  return workingBetween(kind === 'WORKING_DAYS' ? workingDaysCountFrom(a) : a, b, cal);
}

/**
 * The instant at which `fraction` (0..1) of the time between `start` and `due` has elapsed on the
 * calendar: for reminders (催办) at 50 % and 80 % of a limit. CLOCK interpolates plainly; the working
 * calendars place the point at that share of the working time (businessTimeBetween) and return the
 * earliest instant it is reached (so a point on a period boundary is 12:00 or 18:00, not the next
 * opening). For WORKING_DAYS the working time is counted from the day after the start's date, as
 * the limit itself is; when that leaves no working time before due, it is counted from start.
 * fraction 0 gives start and 1 gives due exactly. When due is not after start, or no working time
 * lies between them, the point is interpolated on the clock. Throws on a fraction outside 0..1.
 */
export function businessFractionPoint(start: Date, due: Date, fraction: number, kind: CalendarKind, cal: WorkingCalendar): Date {
  const a = instant(start, 'start');
  const b = instant(due, 'due');
  checkKind(kind);
  if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new Error(`fraction ${String(fraction)} is not between 0 and 1`);
  }
  if (fraction === 0) return new Date(a);
  if (fraction === 1) return new Date(b);
  const clock = () => new Date(a + Math.round((b - a) * fraction));
  if (kind === 'CLOCK' || b <= a) return clock();
  let from = kind === 'WORKING_DAYS' ? workingDaysCountFrom(a) : a;
  let total = workingBetween(from, b, cal);
  if (total === 0 && from !== a) {
    from = a;
    total = workingBetween(from, b, cal);
  }
  if (total === 0) return clock();
  const share = Math.round(total * fraction);
  return share === 0 ? new Date(a) : new Date(addWorking(from, share, cal));
}

// ---------------------------------------------------------------------------------------------
// deadline specs (what the computeDeadlines activity receives)

/** A deadline: `duration` counted on `calendar` from `start`, or the `fraction` point between `start` and `due`. */
export type DeadlineSpec =
  | { start: string; duration: string; calendar: CalendarKind }
  | { start: string; due: string; fraction: number; calendar: CalendarKind };

function parseInstant(s: unknown, what: string): Date {
  // ISO 8601 with a date and a time (and an offset or Z): no locale-dependent Date parsing
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    throw new Error(`${what} ${JSON.stringify(s)} is not an ISO 8601 date-time with an offset (e.g. 2026-10-09T10:00:00+08:00)`);
  }
  const d = new Date(s);
  if (!Number.isFinite(d.getTime())) throw new Error(`${what} ${JSON.stringify(s)} is not a valid date-time`);
  return d;
}

/** Computes one DeadlineSpec; throws an Error naming what is wrong with it. */
export function computeDeadline(spec: DeadlineSpec, cal: WorkingCalendar): Date {
  if (typeof spec !== 'object' || spec === null) throw new Error('deadline spec must be an object');
  const start = parseInstant(spec.start, 'start');
  if ('duration' in spec) return addBusinessTime(start, spec.duration, spec.calendar, cal);
  if ('due' in spec) return businessFractionPoint(start, parseInstant(spec.due, 'due'), spec.fraction, spec.calendar, cal);
  throw new Error('deadline spec needs either a duration or a due and a fraction');
}
