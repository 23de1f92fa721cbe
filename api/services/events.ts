/**
 * The inbox event stream (Server-Sent Events): every `intervalMs` the stream looks at the tasks
 * offered to or held by the caller that changed since its last look, and sends `task` events
 * (new or changed) and `overdue` events (a deadline passed). Each event id is the change time,
 * so a reconnecting EventSource (Last-Event-ID) resumes where it left off. Stateless: any API
 * instance can serve any stream.
 */
import type { Prisma } from '../../generated/prisma/client';
import type { Caller } from '../auth/caller';
import type { ApiDeps } from '../deps';
import { apiId } from '../http/ids';

const select = {
  id: true,
  caseId: true,
  elementId: true,
  name: true,
  state: true,
  tier: true,
  dueAt: true,
  createdAt: true,
  updatedAt: true,
  assigneeId: true,
  case: { select: { description: true, statusLabel: true } },
} satisfies Prisma.TaskSelect;

type Row = Prisma.TaskGetPayload<{ select: typeof select }>;

export interface InboxEvent {
  id: string;
  event: 'task' | 'overdue';
  data: Record<string, unknown>;
}

function mineWhere(c: Caller): Prisma.TaskWhereInput {
  return { OR: [{ assigneeId: c.userId }, { candidateKeys: { some: { principal: { in: c.principals } } } }] };
}

function payload(t: Row, change: string) {
  return {
    change,
    task: { id: apiId(t.id), caseId: t.caseId, elementId: t.elementId, name: t.name, state: t.state, tier: t.tier, dueAt: t.dueAt?.toISOString() ?? null, assigneeId: t.assigneeId },
    case: { id: t.caseId, description: t.case.description.slice(0, 200), statusLabel: t.case.statusLabel },
  };
}

/**
 * Events since `since` (exclusive) up to now; returns them and the new watermark. A task is `new`
 * the first time this stream (which began at `streamStart`) reports it, if it was created after
 * the stream began; `seen` remembers what the stream reported.
 */
export async function inboxEventsSince(deps: ApiDeps, c: Caller, since: Date, now: Date, stream: { start: Date; seen: Set<string> }): Promise<{ events: InboxEvent[]; watermark: Date }> {
  const [changed, overdue] = await Promise.all([
    deps.prisma.task.findMany({ where: { AND: [mineWhere(c), { updatedAt: { gt: since, lte: now } }] }, select, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: 500 }),
    deps.prisma.task.findMany({ where: { AND: [mineWhere(c), { state: { in: ['OPEN', 'CLAIMED'] }, dueAt: { gt: since, lte: now } }] }, select, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: 500 }),
  ]);
  const events: InboxEvent[] = [];
  for (const t of changed) {
    const fresh = t.createdAt > stream.start && !stream.seen.has(t.id);
    if (stream.seen.size > 10_000) stream.seen.clear();
    stream.seen.add(t.id);
    events.push({ id: String(t.updatedAt.getTime()), event: 'task', data: payload(t, fresh ? 'new' : 'changed') });
  }
  for (const t of overdue) events.push({ id: String(t.dueAt!.getTime()), event: 'overdue', data: payload(t, 'overdue') });
  events.sort((a, b) => Number(a.id) - Number(b.id));
  // a full batch stops at its last change, the rest follows on the next look
  const full = changed.length === 500 ? changed[changed.length - 1].updatedAt : null;
  return { events: full ? events.filter((e) => Number(e.id) <= full.getTime()) : events, watermark: full ?? now };
}
