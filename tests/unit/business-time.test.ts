/**
 * Business time (process/business-time) on the real 2026 calendar (seed/calendar, the State
 * Council's schedule). Every expected instant below is worked out by hand from that calendar:
 *   元旦     1/1 Thu – 1/3 Sat off, Sun 1/4 make-up working day
 *   春节     Sat 2/14 make-up working day, 2/15 Sun – 2/23 Mon off, Sat 2/28 make-up working day
 *   中秋节   9/25 Fri – 9/27 Sun off; Sun 9/20 make-up working day (for 国庆节)
 *   国庆节   10/1 Thu – 10/7 Wed off, 10/8 Thu and 10/9 Fri working, Sat 10/10 make-up working day
 *   November has no holiday: Fri 11/20, Sat 11/21, Sun 11/22, Mon 11/23 … an ordinary week.
 * Times are Beijing time (UTC+8); working periods 09:00–12:00 and 13:00–18:00.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { createDeadlineActivities } from '../../activities/deadlines';
import { computeDeadlinesWith } from '../../domain/calendar';
import {
  BEIJING_UTC_OFFSET_MS,
  WORKING_HOURS_PER_DAY,
  WORKING_PERIODS,
  addBusinessTime,
  businessFractionPoint,
  businessTimeBetween,
  durationMs,
  fromDays,
  parseDuration,
  workingDurationMs,
  type CalendarKind,
  type WorkingCalendar,
} from '../../process/business-time';
import { buildCalendar } from '../../seed/calendar';

const cal2026 = fromDays(buildCalendar([2026]));

/** '2026-11-20 10:00' (Beijing time) → Date */
const bj = (s: string): Date => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const add = (start: string, iso: string, kind: CalendarKind, cal: WorkingCalendar = cal2026) => addBusinessTime(bj(start), iso, kind, cal);
const H = 3_600_000;

describe('constants', () => {
  it('given the Beijing working day, then it is 09:00–12:00 and 13:00–18:00 at UTC+8, 8 hours', () => {
    expect(BEIJING_UTC_OFFSET_MS).toBe(8 * H);
    expect(WORKING_PERIODS).toEqual([
      { from: 540, to: 720 },
      { from: 780, to: 1080 },
    ]);
    expect(WORKING_HOURS_PER_DAY).toBe(8);
  });
});

describe('parseDuration / durationMs', () => {
  it('given ISO 8601 durations, when parsed, then every part is read (fractional seconds too)', () => {
    const zero = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
    expect(parseDuration('PT30M')).toEqual({ ...zero, minutes: 30 });
    expect(parseDuration('PT8H')).toEqual({ ...zero, hours: 8 });
    expect(parseDuration('P3D')).toEqual({ ...zero, days: 3 });
    expect(parseDuration('P1DT2H')).toEqual({ ...zero, days: 1, hours: 2 });
    expect(parseDuration('P2W')).toEqual({ ...zero, weeks: 2 });
    expect(parseDuration('PT1.5S')).toEqual({ ...zero, seconds: 1.5 });
    expect(parseDuration('PT0,25S')).toEqual({ ...zero, seconds: 0.25 });
    expect(parseDuration('P1Y2M3W4DT5H6M7.5S')).toEqual({ years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7.5 });
    expect(parseDuration('P0D')).toEqual(zero);
  });

  it('given clock durations, when measured, then a day is 24 h and a week 7 days', () => {
    expect(durationMs('PT30M')).toBe(30 * 60_000);
    expect(durationMs('P1DT2H')).toBe(26 * H);
    expect(durationMs('P2W')).toBe(14 * 24 * H);
    expect(durationMs('PT1.5S')).toBe(1500);
  });

  it('given working durations, when measured, then a day is 8 working hours and a week 5 working days', () => {
    expect(workingDurationMs('P1D')).toBe(8 * H);
    expect(workingDurationMs('P1DT2H')).toBe(10 * H);
    expect(workingDurationMs('P1W')).toBe(40 * H);
  });

  it.each(['', 'P', 'PT', 'P1DT', '3D', 'p3d', 'PT8h', 'P-1D', '-P1D', 'P1.5D', 'PT1.5H', ' P1D', 'P1D ', 'P1H', 'PT1D', 'P1D2W', '1 day', 'P1DT2H30'])(
    'given the invalid duration %j, when parsed, then it throws naming it',
    (bad) => {
      expect(() => parseDuration(bad)).toThrow(/invalid ISO 8601 duration/);
      expect(() => addBusinessTime(bj('2026-11-23 09:00'), bad, 'WORKING_HOURS', cal2026)).toThrow(/invalid ISO 8601 duration/);
    },
  );

  it('given years or months, when used as a limit, then it throws (they have no fixed length)', () => {
    expect(() => durationMs('P1Y')).toThrow(/years and months/);
    expect(() => add('2026-11-23 09:00', 'P1M', 'CLOCK')).toThrow(/years and months/);
    expect(() => add('2026-11-23 09:00', 'P1M', 'WORKING_DAYS')).toThrow(/years and months/);
  });

  it('given an unknown calendar or an invalid start, then it throws', () => {
    expect(() => add('2026-11-23 09:00', 'P1D', 'BUSINESS' as CalendarKind)).toThrow(/unknown calendar/);
    expect(() => addBusinessTime(new Date('nonsense'), 'P1D', 'CLOCK', cal2026)).toThrow(/start is not a valid date/);
  });
});

