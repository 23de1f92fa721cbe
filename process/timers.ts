/**
 * Parsing of BPMN timer expressions and grid: timing attributes (ISO 8601). Pure: used by the
 * compiler and by workflow code.
 */
import type { CalendarKind, ReminderSpec, TimerSpec } from './model';

const DURATION = /^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/;
/** ISO 8601 date-time with an explicit offset (a timer date without a zone is ambiguous). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

export function isDateTime(text: string): boolean {
  return DATE_TIME.test(text) && !Number.isNaN(new Date(text).getTime()) && new Date(`${text.slice(0, 10)}T00:00:00Z`).toISOString().startsWith(text.slice(0, 10));
}

/** Milliseconds of a clock-time duration (a day is 24 h, a week 7 days; years and months are refused). */
export function clockDurationMs(iso: string): number {
  const m = DURATION.exec(iso);
  if (!m) throw new Error(`"${iso}" is not an ISO 8601 duration (e.g. PT30M, PT8H, P3D)`);
  if (m[1] || m[2]) throw new Error(`"${iso}": years and months have no fixed length; use days or weeks`);
  const n = (s: string | undefined) => (s ? parseFloat(s) : 0);
  return Math.round(((n(m[3]) * 7 + n(m[4])) * 86_400 + n(m[6]) * 3_600 + n(m[7]) * 60 + n(m[8])) * 1000);
}

export const CALENDAR_NAMES: Readonly<Record<string, CalendarKind>> = {
  clock: 'CLOCK',
  workingHours: 'WORKING_HOURS',
  workingDays: 'WORKING_DAYS',
};

export function parseCalendar(text: string | undefined | null): CalendarKind {
  if (text === undefined || text === null || text === '') return 'CLOCK';
  const kind = Object.hasOwn(CALENDAR_NAMES, text) ? CALENDAR_NAMES[text] : undefined;
  if (!kind) throw new Error(`calendar "${text}" is not one of ${Object.keys(CALENDAR_NAMES).join(', ')}`);
  return kind;
}

/** `50%,80%,-PT1H` → reminder specs. */
export function parseReminders(text: string | undefined | null): ReminderSpec[] {
  if (!text || !text.trim()) return [];
  return text.split(',').map((raw) => {
    const part = raw.trim();
    const pct = /^(\d{1,2}(?:\.\d+)?)%$/.exec(part);
    if (pct) {
      const fraction = parseFloat(pct[1]) / 100;
      if (fraction <= 0 || fraction >= 1) throw new Error(`reminder "${part}" must lie between 0% and 100%`);
      return { kind: 'fraction', fraction };
    }
    if (part.startsWith('-') && isDuration(part.slice(1))) {
      clockDurationMs(part.slice(1));
      return { kind: 'beforeDeadline', duration: part.slice(1) };
    }
    throw new Error(`reminder "${part}" is neither a percentage of the limit (50%) nor a duration before the deadline (-PT1H)`);
  });
}

/**
 * A timer definition → TimerSpec. `relativeTo="deadline"` counts from the attached task's deadline.
 * Throws with a message naming what is wrong.
 */
export function parseTimer(def: { duration?: string | null; date?: string | null; cycle?: string | null; calendar?: string | null; relativeTo?: string | null }): TimerSpec {
  const calendar = parseCalendar(def.calendar);
  const duration = def.duration?.trim() || null;
  const date = def.date?.trim() || null;
  const cycle = def.cycle?.trim() || null;
  const given = [duration, date, cycle].filter(Boolean).length;
  if (given > 1) throw new Error('a timer has exactly one of duration, date or cycle');
  if (def.relativeTo !== undefined && def.relativeTo !== null && def.relativeTo !== '') {
    if (def.relativeTo !== 'deadline') throw new Error(`relativeTo "${def.relativeTo}" is not supported (only "deadline")`);
    if (date) throw new Error('a timer relative to the deadline takes a duration or a cycle, not a date');
    if (duration) {
      checkDuration(duration);
      return { kind: 'deadline', offset: duration, repeat: null, cycle: null, calendar };
    }
    if (cycle) {
      const c = parseCycle(cycle, calendar);
      if (c.start) throw new Error('a cycle relative to the deadline has no start date');
      return { kind: 'deadline', offset: null, repeat: c.repeat, cycle: c.duration, calendar };
    }
    return { kind: 'deadline', offset: null, repeat: null, cycle: null, calendar };
  }
  if (given === 0) throw new Error('the timer has no duration, date or cycle');
  if (duration) {
    checkDuration(duration);
    return { kind: 'duration', duration, calendar };
  }
  if (date) {
    if (!isDateTime(date)) throw new Error(`timer date "${date}" is not an ISO 8601 date-time with a zone (2026-10-01T09:00:00+08:00)`);
    return { kind: 'date', date: new Date(date).toISOString() };
  }
  return parseCycle(cycle as string, calendar);
}

function checkDuration(duration: string): void {
  if (!isDuration(duration)) throw new Error(`"${duration}" is not an ISO 8601 duration (e.g. PT30M, PT8H, P3D)`);
  if (clockDurationMs(duration) <= 0) throw new Error(`"${duration}" is zero`);
}

/** `R3/PT2H`, `R/P1D`, `R5/2026-10-01T09:00:00+08:00/PT1H` */
export function parseCycle(text: string, calendar: CalendarKind): Extract<TimerSpec, { kind: 'cycle' }> {
  const parts = text.split('/');
  const r = /^R(\d*)$/.exec(parts[0] ?? '');
  if (!r || parts.length < 2 || parts.length > 3) throw new Error(`timer cycle "${text}" is not of the form R3/PT2H or R/P1D`);
  const repeat = r[1] === '' ? null : parseInt(r[1], 10);
  if (repeat !== null && repeat < 1) throw new Error(`timer cycle "${text}" repeats fewer than once`);
  let start: string | null = null;
  let duration: string;
  if (parts.length === 3) {
    if (!isDateTime(parts[1])) throw new Error(`timer cycle "${text}": "${parts[1]}" is not a date-time with a zone`);
    start = new Date(parts[1]).toISOString();
    duration = parts[2];
  } else {
    duration = parts[1];
  }
  checkDuration(duration);
  if (clockDurationMs(duration) < 60_000) {
    throw new Error(`timer cycle "${text}" repeats more often than once a minute`);
  }
  return { kind: 'cycle', repeat, duration, start, calendar };
}
