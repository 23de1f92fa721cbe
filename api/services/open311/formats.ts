/** Open311's formats: w3 date-times in Beijing time, time limits in words, personal data masked in free text. */
import type { Locale } from '../../i18n';

const BEIJING_MS = 8 * 3600_000;

/** w3 date-time in Beijing time: 2026-11-23T14:05:00+08:00. */
export function w3(d: Date | null | undefined): string | null {
  if (!d) return null;
  return `${new Date(d.getTime() + BEIJING_MS).toISOString().slice(0, 19)}+08:00`;
}

/** A time limit as people say it: PT4H on working hours → "4 个工作小时" / "4 working hours". */
export function limitText(duration: string, calendar: string, l: Locale): string | null {
  const m = duration.match(/^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/);
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  const [, d, h, min] = m;
  const working = calendar !== 'CLOCK';
  const en = (n: string, unit: string) => `${n} ${unit}${n === '1' ? '' : 's'}`;
  const parts: string[] = [];
  if (l === 'en') {
    if (d) parts.push(en(d, calendar === 'WORKING_DAYS' ? 'working day' : 'day'));
    if (h) parts.push(en(h, working ? 'working hour' : 'hour'));
    if (min) parts.push(en(min, working ? 'working minute' : 'minute'));
    return parts.join(' ');
  }
  if (d) parts.push(calendar === 'WORKING_DAYS' ? `${d} 个工作日` : `${d} 天`);
  if (h) parts.push(working ? `${h} 个工作小时` : `${h} 小时`);
  if (min) parts.push(working ? `${min} 个工作分钟` : `${min} 分钟`);
  return parts.join(' ');
}

/** Phone numbers, ID-card numbers and e-mail addresses in free text, masked. */
export function maskPersonalData(s: string): string {
  return s
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '***')
    .replace(/(?<!\d)\d{17}[\dXx](?!\d)/g, '***')
    .replace(/(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/g, '***')
    .replace(/(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)/g, '***');
}
