/**
 * The inbox event stream (Server-Sent Events): every `intervalMs` the stream looks at the tasks
 * offered to or held by the caller that changed since its last look, and sends `task` events
 * (new or changed) and `overdue` events (a deadline passed); a 催办 or 督办 addressed to one of
 * those tasks is a `task` event too (change `urged` or `supervised`), although the task row itself
 * may not change. Each event id is the change time,
 * so a reconnecting EventSource (Last-Event-ID) resumes where it left off. Stateless: any API
 * instance can serve any stream.
 */
import type { Prisma } from '../../generated/prisma/client';
import type { Caller } from '../auth/caller';
import type { ApiDeps } from '../deps';
import { apiId } from '../http/ids';
import { supervisedTaskIds } from './tasks';

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

/**
 * How far back each look reads urge and supervise rows. Their time is the workflow's (when the
 * signal was handled), which the row's commit follows by the worker's latency, so a look re-reads
 * this window and skips the rows the stream already reported (by row id).
 */
const SUPERVISION_LOOKBACK_MS = 30_000;

function payload(t: Row, change: string, extra: Record<string, unknown> = {}) {
  return {
    change,
    ...extra,
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
  const [changed, overdue, supervised] = await Promise.all([
    deps.prisma.task.findMany({ where: { AND: [mineWhere(c), { updatedAt: { gt: since, lte: now } }] }, select, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: 500 }),
    deps.prisma.task.findMany({ where: { AND: [mineWhere(c), { state: { in: ['OPEN', 'CLAIMED'] }, dueAt: { gt: since, lte: now } }] }, select, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: 500 }),
    supervisionEvents(deps, c, since, stream),
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
  const watermark = full ?? now;
  // urges and supervisions are reported at this look (their rows are remembered, not their times)
  const urged = supervised.map((data) => ({ id: String(watermark.getTime()), event: 'task' as const, data }));
  return { events: [...(full ? events.filter((e) => Number(e.id) <= full.getTime()) : events), ...urged], watermark };
}

/**
 * `task` events for the urge and supervise rows (case_events, by action and time) recorded since
 * a little before `since` that name a task offered to or held by the caller; each row once per
 * stream (the caller gives them the look's time as their id, whenever the workflow wrote them).
 */
async function supervisionEvents(deps: ApiDeps, c: Caller, since: Date, stream: { seen: Set<string> }): Promise<InboxEvent['data'][]> {
  const rows = await deps.prisma.caseEvent.findMany({
    where: { action: { in: ['urge', 'supervise'] }, createdAt: { gt: new Date(since.getTime() - SUPERVISION_LOOKBACK_MS) } },
    select: { id: true, action: true, actorName: true, reason: true, payload: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: 500,
  });
  const fresh = rows.filter((r) => !stream.seen.has(`event:${r.id}`));
  const taskIds = [...new Set(fresh.flatMap((r) => supervisedTaskIds(r.payload)))];
  if (!taskIds.length) return [];
  const tasks = await deps.prisma.task.findMany({ where: { AND: [mineWhere(c), { id: { in: taskIds } }] }, select });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const out: InboxEvent['data'][] = [];
  for (const r of fresh) {
    stream.seen.add(`event:${r.id}`);
    for (const id of supervisedTaskIds(r.payload)) {
      const t = byId.get(id);
      if (t) out.push(payload(t, r.action === 'urge' ? 'urged' : 'supervised', { by: { name: r.actorName }, note: r.reason }));
    }
  }
  return out;
}