describe('CLOCK: plain wall-clock addition', () => {
  it('given a start on a holiday, when 30 minutes are added, then holidays do not matter', () => {
    expect(add('2026-10-01 10:00', 'PT30M', 'CLOCK')).toEqual(bj('2026-10-01 10:30'));
  });
  it('given P1DT2H started at night during 春节, then it ends 26 hours later', () => {
    expect(add('2026-02-16 23:00', 'P1DT2H', 'CLOCK')).toEqual(bj('2026-02-18 01:00'));
  });
  it('given P2W, then it ends 14 days later (through the National Day holiday)', () => {
    expect(add('2026-09-30 10:00', 'P2W', 'CLOCK')).toEqual(bj('2026-10-14 10:00'));
  });
  it('given fractional seconds, then they are added to the millisecond', () => {
    expect(add('2026-11-23 09:00', 'PT1.5S', 'CLOCK').getTime() - bj('2026-11-23 09:00').getTime()).toBe(1500);
  });
});

describe('WORKING_HOURS: only 09:00–12:00 and 13:00–18:00 of working days count', () => {
  it('given 2 hours started Tue 11:00, then the lunch break is skipped: Tue 14:00', () => {
    expect(add('2026-11-24 11:00', 'PT2H', 'WORKING_HOURS')).toEqual(bj('2026-11-24 14:00'));
  });
  it('given 3 hours started Tue 17:00, then it continues overnight: Wed 11:00', () => {
    expect(add('2026-11-24 17:00', 'PT3H', 'WORKING_HOURS')).toEqual(bj('2026-11-25 11:00'));
  });
  it('given PT8H started Friday 10:00 before a normal weekend, then it ends Monday 10:00', () => {
    // Fri 10–12 (2 h) + 13–18 (5 h) = 7 h; Sat, Sun off; Mon 09–10 (1 h)
    expect(add('2026-11-20 10:00', 'PT8H', 'WORKING_HOURS')).toEqual(bj('2026-11-23 10:00'));
  });
  it('given a limit that exactly fills a period, then it ends at the period end, not the next opening', () => {
    expect(add('2026-11-23 09:00', 'PT3H', 'WORKING_HOURS')).toEqual(bj('2026-11-23 12:00'));
    expect(add('2026-11-23 09:00', 'PT8H', 'WORKING_HOURS')).toEqual(bj('2026-11-23 18:00'));
  });
  it('given starts outside working hours, then counting begins at the next working-period start', () => {
    expect(add('2026-11-24 07:00', 'PT1H', 'WORKING_HOURS')).toEqual(bj('2026-11-24 10:00')); // before opening
    expect(add('2026-11-24 12:30', 'PT1H', 'WORKING_HOURS')).toEqual(bj('2026-11-24 14:00')); // lunch
    expect(add('2026-11-24 19:30', 'PT30M', 'WORKING_HOURS')).toEqual(bj('2026-11-25 09:30')); // evening
    expect(add('2026-11-21 15:00', 'PT4H', 'WORKING_HOURS')).toEqual(bj('2026-11-23 14:00')); // Saturday: Mon 09–12, 13–14
  });
  it('given days in a WORKING_HOURS limit, then 1 day = 8 working hours and 1 week = 40', () => {
    expect(add('2026-11-23 09:00', 'P1D', 'WORKING_HOURS')).toEqual(bj('2026-11-23 18:00'));
    // Tue 14–18 (4 h), Wed 09–12 (3 h), 13–14 (1 h)
    expect(add('2026-11-24 14:00', 'P1D', 'WORKING_HOURS')).toEqual(bj('2026-11-25 14:00'));
    expect(add('2026-11-23 09:00', 'P1W', 'WORKING_HOURS')).toEqual(bj('2026-11-27 18:00'));
  });
  it('given a zero limit, then the deadline is the start itself', () => {
    expect(add('2026-11-21 15:00', 'PT0S', 'WORKING_HOURS')).toEqual(bj('2026-11-21 15:00'));
    expect(add('2026-11-21 15:00', 'P0D', 'WORKING_DAYS')).toEqual(bj('2026-11-21 15:00'));
  });
});

