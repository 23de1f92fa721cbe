/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over GridCase's catalogue and cases.
 *
 *   - services: the active sub-items (MINOR categories) and the classes (MAJOR) without active
 *     sub-items; service_code = category code, group = the class's name, type realtime (the case
 *     number comes back at once); attributes per process (./open311-attributes.ts).
 *   - POST requests: an api client (api_clients, sha-256 of the key) reports through intake like
 *     any channel; the answer carries the case number and a token (intake_tokens). lat/long are
 *     WGS-84 unless the extension field `crs` says GCJ02 (AMap, Tencent) or BD09 (Baidu). A
 *     photo comes as multipart/form-data in the field `media` (checked as intake's photos). A
 *     request with only an address_string (the hotline's usual case) is accepted "to be located":
 *     a case without a grid at the client's district (api_clients.districtId; for a client
 *     without one, the one district of the city its address names), whose 受理 task goes to that
 *     district's dispatchers and handlers and is completed by placing the point (./locate.ts).
 *   - GET requests: every case, whatever its channel, in the citizen-safe projection below.
 *
 * The citizen-safe projection (public reads need no key):
 *   - never: the reporter's name, phone, e-mail, account or device; staff names; texts written
 *     inside the centre (reasons, comments, feedback); assessment data;
 *   - status_notes: the status word and the last public step (./citizen.ts);
 *   - description: the report's text with phone numbers, ID-card numbers and e-mail addresses
 *     masked (citizens and grid workers write them into descriptions);
 *   - matters about people rather than places — public order and key persons (平安建设), disputes
 *     (矛盾纠纷), people in hardship and elderly people living alone (MS01, MS02) — are listed with
 *     their status and times but without description, address or location, so a public map never
 *     points at a household (PRIVATE_CATEGORIES; a per-category "public" flag in the catalogue
 *     would be the lasting place for this);
 *   - address_id: the 15-digit unit grid code (单元网格编码), the addressing system of grid
 *     management (null until a request without a point is located); zipcode and media_url: as
 *     the request sent them (a photo uploaded in `media` is an attachment of the case, not
 *     public, so it has no media_url).
 * Date-times are in Beijing time with their offset (2026-11-23T14:05:00+08:00), as the spec's w3
 * format asks.
 */
import crypto from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import { FINAL_STATUSES, type CaseStatusCode } from '../../process/model';
import type { ApiDeps } from '../deps';
import { DomainError, notFound, text } from '../http/errors';
import type { Locale } from '../i18n';
import { eventPhrase, PUBLIC_ACTIONS, statusWord } from './citizen';
import { intakeCase, type Channel } from './intake';
import type { Photo } from '../http/upload';
import { isCrs, type Crs } from '../../core/crs';
import type { IdempotencyHold } from '../http/idempotency';
import { attributeDefs, checkAttributes, renderAttributes, type Open311Attribute } from './open311-attributes';

/** Case statuses Open311 calls closed; every other status is open. */
export const CLOSED_STATUSES: readonly CaseStatusCode[] = FINAL_STATUSES;
/** GeoReport v2: at most 90 days per query, and the first 1000 requests. */
export const MAX_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;
/** Category codes (or class codes) whose cases are about people: listed without text or place. */
export const PRIVATE_CATEGORIES: readonly string[] = ['PA', 'MD', 'MS01', 'MS02'];

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3600_000;

// ---------------------------------------------------------------------------------------------
// formats

/** w3 date-time in Beijing time: 2026-11-23T14:05:00+08:00. */
export function w3(d: Date | null | undefined): string | null {
  if (!d) return null;
  return `${new Date(d.getTime() + BEIJING_MS).toISOString().slice(0, 19)}+08:00`;
}

/** A time limit as people say it: PT4H on working hours → "4 个工作小时" / "4 working hours". */
export function limitText(duration: string, calendar: string, l: Locale): string | null {
  const m = duration.match(/^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/);
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  const [, d, h, min] = m;
  const working = calendar !== 'CLOCK';
  const en = (n: string, unit: string) => `${n} ${unit}${n === '1' ? '' : 's'}`;
  const parts: string[] = [];
  if (l === 'en') {
    if (d) parts.push(en(d, calendar === 'WORKING_DAYS' ? 'working day' : 'day'));
    if (h) parts.push(en(h, working ? 'working hour' : 'hour'));
    if (min) parts.push(en(min, working ? 'working minute' : 'minute'));
    return parts.join(' ');
  }
  if (d) parts.push(calendar === 'WORKING_DAYS' ? `${d} 个工作日` : `${d} 天`);
  if (h) parts.push(working ? `${h} 个工作小时` : `${h} 小时`);
  if (min) parts.push(working ? `${min} 个工作分钟` : `${min} 分钟`);
  return parts.join(' ');
}

/** Phone numbers, ID-card numbers and e-mail addresses in free text, masked. */
export function maskPersonalData(s: string): string {
  return s
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '***')
    .replace(/(?<!\d)\d{17}[\dXx](?!\d)/g, '***')
    .replace(/(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/g, '***')
    .replace(/(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)/g, '***');
}

// ---------------------------------------------------------------------------------------------
// services

const categorySelect = {
  id: true,
  code: true,
  name: true,
  nameEn: true,
  level: true,
  processKey: true,
  sortOrder: true,
  parent: { select: { code: true, name: true, nameEn: true, processKey: true, sortOrder: true } },
  timeLimits: { where: { tier: 'VILLAGE' }, select: { duration: true, calendar: true } },
} satisfies Prisma.CategorySelect;
type CategoryRow = Prisma.CategoryGetPayload<{ select: typeof categorySelect }>;

/** The categories that are services: active sub-items, and classes without an active sub-item. */
const SERVICE_WHERE: Prisma.CategoryWhereInput = { active: true, OR: [{ level: 'MINOR' }, { level: 'MAJOR', children: { none: { active: true } } }] };

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string | null;
}

