/**
 * The business calendar (calendar_days): working days, public holidays and 调休 make-up working
 * days, read by deadline computation (a date without a row counts Monday to Friday). An
 * administrator's entry is confirmed: `provisional` is cleared and the seed leaves it alone.
 */
import type { PrismaClient } from '../../../generated/prisma/client';
import type { DayKind } from '../../../generated/prisma/enums';
import { invalid, malformed, notFound, text } from '../errors';
import { listPage, type ListQuery } from '../../http/paging';
import { recordAdminChange, type AdminActor } from './audit';

export interface CalendarDayView {
  date: string;
  /** ISO weekday: 1 Monday … 7 Sunday */
  weekday: number;
  kind: DayKind;
  isWorkingDay: boolean;
  note: string | null;
  provisional: boolean;
  updatedById: number | null;
  updatedAt: string;
}

/** The longest range one list returns. */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

const dateOf = (ymd: string) => new Date(`${ymd}T00:00:00.000Z`);
const weekdayOf = (d: Date) => ((d.getUTCDay() + 6) % 7) + 1;

const view = (r: { date: Date; kind: DayKind; isWorkingDay: boolean; note: string | null; provisional: boolean; updatedById: number | null; updatedAt: Date }): CalendarDayView => ({
  date: r.date.toISOString().slice(0, 10),
  weekday: weekdayOf(r.date),
  kind: r.kind,
  isWorkingDay: r.isWorkingDay,
  note: r.note,
  provisional: r.provisional,
  updatedById: r.updatedById,
  updatedAt: r.updatedAt.toISOString(),
});

/**
 * The days with an entry from `from` to `to` (both included, at most MAX_RANGE_DAYS), in date
 * order, in cursor pages as every list has them; a page holds the whole range unless `limit` says less.
 */
export async function listCalendar(prisma: PrismaClient, from: string, to: string, q: ListQuery = {}): Promise<{ from: string; to: string; items: CalendarDayView[]; nextCursor: string | null }> {
  const start = dateOf(from), end = dateOf(to);
  if (end < start) throw malformed('to', text('结束日期不能早于开始日期', 'to must not be before from'));
  if ((end.getTime() - start.getTime()) / DAY_MS + 1 > MAX_RANGE_DAYS) throw malformed('to', text(`一次最多查询 ${MAX_RANGE_DAYS} 天`, `at most ${MAX_RANGE_DAYS} days at a time`));
  const page = await listPage(q, { name: 'calendar', keys: [{ field: 'date', dir: 'asc', kind: 'date' }] }, MAX_RANGE_DAYS, (after, take) =>
    prisma.calendarDay.findMany({ where: { AND: [{ date: { gte: start, lte: end } }, after] }, orderBy: { date: 'asc' }, take }),
  );
  return { from, to, items: page.items.map(view), nextCursor: page.nextCursor };
}

const noDay = (date: string) => notFound('date', text(`日历中没有 ${date}（按周一至周五上班计算）`, `the calendar has no entry for ${date} (Monday to Friday count as working days)`));

export async function getCalendarDay(prisma: PrismaClient, date: string): Promise<CalendarDayView> {
  const row = await prisma.calendarDay.findUnique({ where: { date: dateOf(date) } });
  if (!row) throw noDay(date);
  return view(row);
}

/** A kind must fit the day of the week: a make-up working day (调休) is a Saturday or Sunday worked. */
function kindProblem(kind: DayKind, weekday: number): [string, string] | null {
  const weekend = weekday >= 6;
  if (kind === 'WORKDAY' && weekend) return ['周末上班请用 ADJUSTED_WORKDAY（调休上班）', 'a weekend day worked is an ADJUSTED_WORKDAY'];
  if (kind === 'ADJUSTED_WORKDAY' && !weekend) return ['调休上班只能是周六或周日', 'an ADJUSTED_WORKDAY is a Saturday or Sunday'];
  if (kind === 'WEEKEND' && !weekend) return ['工作日放假请用 HOLIDAY', 'a weekday off is a HOLIDAY'];
  return null;
}

export async function putCalendarDay(prisma: PrismaClient, date: string, input: { kind: DayKind; note?: string | null }, actor: AdminActor): Promise<{ created: boolean; day: CalendarDayView }> {
  const d = dateOf(date);
  const problem = kindProblem(input.kind, weekdayOf(d));
  if (problem) throw invalid('kind', text(problem[0], problem[1]), 'DAY_KIND');
  const data = { kind: input.kind, isWorkingDay: input.kind === 'WORKDAY' || input.kind === 'ADJUSTED_WORKDAY', note: input.note ?? null, provisional: false, updatedById: actor.userId };
  return prisma.$transaction(async (tx) => {
    const existed = await tx.calendarDay.findUnique({ where: { date: d } });
    const row = await tx.calendarDay.upsert({ where: { date: d }, create: { date: d, ...data }, update: data });
    await recordAdminChange(tx, actor, { action: 'calendar-day.put', entity: 'calendar-day', entityId: date, before: existed && view(existed), after: view(row) });
    return { created: !existed, day: view(row) };
  });
}

/** Removes the entry: the date then counts Monday to Friday. */
export async function deleteCalendarDay(prisma: PrismaClient, date: string, actor: AdminActor): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const existed = await tx.calendarDay.findUnique({ where: { date: dateOf(date) } });
    if (!existed) throw noDay(date);
    await tx.calendarDay.delete({ where: { date: dateOf(date) } });
    await recordAdminChange(tx, actor, { action: 'calendar-day.delete', entity: 'calendar-day', entityId: date, before: view(existed) });
  });
}
