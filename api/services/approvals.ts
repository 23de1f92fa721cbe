/**
 * Requests that need the tier above (延期 extension, 回退 return, 作废 void, 缓办 deferral): the
 * supervisors of the approving unit (or any unit above it) decide; the decision goes to the case
 * workflow, which applies it (a new deadline, the earlier step, the voided case).
 */
import type { Prisma } from '../../generated/prisma/client';
import { decideUpdate } from '../../workflows/case-api';
import { actorOf, type Caller } from '../auth/caller';
import { caseScope, holdsAbove } from '../auth/scope';
import type { ApiDeps } from '../deps';
import { conflict, forbidden, notFound, text } from '../http/errors';
import { apiId, apiIdOrNull, internalId } from '../http/ids';
import { afterCursor, decodeCursor, orderByOf, page, type SortSpec } from '../http/paging';
import { updateIdOf } from './tasks';

export interface ApprovalListQuery {
  state?: string[];
  kind?: string[];
  caseId?: string;
  mine?: boolean;
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
  case: { select: { description: true, status: true, statusLabel: true } },
} satisfies Prisma.ApprovalSelect;

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

async function view(deps: ApiDeps, c: Caller, a: Prisma.ApprovalGetPayload<{ select: typeof approvalSelect }>) {
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
    case: { id: a.caseId, ...a.case },
    actions: canDecide ? ['approve', 'reject'] : [],
  };
}

export async function listApprovals(deps: ApiDeps, c: Caller, q: ApprovalListQuery) {
  const units = await readableUnits(deps, c);
  const and: Prisma.ApprovalWhereInput[] = [scopeOf(c, units)];
  if (q.state?.length) and.push({ state: { in: q.state as never } });
  if (q.kind?.length) and.push({ kind: { in: q.kind as never } });
  if (q.caseId) and.push({ caseId: q.caseId });
  if (q.mine) and.push({ requestedById: c.userId });
  and.push(afterCursor(SORT, decodeCursor(SORT, q.cursor)));
  const result = await page(SORT, q.limit, (take) => deps.prisma.approval.findMany({ where: { AND: and }, orderBy: orderByOf(SORT) as Prisma.ApprovalOrderByWithRelationInput[], take, select: approvalSelect }));
  return { items: await Promise.all(result.items.map((a) => view(deps, c, a))), nextCursor: result.nextCursor };
}

export async function decideApproval(deps: ApiDeps, c: Caller, givenId: string, approve: boolean, note: string | undefined, key: string | undefined) {
  // either form (api/http/ids.ts); the workflow and the database know the internal one
  const id = internalId(givenId);
  const units = await readableUnits(deps, c);
  const a = await deps.prisma.approval.findFirst({ where: { AND: [{ id }, scopeOf(c, units)] }, select: approvalSelect });
  if (!a) throw notFound('path.id', text(`审批 ${givenId} 不存在`, `approval ${givenId} does not exist`));
  const unit = await deps.prisma.orgUnit.findUniqueOrThrow({ where: { id: a.approverUnitId }, select: { path: true } });
  if (!holdsAbove(c, unit.path, ['SUPERVISOR'])) throw forbidden(text('只有上一级的督办人员可以审批', 'only supervisors of the tier above may decide'), 'path.id');
  if (a.requestedById === c.userId) throw forbidden(text('不能审批自己的申请', 'you cannot decide your own request'), 'path.id');
  if (a.state !== 'PENDING') throw conflict('path.id', text(`该申请已${a.state === 'APPROVED' ? '批准' : '驳回'}`, `the request was already ${a.state.toLowerCase()}`), 'APPROVAL_DECIDED');
  await deps.temporal.client.workflow.getHandle(a.caseId).executeUpdate(decideUpdate, { args: [{ approvalId: id, actor: actorOf(c), approve, note }], updateId: updateIdOf(c, approve ? 'approve' : 'reject', id, key) });
  const fresh = await deps.prisma.approval.findUniqueOrThrow({ where: { id }, select: approvalSelect });
  return view(deps, c, fresh);
}