const nameOf = (c: { name: string; nameEn: string | null }, l: Locale) => (l === 'en' ? (c.nameEn ?? c.name) : c.name);
const processOf = (c: CategoryRow) => c.processKey ?? c.parent?.processKey ?? null;

function limitOf(c: CategoryRow, l: Locale): string | null {
  const v = c.timeLimits[0];
  return v ? limitText(v.duration, v.calendar, l) : null;
}

/** What a request of the category can expect (the service_notice). */
function serviceNotice(c: CategoryRow, l: Locale): string {
  const limit = limitOf(c, l);
  if (l === 'en') return `Handled first by the community (village)${limit ? ` within ${limit}` : ''}; what it cannot handle goes up one tier, and overdue work is supervised by the tier above.`;
  return `本类事项由社区（村）首办${limit ? `，时限 ${limit}` : ''}；无力处置的逐级上报，超时由上级督办。`;
}

function toService(c: CategoryRow, l: Locale): Open311Service {
  const name = nameOf(c, l);
  const group = c.parent ? nameOf(c.parent, l) : null;
  const limit = limitOf(c, l);
  const description =
    l === 'en'
      ? `${group ? `${group}: ` : ''}${name}.${limit ? ` Time limit at the community (village): ${limit}.` : ''}`
      : `${group ? `${group}类：` : ''}${name}。${limit ? `社区（村）首办时限 ${limit}。` : ''}`;
  const words = [c.name, c.nameEn, c.parent?.name, c.parent?.nameEn].filter((w): w is string => !!w && w !== name);
  return {
    service_code: c.code,
    service_name: name,
    description,
    metadata: attributeDefs(processOf(c)).length > 0,
    type: 'realtime',
    keywords: [...new Set(words)].join(', '),
    group,
  };
}

async function serviceCategories(deps: Pick<ApiDeps, 'prisma'>, code?: string): Promise<CategoryRow[]> {
  const rows = await deps.prisma.category.findMany({ where: code ? { AND: [SERVICE_WHERE, { code }] } : SERVICE_WHERE, select: categorySelect });
  const order = (c: CategoryRow) => [c.parent?.sortOrder ?? c.sortOrder, c.parent ? c.sortOrder : 0];
  return rows.sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1] || a.code.localeCompare(b.code));
}

export async function listServices(deps: Pick<ApiDeps, 'prisma'>, l: Locale): Promise<Open311Service[]> {
  return (await serviceCategories(deps)).map((c) => toService(c, l));
}

const unknownService = (code: string) => notFound('service_code', text(`没有服务 ${code}`, `service_code ${code} was not found`));

async function serviceCategory(deps: Pick<ApiDeps, 'prisma'>, code: string): Promise<CategoryRow> {
  const [c] = await serviceCategories(deps, code);
  if (!c) throw unknownService(code);
  return c;
}

export async function serviceDefinition(deps: Pick<ApiDeps, 'prisma'>, code: string, l: Locale): Promise<{ service_code: string; attributes: Open311Attribute[] }> {
  const c = await serviceCategory(deps, code);
  return { service_code: c.code, attributes: renderAttributes(attributeDefs(processOf(c)), l) };
}

// ---------------------------------------------------------------------------------------------
// api clients

export interface ApiClientRef {
  id: number;
  name: string;
  channel: Channel;
  /** the district that locates the client's requests without a point */
  districtId: number | null;
}

export const keyHash = (key: string) => crypto.createHash('sha256').update(key, 'utf8').digest('hex');

