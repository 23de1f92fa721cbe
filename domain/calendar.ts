/**
 * Deadlines and reminder points counted on the business calendar, for the deadline activity
 * (activities/deadlines.ts) and the API (a task's working time left, an approved extension).
 *
 * The arithmetic is the pure process/business-time module; this file only loads the working days
 * (calendar_days) it needs. Rows are cached per year for CALENDAR_CACHE_MS, so a burst of cases
 * queries each year once; a change an administrator makes to the calendar is seen within that time.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { MONDAY_TO_FRIDAY, computeDeadline, fromDays, type DeadlineSpec, type WorkingCalendar } from '../process/business-time';

export type { CalendarKind, DeadlineSpec, WorkingCalendar } from '../process/business-time';

export interface DeadlineDeps {
  prisma: PrismaClient;
}

/** How long loaded calendar years are reused. */
export const CALENDAR_CACHE_MS = 60_000;
/** The first load covers the start's year up to this many days past the start (more is loaded on demand). */
export const CALENDAR_HORIZON_DAYS = 120;
/** At most this many reloads when a calculation walks past the years loaded so far. */
const MAX_GROW = 20;

/**
 * Pure: every spec computed on one calendar, as ISO strings (UTC, `…Z`), in input order.
 * Throws an Error naming the spec (by index) that is invalid. A workflow test can run it with any
 * WorkingCalendar (e.g. fromDays(buildCalendar([2026]))) in place of the activity.
 */
export function computeDeadlinesWith(specs: readonly DeadlineSpec[], cal: WorkingCalendar): string[] {
  if (!Array.isArray(specs)) throw new Error('specs must be an array');
  return specs.map((spec, i) => {
    try {
      return computeDeadline(spec, cal).toISOString();
    } catch (e) {
      throw new Error(`deadline spec ${i}: ${(e as Error).message}`, { cause: e });
    }
  });
}

type YearDays = Map<string, boolean>;

/** A calendar over the years loaded so far that records the years it was asked about but lacks. */
function trackingCalendar(years: ReadonlyMap<number, YearDays>, missing: Set<number>): WorkingCalendar {
  return {
    isWorkingDay(ymd: string): boolean {
      const y = Number(ymd.slice(0, 4));
      const days = years.get(y);
      if (!days) {
        missing.add(y);
        return MONDAY_TO_FRIDAY.isWorkingDay(ymd);
      }
      // a year the table does not (fully) hold: Monday to Friday, as process/business-time documents
      return days.get(ymd) ?? MONDAY_TO_FRIDAY.isWorkingDay(ymd);
    },
  };
}

function yearOf(iso: string): number | undefined {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t + 8 * 3_600_000).getUTCFullYear() : undefined; // Beijing year
}

/** The years a spec is likely to need (the growth loop adds any it missed). */
function likelyYears(spec: DeadlineSpec): number[] {
  if (typeof spec !== 'object' || spec === null || spec.calendar === 'CLOCK') return [];
  const from = yearOf(spec.start);
  if (from === undefined) return [];
  const end = 'due' in spec ? spec.due : new Date(Date.parse(spec.start) + CALENDAR_HORIZON_DAYS * 86_400_000).toISOString();
  const to = yearOf(end) ?? from;
  const years: number[] = [];
  for (let y = from; y <= Math.min(to, from + 5); y++) years.push(y);
  return years;
}

/**
 * Years of calendar_days, each loaded once and reused for CALENDAR_CACHE_MS (concurrent callers
 * share one query). The deadline activities and the API (a task's working time left) read them.
 */
export function createCalendarYears({ prisma }: DeadlineDeps) {
  const cache = new Map<number, { expires: number; days: Promise<YearDays> }>();

  /** One year of calendar_days, shared by concurrent callers and reused for CALENDAR_CACHE_MS. */
  function loadYear(year: number): Promise<YearDays> {
    const now = Date.now();
    const hit = cache.get(year);
    if (hit && hit.expires > now) return hit.days;
    const days = prisma.calendarDay
      .findMany({
        where: { date: { gte: new Date(Date.UTC(year, 0, 1)), lt: new Date(Date.UTC(year + 1, 0, 1)) } },
        select: { date: true, isWorkingDay: true },
      })
      .then((rows) => new Map(rows.map((r) => [r.date.toISOString().slice(0, 10), r.isWorkingDay] as const)));
    cache.set(year, { expires: now + CALENDAR_CACHE_MS, days });
    // a failed load is not cached: the activity's retry queries again
    days.catch(() => {
      if (cache.get(year)?.days === days) cache.delete(year);
    });
    return days;
  }

  /** the calendars built from those years, by span of years: built once per span and load of its years, not per task */
  const built = new Map<string, { of: YearDays[]; calendar: WorkingCalendar }>();

  return {
    loadYear,
    /**
     * The working calendar (fromDays over calendar_days) for the Beijing years `from` to `to`
     * touch (at most 6 years; dates outside them fall back to Monday to Friday). The same span
     * gives the same calendar object until one of its years is loaded again.
     */
    async calendarBetween(from: Date, to: Date): Promise<WorkingCalendar> {
      const [a, b] = [yearOf(from.toISOString()), yearOf(to.toISOString())].sort((x, y) => (x ?? 0) - (y ?? 0));
      if (a === undefined || b === undefined) return MONDAY_TO_FRIDAY;
      const last = Math.min(b, a + 5);
      const of: YearDays[] = [];
      for (let y = a; y <= last; y++) of.push(await loadYear(y));
      const key = `${a}-${last}`;
      const hit = built.get(key);
      if (hit && hit.of.length === of.length && hit.of.every((days, i) => days === of[i])) return hit.calendar;
      const rows: { date: string; isWorkingDay: boolean }[] = [];
      for (const days of of) for (const [date, isWorkingDay] of days) rows.push({ date, isWorkingDay });
      const calendar = fromDays(rows);
      built.set(key, { of, calendar });
      return calendar;
    },
  };
}

/** A deadline spec that can never be computed: the same input fails the same way every time. */
export class InvalidDeadlineSpec extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidDeadlineSpec';
  }
}

export function createDeadlineCalculator({ prisma }: DeadlineDeps) {
  const { loadYear } = createCalendarYears({ prisma });

  return {
    /**
     * Deadlines (ISO strings) for time limits and reminder points, in input order, counted on the
     * working days of calendar_days (Monday to Friday where the table has no row). An invalid spec
     * throws InvalidDeadlineSpec.
     */
    async computeDeadlines(input: { specs: DeadlineSpec[] }): Promise<string[]> {
      const specs = input?.specs;
      if (!Array.isArray(specs)) throw new InvalidDeadlineSpec('specs must be an array');
      const years = new Map<number, YearDays>();
      let wanted = new Set(specs.flatMap(likelyYears));
      for (let round = 0; ; round++) {
        await Promise.all([...wanted].filter((y) => !years.has(y)).map(async (y) => years.set(y, await loadYear(y))));
        const missing = new Set<number>();
        let result: string[];
        try {
          result = computeDeadlinesWith(specs, trackingCalendar(years, missing));
        } catch (e) {
          throw new InvalidDeadlineSpec((e as Error).message, { cause: e });
        }
        if (missing.size === 0 || round >= MAX_GROW) return result;
        wanted = missing;
      }
    },
  };
}

export type DeadlineCalculator = ReturnType<typeof createDeadlineCalculator>;
