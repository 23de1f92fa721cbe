/** Reading cases within the caller's scope: lists, one case, its audit history and its attachments. */
import type { Prisma } from '../../generated/prisma/client';
import { CaseStatus } from '../../generated/prisma/enums';
import { verifyCaseAudit } from '../../domain/audit-verify';
import type { Caller } from '../auth/caller';
import { caseScope, holdsAbove } from '../auth/scope';
import { WITHDRAWABLE_STATUSES } from '../../process/engine';
import type { ApiDeps } from '../deps';
import { notFound, text } from './errors';
import { apiId, apiIdOrNull } from '../http/ids';
import { caseTextFilter, isIndexedText } from './case-text';
import { durationMs } from '../../process/business-time';
import { sortedPage, sortOf, type IndexWalk, type SortTable } from './lists';
import { rowsByIds, type RowShape } from './page-rows';

export const ENDED_STATUSES = ['CLOSED', 'REJECTED', 'VOIDED', 'WITHDRAWN', 'MERGED'] as const;
const OPEN_STATUSES = Object.values(CaseStatus).filter((s) => !(ENDED_STATUSES as readonly string[]).includes(s));

export interface CaseListQuery {
  status?: string[];
  category?: string;
  tier?: string;
  orgUnit?: number;
  overdue?: boolean;
  escalated?: boolean;
  dueBefore?: string;
  dueAfter?: string;
  dueWithin?: string;
  createdBefore?: string;
  createdAfter?: string;
  closedBefore?: string;
  closedAfter?: string;
  q?: string;
  reportedByMe?: boolean;
  sort: 'due' | 'created' | 'priority';
  order?: 'asc' | 'desc';
  cursor?: string;
  limit: number;
}

/** What a case search filters on: the list's query without its sort and paging (also the export's and the bulk verification's). */
export type CaseFilters = Omit<CaseListQuery, 'sort' | 'order' | 'cursor' | 'limit'>;

export const caseSummarySelect = {
  id: true,
  description: true,
  address: true,
  status: true,
  statusLabel: true,
  currentTier: true,
  channel: true,
  severity: true,
  reportedAt: true,
  dueAt: true,
  closedAt: true,
  closedTier: true,
  possibleDuplicateOfId: true,
  duplicateOfId: true,
  lat: true,
  lng: true,
  sentCrs: true,
  sentLat: true,
  sentLng: true,
  category: { select: { code: true, name: true, nameEn: true } },
  currentUnit: { select: { id: true, name: true, level: true } },
  grid: { select: { id: true, orgUnit: { select: { name: true } } } },
} satisfies Prisma.CaseSelect;

type CaseSummaryRow = Prisma.CaseGetPayload<{ select: typeof caseSummarySelect }>;

/** caseSummarySelect as one statement's joins (page-rows.ts): the same columns and relations. */
export const caseSummaryShape = {
  table: 'cases',
  columns: ['id', 'description', 'address', 'status', 'statusLabel', 'currentTier', 'channel', 'severity', 'reportedAt', 'dueAt', 'closedAt', 'closedTier', 'possibleDuplicateOfId', 'duplicateOfId', 'lat', 'lng', 'sentCrs', 'sentLat', 'sentLng'],
  relations: {
    category: { via: 'categoryId', shape: { table: 'categories', columns: ['code', 'name', 'nameEn'] } },
    currentUnit: { via: 'currentUnitId', shape: { table: 'org_units', columns: ['id', 'name', 'level'] } },
    grid: { via: 'gridId', shape: { table: 'grids', columns: ['id'], relations: { orgUnit: { via: 'orgUnitId', shape: { table: 'org_units', columns: ['name'] } } } } },
  },
} satisfies RowShape;

/**
 * Where the case is: the WGS-84 point that placed it in its grid and, in `sent`, the point as the
 * reporter sent it (crs WGS84, GCJ02 or BD09; null for cases from before it was kept). null
 * while a report that came without a point waits to be located.
 */
export function locationOf(c: Pick<CaseSummaryRow, 'lat' | 'lng' | 'sentCrs' | 'sentLat' | 'sentLng'>) {
  if (c.lat === null || c.lng === null) return null;
  const sent = c.sentCrs && c.sentLat !== null && c.sentLng !== null ? { crs: c.sentCrs, lat: Number(c.sentLat), lng: Number(c.sentLng) } : null;
  return { lat: Number(c.lat), lng: Number(c.lng), crs: 'WGS84' as const, sent };
}