/** The active client holding the key; a missing or unknown key is a 403, as the spec says. */
export async function apiClientByKey(deps: Pick<ApiDeps, 'prisma'>, key: string | undefined): Promise<ApiClientRef> {
  if (!key) throw new DomainError(403, 'api_key', text('缺少 api_key', 'api_key is missing'), 'API_KEY_MISSING');
  const c = await deps.prisma.apiClient.findUnique({ where: { keyHash: keyHash(key) }, select: { id: true, name: true, channel: true, active: true, districtId: true } });
  if (!c || !c.active) throw new DomainError(403, 'api_key', text('api_key 无效，无法提交诉求', "invalid api_key received: can't proceed with create_request"), 'API_KEY_INVALID');
  return { id: c.id, name: c.name, channel: c.channel, districtId: c.districtId };
}

// ---------------------------------------------------------------------------------------------
// POST requests

/** The form fields of POST requests (GeoReport v2), empty ones already dropped. */
export interface RequestForm {
  api_key?: string;
  jurisdiction_id?: string;
  service_code: string;
  lat?: string | number;
  long?: string | number;
  /** extension: the coordinate system of lat/long (WGS84 by default, GCJ02, BD09) */
  crs?: string;
  address_string?: string;
  zipcode?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  attribute?: Record<string, string | string[]>;
}

export interface CreatedRequest {
  service_request_id: string;
  service_notice: string;
  account_id: string | null;
  token: string;
}

const CJK = /[\u3400-\u9fff]/;

/** "张" + "伟" → 张伟; "John" + "Smith" → John Smith. */
export function reporterName(first: string | undefined, last: string | undefined): string {
  const f = first?.trim() ?? '';
  const s = last?.trim() ?? '';
  if (!f && !s) return '';
  return CJK.test(f + s) ? `${s}${f}` : [f, s].filter(Boolean).join(' ');
}

function badLocation(field: string, zh: string, en: string): DomainError {
  return new DomainError(400, field, text(zh, en), 'BAD_LOCATION');
}

/**
 * lat + long (in `crs`), or null for a request with only an address_string (located by a person
 * at 受理: addresses are not geocoded), or an explanation of why not.
 */
function pointOf(form: RequestForm): { lat: number; lng: number; crs: Crs } | null {
  const hasLat = form.lat !== undefined;
  const hasLong = form.long !== undefined;
  const crs = form.crs ?? 'WGS84';
  if (!isCrs(crs)) throw badLocation('crs', 'crs 只能是 WGS84、GCJ02 或 BD09', 'crs must be WGS84, GCJ02 or BD09');
  if (!hasLat && !hasLong) {
    if (form.address_string !== undefined && form.address_string.trim()) return null;
    if (form.address_id !== undefined) throw badLocation('address_id', 'address_id 无法定位：请同时提供 lat 和 long，或提供 address_string', 'address_id alone cannot be located: send lat and long, or an address_string');
    throw badLocation('lat', '缺少位置：请提供 lat 和 long', 'the location is missing: send lat and long');
  }
  if (!hasLat) throw badLocation('lat', '有 long 时必须同时提供 lat', 'lat is required with long');
  if (!hasLong) throw badLocation('long', '有 lat 时必须同时提供 long', 'long is required with lat');
  const lat = Number(form.lat);
  const lng = Number(form.long);
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw badLocation('lat', 'lat 须为 -90 到 90 之间的纬度', 'lat must be a latitude from -90 to 90');
  if (!Number.isFinite(lng) || lng < -180 || lng > 180) throw badLocation('long', 'long 须为 -180 到 180 之间的经度', 'long must be a longitude from -180 to 180');
  return { lat, lng, crs };
}

/**
 * The district that locates a request without a point: the client's own (api_clients.districtId,
 * e.g. a district's 12345 desk), else the one district of the city whose name its address_string
 * contains ("西城区…"); a request that names none, or several, cannot be routed: 400.
 */
async function districtForAddress(deps: Pick<ApiDeps, 'prisma'>, client: ApiClientRef, address: string): Promise<number> {
  if (client.districtId !== null) return client.districtId;
  const districts = await deps.prisma.orgUnit.findMany({ where: { level: 'DISTRICT' }, select: { id: true, name: true } });
  const named = districts.filter((d) => address.includes(d.name));
  if (named.length === 1) return named[0].id;
  throw badLocation(
    'address_string',
    `无法确定 address_string 所在的区：请同时提供 lat 和 long，或在地址中写明区名（${districts.map((d) => d.name).join('、')}）`,
    `the district of address_string cannot be told: send lat and long, or name the district in the address (${districts.map((d) => d.name).join(', ')})`,
  );
}

