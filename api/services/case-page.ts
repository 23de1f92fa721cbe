/**
 * What the case page shows beside the case itself, for anyone who may read the case (scope as
 * GET /api/cases/{id}: out of scope is a 404): its route through its process version (the path),
 * the diagram of that version, and the map of where it lies; and the reporter's 撤回 (withdraw)
 * of a report that has not been dispatched yet.
 */
import { WITHDRAWABLE_STATUSES } from '../../process/engine';
import type { ProcessModel, Tier } from '../../process/model';
import { stateQuery, withdrawUpdate } from '../../workflows/case-api';
import { actorOf, type Caller } from '../auth/caller';
import type { ApiDeps } from '../deps';
import { conflict, notFound, refused, text } from './errors';
import { apiId } from '../http/ids';
import { casePath, type Ref } from './case-path';
import { ENDED_STATUSES, historyEvent, visibleCase } from './cases';
import { modelOf } from './models';
import { updateIdOf } from './tasks';
import { caseWorkflow } from '../case-workflows';

const ended = (status: string) => (ENDED_STATUSES as readonly string[]).includes(status);

/** how long the path waits for a running case's workflow to say which elements are active */
const QUERY_WAIT_MS = 3_000;

async function activeElements(deps: ApiDeps, caseId: string): Promise<string[] | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const view = await Promise.race([
      caseWorkflow(deps, caseId).query(stateQuery),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), QUERY_WAIT_MS);
      }),
    ]);
    return view ? view.activeElements : null;
  } catch {
    // the worker or Temporal is away: the open task rows say enough
    return null;
  } finally {
    clearTimeout(timer);
  }
}

const placeSelect = {
  id: true,
  status: true,
  statusLabel: true,
  closedAt: true,
  updatedAt: true,
  processVersionId: true,
  grid: { select: { orgUnit: { select: { id: true, name: true } } } },
  village: { select: { id: true, name: true } },
  township: { select: { id: true, name: true } },
  district: { select: { id: true, name: true, parent: { select: { id: true, name: true } } } },
  processVersion: { select: { id: true, version: true, definition: { select: { key: true, name: true } } } },
} as const;

export async function casePathOf(deps: ApiDeps, caller: Caller, id: string) {
  const c = await visibleCase(deps, caller, id, placeSelect);
  const model = c.processVersionId ? await modelOf(deps.prisma, c.processVersionId) : null;
  if (!model || !c.processVersion) throw notFound('id', text(`案件 ${id} 没有流程版本`, `case ${id} runs on no process version`));
  const [tasks, events, active] = await Promise.all([
    deps.prisma.task.findMany({
      where: { caseId: id },
      orderBy: { createdAt: 'asc' },
      select: {
        id: true,
        elementId: true,
        state: true,
        tier: true,
        createdAt: true,
        completedAt: true,
        dueAt: true,
        outcome: true,
        orgUnit: { select: { id: true, name: true } },
        department: { select: { id: true, name: true } },
        assignee: { select: { id: true, displayName: true } },
      },
    }),
    deps.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { seq: 'asc' }, select: { seq: true, createdAt: true, action: true, actorId: true, actorName: true, tier: true, reason: true, payload: true } }),
    ended(c.status) ? Promise.resolve(null) : activeElements(deps, id),
  ]);
  const units: Record<Tier, Ref | null> = {
    GRID: c.grid?.orgUnit ?? null,
    VILLAGE: c.village,
    TOWNSHIP: c.township,
    DISTRICT: { id: c.district.id, name: c.district.name },
    CITY: c.district.parent,
  };
  const endedAt = ended(c.status) ? (c.closedAt ?? c.updatedAt) : null;
  const path = casePath({
    model: model as ProcessModel,
    tasks: tasks.map((t) => ({
      id: t.id,
      elementId: t.elementId,
      state: t.state,
      tier: t.tier as Tier,
      unit: t.orgUnit,
      department: t.department,
      assignee: t.assignee ? { id: t.assignee.id, name: t.assignee.displayName } : null,
      createdAt: t.createdAt,
      completedAt: t.completedAt,
      dueAt: t.dueAt,
      outcome: t.outcome,
    })),
    events: events.map((e) => ({ seq: e.seq, at: e.createdAt, action: e.action, actorId: e.actorId, actorName: e.actorName, tier: e.tier as Tier | null, reason: e.reason, payload: (e.payload ?? {}) as Record<string, unknown> })),
    ended: endedAt ? { status: c.status, at: endedAt } : null,
    unitOf: (tier) => (tier ? units[tier] : null),
    activeElements: active,
  });
  return {
    caseId: c.id,
    status: c.status,
    statusLabel: c.statusLabel,
    endedAt: endedAt?.toISOString() ?? null,
    process: { key: c.processVersion.definition.key, name: c.processVersion.definition.name, version: c.processVersion.version, versionId: c.processVersion.id },
    elements: path.elements.map((e) => ({ ...e, visits: e.visits.map((v) => ({ ...v, taskId: v.taskId ? apiId(v.taskId) : null })) })),
    flows: path.flows,
    active: path.active,
    escalations: path.escalations,
  };
}

