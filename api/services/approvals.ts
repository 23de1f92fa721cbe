/**
 * Requests that need the tier above (延期 extension, 回退 return, 作废 void, 缓办 deferral): the
 * supervisors of the approving unit (or any unit above it) decide; the decision goes to the case
 * workflow, which applies it (a new deadline, the earlier step, the voided case).
 */
import type { Prisma } from '../../generated/prisma/client';
import { createDeadlineCalculator, type DeadlineCalculator } from '../../domain/calendar';
import type { CalendarKind } from '../../process/model';
import { decideUpdate } from '../../workflows/case-api';
import { actorOf, type Caller } from '../auth/caller';
import { caseScope, holdsAbove } from '../auth/scope';
import type { ApiDeps } from '../deps';
import { conflict, notFound, refused, text } from './errors';
import { apiId, apiIdOrNull, internalId } from '../http/ids';
import { sortedPage, type SortSpec } from './lists';
import { taskLimitsOf } from './task-limits';
import { updateIdOf } from './tasks';
import { caseWorkflow } from '../case-workflows';

export interface ApprovalListQuery {
  state?: string[];
  kind?: string[];
  caseId?: string;
  mine?: boolean;
  decidable?: boolean;
  cursor?: string;
  limit: number;
}

const SORT: SortSpec = { field: 'requestedAt', dir: 'desc', kind: 'date', nullable: false };

const approvalSelect = {
  id: true,
  caseId: true,
  taskId: true,
  kind: true,
  state: true,
  reason: true,
  duration: true,
  requestedById: true,
  requestedByName: true,
  requestedAt: true,
  approverTier: true,
  approverUnitId: true,
  decidedById: true,
  decidedByName: true,
  decidedAt: true,
  note: true,
  case: { select: { description: true, status: true, statusLabel: true, dueAt: true, processVersionId: true, category: { select: { code: true } } } },
} satisfies Prisma.ApprovalSelect;

type ApprovalRow = Prisma.ApprovalGetPayload<{ select: typeof approvalSelect }>;

/** Units whose approvals the caller may read: the subtrees where they supervise or audit. */
async function readableUnits(deps: ApiDeps, c: Caller): Promise<number[]> {
  const paths = c.memberships.filter((m) => m.departmentId === null && (m.role === 'SUPERVISOR' || m.role === 'AUDITOR' || m.role === 'ADMINISTRATOR')).map((m) => m.orgPath);
  if (!paths.length) return [];
  const units = await deps.prisma.orgUnit.findMany({ where: { OR: paths.map((p) => ({ path: { startsWith: p } })) }, select: { id: true } });
  return units.map((u) => u.id);
}

/** Approvals the caller may read: theirs, those their subtree decides, and those of cases they can read. */
function scopeOf(c: Caller, units: number[]): Prisma.ApprovalWhereInput {
  return { OR: [{ requestedById: c.userId }, { case: caseScope(c) }, ...(units.length ? [{ approverUnitId: { in: units } }] : [])] };
}

/** Units whose approvals the caller may decide: the subtrees where they supervise (not via a department). */
async function decidingUnits(deps: ApiDeps, c: Caller): Promise<number[]> {
  const paths = c.memberships.filter((m) => m.departmentId === null && m.role === 'SUPERVISOR').map((m) => m.orgPath);
  if (!paths.length) return [];
  const units = await deps.prisma.orgUnit.findMany({ where: { OR: paths.map((p) => ({ path: { startsWith: p } })) }, select: { id: true } });
  return units.map((u) => u.id);
}

async function view(deps: ApiDeps, c: Caller, a: ApprovalRow, extra: RequestedTime) {
  const unit = await deps.prisma.orgUnit.findUnique({ where: { id: a.approverUnitId }, select: { id: true, name: true, path: true } });
  const canDecide = a.state === 'PENDING' && !!unit && holdsAbove(c, unit.path, ['SUPERVISOR']);
  return {
    id: apiId(a.id),
    caseId: a.caseId,
    taskId: apiIdOrNull(a.taskId),
    kind: a.kind,
    state: a.state,
    reason: a.reason,
    duration: a.duration,
    requestedBy: { id: a.requestedById, name: a.requestedByName },
    requestedAt: a.requestedAt.toISOString(),
    approver: { tier: a.approverTier, unit: unit ? { id: unit.id, name: unit.name } : null },
    decidedBy: a.decidedByName ? { id: a.decidedById, name: a.decidedByName } : null,
    decidedAt: a.decidedAt?.toISOString() ?? null,
    note: a.note,
    case: { id: a.caseId, description: a.case.description, status: a.case.status, statusLabel: a.case.statusLabel, dueAt: a.case.dueAt?.toISOString() ?? null },
    task: extra.task,
    timeAdded: extra.timeAdded,
    actions: canDecide && a.requestedById !== c.userId ? ['approve', 'reject'] : [],
  };
}

export async function listApprovals(deps: ApiDeps, c: Caller, q: ApprovalListQuery) {
  const units = await readableUnits(deps, c);
  const and: Prisma.ApprovalWhereInput[] = [scopeOf(c, units)];
  if (q.state?.length) and.push({ state: { in: q.state as never } });
  if (q.kind?.length) and.push({ kind: { in: q.kind as never } });
  if (q.caseId) and.push({ caseId: q.caseId });
  if (q.mine) and.push({ requestedById: c.userId });
  if (q.decidable !== undefined) {
    const deciding = await decidingUnits(deps, c);
    const decidable: Prisma.ApprovalWhereInput = { state: 'PENDING', approverUnitId: { in: deciding }, OR: [{ requestedById: null }, { requestedById: { not: c.userId } }] };
    and.push(q.decidable ? decidable : { NOT: decidable });
  }
  const result = await sortedPage<ApprovalRow>(deps.prisma.approval, { sort: SORT, cursor: q.cursor, limit: q.limit, where: and, select: approvalSelect });
  const times = await requestedTimes(deps, result.items);
  return { items: await Promise.all(result.items.map((a, i) => view(deps, c, a, times[i]))), nextCursor: result.nextCursor };
}

