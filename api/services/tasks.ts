/**
 * The task inbox and what handlers do with a task. Every action goes to the case workflow as an
 * Update (its validator refuses illegal moves, which become 409s naming the reason); the update
 * id is derived from the request's Idempotency-Key, so a retried request acts once; the update
 * returns after its change is in MySQL, so the answer reads the new state.
 */
import crypto from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import {
  claimUpdate,
  commentUpdate,
  completeUpdate,
  deferUpdate,
  escalateUpdate,
  extendUpdate,
  returnUpdate,
  unclaimUpdate,
  voidUpdate,
} from '../../workflows/case-api';
import { durationMs } from '../../process/business-time';
import type { Approval } from '../../process/engine';
import { actorOf, type Caller } from '../auth/caller';
import { namePrincipals, type NamedPrincipal } from '../auth/principals';
import { caseScope, isCandidate } from '../auth/scope';
import type { ApiDeps } from '../deps';
import { conflict, invalid, notFound, refused, text } from './errors';
import { apiId, internalId } from '../http/ids';
import { literal } from '../http/like';
import { placeForCase } from './locate';
import { caseSummary, caseSummarySelect, caseSummaryShape, taskHeading } from './cases';
import { rowsByIds, type RowShape } from './page-rows';
import { sortedPage, sortOf, type IndexWalk, type SortTable } from './lists';
import { modelOf, userTaskOf } from './models';
import { workingTimesLeft, type WorkingTimeLeft } from './task-limits';
import { caseWorkflow } from '../case-workflows';

export type TaskAction = 'claim' | 'unclaim' | 'complete' | 'escalate' | 'return' | 'extend' | 'void' | 'defer' | 'comment';

export interface TaskListQuery {
  mine?: boolean;
  claimable?: boolean;
  state?: string[];
  category?: string;
  tier?: string;
  orgUnit?: number;
  overdue?: boolean;
  dueBefore?: string;
  dueAfter?: string;
  createdBefore?: string;
  createdAfter?: string;
  q?: string;
  caseId?: string;
  sort: 'due' | 'created' | 'priority';
  order?: 'asc' | 'desc';
  cursor?: string;
  limit: number;
}

export const taskSelect = {
  id: true,
  caseId: true,
  elementId: true,
  name: true,
  state: true,
  tier: true,
  priority: true,
  dueAt: true,
  createdAt: true,
  claimedAt: true,
  completedAt: true,
  outcome: true,
  candidateRule: true,
  candidates: true,
  formSchema: true,
  assigneeId: true,
  assignee: { select: { id: true, displayName: true } },
  orgUnit: { select: { id: true, name: true, level: true } },
  department: { select: { id: true, code: true, name: true } },
  case: { select: { ...caseSummarySelect, processVersionId: true } },
} satisfies Prisma.TaskSelect;

type TaskRow = Prisma.TaskGetPayload<{ select: typeof taskSelect }>;

/** taskSelect as one statement's joins (page-rows.ts): the same columns and relations. */
export const taskShape = {
  table: 'tasks',
  columns: ['id', 'caseId', 'elementId', 'name', 'state', 'tier', 'priority', 'dueAt', 'createdAt', 'claimedAt', 'completedAt', 'outcome', 'candidateRule', 'candidates', 'formSchema', 'assigneeId'],
  relations: {
    assignee: { via: 'assigneeId', shape: { table: 'users', columns: ['id', 'displayName'] } },
    orgUnit: { via: 'orgUnitId', shape: { table: 'org_units', columns: ['id', 'name', 'level'] } },
    department: { via: 'departmentId', shape: { table: 'departments', columns: ['id', 'code', 'name'] } },
    case: { via: 'caseId', shape: { ...caseSummaryShape, tail: ['processVersionId'] } },
  },
} satisfies RowShape;

const ACTIVE = ['OPEN', 'CLAIMED'];

/** Tasks the caller may see: offered to them, held by them, or of a case in their scope. */
function taskScope(c: Caller): Prisma.TaskWhereInput {
  return { OR: [{ assigneeId: c.userId }, { candidateKeys: { some: { principal: { in: c.principals } } } }, { case: caseScope(c) }] };
}