export function caseSummary(c: CaseSummaryRow, now = new Date()) {
  const ended = (ENDED_STATUSES as readonly string[]).includes(c.status);
  return {
    id: c.id,
    description: c.description,
    address: c.address,
    status: c.status,
    statusLabel: c.statusLabel,
    category: c.category,
    tier: c.currentTier,
    currentUnit: c.currentUnit,
    grid: c.grid ? { id: c.grid.id, name: c.grid.orgUnit.name } : null,
    location: locationOf(c),
    channel: c.channel,
    severity: c.severity,
    reportedAt: c.reportedAt.toISOString(),
    dueAt: c.dueAt?.toISOString() ?? null,
    overdue: !ended && c.dueAt !== null && c.dueAt < now,
    closedAt: c.closedAt?.toISOString() ?? null,
    closedTier: c.closedTier,
    possibleDuplicateOf: c.possibleDuplicateOfId,
    duplicateOf: c.duplicateOfId,
  };
}

const SORTS: SortTable<CaseListQuery['sort']> = {
  due: { field: 'dueAt', dir: 'asc', kind: 'date', nullable: true },
  created: { field: 'reportedAt', dir: 'desc', kind: 'date', nullable: false },
  priority: { field: 'severity', dir: 'desc', kind: 'int', nullable: false },
};

/** The filters of a case search as Prisma conditions (the caller's scope is added by the callers). */
export async function caseFilters(deps: ApiDeps, caller: Caller, q: CaseFilters, now: Date): Promise<Prisma.CaseWhereInput[]> {
  const and: Prisma.CaseWhereInput[] = [];
  if (q.status?.length) and.push({ status: { in: q.status as never } });
  if (q.category) and.push({ OR: [{ category: { code: q.category } }, { category: { parent: { code: q.category } } }] });
  if (q.tier) and.push({ currentTier: q.tier as never });
  if (q.orgUnit !== undefined) {
    const unit = await deps.prisma.orgUnit.findUnique({ where: { id: q.orgUnit }, select: { path: true } });
    and.push(unit ? { orgPath: { startsWith: unit.path } } : { id: '' });
  }
  if (q.overdue !== undefined) {
    // the open statuses listed (not NOT IN the ended ones): ranges on cases(status, dueAt)
    const overdue: Prisma.CaseWhereInput = { dueAt: { lt: now }, status: { in: OPEN_STATUSES } };
    and.push(q.overdue ? overdue : { NOT: overdue });
  }
  if (q.dueBefore) and.push({ dueAt: { lt: new Date(q.dueBefore) } });
  if (q.dueAfter) and.push({ dueAt: { gte: new Date(q.dueAfter) } });
  // open cases due before now + the duration (clock time), overdue ones included
  if (q.dueWithin) and.push({ dueAt: { lt: new Date(now.getTime() + durationMs(q.dueWithin)) }, status: { in: OPEN_STATUSES } });
  if (q.createdBefore) and.push({ reportedAt: { lt: new Date(q.createdBefore) } });
  if (q.createdAfter) and.push({ reportedAt: { gte: new Date(q.createdAfter) } });
  if (q.closedBefore) and.push({ closedAt: { lt: new Date(q.closedBefore) } });
  if (q.closedAfter) and.push({ closedAt: { gte: new Date(q.closedAfter) } });
  // escalated: an escalate row (逐级上报, by a handler or by the process) in its audit trail
  if (q.escalated !== undefined) and.push({ events: q.escalated ? { some: { action: 'escalate' } } : { none: { action: 'escalate' } } });
  // a rare Han text through the FULLTEXT index of its character pairs, then LIKE (case-text.ts)
  if (q.q) and.push(await caseTextFilter(deps.prisma, q.q, { after: q.createdAfter ? new Date(q.createdAfter) : undefined, before: q.createdBefore ? new Date(q.createdBefore) : undefined }));
  if (q.reportedByMe) and.push({ reporterId: caller.userId });
  return and;
}