export async function decideApproval(deps: ApiDeps, c: Caller, givenId: string, approve: boolean, note: string | undefined, key: string | undefined) {
  // either form (api/http/ids.ts); the workflow and the database know the internal one
  const id = internalId(givenId);
  const units = await readableUnits(deps, c);
  const a = await deps.prisma.approval.findFirst({ where: { AND: [{ id }, scopeOf(c, units)] }, select: approvalSelect });
  if (!a) throw notFound('id', text(`审批 ${givenId} 不存在`, `approval ${givenId} does not exist`));
  const unit = await deps.prisma.orgUnit.findUniqueOrThrow({ where: { id: a.approverUnitId }, select: { path: true } });
  if (!holdsAbove(c, unit.path, ['SUPERVISOR'])) throw refused('id', text('只有上一级的督办人员可以审批', 'only supervisors of the tier above may decide'));
  if (a.requestedById === c.userId) throw refused('id', text('不能审批自己的申请', 'you cannot decide your own request'));
  if (a.state !== 'PENDING') throw conflict('id', text(`该申请已${a.state === 'APPROVED' ? '批准' : '驳回'}`, `the request was already ${a.state.toLowerCase()}`), 'APPROVAL_DECIDED');
  await caseWorkflow(deps, a.caseId).update(decideUpdate, [{ approvalId: id, actor: actorOf(c), approve, note }], updateIdOf(c, approve ? 'approve' : 'reject', id, key));
  const fresh = await deps.prisma.approval.findUniqueOrThrow({ where: { id }, select: approvalSelect });
  return view(deps, c, fresh, (await requestedTimes(deps, [fresh]))[0]);
}

interface RequestedTime {
  task: { id: string; name: string; state: string; tier: string; dueAt: string | null } | null;
  timeAdded: { duration: string; calendar: CalendarKind; dueBefore: string | null; dueAfter: string | null } | null;
}

const calendars = new WeakMap<object, DeadlineCalculator>();
function deadlinesOf(deps: ApiDeps): DeadlineCalculator {
  let d = calendars.get(deps.prisma);
  if (!d) calendars.set(deps.prisma, (d = createDeadlineCalculator({ prisma: deps.prisma })));
  return d;
}

/**
 * The task each request is about and the time an extension or deferral adds: its duration, the
 * calendar it is counted on (the task's limit: the duration drawn on the task or its category's
 * limit for the tier, domain/time-limits.ts) and the due time before and after. Pending: the
 * task's due time now and the one approving would set, counted as the case workflow will count
 * it (from the current due time, on the business calendar); approved: the change it made (the
 * case's changeDeadline row); rejected, or a task no longer open: null times.
 */
async function requestedTimes(deps: ApiDeps, rows: ApprovalRow[]): Promise<RequestedTime[]> {
  const taskIds = [...new Set(rows.map((a) => a.taskId).filter((t): t is string => t !== null))];
  const tasks = new Map(
    (taskIds.length ? await deps.prisma.task.findMany({ where: { id: { in: taskIds } }, select: { id: true, name: true, state: true, tier: true, dueAt: true, elementId: true } }) : []).map((t) => [t.id, t]),
  );
  const timed = rows.map((a) => {
    const t = a.taskId ? tasks.get(a.taskId) : undefined;
    return t && a.duration && (a.kind === 'EXTENSION' || a.kind === 'DEFERRAL') ? { ...t, processVersionId: a.case.processVersionId, category: a.case.category?.code ?? null } : null;
  });
  const limits = await taskLimitsOf(
    deps,
    timed.flatMap((t) => (t ? [t] : [])),
  );
  const limitOf = new Map(timed.flatMap((t) => (t ? [t] : [])).map((t, i) => [t, limits[i]] as const));
  return Promise.all(
    rows.map(async (a, i): Promise<RequestedTime> => {
      const t = a.taskId ? tasks.get(a.taskId) : undefined;
      const task = t ? { id: apiId(t.id), name: t.name, state: t.state, tier: t.tier, dueAt: t.dueAt?.toISOString() ?? null } : null;
      if (!a.duration || (a.kind !== 'EXTENSION' && a.kind !== 'DEFERRAL')) return { task, timeAdded: null };
      const at = timed[i];
      const calendar: CalendarKind = (at ? limitOf.get(at)?.calendar : undefined) ?? 'CLOCK';
      let dueBefore: string | null = null;
      let dueAfter: string | null = null;
      if (a.state === 'PENDING' && t?.dueAt && (t.state === 'OPEN' || t.state === 'CLAIMED')) {
        dueBefore = t.dueAt.toISOString();
        [dueAfter] = await deadlinesOf(deps).computeDeadlines({ specs: [{ start: dueBefore, duration: a.duration, calendar }] });
      } else if (a.state === 'APPROVED' && a.taskId && a.decidedAt) {
        const changes = await deps.prisma.caseEvent.findMany({ where: { caseId: a.caseId, action: 'changeDeadline', createdAt: { gte: a.decidedAt } }, orderBy: { seq: 'asc' }, select: { payload: true } });
        const made = changes.map((e) => e.payload as { taskId?: string; from?: string; to?: string }).find((p) => p.taskId === a.taskId);
        dueBefore = made?.from ?? null;
        dueAfter = made?.to ?? null;
      }
      return { task, timeAdded: { duration: a.duration, calendar, dueBefore, dueAfter } };
    }),
  );
}
