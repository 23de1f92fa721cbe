/**
 * Durations as a number and a unit (PT30M ↔ 30 minutes, PT8H ↔ 8 hours, P3D ↔ 3 days), and the
 * reminder list of grid:reminders (`50%,80%`, `-PT1H`). Pure; the grammar is the engine's
 * (process/timers.ts).
 */
import { isDuration, parseReminders } from '@process/timers';
import type { Translate } from './util';

/** Units as in ISO 8601: M minutes (in the time part), H hours, D days. */
export const DURATION_UNITS = ['M', 'H', 'D'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export const UNIT_NAMES: Record<DurationUnit, string> = { M: 'Minutes', H: 'Hours', D: 'Days' };
const AMOUNT_TEXT: Record<DurationUnit, string> = { M: '{n} minutes', H: '{n} hours', D: '{n} days' };

export function describeAmount(d: SimpleDuration, t: Translate): string {
  return t(AMOUNT_TEXT[d.unit], { n: d.amount });
}

export interface SimpleDuration {
  amount: number;
  unit: DurationUnit;
}

const PARTS = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * A duration the number-and-unit control can show: whole days (weeks count as 7 days), or a
 * time part as whole hours or whole minutes. Days mixed with hours are refused (null): on the
 * working-days calendar a day is not 24 hours, so no single unit says the same.
 */
export function parseSimpleDuration(iso: string | undefined | null): SimpleDuration | null {
  if (!iso || !isDuration(iso)) return null;
  const m = PARTS.exec(iso);
  if (!m) return null;
  const n = (s: string | undefined) => (s ? parseFloat(s) : 0);
  const days = n(m[1]) * 7 + n(m[2]);
  const minutes = n(m[3]) * 60 + n(m[4]) + n(m[5]) / 60;
  if (days > 0 && minutes > 0) return null;
  if (days > 0) return Number.isInteger(days) ? { amount: days, unit: 'D' } : null;
  if (minutes <= 0 || !Number.isInteger(minutes)) return null;
  return minutes % 60 === 0 ? { amount: minutes / 60, unit: 'H' } : { amount: minutes, unit: 'M' };
}

export function formatSimpleDuration(d: SimpleDuration): string {
  return d.unit === 'D' ? `P${d.amount}D` : `PT${d.amount}${d.unit}`;
}

export function describeDuration(iso: string, t: Translate): string {
  const d = parseSimpleDuration(iso);
  return d ? describeAmount(d, t) : iso;
}

export type Reminder = { kind: 'percent'; percent: number } | ({ kind: 'before' } & SimpleDuration) | { kind: 'invalid'; text: string };

/** `50%,80%,-PT1H` → reminders, each part on its own (an unreadable part stays, as `invalid`). */
export function parseReminderList(text: string | undefined | null): Reminder[] {
  if (!text || !text.trim()) return [];
  return text.split(',').map((raw): Reminder => {
    const part = raw.trim();
    try {
      const [spec] = parseReminders(part);
      if (spec?.kind === 'fraction') return { kind: 'percent', percent: Math.round(spec.fraction * 10000) / 100 };
      if (spec?.kind === 'beforeDeadline') {
        const d = parseSimpleDuration(spec.duration);
        if (d) return { kind: 'before', ...d };
      }
    } catch {
      // kept as written, shown as not valid
    }
    return { kind: 'invalid', text: part };
  });
}

export function reminderText(r: Reminder): string {
  if (r.kind === 'percent') return `${r.percent}%`;
  if (r.kind === 'before') return `-${formatSimpleDuration(r)}`;
  return r.text;
}

/** The attribute value of a reminder list (undefined: no reminders). */
export function serializeReminders(list: Reminder[]): string | undefined {
  const parts = list.map(reminderText).filter(Boolean);
  return parts.length ? parts.join(',') : undefined;
}

export function describeReminder(r: Reminder, t: Translate): string {
  if (r.kind === 'percent') return t('At {percent}% of the time limit', { percent: r.percent });
  if (r.kind === 'before') return t('{duration} before the deadline', { duration: describeAmount(r, t) });
  return t('{value} (not valid)', { value: r.text });
}

/** The reminder a click on "add" creates: the first of 50%, 80%, 90%, 1 hour before that the list lacks. */
export function nextReminder(list: Reminder[]): Reminder {
  const texts = new Set(list.map(reminderText));
  const candidates: Reminder[] = [
    { kind: 'percent', percent: 50 },
    { kind: 'percent', percent: 80 },
    { kind: 'percent', percent: 90 },
    { kind: 'before', amount: 1, unit: 'H' },
  ];
  return candidates.find((c) => !texts.has(reminderText(c))) ?? { kind: 'percent', percent: 50 };
}
