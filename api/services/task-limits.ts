/**
 * A task's time limit as the API shows it: the calendar its limit is counted on (the duration drawn
 * on the task or its category's limit for the tier, domain/time-limits.ts) and the working time left
 * until its due time on that calendar. The approvals queue (the time a request adds) and the task
 * view (workingTimeLeft) read it.
 */
import { createCalendarYears } from '../../domain/calendar';
import { timeLimitsOf, type TimeLimit } from '../../domain/time-limits';
import { businessTimeBetween, type CalendarKind } from '../../process/business-time';
import type { Tier, UserTaskModel } from '../../process/model';
import type { ApiDeps } from '../deps';
import { modelOf } from './models';

export interface TaskLimitAsk {
  elementId: string;
  tier: string;
  processVersionId: number | null;
  category: string | null;
}

/**
 * Each task's limit (null when its process version does not draw the element as a user task),
 * with one query of category limits for all of them.
 */
export async function taskLimitsOf(deps: ApiDeps, tasks: readonly TaskLimitAsk[]): Promise<(TimeLimit | null)[]> {
  const drawn = await Promise.all(
    tasks.map(async (t) => {
      const model = t.processVersionId ? await modelOf(deps.prisma, t.processVersionId) : null;
      const el = model?.elements?.[t.elementId] as UserTaskModel | undefined;
      return el?.type === 'userTask' ? el : null;
    }),
  );
  const asks = tasks.flatMap((t, i) => (drawn[i] ? [{ spec: drawn[i].deadline, tier: t.tier as Tier, category: t.category }] : []));
  const limits = await timeLimitsOf(deps.prisma, asks);
  let next = 0;
  return drawn.map((d) => (d ? limits[next++] : null));
}

const years = new WeakMap<object, ReturnType<typeof createCalendarYears>>();
/** calendar_days years for this process, each reused for a minute (CALENDAR_CACHE_MS). */
function calendarYearsOf(deps: ApiDeps) {
  let y = years.get(deps.prisma);
  if (!y) years.set(deps.prisma, (y = createCalendarYears({ prisma: deps.prisma })));
  return y;
}

export interface WorkingTimeLeft {
  seconds: number;
  calendar: CalendarKind;
  spanSeconds: number;
}

/**
 * The time left until each task's due time counted on its limit's calendar (businessTimeBetween
 * with calendar_days; CLOCK when the limit is unknown), negative when overdue (the time since the
 * due time, counted the same way), with the whole span from the task's creation to its due time
 * on that calendar. Null for a task without a due time or no longer open.
 */
export async function workingTimesLeft(
  deps: ApiDeps,
  tasks: readonly (TaskLimitAsk & { state: string; dueAt: Date | null; createdAt: Date })[],
  now: Date,
): Promise<(WorkingTimeLeft | null)[]> {
  const open = tasks.map((t) => (t.dueAt && (t.state === 'OPEN' || t.state === 'CLAIMED') ? t : null));
  const limits = await taskLimitsOf(
    deps,
    open.flatMap((t) => (t ? [t] : [])),
  );
  let next = 0;
  return Promise.all(
    open.map(async (t) => {
      if (!t?.dueAt) return null;
      const calendar: CalendarKind = limits[next++]?.calendar ?? 'CLOCK';
      const due = t.dueAt;
      const earliest = new Date(Math.min(now.getTime(), due.getTime(), t.createdAt.getTime()));
      const cal = await calendarYearsOf(deps).calendarBetween(earliest, new Date(Math.max(now.getTime(), due.getTime())));
      const ms = due > now ? businessTimeBetween(now, due, calendar, cal) : -businessTimeBetween(due, now, calendar, cal);
      const span = t.createdAt < due ? businessTimeBetween(t.createdAt, due, calendar, cal) : 0;
      return { seconds: Math.round(ms / 1000), calendar, spanSeconds: Math.round(span / 1000) };
    }),
  );
}