export function allowedActions(c: Caller, t: { state: string; candidates: unknown; assigneeId: number | null }, escalatable: boolean): TaskAction[] {
  if (c.roles.size === 1 && c.roles.has('AUDITOR')) return [];
  if (!ACTIVE.includes(t.state)) return [];
  const candidate = isCandidate(c, (t.candidates as string[]) ?? [], t.assigneeId);
  if (!candidate) return [];
  if (t.state === 'OPEN') return ['claim', 'complete', 'comment'];
  if (t.assigneeId !== c.userId) return ['comment'];
  return ['unclaim', 'complete', ...(escalatable ? (['escalate'] as const) : []), 'return', 'extend', 'defer', 'void', 'comment'];
}

/** The candidates of these tasks with their names, by key (one lookup for a whole page). */
async function candidateNames(deps: ApiDeps, rows: TaskRow[]): Promise<Map<string, NamedPrincipal>> {
  const named = await namePrincipals(deps.prisma, rows.flatMap((t) => (t.candidates as string[] | null) ?? []));
  return new Map(named.map((p) => [p.key, p]));
}

/** One 催办 (urge) or 督办 (supervise) addressed to a task, as its audit row recorded it. */
export interface TaskSupervision {
  action: 'urge' | 'supervise';
  at: string;
  by: { id: number | null; name: string };
  note: string | null;
  newDeadline: string | null;
  automatic: boolean;
  seq: number;
}

/** How many of a task's urges and supervisions its view carries (newest first). */
const SUPERVISION_SHOWN = 20;

/** The task ids an urge or supervise row names: a supervisor's names them all (taskIds), a reminder or the automatic 督办 one (taskId). */
export function supervisedTaskIds(payload: unknown): string[] {
  const p = (payload ?? {}) as { taskIds?: unknown; taskId?: unknown };
  const ids = Array.isArray(p.taskIds) ? p.taskIds : [p.taskId];
  return ids.filter((x): x is string => typeof x === 'string');
}

/**
 * The urges and supervisions addressed to each of these tasks (by internal task id, newest
 * first), read from the cases' audit rows: one query for a whole page, through the rows of
 * their cases (case_events(caseId, seq)).
 */
async function supervisionOf(deps: ApiDeps, rows: { id: string; caseId: string }[]): Promise<Map<string, TaskSupervision[]>> {
  const out = new Map<string, TaskSupervision[]>();
  if (!rows.length) return out;
  const wanted = new Set(rows.map((r) => r.id));
  const events = await deps.prisma.caseEvent.findMany({
    where: { caseId: { in: [...new Set(rows.map((r) => r.caseId))] }, action: { in: ['urge', 'supervise'] } },
    select: { seq: true, action: true, actorId: true, actorName: true, reason: true, payload: true, createdAt: true },
    orderBy: [{ caseId: 'asc' }, { seq: 'desc' }],
  });
  for (const e of events) {
    const p = (e.payload ?? {}) as { automatic?: unknown; newDeadline?: unknown };
    for (const id of supervisedTaskIds(e.payload)) {
      if (!wanted.has(id)) continue;
      const list = out.get(id) ?? [];
      if (list.length >= SUPERVISION_SHOWN) continue;
      list.push({
        action: e.action as 'urge' | 'supervise',
        at: e.createdAt.toISOString(),
        by: { id: e.actorId, name: e.actorName },
        note: e.reason,
        newDeadline: typeof p.newDeadline === 'string' ? p.newDeadline : null,
        automatic: p.automatic === true,
        seq: e.seq,
      });
      out.set(id, list);
    }
  }
  return out;
}

/** The working time left of each task, by task id (task-limits.ts; one limits query for all). */
async function workingLeftOf(deps: ApiDeps, rows: TaskRow[], now: Date): Promise<Map<string, WorkingTimeLeft | null>> {
  const left = await workingTimesLeft(
    deps,
    rows.map((t) => ({ ...t, processVersionId: t.case.processVersionId, category: t.case.category?.code ?? null })),
    now,
  );
  return new Map(rows.map((t, i) => [t.id, left[i]]));
}

