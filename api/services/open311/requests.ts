/** GET requests: every case in the citizen-safe projection (../open311/index.ts), by query, by id or by token. */
import type { Prisma } from '../../../generated/prisma/client';
import { FINAL_STATUSES, type CaseStatusCode } from '../../../process/model';
import type { ApiDeps } from '../../deps';
import type { Locale } from '../../i18n';
import { eventPhrase, PUBLIC_ACTIONS, statusWord } from '../citizen';
import { DomainError, notFound, text } from '../errors';
import { maskPersonalData, w3 } from './formats';
import { categorySelect, nameOf, serviceNotice } from './services';

/** Case statuses Open311 calls closed; every other status is open. */
export const CLOSED_STATUSES: readonly CaseStatusCode[] = FINAL_STATUSES;
/** GeoReport v2: at most 90 days per query, and the first 1000 requests. */
export const MAX_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;
/** Category codes (or class codes) whose cases are about people: listed without text or place. */
export const PRIVATE_CATEGORIES: readonly string[] = ['PA', 'MD', 'MS01', 'MS02'];

const DAY_MS = 86_400_000;

export interface ServiceRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string | null;
  service_code: string | null;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

const requestSelect = {
  id: true,
  description: true,
  address: true,
  lat: true,
  lng: true,
  zipcode: true,
  mediaUrl: true,
  status: true,
  statusLabel: true,
  reportedAt: true,
  updatedAt: true,
  closedAt: true,
  dueAt: true,
  category: { select: categorySelect },
  currentUnit: { select: { name: true, nameEn: true } },
  grid: { select: { orgUnit: { select: { code: true } } } },
  tasks: { where: { state: { in: ['OPEN', 'CLAIMED'] }, departmentId: { not: null } }, select: { department: { select: { name: true, nameEn: true } } }, orderBy: { createdAt: 'desc' }, take: 1 },
} satisfies Prisma.CaseSelect;
type CaseRow = Prisma.CaseGetPayload<{ select: typeof requestSelect }>;
type LastEvent = { action: string; tier: string | null; toStatus: string | null; payload: unknown };

function isPrivate(c: CaseRow): boolean {
  return !!c.category && (PRIVATE_CATEGORIES.includes(c.category.code) || (!!c.category.parent && PRIVATE_CATEGORIES.includes(c.category.parent.code)));
}

function toRequest(c: CaseRow, last: LastEvent | undefined, l: Locale): ServiceRequest {
  const closed = CLOSED_STATUSES.includes(c.status as CaseStatusCode);
  const word = statusWord(c.status, c.statusLabel, l);
  const step = last && !(last.action === 'status' && last.toStatus === c.status) ? eventPhrase(last, l) : null;
  const hidden = isPrivate(c);
  const department = c.tasks[0]?.department;
  return {
    service_request_id: c.id,
    status: closed ? 'closed' : 'open',
    status_notes: step && step !== word ? `${word}${l === 'en' ? ': ' : '：'}${step}` : word,
    service_name: c.category ? nameOf(c.category, l) : null,
    service_code: c.category?.code ?? null,
    description: hidden ? null : maskPersonalData(c.description),
    agency_responsible: department ? nameOf(department, l) : nameOf(c.currentUnit, l),
    service_notice: c.category ? serviceNotice(c.category, l) : null,
    requested_datetime: w3(c.reportedAt)!,
    updated_datetime: w3(closed ? (c.closedAt ?? c.updatedAt) : c.updatedAt)!,
    expected_datetime: w3(c.dueAt),
    address: hidden ? null : c.address,
    address_id: hidden || !c.grid ? null : c.grid.orgUnit.code,
    zipcode: hidden ? null : c.zipcode,
    lat: hidden || c.lat === null ? null : Number(c.lat),
    long: hidden || c.lng === null ? null : Number(c.lng),
    media_url: hidden ? null : c.mediaUrl,
  };
}

/** The last public step of each case (one grouped query, one fetch). */
async function lastPublicSteps(deps: Pick<ApiDeps, 'prisma'>, ids: string[]): Promise<Map<string, LastEvent>> {
  if (!ids.length) return new Map();
  const where = { caseId: { in: ids }, action: { in: [...PUBLIC_ACTIONS] } };
  const maxima = await deps.prisma.caseEvent.groupBy({ by: ['caseId'], where, _max: { seq: true } });
  const keys = maxima.filter((m) => m._max.seq !== null).map((m) => ({ caseId: m.caseId, seq: m._max.seq as number }));
  if (!keys.length) return new Map();
  const rows = await deps.prisma.caseEvent.findMany({ where: { OR: keys }, select: { caseId: true, action: true, tier: true, toStatus: true, payload: true } });
  return new Map(rows.map((r) => [r.caseId, r]));
}

