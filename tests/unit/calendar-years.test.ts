import { CALENDAR_CACHE_MS, createCalendarYears } from '../../domain/calendar';
import type { PrismaClient } from '../../generated/prisma/client';

/** calendar_days as a fake Prisma delegate: the rows of the years asked for, counting the reads. */
function fakeDays(rows: Map<string, boolean>) {
  const reads: { gte: Date; lt: Date }[] = [];
  const prisma = {
    calendarDay: {
      findMany: async ({ where }: { where: { date: { gte: Date; lt: Date } } }) => {
        reads.push(where.date);
        return [...rows]
          .filter(([d]) => new Date(`${d}T00:00:00Z`) >= where.date.gte && new Date(`${d}T00:00:00Z`) < where.date.lt)
          .map(([d, w]) => ({ date: new Date(`${d}T00:00:00Z`), isWorkingDay: w }));
      },
    },
  } as unknown as PrismaClient;
  return { prisma, reads };
}

describe('working calendars of calendar_days years (domain/calendar createCalendarYears)', () => {
  afterEach(() => jest.useRealTimers());

  it('given a page of tasks in the same years, when each asks for its calendar, then the years are read once and one calendar serves them all', async () => {
    const { prisma, reads } = fakeDays(new Map([['2026-10-01', false], ['2026-09-20', true]]));
    const years = createCalendarYears({ prisma });
    const from = new Date('2026-09-01T00:00:00Z');
    const to = new Date('2026-12-01T00:00:00Z');
    const calendars = await Promise.all(Array.from({ length: 20 }, () => years.calendarBetween(from, to)));
    expect(reads).toHaveLength(1);
    expect(new Set(calendars).size).toBe(1);
    // the table's rows win over Monday to Friday: a holiday Thursday, a make-up Sunday
    expect(calendars[0].isWorkingDay('2026-10-01')).toBe(false);
    expect(calendars[0].isWorkingDay('2026-09-20')).toBe(true);
    expect(calendars[0].isWorkingDay('2026-10-12')).toBe(true);
  });

  it('given a calendar in use, when an administrator changes a day and the years are read again after the cache time, then the next calendar has the change', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-02T02:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const rows = new Map([['2026-11-09', true]]);
    const { prisma, reads } = fakeDays(rows);
    const years = createCalendarYears({ prisma });
    const span = [new Date('2026-11-01T00:00:00Z'), new Date('2026-11-30T00:00:00Z')] as const;
    const before = await years.calendarBetween(...span);
    expect(before.isWorkingDay('2026-11-09')).toBe(true);
    rows.set('2026-11-09', false);
    // within the cache time: the same calendar
    jest.setSystemTime(Date.now() + CALENDAR_CACHE_MS - 1);
    expect(await years.calendarBetween(...span)).toBe(before);
    jest.setSystemTime(Date.now() + 2);
    const after = await years.calendarBetween(...span);
    expect(reads).toHaveLength(2);
    expect(after).not.toBe(before);
    expect(after.isWorkingDay('2026-11-09')).toBe(false);
  });

  it('given spans over different years, then each span gets a calendar of its own years', async () => {
    const { prisma, reads } = fakeDays(new Map([['2026-12-31', false], ['2027-01-04', false]]));
    const years = createCalendarYears({ prisma });
    const one = await years.calendarBetween(new Date('2026-06-01T00:00:00Z'), new Date('2026-12-31T00:00:00Z'));
    const two = await years.calendarBetween(new Date('2026-12-01T00:00:00Z'), new Date('2027-01-10T00:00:00Z'));
    expect(one).not.toBe(two);
    expect(reads).toHaveLength(2);
    expect(one.isWorkingDay('2027-01-04')).toBe(true);
    expect(two.isWorkingDay('2027-01-04')).toBe(false);
  });
});