async function taskView(
  deps: ApiDeps,
  c: Caller,
  t: TaskRow,
  now: Date,
  names?: Map<string, NamedPrincipal>,
  supervision?: Map<string, TaskSupervision[]>,
  workingLeft?: Map<string, WorkingTimeLeft | null>,
) {
  names ??= await candidateNames(deps, [t]);
  supervision ??= await supervisionOf(deps, [t]);
  workingLeft ??= await workingLeftOf(deps, [t], now);
  const left = workingLeft.get(t.id) ?? null;
  const model = t.case.processVersionId ? await modelOf(deps.prisma, t.case.processVersionId) : null;
  const drawn = userTaskOf(model, t.elementId);
  const dueMs = t.dueAt ? t.dueAt.getTime() - now.getTime() : null;
  return {
    id: apiId(t.id),
    caseId: t.caseId,
    ...taskHeading(t),
    candidateRule: t.candidateRule,
    // to whom the task is offered, named (the caller's own keys: GET /api/auth/me, principals)
    candidates: ((t.candidates as string[] | null) ?? []).map((key) => names.get(key) ?? { key, kind: 'unknown' as const, role: null, name: key }),
    assignee: t.assignee ? { id: t.assignee.id, name: t.assignee.displayName } : null,
    priority: t.priority,
    createdAt: t.createdAt.toISOString(),
    claimedAt: t.claimedAt?.toISOString() ?? null,
    completedAt: t.completedAt?.toISOString() ?? null,
    outcome: t.outcome,
    dueAt: t.dueAt?.toISOString() ?? null,
    timeLeftSeconds: dueMs === null ? null : Math.round(dueMs / 1000),
    // the time left counted on the calendar of the task's limit (working hours or days)
    workingTimeLeft: left && { seconds: left.seconds, calendar: left.calendar, spanSeconds: left.spanSeconds },
    overdue: ACTIVE.includes(t.state) && dueMs !== null && dueMs < 0,
    outcomes: drawn?.outcomes ?? [],
    formSchema: t.formSchema ?? drawn?.form ?? null,
    actions: allowedActions(c, t, drawn?.escalatable ?? false),
    // 催办 and 督办 addressed to this task, newest first (the audit rows naming it)
    supervision: supervision.get(t.id) ?? [],
    case: caseSummary(t.case, now),
  };
}

const SORTS: SortTable<TaskListQuery['sort']> = {
  due: { field: 'dueAt', dir: 'asc', kind: 'date', nullable: true },
  created: { field: 'createdAt', dir: 'desc', kind: 'date', nullable: false },
  priority: { field: 'priority', dir: 'desc', kind: 'int', nullable: false },
};

export async function listTasks(deps: ApiDeps, c: Caller, q: TaskListQuery) {
  const sort = sortOf(SORTS, q.sort, q.order);
  const now = new Date();
  // mine and claimable each imply the caller's scope (the assignee; a candidate by one of the same
  // principals), so the scope's OR is left out for them: its EXISTS over every candidate row of the
  // caller's principals, ended tasks' included, made MariaDB read them all before the page (101 k
  // rows and 650 ms for a community handler offered 7.7 k of 60 k open tasks at 1 M cases)
  const and: Prisma.TaskWhereInput[] = q.mine || q.claimable ? [] : [taskScope(c)];
  if (q.mine) and.push({ assigneeId: c.userId });
  // the inbox index: the candidate rows carry the task's state, so "open and offered to me" is a
  // range of task_candidates(principal, state, dueAt) per principal
  if (q.claimable) and.push({ state: 'OPEN', candidateKeys: { some: { principal: { in: c.principals }, state: 'OPEN' } } });
  if (q.state?.length) and.push({ state: { in: q.state as never } });
  else if (!q.caseId) and.push({ state: { in: ACTIVE as never } });
  if (q.category) and.push({ case: { OR: [{ category: { code: q.category } }, { category: { parent: { code: q.category } } }] } });
  if (q.tier) and.push({ tier: q.tier as never });
  if (q.orgUnit !== undefined) {
    const unit = await deps.prisma.orgUnit.findUnique({ where: { id: q.orgUnit }, select: { path: true } });
    and.push(unit ? { orgUnit: { path: { startsWith: unit.path } } } : { id: '' });
  }
  if (q.overdue !== undefined) {
    const overdue: Prisma.TaskWhereInput = { dueAt: { lt: now }, state: { in: ACTIVE as never } };
    and.push(q.overdue ? overdue : { NOT: overdue });
  }
  if (q.dueBefore) and.push({ dueAt: { lt: new Date(q.dueBefore) } });
  if (q.dueAfter) and.push({ dueAt: { gte: new Date(q.dueAfter) } });
  if (q.createdBefore) and.push({ createdAt: { lt: new Date(q.createdBefore) } });
  if (q.createdAfter) and.push({ createdAt: { gte: new Date(q.createdAfter) } });
  if (q.caseId) and.push({ caseId: q.caseId });
  if (q.q) {
    const text = literal(q.q);
    and.push({ OR: [{ name: { contains: text } }, { caseId: { contains: text } }, { case: { description: { contains: text } } }, { case: { address: { contains: text } } }] });
  }
  // mine, claimable and one case's tasks start from small sets (their own indexes): one query
  const states = q.caseId || q.mine || q.claimable ? [] : q.state?.length ? q.state : ACTIVE;
  const result = await sortedPage<TaskRow>(deps.prisma.task, { sort, cursor: q.cursor, limit: q.limit, where: and,
    select: taskSelect,
    walk: sort.field === 'dueAt' ? dueWalk(and, states) : undefined,
    rows: (ids) => rowsByIds<TaskRow>(deps.prisma, taskShape, ids, sort),
  });
  const [names, supervision, workingLeft] = await Promise.all([candidateNames(deps, result.items), supervisionOf(deps, result.items), workingLeftOf(deps, result.items, now)]);
  return { items: await Promise.all(result.items.map((t) => taskView(deps, c, t, now, names, supervision, workingLeft))), nextCursor: result.nextCursor };
}