describe('National Day 2026: 10/1–10/7 off, Sat 10/10 and Sun 9/20 are make-up working days', () => {
  it('given P3D working days received Wed 9/30, then 10/8, 10/9 and the make-up Saturday 10/10 count: 10/10 18:00', () => {
    expect(add('2026-09-30 10:00', 'P3D', 'WORKING_DAYS')).toEqual(bj('2026-10-10 18:00'));
  });
  it('given PT24H working hours from Wed 9/30 14:00, then the holiday is skipped and the make-up Saturday works', () => {
    // 9/30 14–18 (4 h); 10/1–10/7 off; 10/8 (8 h, 12); 10/9 (8 h, 20); Sat 10/10 09–12 (23), 13–14 (24)
    expect(add('2026-09-30 14:00', 'PT24H', 'WORKING_HOURS')).toEqual(bj('2026-10-10 14:00'));
  });
  it('given P1D working days received Sat 9/19, then the next day, the make-up Sunday 9/20, is day 1', () => {
    expect(add('2026-09-19 10:00', 'P1D', 'WORKING_DAYS')).toEqual(bj('2026-09-20 18:00'));
  });
  it('given P1D working days received Thu 9/24, then 中秋节 (9/25–9/27) is skipped: Mon 9/28 18:00', () => {
    expect(add('2026-09-24 10:00', 'P1D', 'WORKING_DAYS')).toEqual(bj('2026-09-28 18:00'));
  });
  it('given P2D working days received Fri 10/9, then Sat 10/10 and Mon 10/12 count (Sun 10/11 is off)', () => {
    expect(add('2026-10-09 10:00', 'P2D', 'WORKING_DAYS')).toEqual(bj('2026-10-12 18:00'));
  });
});

describe('a start on a holiday', () => {
  it('given PT8H working hours started on 10/3, then counting begins 10/8 09:00: 10/8 18:00', () => {
    expect(add('2026-10-03 10:00', 'PT8H', 'WORKING_HOURS')).toEqual(bj('2026-10-08 18:00'));
  });
  it('given P1D and P3D working days received on 10/3, then day 1 is 10/8: 10/8 18:00 and 10/10 18:00', () => {
    expect(add('2026-10-03 10:00', 'P1D', 'WORKING_DAYS')).toEqual(bj('2026-10-08 18:00'));
    expect(add('2026-10-03 10:00', 'P3D', 'WORKING_DAYS')).toEqual(bj('2026-10-10 18:00'));
  });
  it('given a start on 元旦 1/1, then the make-up Sunday 1/4 is the first working day', () => {
    expect(add('2026-01-01 10:00', 'PT2H', 'WORKING_HOURS')).toEqual(bj('2026-01-04 11:00'));
    expect(add('2026-01-01 10:00', 'P1D', 'WORKING_DAYS')).toEqual(bj('2026-01-04 18:00'));
  });
});

