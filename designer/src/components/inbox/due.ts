/** A task's time limit as the inbox colours it: on time, due soon, overdue. */
import type { Translate } from './form';
import { session } from '../../session/session';

export type DueKind = 'none' | 'ok' | 'soon' | 'overdue';

/** Due soon: under a quarter of the task's time left, or under 30 minutes (working time on a working calendar). */
const SOON_SHARE = 0.25;
const SOON_SECONDS = 30 * 60;

export function formatSpan(seconds: number, t: Translate): string {
  const s = Math.abs(seconds);
  if (s < 60) return t('inbox.duration.lessThanMinute');
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [];
  if (d) parts.push(t('inbox.duration.d', { n: d }));
  if (h) parts.push(t('inbox.duration.h', { n: h }));
  if (!d && m) parts.push(t('inbox.duration.m', { n: m }));
  return parts.join(' ');
}

/** A working time span in working hours or days (8 working hours a day), one decimal at most. */
export function formatWorkingSpan(seconds: number, calendar: string, t: Translate): string {
  const s = Math.abs(seconds);
  const one = (n: number) => String(Math.round(n * 10) / 10);
  if (calendar === 'WORKING_DAYS' && s >= WORKING_DAY_SECONDS) return t('inbox.workDuration.d', { n: one(s / WORKING_DAY_SECONDS) });
  if (s < 360) return t('inbox.workDuration.lessThan');
  return t('inbox.workDuration.h', { n: one(s / 3600) });
}

const WORKING_DAY_SECONDS = 8 * 3600;

type Timed = {
  dueAt: string | null;
  createdAt: string;
  timeLeftSeconds: number | null;
  state: string;
  workingTimeLeft?: { seconds: number; calendar: string; spanSeconds: number } | null;
};

/**
 * The task's time left now, its kind and its words. On a working calendar (the API's
 * `workingTimeLeft`, counted on the calendar of the task's limit) the working time left as of the
 * last fetch: it does not run down at night, so it is not counted down here. On the clock, the
 * API's `timeLeftSeconds` (at `fetchedAt`) less the time since. `left` is wall-clock seconds.
 */
export function dueOf(task: Timed, fetchedAt: number, now: number, t: Translate): { kind: DueKind; text: string; left: number | null } {
  if (task.timeLeftSeconds === null || !task.dueAt) return { kind: 'none', text: t('inbox.due.none'), left: null };
  const left = task.timeLeftSeconds - Math.round((now - fetchedAt) / 1000);
  if (task.state !== 'OPEN' && task.state !== 'CLAIMED') return { kind: 'none', text: t('inbox.due.at', { at: when(task.dueAt) }), left };
  const w = task.workingTimeLeft;
  if (w && w.calendar !== 'CLOCK') {
    if (w.seconds < 0 || left < 0) return { kind: 'overdue', text: t('inbox.due.overdue', { t: formatWorkingSpan(Math.min(w.seconds, 0), w.calendar, t) }), left };
    const soon = w.seconds < SOON_SECONDS || (w.spanSeconds > 0 && w.seconds < w.spanSeconds * SOON_SHARE);
    return { kind: soon ? 'soon' : 'ok', text: t('inbox.due.left', { t: formatWorkingSpan(w.seconds, w.calendar, t) }), left };
  }
  if (left < 0) return { kind: 'overdue', text: t('inbox.due.overdue', { t: formatSpan(left, t) }), left };
  const span = (Date.parse(task.dueAt) - Date.parse(task.createdAt)) / 1000;
  const soon = left < SOON_SECONDS || (span > 0 && left < span * SOON_SHARE);
  return { kind: soon ? 'soon' : 'ok', text: t('inbox.due.left', { t: formatSpan(left, t) }), left };
}

export const DUE_TAG: Record<DueKind, 'info' | 'success' | 'warning' | 'danger'> = { none: 'info', ok: 'success', soon: 'warning', overdue: 'danger' };

/** A time as people read it here (Beijing, 24 h). */
export function when(iso: string | null | undefined, lang: string = session.lang): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