/**
 * The tasks by due time (nulls last), walked per task state (services/lists.ts). A single query
 * cannot read tasks(state, dueAt) in order (an IN list on its first column, and "nulls last" is
 * an expression), so it sorts every active task of the city before it can join their cases to
 * check the caller's scope: tens of ms at 50 k open tasks. Instead, per state: the INDEX_WALK-th
 * task from where the page starts, whatever the other filters (an index-only read); the matching
 * tasks up to it in index order, which stops after a page; and only when those are fewer than a
 * page, the rest after it, sorted (as the single query would).
 */
function dueWalk(filters: Prisma.TaskWhereInput[], states: string[]): IndexWalk | undefined {
  if (!states.length) return undefined;
  return { lanes: states.map((state) => ({ window: [{ state }], rows: [...filters, { state }] })) };
}

/** The task if the caller may see it (its id in either form, api/http/ids.ts); 404 otherwise. */
async function visibleTask(deps: ApiDeps, c: Caller, id: string): Promise<TaskRow> {
  const t = await deps.prisma.task.findFirst({ where: { AND: [{ id: internalId(id) }, taskScope(c)] }, select: taskSelect });
  if (!t) throw notFound('id', text(`任务 ${id} 不存在`, `task ${id} does not exist`));
  return t;
}

export async function getTask(deps: ApiDeps, c: Caller, id: string) {
  return taskView(deps, c, await visibleTask(deps, c, id), new Date());
}

/** The update id: the same Idempotency-Key from the same caller for the same action and task is one update. */
export function updateIdOf(c: Caller, action: string, targetId: string, key: string | undefined): string {
  if (!key) return crypto.randomUUID();
  return crypto.createHash('sha256').update(`${c.userId}\n${action}\n${targetId}\n${key}`).digest('hex');
}

export interface ActionInput {
  outcome?: string;
  data?: Record<string, unknown>;
  reason?: string;
  duration?: string;
  text?: string;
}