describe('WORKING_DAYS across 春节 2026 (make-up Sat 2/14, off 2/15–2/23, make-up Sat 2/28)', () => {
  it('given P5D received Fri 2/13, then days are 2/14, 2/24, 2/25, 2/26, 2/27: 2/27 18:00', () => {
    expect(add('2026-02-13 10:00', 'P5D', 'WORKING_DAYS')).toEqual(bj('2026-02-27 18:00'));
  });
  it('given P6D received Fri 2/13, then the 6th working day is the make-up Saturday 2/28', () => {
    expect(add('2026-02-13 10:00', 'P6D', 'WORKING_DAYS')).toEqual(bj('2026-02-28 18:00'));
  });
  it('given P1D received on the make-up Saturday 2/14, then the next working day is Tue 2/24', () => {
    expect(add('2026-02-14 10:00', 'P1D', 'WORKING_DAYS')).toEqual(bj('2026-02-24 18:00'));
  });
  it('given P1DT2H received Thu 2/12 16:00, then Fri 2/13 is day 1 and the 2 hours run on Sat 2/14: 11:00', () => {
    expect(add('2026-02-12 16:00', 'P1DT2H', 'WORKING_DAYS')).toEqual(bj('2026-02-14 11:00'));
  });
  it('given only hours (PT4H) in working days received Fri 2/13, then they run from the next day: Sat 2/14 14:00', () => {
    expect(add('2026-02-13 10:00', 'PT4H', 'WORKING_DAYS')).toEqual(bj('2026-02-14 14:00'));
  });
  it('given a start before opening on a working day, then that day still does not count (from the day after receipt)', () => {
    expect(add('2026-02-24 07:00', 'P1D', 'WORKING_DAYS')).toEqual(bj('2026-02-25 18:00'));
  });
});

