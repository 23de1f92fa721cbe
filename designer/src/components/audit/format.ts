/** How the case search shows times and deadlines (Beijing time, as the city works). */
import { ENDED, type CaseSummary } from '../../api/case-search';

const beijing = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/** "2025-11-05 09:30" in Beijing time; '' for none. */
export const when = (iso: string | null | undefined) => (iso ? beijing.format(new Date(iso)) : '');

/** A case's deadline as a colour: ended, overdue, due within a day (临期), on time, or none. */
export type DueState = 'ended' | 'overdue' | 'soon' | 'ok' | 'none';
const SOON_MS = 24 * 3600 * 1000;

export function dueState(c: Pick<CaseSummary, 'status' | 'dueAt' | 'overdue'>, now = Date.now()): DueState {
  if (ENDED.includes(c.status)) return 'ended';
  if (c.overdue) return 'overdue';
  if (!c.dueAt) return 'none';
  return Date.parse(c.dueAt) - now < SOON_MS ? 'soon' : 'ok';
}

/** Element Plus tag types of the statuses: ended well, ended otherwise, open. */
export function statusType(status: CaseSummary['status']): 'success' | 'info' | 'primary' {
  if (status === 'CLOSED') return 'success';
  return ENDED.includes(status) ? 'info' : 'primary';
}