async function project(deps: Pick<ApiDeps, 'prisma'>, rows: CaseRow[], l: Locale): Promise<ServiceRequest[]> {
  const last = await lastPublicSteps(deps, rows.map((r) => r.id));
  return rows.map((r) => toRequest(r, last.get(r.id), l));
}

export interface RequestQuery {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
}

const list = (s: string | undefined) => [...new Set((s ?? '').split(',').map((x) => x.trim()).filter(Boolean))];

function dateArg(field: 'start_date' | 'end_date', v: string | undefined): Date | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new DomainError('malformed', field, text(`${field} 不是合法的时间`, `${field} is not a valid date-time`), 'BAD_DATE');
  return new Date(t);
}

/** The window of a query: the given dates, else the most recent 90 days; never more than 90 days. */
export function dateWindow(q: RequestQuery, now = new Date()): { start: Date; end: Date } {
  const start0 = dateArg('start_date', q.start_date);
  const end0 = dateArg('end_date', q.end_date);
  const span = MAX_SPAN_DAYS * DAY_MS;
  const end = end0 ?? (start0 ? new Date(Math.min(start0.getTime() + span, Math.max(now.getTime(), start0.getTime()))) : now);
  const start = start0 ?? new Date(end.getTime() - span);
  if (start > end) throw new DomainError('malformed', 'start_date', text('start_date 晚于 end_date', 'start_date is after end_date'), 'BAD_DATE');
  if (end.getTime() - start.getTime() > span) {
    throw new DomainError('malformed', 'end_date', text(`start_date 到 end_date 不能超过 ${MAX_SPAN_DAYS} 天`, `start_date to end_date may not span more than ${MAX_SPAN_DAYS} days`), 'SPAN_TOO_LONG');
  }
  return { start, end };
}

export async function findServiceRequests(deps: Pick<ApiDeps, 'prisma'>, q: RequestQuery, l: Locale): Promise<ServiceRequest[]> {
  const ids = list(q.service_request_id);
  let where: Prisma.CaseWhereInput;
  if (ids.length) {
    // service_request_id overrides every other argument
    if (ids.length > MAX_REQUESTS) throw new DomainError('malformed', 'service_request_id', text(`一次最多查询 ${MAX_REQUESTS} 个`, `at most ${MAX_REQUESTS} ids at once`), 'TOO_MANY_IDS');
    where = { id: { in: ids } };
  } else {
    const { start, end } = dateWindow(q);
    where = { reportedAt: { gte: start, lte: end } };
    const codes = list(q.service_code);
    if (codes.length) where.category = { code: { in: codes } };
    const statuses = list(q.status).map((s) => s.toLowerCase());
    const bad = statuses.find((s) => s !== 'open' && s !== 'closed');
    if (bad) throw new DomainError('malformed', 'status', text(`status 只能是 open 或 closed（收到 ${bad}）`, `status must be open or closed (got ${bad})`), 'BAD_STATUS');
    if (statuses.length === 1) where.status = statuses[0] === 'closed' ? { in: [...CLOSED_STATUSES] } : { notIn: [...CLOSED_STATUSES] };
  }
  const rows = await deps.prisma.case.findMany({ where, select: requestSelect, orderBy: [{ reportedAt: 'desc' }, { id: 'desc' }], take: MAX_REQUESTS });
  return project(deps, rows, l);
}

export async function getServiceRequest(deps: Pick<ApiDeps, 'prisma'>, id: string, l: Locale): Promise<ServiceRequest[]> {
  const row = await deps.prisma.case.findUnique({ where: { id }, select: requestSelect });
  if (!row) throw notFound('service_request_id', text(`没有诉求 ${id}`, `service_request_id ${id} was not found`));
  return project(deps, [row], l);
}

export async function serviceRequestOfToken(deps: Pick<ApiDeps, 'prisma'>, token: string): Promise<{ service_request_id: string; token: string }[]> {
  const t = await deps.prisma.intakeToken.findUnique({ where: { token }, select: { caseId: true, token: true } });
  if (!t) throw notFound('token', text(`没有令牌 ${token}`, `token ${token} was not found`));
  return [{ service_request_id: t.caseId, token: t.token }];
}