describe('fraction points (reminders at 50 % and 80 %)', () => {
  it('given PT16H working hours from Wed 9/30 14:00 (due 10/9 14:00 over the holiday), then 50 % is 10/8 14:00 and 80 % 10/9 09:48', () => {
    const start = bj('2026-09-30 14:00');
    const due = bj('2026-10-09 14:00'); // 9/30 4 h + 10/8 8 h + 10/9 09–12, 13–14 = 16 h
    expect(addBusinessTime(start, 'PT16H', 'WORKING_HOURS', cal2026)).toEqual(due);
    // 50 % = 8 h: 9/30 4 h, 10/8 09–12 (7 h), 13–14 (8 h)
    expect(businessFractionPoint(start, due, 0.5, 'WORKING_HOURS', cal2026)).toEqual(bj('2026-10-08 14:00'));
    // 80 % = 12 h 48 min: 9/30 4 h + 10/8 8 h = 12 h at 10/8 18:00, then 48 min on 10/9
    expect(businessFractionPoint(start, due, 0.8, 'WORKING_HOURS', cal2026)).toEqual(bj('2026-10-09 09:48'));
  });

  it('given P3D working days received 9/30 (due 10/10 18:00), then the points count from 10/8: 50 % 10/9 14:00, 80 % 10/10 13:12', () => {
    const start = bj('2026-09-30 10:00');
    const due = bj('2026-10-10 18:00');
    // 24 working hours on 10/8, 10/9, 10/10; 50 % = 12 h: 10/8 (8 h), 10/9 09–12, 13–14
    expect(businessFractionPoint(start, due, 0.5, 'WORKING_DAYS', cal2026)).toEqual(bj('2026-10-09 14:00'));
    // 80 % = 19 h 12 min: 16 h by 10/9 18:00, 10/10 09–12 (19 h), 13:00–13:12
    expect(businessFractionPoint(start, due, 0.8, 'WORKING_DAYS', cal2026)).toEqual(bj('2026-10-10 13:12'));
  });

  it('given a point on a period boundary, then it is the earliest instant: 12:00, not 13:00', () => {
    expect(businessFractionPoint(bj('2026-11-23 09:00'), bj('2026-11-23 18:00'), 3 / 8, 'WORKING_HOURS', cal2026)).toEqual(bj('2026-11-23 12:00'));
  });

  it('given CLOCK, then points are plain interpolation', () => {
    expect(businessFractionPoint(bj('2026-10-01 10:00'), bj('2026-10-01 20:00'), 0.5, 'CLOCK', cal2026)).toEqual(bj('2026-10-01 15:00'));
    expect(businessFractionPoint(bj('2026-10-01 10:00'), bj('2026-10-01 20:00'), 0.8, 'CLOCK', cal2026)).toEqual(bj('2026-10-01 18:00'));
  });

  it('given fraction 0 or 1, then the start or the due; given a fraction outside 0..1, then it throws', () => {
    const start = bj('2026-09-30 14:00');
    const due = bj('2026-10-09 14:00');
    expect(businessFractionPoint(start, due, 0, 'WORKING_HOURS', cal2026)).toEqual(start);
    expect(businessFractionPoint(start, due, 1, 'WORKING_HOURS', cal2026)).toEqual(due);
    for (const f of [-0.1, 1.5, NaN]) expect(() => businessFractionPoint(start, due, f, 'WORKING_HOURS', cal2026)).toThrow(/between 0 and 1/);
  });

  it('given no working time between start and due, then the point is interpolated on the clock', () => {
    expect(businessFractionPoint(bj('2026-10-02 10:00'), bj('2026-10-02 20:00'), 0.5, 'WORKING_HOURS', cal2026)).toEqual(bj('2026-10-02 15:00'));
  });
});

describe('businessTimeBetween', () => {
  it('given Fri 10:00 to Mon 10:00 of an ordinary weekend, then 8 working hours; on the clock 72 hours', () => {
    expect(businessTimeBetween(bj('2026-11-20 10:00'), bj('2026-11-23 10:00'), 'WORKING_HOURS', cal2026)).toBe(8 * H);
    expect(businessTimeBetween(bj('2026-11-20 10:00'), bj('2026-11-23 10:00'), 'CLOCK', cal2026)).toBe(72 * H);
  });
  it('given WORKING_DAYS, then the start day does not count', () => {
    expect(businessTimeBetween(bj('2026-11-20 10:00'), bj('2026-11-23 10:00'), 'WORKING_DAYS', cal2026)).toBe(1 * H);
  });
  it('given an end before the start, then 0', () => {
    expect(businessTimeBetween(bj('2026-11-23 10:00'), bj('2026-11-20 10:00'), 'WORKING_HOURS', cal2026)).toBe(0);
  });
  it.each([
    ['2026-09-30 14:00', 'PT24H', 'WORKING_HOURS'],
    ['2026-02-13 10:00', 'P6D', 'WORKING_DAYS'],
    ['2026-02-12 16:00', 'P1DT2H', 'WORKING_DAYS'],
    ['2026-11-21 15:00', 'PT4H', 'WORKING_HOURS'],
  ] as const)('given %s + %s on %s, then the working time to the deadline is the limit', (start, iso, kind) => {
    expect(businessTimeBetween(bj(start), add(start, iso, kind), kind, cal2026)).toBe(workingDurationMs(iso));
  });
});