export async function actOnTask(deps: ApiDeps, c: Caller, givenId: string, action: TaskAction, body: ActionInput, idempotencyKey: string | undefined) {
  const t = await visibleTask(deps, c, givenId);
  // the workflow, the update id and the database know the task by its internal id, whichever form came in
  const taskId = t.id;
  if (!isCandidate(c, (t.candidates as string[]) ?? [], t.assigneeId)) {
    throw refused('id', text('该任务没有派给你或你所在的单位', 'this task is not offered to you or your unit'));
  }
  // with a key the workflow answers a retry of an update it already applied (same update id)
  if (!ACTIVE.includes(t.state) && !idempotencyKey) {
    throw conflict('id', text(`任务已结束（${t.state}）`, `the task is no longer active (${t.state})`), 'TASK_NOT_ACTIVE');
  }
  if (body.duration !== undefined && !(positiveMs(body.duration) > 0)) {
    throw invalid('duration', text('时长必须大于零，且不能以年或月计', 'the duration must be longer than zero and not in years or months'), 'DURATION_INVALID');
  }
  if (body.data && Array.isArray(body.data.photos)) await checkPhotos(deps, t.caseId, body.data.photos as unknown[]);
  // a case reported without a point is placed by the completion that carries data.location
  const place = action === 'complete' ? await placeForCase(deps, t.caseId, body.data?.location) : undefined;
  if (action === 'complete' && body.data?.category !== undefined && body.data.category !== null) await checkCategory(deps, body.data.category);
  const handle = caseWorkflow(deps, t.caseId);
  const updateId = updateIdOf(c, action, taskId, idempotencyKey);
  const actor = actorOf(c);
  const base = { taskId, actor };
  let approval: Approval | null = null;
  switch (action) {
    case 'claim':
      await handle.update(claimUpdate, [base], updateId);
      break;
    case 'unclaim':
      await handle.update(unclaimUpdate, [base], updateId);
      break;
    case 'complete':
      await handle.update(completeUpdate, [{ ...base, outcome: body.outcome, data: body.data, ...(place ? { place } : {}) }], updateId);
      break;
    case 'escalate':
      await handle.update(escalateUpdate, [{ ...base, reason: body.reason! }], updateId);
      break;
    case 'return':
      approval = (await handle.update(returnUpdate, [{ ...base, reason: body.reason! }], updateId)).approval;
      break;
    case 'extend':
      approval = (await handle.update(extendUpdate, [{ ...base, duration: body.duration!, reason: body.reason! }], updateId)).approval;
      break;
    case 'defer':
      approval = (await handle.update(deferUpdate, [{ ...base, duration: body.duration!, reason: body.reason! }], updateId)).approval;
      break;
    case 'void':
      approval = (await handle.update(voidUpdate, [{ ...base, reason: body.reason! }], updateId)).approval;
      break;
    case 'comment':
      await handle.update(commentUpdate, [{ taskId, actor, text: body.text! }], updateId);
      break;
  }
  const now = new Date();
  const fresh = await deps.prisma.task.findUnique({ where: { id: taskId }, select: taskSelect });
  const next = await deps.prisma.task.findMany({ where: { AND: [{ caseId: t.caseId, state: { in: ACTIVE as never } }, taskScope(c)] }, select: taskSelect, orderBy: { createdAt: 'asc' } });
  const shown = [...(fresh ? [fresh] : []), ...next];
  const [names, supervision, workingLeft] = await Promise.all([candidateNames(deps, shown), supervisionOf(deps, shown), workingLeftOf(deps, shown, now)]);
  return {
    task: fresh ? await taskView(deps, c, fresh, now, names, supervision, workingLeft) : null,
    approval: approval && { ...approval, id: apiId(approval.id), taskId: apiId(approval.taskId) },
    case: fresh ? caseSummary(fresh.case, now) : null,
    /** the case's open tasks the caller can see now (e.g. the next step) */
    openTasks: await Promise.all(next.map((x) => taskView(deps, c, x, now, names, supervision, workingLeft))),
  };
}

function positiveMs(iso: string): number {
  try {
    return durationMs(iso);
  } catch {
    return 0;
  }
}

/**
 * A category given with a completion classifies the case (立案): like at intake, it must be an
 * active category that is not a class with sub-items.
 */
async function checkCategory(deps: ApiDeps, code: unknown) {
  const field = 'data.category';
  const cat =
    typeof code === 'string' && code.length <= 32
      ? await deps.prisma.category.findUnique({ where: { code }, select: { active: true, level: true, _count: { select: { children: { where: { active: true } } } } } })
      : null;
  if (!cat || !cat.active) throw invalid(field, text(`案件类别 ${String(code)} 不存在或已停用`, `category ${String(code)} does not exist or is inactive`), 'UNKNOWN_CATEGORY');
  if (cat.level === 'MAJOR' && cat._count.children > 0) throw invalid(field, text(`${code} 是大类，请选择其下的小类`, `${code} is a class: choose one of its sub-items`), 'CATEGORY_NOT_LEAF');
}

/** Photos named in a form must be attachments of the same case. */
async function checkPhotos(deps: ApiDeps, caseId: string, ids: unknown[]) {
  const wanted = ids.filter((x): x is string => typeof x === 'string');
  if (!wanted.length) return;
  const found = await deps.prisma.attachment.findMany({ where: { caseId, id: { in: wanted } }, select: { id: true } });
  const missing = wanted.filter((id) => !found.some((f) => f.id === id));
  if (missing.length) {
    throw invalid('data.photos', text(`附件 ${missing.join('、')} 不属于该案件`, `attachments ${missing.join(', ')} do not belong to this case`), 'UNKNOWN_ATTACHMENT');
  }
}
