/**
 * A history row in people's words: the action's Chinese name, what it concerned (the task's or
 * element's name from the path, the tiers of an escalation, the statuses of a change) and why.
 */
import type { Composer } from 'vue-i18n';
import type { CaseHistoryRow, CasePath } from './record';

type T = Composer['t'];

export function describeRow(t: T, row: CaseHistoryRow, path: CasePath | null): { action: string; detail: string } {
  const data = (row.data ?? {}) as Record<string, unknown>;
  const te = (key: string, fallback: string) => {
    const s = t(key);
    return s === key ? fallback : s;
  };
  const action = te(`casePage.actionNames.${row.action}`, row.action);
  const tier = (x: unknown) => (typeof x === 'string' ? te(`casePage.tiers.${x}`, x) : '');
  const status = (x: unknown) => (typeof x === 'string' ? te(`casePage.statuses.${x}`, x) : '');
  const elementName = (id: unknown) => (typeof id === 'string' ? (path?.elements.find((e) => e.elementId === id)?.name ?? id) : '');
  const parts: string[] = [];
  switch (row.action) {
    case 'dispatchTask':
      if (typeof data.name === 'string') parts.push(data.name);
      break;
    case 'complete':
      parts.push(elementName(data.element));
      if (typeof data.outcome === 'string') parts.push(data.outcome);
      break;
    case 'escalate':
      if (data.fromTier && data.toTier && data.fromTier !== data.toTier) parts.push(t('casePage.hop', { from: tier(data.fromTier), to: tier(data.toTier) }));
      break;
    case 'changeDeadline':
      if (typeof data.to === 'string') parts.push(new Date(data.to).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }));
      break;
    case 'boundary':
    case 'timer':
    case 'message':
    case 'notify':
    case 'handOver':
    case 'close':
    case 'evaluate':
    case 'rework':
      if (data.element) parts.push(elementName(data.element));
      break;
  }
  if (row.fromStatus && row.toStatus) parts.push(t('casePage.statusChange', { from: status(row.fromStatus), to: status(row.toStatus) }));
  else if (row.toStatus) parts.push(status(row.toStatus));
  return { action, detail: parts.filter(Boolean).join(' · ') };
}

/** Rows whose text is what someone said (an urge's note, an instruction, a comment), not why something happened. */
const NOTES = ['urge', 'supervise', 'comment', 'approve', 'rejectRequest'];
export const reasonKey = (action: string) => (NOTES.includes(action) ? 'casePage.note' : 'casePage.reason');