describe('working calendars', () => {
  it('given no row for a date, then Monday to Friday are working days', () => {
    const cal = fromDays([{ date: '2030-01-05', isWorkingDay: true }]);
    expect(cal.isWorkingDay('2030-01-04')).toBe(true); // Friday
    expect(cal.isWorkingDay('2030-01-05')).toBe(true); // Saturday, but a row says working
    expect(cal.isWorkingDay('2030-01-06')).toBe(false); // Sunday
    expect(cal.isWorkingDay('2030-01-07')).toBe(true); // Monday
  });
  it('given a custom fallback, then it answers for dates without a row', () => {
    const cal = fromDays([], { isWorkingDay: () => false });
    expect(cal.isWorkingDay('2030-01-07')).toBe(false);
  });
  it('given a row whose date is not YYYY-MM-DD, then it throws', () => {
    expect(() => fromDays([{ date: '2026/10/01', isWorkingDay: false }])).toThrow(/YYYY-MM-DD/);
    expect(() => fromDays([{ date: '2026-02-30', isWorkingDay: false }])).toThrow(/no such day/);
  });
  it('given the 2026 calendar, then the seed data agrees with the facts these tests rely on', () => {
    for (const d of ['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10', '2026-01-04']) expect(cal2026.isWorkingDay(d)).toBe(true);
    for (const d of ['2026-02-15', '2026-02-23', '2026-09-25', '2026-10-01', '2026-10-07', '2026-10-11', '2026-11-21']) expect(cal2026.isWorkingDay(d)).toBe(false);
  });
  it('given a long limit, then the calendar is asked once per day walked, not per minute', () => {
    let calls = 0;
    const counting: WorkingCalendar = { isWorkingDay: (d) => (calls++, cal2026.isWorkingDay(d)) };
    // 100 working days from Mon 6/1: under 5 months of days
    add('2026-06-01 09:00', 'P100D', 'WORKING_DAYS', counting);
    expect(calls).toBeLessThan(160);
  });
  it('given a calendar without any working day, then it throws instead of looping forever', () => {
    expect(() => add('2026-06-01 09:00', 'PT1H', 'WORKING_HOURS', { isWorkingDay: () => false })).toThrow(/no working day/);
    expect(() => add('2026-06-01 09:00', 'P99999999D', 'WORKING_DAYS')).toThrow(/runs more than/);
    expect(() => add('2026-06-01 09:00', 'P999999999D', 'CLOCK')).toThrow(/too long/);
  });
});