export async function listCases(deps: ApiDeps, caller: Caller, q: CaseListQuery) {
  const sort = sortOf(SORTS, q.sort, q.order);
  const now = new Date();
  const scope = caseScope(caller);
  const filters = await caseFilters(deps, caller, q, now);
  const result = await sortedPage<CaseSummaryRow>(deps.prisma.case, {
    sort,
    cursor: q.cursor,
    limit: q.limit,
    where: [scope, ...filters],
    select: caseSummarySelect,
    walk: listWalk(sort.field, scope, filters, q),
    rows: (ids) => rowsByIds<CaseSummaryRow>(deps.prisma, caseSummaryShape, ids, sort),
  });
  const tallies = await supervisionTallies(deps, result.items.map((c) => c.id));
  return { items: result.items.map((c) => ({ ...caseSummary(c, now), ...tallies(c.id) })), nextCursor: result.nextCursor };
}

/**
 * How a case list reads its page (services/lists.ts): a rare Han text in one query (the
 * FULLTEXT index finds its rows, case-text.ts); by report time per branch of the caller's scope;
 * by due time or priority per status (cases(status, dueAt), cases(status, severity)), or in
 * cases(dueAt) / cases(severity) when the list asks for no status.
 */
function listWalk(field: string, scope: Prisma.CaseWhereInput, filters: Prisma.CaseWhereInput[], q: CaseFilters): IndexWalk | undefined {
  if (filters.some(isIndexedText)) return undefined;
  if (field === 'reportedAt') return newestWalk(scope, filters, q);
  return statusWalk([scope, ...filters], q);
}

/**
 * The cases by due time (nulls last) or priority, walked per status the list is limited to (its
 * status filter; overdue and due-soon lists: the open statuses), each lane with its own edge, in
 * cases(status, dueAt) or cases(status, severity) order; without a status limit, one lane in
 * cases(dueAt) or cases(severity) order. One sorted query would read every case in scope of those
 * statuses and sort them (tens of ms for a district's overdue cases at 1 M cases).
 */
function statusWalk(rows: Prisma.CaseWhereInput[], q: CaseFilters): IndexWalk {
  let statuses: string[] | null = q.status?.length ? [...new Set(q.status)] : null;
  if (q.overdue === true || q.dueWithin) statuses = (statuses ?? OPEN_STATUSES).filter((x) => (OPEN_STATUSES as string[]).includes(x));
  if (!statuses) return { lanes: [{ window: [], rows }] };
  // overdue or due soon: each lane is a range of cases(status, dueAt) up to a due time, read in order without an edge
  const bounded = q.overdue === true || !!q.dueWithin;
  return { lanes: statuses.map((status) => ({ window: bounded ? null : [{ status }], rows: [...rows, { status }] })) };
}

/**
 * The newest cases by report time, walked per branch of the caller's scope (services/lists.ts).
 * With the scope's OR (my reports, my subtrees, my grids, my departments' cases) in one query,
 * MySQL merges the branches' indexes and sorts every case of a district for one page (seconds at
 * 1 M cases). Instead: the INDEX_WALK-th case by report time from where the page starts, whatever
 * the scope (the report-time range bounds it); each branch's matching cases up to it in index
 * order; and only when those are fewer than a page, the rest after it with the whole scope.
 */
function newestWalk(scope: Prisma.CaseWhereInput, filters: Prisma.CaseWhereInput[], q: CaseFilters): IndexWalk | undefined {
  const branches = (scope.OR as Prisma.CaseWhereInput[] | undefined) ?? [];
  if (branches.length < 2) return undefined;
  const window = [...(q.createdBefore ? [{ reportedAt: { lt: new Date(q.createdBefore) } }] : []), ...(q.createdAfter ? [{ reportedAt: { gte: new Date(q.createdAfter) } }] : [])];
  return { window, lanes: branches.map((b) => [b, ...filters]) };
}

type Tally = { count: number; lastAt: string; lastBy: { id: number | null; name: string }; lastText: string | null } | null;

/**
 * How often each case was urged (催办) and supervised (督办), and the last time of each with who and
 * the note or instruction: automatic ones (a reminder before the deadline, the supervision when it
 * passed) count too, by 系统. Two queries per page: the counts and last rows per case, then those rows.
 */
