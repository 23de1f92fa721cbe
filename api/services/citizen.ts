/**
 * What the public may see of a case (the citizen-safe projection), shared by the citizen
 * follow-up (GET /api/public/cases/{id}) and Open311's status notes:
 *   - the status, its label, the times (reported, due, closed) and the tier that holds it;
 *   - a timeline of the steps a citizen cares about (reported, status changes, passed up a tier,
 *     returned, rework, urged, supervised, closed), each with its time, tier and status label;
 *   - never a person's name (no actor names, no reporter name or phone), never free text written
 *     inside the centre (reasons, comments, feedback, approval notes), never assessment data
 *     (overdue marks, evaluation scores).
 * The follow-up itself is keyed by case number + the reporter's phone; a wrong phone is a 404
 * exactly like an unknown case, so the answer never tells whether a case number exists.
 */
import crypto from 'node:crypto';
import type { ApiDeps } from '../deps';
import { notFound, text } from './errors';
import type { Locale } from '../i18n';
import { STATUS_TEXT, TIER_TEXT, type Status } from './status-words';

/** Audit actions the public timeline shows; every other row (claims, comments, overdue marks, evaluations …) stays inside. */
export const PUBLIC_ACTIONS = ['report', 'status', 'escalate', 'return', 'rework', 'urge', 'supervise', 'close'] as const;
export type PublicAction = (typeof PUBLIC_ACTIONS)[number];

export interface EventRow {
  seq: number;
  action: string;
  tier: string | null;
  toStatus: string | null;
  payload: unknown;
  createdAt: Date;
}

export function statusWord(status: string, label: string | null, l: Locale): string {
  const known = STATUS_TEXT[status as Status];
  if (l === 'en') return known?.en ?? status.toLowerCase();
  return label ?? known?.['zh-CN'] ?? status;
}

/** What one public step means, in the reader's language. */
export function eventPhrase(e: Pick<EventRow, 'action' | 'tier' | 'toStatus' | 'payload'>, l: Locale): string {
  const payload = (e.payload ?? {}) as { label?: string | null; toTier?: string };
  const tier = (t: string | null | undefined) => (t ? (TIER_TEXT[t]?.[l] ?? t) : '');
  const zh = l === 'zh-CN';
  switch (e.action) {
    case 'report':
      return zh ? '已上报' : 'reported';
    case 'status':
      return zh ? statusWord(e.toStatus ?? '', payload.label ?? null, l) : `status: ${statusWord(e.toStatus ?? '', null, l)}`;
    case 'escalate':
      return zh ? `已上报至${tier(payload.toTier ?? e.tier)}层级办理` : `passed up to the ${tier(payload.toTier ?? e.tier)} tier`;
    case 'return':
      return zh ? '已退回，重新派遣' : 'returned for dispatch to the right unit';
    case 'rework':
      return zh ? '核查未通过，返工处理' : 'the check failed: sent back for rework';
    case 'urge':
      return zh ? '已催办' : 'the handling unit was urged to act';
    case 'supervise':
      return zh ? '上级已督办' : 'the tier above supervises the handling';
    case 'close':
      return zh ? '已结案' : 'closed';
    default:
      return e.action;
  }
}

export interface TimelineEntry {
  action: PublicAction;
  time: string;
  tier: string | null;
  /** the status label in force after this step (from the process model) */
  statusLabel: string | null;
  description: string;
}

/** The public steps of a case, oldest first; repeated status words are shown once. */
export function publicTimeline(events: EventRow[], l: Locale): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let label: string | null = null;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const payload = (e.payload ?? {}) as { label?: string | null };
    if (e.toStatus) label = (e.action === 'status' ? payload.label : null) ?? STATUS_TEXT[e.toStatus as Status]?.['zh-CN'] ?? e.toStatus;
    if (!(PUBLIC_ACTIONS as readonly string[]).includes(e.action)) continue;
    const last = out[out.length - 1];
    if (e.action === 'status' && last && last.statusLabel === label) continue;
    if (e.action === 'close' && last?.action === 'status' && last.statusLabel === label) out.pop();
    out.push({ action: e.action as PublicAction, time: e.createdAt.toISOString(), tier: e.tier, statusLabel: label, description: eventPhrase(e, l) });
  }
  return out;
}

/** Phone numbers as people type them: spaces, dashes, brackets and a +86 / 0086 prefix do not count. */
export function normalPhone(s: string): string {
  const digits = s.replace(/[\s()-]/g, '');
  const m = digits.match(/^(?:\+86|0086|86)?(1\d{10})$/);
  return m ? m[1] : digits;
}

/** Compares two phone numbers without leaking, through timing, how much of one matched. */
export function samePhone(a: string | null, b: string): boolean {
  if (!a) return false;
  const h = (s: string) => crypto.createHash('sha256').update(normalPhone(s)).digest();
  return crypto.timingSafeEqual(h(a), h(b));
}

const caseNotFound = () => notFound('id', text('没有与该手机号对应的案件', 'no case with this number for this phone'));

export interface PublicCase {
  id: string;
  status: string;
  statusLabel: string | null;
  category: { code: string; name: string } | null;
  reportedAt: string;
  acceptedAt: string | null;
  dueAt: string | null;
  closedAt: string | null;
  /** the tier holding the case now */
  tier: string;
  timeline: TimelineEntry[];
  rating: { score: number; comment: string | null; ratedAt: string } | null;
  /** true when a rating may be given now (closed and not rated yet) */
  canRate: boolean;
}

/** Loads a case for its reporter: the phone must be the one given at report time, else 404. */
export async function caseForReporter(deps: Pick<ApiDeps, 'prisma'>, id: string, phone: string) {
  const c = await deps.prisma.case.findUnique({ where: { id }, select: { id: true, reporterPhone: true } });
  // compare even when there is no case, so both answers take the same time
  const ok = samePhone(c?.reporterPhone ?? '-', phone);
  if (!c || !c.reporterPhone || !ok) throw caseNotFound();
  return c;
}

export async function publicCase(deps: Pick<ApiDeps, 'prisma'>, id: string, phone: string, l: Locale): Promise<PublicCase> {
  await caseForReporter(deps, id, phone);
  const c = await deps.prisma.case.findUniqueOrThrow({
    where: { id },
    select: {
      id: true,
      status: true,
      statusLabel: true,
      reportedAt: true,
      acceptedAt: true,
      dueAt: true,
      closedAt: true,
      currentTier: true,
      category: { select: { code: true, name: true, nameEn: true } },
      rating: { select: { score: true, comment: true, ratedAt: true } },
      events: { select: { seq: true, action: true, tier: true, toStatus: true, payload: true, createdAt: true }, orderBy: { seq: 'asc' } },
    },
  });
  return {
    id: c.id,
    status: c.status,
    statusLabel: c.statusLabel,
    category: c.category ? { code: c.category.code, name: l === 'en' ? (c.category.nameEn ?? c.category.name) : c.category.name } : null,
    reportedAt: c.reportedAt.toISOString(),
    acceptedAt: c.acceptedAt?.toISOString() ?? null,
    dueAt: c.dueAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    tier: c.currentTier,
    timeline: publicTimeline(c.events, l),
    rating: c.rating ? { score: c.rating.score, comment: c.rating.comment, ratedAt: c.rating.ratedAt.toISOString() } : null,
    canRate: c.status === 'CLOSED' && !c.rating,
  };
}