describe('computeDeadlines (activity)', () => {
  const rows2026 = buildCalendar([2026]);
  const rows2027 = buildCalendar([2027]);

  /** A stand-in for prisma.calendarDay.findMany over the seeded 2026 and 2027 rows, counting queries per year. */
  function fakePrisma() {
    const queries: number[] = [];
    const prisma = {
      calendarDay: {
        findMany: async (args: { where: { date: { gte: Date; lt: Date } } }) => {
          const { gte, lt } = args.where.date;
          queries.push(gte.getUTCFullYear());
          return [...rows2026, ...rows2027]
            .map((r) => ({ date: new Date(`${r.date}T00:00:00Z`), isWorkingDay: r.isWorkingDay }))
            .filter((r) => r.date >= gte && r.date < lt);
        },
      },
    };
    return { prisma: prisma as unknown as PrismaClient, queries };
  }

  it('given limits and reminder points, when computed, then ISO instants in input order', async () => {
    const { prisma } = fakePrisma();
    const { computeDeadlines } = createDeadlineActivities({ prisma });
    const out = await computeDeadlines({
      specs: [
        { start: '2026-09-30T10:00:00+08:00', duration: 'P3D', calendar: 'WORKING_DAYS' },
        { start: '2026-11-20T02:00:00Z', duration: 'PT8H', calendar: 'WORKING_HOURS' },
        { start: '2026-09-30T06:00:00Z', due: '2026-10-09T06:00:00Z', fraction: 0.8, calendar: 'WORKING_HOURS' },
        { start: '2026-10-01T10:00:00+08:00', duration: 'PT30M', calendar: 'CLOCK' },
      ],
    });
    expect(out).toEqual([
      bj('2026-10-10 18:00').toISOString(),
      bj('2026-11-23 10:00').toISOString(),
      bj('2026-10-09 09:48').toISOString(),
      bj('2026-10-01 10:30').toISOString(),
    ]);
  });

  it('given a burst of calls, then each year is queried once and reused', async () => {
    const { prisma, queries } = fakePrisma();
    const { computeDeadlines } = createDeadlineActivities({ prisma });
    const spec = { start: '2026-02-13T10:00:00+08:00', duration: 'P5D', calendar: 'WORKING_DAYS' as const };
    const outs = await Promise.all(Array.from({ length: 5 }, () => computeDeadlines({ specs: [spec] })));
    await computeDeadlines({ specs: [spec] });
    for (const o of outs) expect(o).toEqual([bj('2026-02-27 18:00').toISOString()]);
    expect(queries).toEqual([2026]);
  });

  it('given the cache is older than 60 s, then the year is queried again', async () => {
    const { prisma, queries } = fakePrisma();
    const { computeDeadlines } = createDeadlineActivities({ prisma });
    const spec = { start: '2026-02-13T10:00:00+08:00', duration: 'P5D', calendar: 'WORKING_DAYS' as const };
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      await computeDeadlines({ specs: [spec] });
      now.mockReturnValue(1_000_000 + 61_000);
      await computeDeadlines({ specs: [spec] });
    } finally {
      now.mockRestore();
    }
    expect(queries).toEqual([2026, 2026]);
  });

  it('given only CLOCK limits, then no calendar is queried', async () => {
    const { prisma, queries } = fakePrisma();
    const { computeDeadlines } = createDeadlineActivities({ prisma });
    expect(await computeDeadlines({ specs: [{ start: '2026-10-01T02:00:00Z', duration: 'P1D', calendar: 'CLOCK' }] })).toEqual(['2026-10-02T02:00:00.000Z']);
    expect(queries).toEqual([]);
  });

  it('given a limit that walks past the years first loaded, then the next year is loaded and its holidays count', async () => {
    // Mon 6/1 – Thu 12/31 2026 hold 149 working days (June 21, July 23, August 21, September 22,
    // October 18, November 21, December 23); the 150th is the first working day of 2027. 2027-01-01
    // (Fri) to 01-03 are 元旦, so it is Mon 2027-01-04, not Fri 01-01 as Monday–Friday would say.
    const { prisma, queries } = fakePrisma();
    const { computeDeadlines } = createDeadlineActivities({ prisma });
    const out = await computeDeadlines({ specs: [{ start: '2026-06-01T09:00:00+08:00', duration: 'P150D', calendar: 'WORKING_HOURS' }] });
    expect(out).toEqual([bj('2027-01-04 18:00').toISOString()]);
    expect(queries).toEqual([2026, 2027]);
  });

  it('given an invalid spec, then the activity fails without retrying, naming the spec', async () => {
    const { prisma } = fakePrisma();
    const { computeDeadlines } = createDeadlineActivities({ prisma });
    await expect(computeDeadlines({ specs: [{ start: '2026-10-01T02:00:00Z', duration: 'P1D', calendar: 'CLOCK' }, { start: '2026-10-01T02:00:00Z', duration: '3 days', calendar: 'WORKING_DAYS' }] })).rejects.toMatchObject({
      nonRetryable: true,
      type: 'InvalidDeadlineSpec',
      message: expect.stringMatching(/deadline spec 1: invalid ISO 8601 duration "3 days"/),
    });
    await expect(computeDeadlines({ specs: [{ start: '1 Oct 2026', duration: 'P1D', calendar: 'CLOCK' }] })).rejects.toMatchObject({ nonRetryable: true });
  });

  it('given an injected calendar, then the pure helper computes the same as the activity (for workflow tests)', () => {
    expect(computeDeadlinesWith([{ start: '2026-02-13T10:00:00+08:00', duration: 'P6D', calendar: 'WORKING_DAYS' }], cal2026)).toEqual([bj('2026-02-28 18:00').toISOString()]);
  });
});