async function supervisionTallies(deps: ApiDeps, ids: string[]): Promise<(id: string) => { urged: Tally; supervised: Tally }> {
  const groups = ids.length ? await deps.prisma.caseEvent.groupBy({ by: ['caseId', 'action'], where: { caseId: { in: ids }, action: { in: ['urge', 'supervise'] } }, _count: { _all: true }, _max: { seq: true } }) : [];
  const lasts = groups.length
    ? await deps.prisma.caseEvent.findMany({ where: { OR: groups.map((g) => ({ caseId: g.caseId, seq: g._max.seq! })) }, select: { caseId: true, seq: true, actorId: true, actorName: true, reason: true, createdAt: true } })
    : [];
  const tally = (id: string, action: string): Tally => {
    const g = groups.find((x) => x.caseId === id && x.action === action);
    const last = g && lasts.find((r) => r.caseId === id && r.seq === g._max.seq);
    return g && last ? { count: g._count._all, lastAt: last.createdAt.toISOString(), lastBy: { id: last.actorId, name: last.actorName }, lastText: last.reason } : null;
  };
  return (id) => ({ urged: tally(id, 'urge'), supervised: tally(id, 'supervise') });
}

/** The case if the caller may read it; 404 otherwise (no existence leak). */
export async function visibleCase<S extends Prisma.CaseSelect>(deps: ApiDeps, caller: Caller, id: string, select: S) {
  const row = await deps.prisma.case.findFirst({ where: { AND: [{ id }, caseScope(caller)] }, select });
  if (!row) throw notFound('id', text(`案件 ${id} 不存在`, `case ${id} does not exist`));
  return row as Prisma.CaseGetPayload<{ select: S }>;
}

export async function getCase(deps: ApiDeps, caller: Caller, id: string) {
  const c = await visibleCase(deps, caller, id, {
    ...caseSummarySelect,
    orgPath: true,
    reporterName: true,
    reporterId: true,
    acceptedAt: true,
    village: { select: { id: true, name: true } },
    township: { select: { id: true, name: true } },
    district: { select: { id: true, name: true } },
    processVersion: { select: { id: true, version: true, definition: { select: { key: true, name: true } } } },
    tasks: {
      where: { state: { in: ['OPEN', 'CLAIMED'] } },
      orderBy: { createdAt: 'asc' },
      select: { id: true, elementId: true, name: true, state: true, tier: true, dueAt: true, candidates: true, assignee: { select: { id: true, displayName: true } }, orgUnit: { select: { id: true, name: true } }, department: { select: { id: true, code: true, name: true } } },
    },
    attachments: { orderBy: { createdAt: 'asc' }, select: { id: true, fileName: true, mediaType: true, size: true, sha256: true, taskId: true, uploadedByName: true, createdAt: true } },
    approvals: { where: { state: 'PENDING' }, select: { id: true, kind: true, reason: true, duration: true, requestedByName: true, requestedAt: true, approverTier: true } },
    rating: { select: { score: true, comment: true, ratedAt: true } },
  });
  const now = new Date();
  const escalated = await deps.prisma.caseEvent.findMany({ where: { caseId: id, action: 'escalate' }, select: { payload: true } });
  return {
    ...caseSummary(c, now),
    village: c.village,
    township: c.township,
    district: c.district,
    reporter: c.reporterId === caller.userId || !caller.roles.has('GRID_WORKER') ? { name: c.reporterName } : null,
    acceptedAt: c.acceptedAt?.toISOString() ?? null,
    processVersion: c.processVersion ? { id: c.processVersion.id, key: c.processVersion.definition.key, name: c.processVersion.definition.name, version: c.processVersion.version } : null,
    activeTasks: c.tasks.map((t) => ({
      id: apiId(t.id),
      ...taskHeading(t),
      assignee: t.assignee ? { id: t.assignee.id, name: t.assignee.displayName } : null,
      dueAt: t.dueAt?.toISOString() ?? null,
      overdue: t.dueAt !== null && t.dueAt < now,
    })),
    attachments: c.attachments.map((a) => ({ ...a, taskId: apiIdOrNull(a.taskId), createdAt: a.createdAt.toISOString(), href: `/api/cases/${c.id}/attachments/${a.id}` })),
    pendingApprovals: c.approvals.map((a) => ({ ...a, id: apiId(a.id), requestedAt: a.requestedAt.toISOString() })),
    rating: c.rating ? { ...c.rating, ratedAt: c.rating.ratedAt.toISOString() } : null,
    // how often the case went up a tier (逐级上报; "already at the top" moves nothing)
    escalations: escalated.filter((e) => {
      const p = e.payload as { fromTier?: string; toTier?: string } | null;
      return !!p?.fromTier && p.fromTier !== p.toTier;
    }).length,
    actions: caseActions(caller, c),
  };
}

