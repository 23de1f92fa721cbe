/**
 * How the supervisors' page words time: a request's ISO 8601 duration on its calendar (4 个工作小时,
 * 1 个工作日, 2 天), the time left or overdue (已超期 3 小时 20 分钟), the due-time colour, dates.
 */
import { session } from '../../session/session';

type T = (key: string, named?: Record<string, unknown>) => string;

const PARTS = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** P1D on working days: 1 个工作日; PT4H on working hours: 4 个工作小时; on clock time: 1 天, 4 小时. */
export function durationText(t: T, iso: string, calendar: 'CLOCK' | 'WORKING_HOURS' | 'WORKING_DAYS'): string {
  const m = PARTS.exec(iso);
  if (!m) return iso;
  const kind = calendar === 'CLOCK' ? 'clock' : 'working';
  const units = ['W', 'D', 'H', 'M', 'S'] as const;
  const out = units.flatMap((u, i) => (m[i + 1] && Number(m[i + 1]) > 0 ? [t(`supervision.duration.${kind}.${u}`, { n: Number(m[i + 1]) })] : []));
  return out.length ? out.join(t('supervision.duration.sep')) : iso;
}

/** A span of clock time in days, hours and minutes (the two largest that are not zero). */
export function spanText(t: T, ms: number): string {
  const minutes = Math.max(1, Math.floor(Math.abs(ms) / 60_000));
  const parts = [
    ['d', Math.floor(minutes / 1440)],
    ['h', Math.floor((minutes % 1440) / 60)],
    ['m', minutes % 60],
  ] as const;
  const first = parts.findIndex(([, n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([, n]) => n > 0)
    .map(([u, n]) => t(`supervision.span.${u}`, { n }))
    .join(t('supervision.span.sep'));
}

/** 'overdue' (red) past the due time, 'soon' (orange) within 4 hours of it, 'ontime' (green) otherwise. */
export type DueState = 'overdue' | 'soon' | 'ontime' | 'none';
export const SOON_MS = 4 * 3_600_000;

export function dueState(dueAt: string | null, now: number, overdue?: boolean): DueState {
  if (!dueAt) return 'none';
  const left = Date.parse(dueAt) - now;
  if (overdue || left < 0) return 'overdue';
  return left <= SOON_MS ? 'soon' : 'ontime';
}

/** The due time's words: 已超期 2 小时 10 分钟 / 剩余 45 分钟. */
export function dueText(t: T, dueAt: string | null, now: number): string {
  if (!dueAt) return t('supervision.cases.noDue');
  const left = Date.parse(dueAt) - now;
  return left < 0 ? t('supervision.cases.overdueBy', { t: spanText(t, left) }) : t('supervision.cases.left', { t: spanText(t, left) });
}

/** A date-time in the UI language, Beijing time as the browser shows it (24-hour clock). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(session.lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** A short date-time for tight places: 12-04 18:30. */
export function shortWhen(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(session.lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** Whether the page is laid out for a phone (cards instead of tables), kept up to date. */
export function phoneQuery(): MediaQueryList {
  return window.matchMedia('(max-width: 760px)');
}