export async function createServiceRequest(deps: ApiDeps, client: ApiClientRef, form: RequestForm, l: Locale, hold?: IdempotencyHold, photos: Photo[] = []): Promise<CreatedRequest[]> {
  const point = pointOf(form);
  const category = await serviceCategory(deps, form.service_code);
  const checked = checkAttributes(attributeDefs(processOf(category)), form.attribute);
  const districtId = point ? undefined : await districtForAddress(deps, client, form.address_string!);
  const result = await intakeCase(deps, {
    categoryCode: category.code,
    // the spec lets a request come without text: the service's name stands in for it
    description: form.description?.trim() || category.name,
    location: point,
    districtId,
    address: form.address_string?.trim() || null,
    zipcode: form.zipcode?.trim() || null,
    mediaUrl: form.media_url ?? null,
    channel: client.channel,
    reporter: { userId: null, name: reporterName(form.first_name, form.last_name), phone: form.phone?.trim() || null },
    severity: checked.severity,
    photos,
    hold,
    vars: {
      open311: {
        apiClientId: client.id,
        media_url: form.media_url ?? null,
        attributes: checked.values,
        device_id: form.device_id ?? null,
        account_id: form.account_id ?? null,
        email: form.email ?? null,
        address_id: form.address_id ?? null,
      },
    },
    fields: { category: 'service_code', location: 'lat' },
  });
  const token = crypto.randomBytes(16).toString('hex');
  await deps.prisma.intakeToken.create({ data: { token, caseId: result.id, apiClientId: client.id } });
  const due = w3(result.dueAt ? new Date(result.dueAt) : null);
  const at = result.village && result.township ? { en: `${result.village.name} (${result.township.name})`, zh: `${result.township.name}${result.village.name}` } : null;
  const notice = !at
    ? l === 'en'
      ? `Registered as case ${result.id}, to be located by ${result.district.name} from the address.${due ? ` Taken on by ${due}.` : ''} ${serviceNotice(category, l)}`
      : `已登记为案件 ${result.id}，待${result.district.name}按地址定位后受理。${due ? `预计 ${due.slice(0, 16).replace('T', ' ')} 前受理。` : ''}${serviceNotice(category, l)}`
    : l === 'en'
      ? `Registered as case ${result.id}, with ${at.en}.${due ? ` Expected by ${due}.` : ''} ${serviceNotice(category, l)}`
      : `已登记为案件 ${result.id}，由${at.zh}受理。${due ? `预计 ${due.slice(0, 16).replace('T', ' ')} 前处理。` : ''}${serviceNotice(category, l)}`;
  return [{ service_request_id: result.id, service_notice: notice, account_id: form.account_id ?? null, token }];
}

// ---------------------------------------------------------------------------------------------
// GET requests

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
  if (Number.isNaN(t)) throw new DomainError(400, field, text(`${field} 不是合法的时间`, `${field} is not a valid date-time`), 'BAD_DATE');
  return new Date(t);
}

/** The window of a query: the given dates, else the most recent 90 days; never more than 90 days. */
export function dateWindow(q: RequestQuery, now = new Date()): { start: Date; end: Date } {
  const start0 = dateArg('start_date', q.start_date);
  const end0 = dateArg('end_date', q.end_date);
  const span = MAX_SPAN_DAYS * DAY_MS;
  const end = end0 ?? (start0 ? new Date(Math.min(start0.getTime() + span, Math.max(now.getTime(), start0.getTime()))) : now);
  const start = start0 ?? new Date(end.getTime() - span);
  if (start > end) throw new DomainError(400, 'start_date', text('start_date 晚于 end_date', 'start_date is after end_date'), 'BAD_DATE');
  if (end.getTime() - start.getTime() > span) {
    throw new DomainError(400, 'end_date', text(`start_date 到 end_date 不能超过 ${MAX_SPAN_DAYS} 天`, `start_date to end_date may not span more than ${MAX_SPAN_DAYS} days`), 'SPAN_TOO_LONG');
  }
  return { start, end };
}

export async function findServiceRequests(deps: Pick<ApiDeps, 'prisma'>, q: RequestQuery, l: Locale): Promise<ServiceRequest[]> {
  const ids = list(q.service_request_id);
  let where: Prisma.CaseWhereInput;
  if (ids.length) {
    // service_request_id overrides every other argument
    if (ids.length > MAX_REQUESTS) throw new DomainError(400, 'service_request_id', text(`一次最多查询 ${MAX_REQUESTS} 个`, `at most ${MAX_REQUESTS} ids at once`), 'TOO_MANY_IDS');
    where = { id: { in: ids } };
  } else {
    const { start, end } = dateWindow(q);
    where = { reportedAt: { gte: start, lte: end } };
    const codes = list(q.service_code);
    if (codes.length) where.category = { code: { in: codes } };
    const statuses = list(q.status).map((s) => s.toLowerCase());
    const bad = statuses.find((s) => s !== 'open' && s !== 'closed');
    if (bad) throw new DomainError(400, 'status', text(`status 只能是 open 或 closed（收到 ${bad}）`, `status must be open or closed (got ${bad})`), 'BAD_STATUS');
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