/** What every view of a task shows after its id (a case's active tasks, the inbox's tasks): its step, state and where it lies. */
export function taskHeading<T extends { elementId: string; name: string; state: unknown; tier: unknown; orgUnit: unknown; department: unknown }>(t: T) {
  return { elementId: t.elementId, name: t.name, state: t.state, tier: t.tier, unit: t.orgUnit, department: t.department };
}

export type CaseAction = 'urge' | 'supervise' | 'withdraw' | 'rate';

/**
 * What the caller may do to the whole case (the page offers these; each endpoint checks again):
 * 催办 and 督办 by supervisors of its area while it runs, 撤回 by its reporter before it is
 * dispatched, 评价 by its reporter once it is closed.
 */
export function caseActions(caller: Caller, c: { status: string; orgPath: string; reporterId: number | null; rating: unknown }): CaseAction[] {
  const out: CaseAction[] = [];
  const ended = (ENDED_STATUSES as readonly string[]).includes(c.status);
  const reporter = c.reporterId !== null && c.reporterId === caller.userId;
  if (!ended && holdsAbove(caller, c.orgPath, ['SUPERVISOR'])) out.push('urge', 'supervise');
  if (reporter && (WITHDRAWABLE_STATUSES as readonly string[]).includes(c.status)) out.push('withdraw');
  if (reporter && c.status === 'CLOSED' && !c.rating) out.push('rate');
  return out;
}

/**
 * One row of a case's history as the API shows it (GET /api/cases/{id}/history, and what urge and
 * supervise wrote). `data` is the payload as recorded and hashed, so ids in it keep their recorded
 * form; `taskId` is the row's task (data.taskId) as the API shows task ids.
 */
export function historyEvent(r: Prisma.CaseEventGetPayload<object>) {
  const taskId = (r.payload as { taskId?: unknown } | null)?.taskId;
  return {
    seq: r.seq,
    at: r.createdAt.toISOString(),
    actor: { id: r.actorId, name: r.actorName },
    action: r.action,
    fromStatus: r.fromStatus,
    toStatus: r.toStatus,
    tier: r.tier,
    reason: r.reason,
    taskId: typeof taskId === 'string' ? apiId(taskId) : null,
    data: r.payload,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

export async function caseHistory(deps: ApiDeps, caller: Caller, id: string) {
  await visibleCase(deps, caller, id, { id: true });
  const rows = await deps.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { seq: 'asc' } });
  return rows.map(historyEvent);
}

/** The chain, against the head on the case row and every signed checkpoint holding the case (domain/audit-verify.ts). */
export async function verifyHistory(deps: ApiDeps, caller: Caller, id: string) {
  await visibleCase(deps, caller, id, { id: true });
  const r = await verifyCaseAudit(deps.prisma, id, deps.auditKey);
  return { ...r, checkedAt: new Date().toISOString() };
}

const CSV_COLUMNS = ['seq', 'at', 'actorId', 'actorName', 'action', 'fromStatus', 'toStatus', 'tier', 'reason', 'data', 'prevHash', 'hash'] as const;

/** One CSV cell, quoted when needed (also the case search export's, services/case-export.ts). */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // a leading =, +, - or @ would be a formula in a spreadsheet
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function historyCsv(rows: Awaited<ReturnType<typeof caseHistory>>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([r.seq, r.at, r.actor.id, r.actor.name, r.action, r.fromStatus, r.toStatus, r.tier, r.reason, r.data, r.prevHash, r.hash].map(csvCell).join(','));
  }
  // BOM so Excel opens the Chinese text as UTF-8
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