/** The BPMN XML of the process version the case runs on. */
export async function caseDiagram(deps: ApiDeps, caller: Caller, id: string): Promise<string> {
  const c = await visibleCase(deps, caller, id, { processVersion: { select: { bpmnXml: true } } });
  if (!c.processVersion) throw notFound('id', text(`案件 ${id} 没有流程版本`, `case ${id} runs on no process version`));
  return c.processVersion.bpmnXml;
}

type Position = [number, number];
interface Feature {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown>;
}

/** [minLng, minLat, maxLng, maxLat] over every position of the features */
function bboxOf(features: Feature[]): [number, number, number, number] | null {
  let box: [number, number, number, number] | null = null;
  const walk = (c: unknown) => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [lng, lat] = c as Position;
      box = box ? [Math.min(box[0], lng), Math.min(box[1], lat), Math.max(box[2], lng), Math.max(box[3], lat)] : [lng, lat, lng, lat];
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  for (const f of features) walk(f.geometry.coordinates);
  return box;
}

/**
 * Where the case lies, as GeoJSON to draw without a tile server: the grids of its street (its own
 * grid `role: "case"`, the other grids of its community `community`, the rest of the street
 * `street`) and the case's point. A case reported without a point (an Open311 address) answers its
 * district's grids (`role: "district"`) and `located: false`.
 */
export async function caseMap(deps: ApiDeps, caller: Caller, id: string) {
  const c = await visibleCase(deps, caller, id, {
    id: true,
    address: true,
    lat: true,
    lng: true,
    gridId: true,
    villageId: true,
    township: { select: { id: true, name: true, path: true } },
    district: { select: { id: true, name: true, path: true } },
  });
  const located = c.lat !== null && c.lng !== null && c.gridId !== null;
  const area = located && c.township ? c.township : c.district;
  const grids = await deps.prisma.grid.findMany({
    where: { orgUnit: { path: { startsWith: area.path } } },
    orderBy: { orgUnit: { code: 'asc' } },
    select: { id: true, boundary: true, orgUnit: { select: { id: true, name: true, code: true, parent: { select: { id: true, name: true } } } } },
  });
  const features: Feature[] = grids.map((g) => ({
    type: 'Feature',
    geometry: g.boundary as unknown as Feature['geometry'],
    properties: {
      kind: 'grid',
      gridId: g.id,
      code: g.orgUnit.code,
      name: g.orgUnit.name,
      community: g.orgUnit.parent?.name ?? null,
      // short, for drawing on the map: without the community's name the grid's starts with
      label: g.orgUnit.parent && g.orgUnit.name.startsWith(g.orgUnit.parent.name) && g.orgUnit.name.length > g.orgUnit.parent.name.length ? g.orgUnit.name.slice(g.orgUnit.parent.name.length) : g.orgUnit.name,
      role: !located ? 'district' : g.id === c.gridId ? 'case' : g.orgUnit.parent?.id === c.villageId ? 'community' : 'street',
    },
  }));
  const bbox = bboxOf(features);
  if (located) {
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [Number(c.lng), Number(c.lat)] }, properties: { kind: 'case', caseId: c.id, address: c.address } });
  }
  return {
    type: 'FeatureCollection' as const,
    caseId: c.id,
    located,
    area: { level: located && c.township ? ('TOWNSHIP' as const) : ('DISTRICT' as const), id: area.id, name: area.name },
    point: located ? { lat: Number(c.lat), lng: Number(c.lng) } : null,
    bbox,
    features,
  };
}

/**
 * 撤回: the reporter withdraws a report the centre has not dispatched yet (its status still
 * before DISPATCHED). Someone else's case is a 403; too late is a 409 ALREADY_DISPATCHED (or
 * CASE_ENDED); the workflow checks again under its lock, so a dispatch that wins the race refuses it.
 */
export async function withdrawCase(deps: ApiDeps, caller: Caller, id: string, body: { reason: string }, key: string | undefined) {
  const row = await visibleCase(deps, caller, id, { id: true, status: true, reporterId: true });
  if (row.reporterId !== caller.userId) throw refused('id', text('只有上报人可以撤回案件', 'only the reporter may withdraw the case'), 'NOT_REPORTER');
  if (ended(row.status)) throw conflict('id', text(`案件已结束（${row.status}），不能撤回`, `the case has ended (${row.status}): it cannot be withdrawn`), 'CASE_ENDED', { caseStatus: row.status });
  if (!(WITHDRAWABLE_STATUSES as readonly string[]).includes(row.status)) {
    throw conflict('id', text('案件已派遣处置，不能再撤回', 'the case has been dispatched: it can no longer be withdrawn'), 'ALREADY_DISPATCHED', { caseStatus: row.status });
  }
  await caseWorkflow(deps, id).update(withdrawUpdate, [{ actor: actorOf(caller), reason: body.reason }], updateIdOf(caller, 'withdraw', id, key));
  const after = await deps.prisma.case.findUniqueOrThrow({ where: { id }, select: { id: true, status: true, statusLabel: true, closedAt: true } });
  const event = await deps.prisma.caseEvent.findFirst({ where: { caseId: id, action: 'withdraw' }, orderBy: { seq: 'desc' } });
  return { id: after.id, status: after.status, statusLabel: after.statusLabel, closedAt: after.closedAt?.toISOString() ?? null, event: event ? historyEvent(event) : null };
}
