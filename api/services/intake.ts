/**
 * Intake (受理 starts here): a report from any channel becomes a case. The point decides the
 * grid and so the village, township and district (a point sent in GCJ-02 or BD-09, as Chinese map
 * SDKs give it, is converted to WGS-84 first; both are kept); a report without a point (Open311
 * with only an address) is accepted at a district, to be located by the 受理 task; the category (or, unclassified, the default
 * process) decides the process version the case is pinned to; photos go to the attachment store;
 * an earlier case of the same category within 50 m and 24 h is flagged as a possible duplicate;
 * the case number is allocated and the case opened: its workflow started together with the
 * `opened` update, which answers once the workflow has written the case row and its first task
 * (update-with-start: one request, no polling). The grid, category and process version are read
 * once and passed to the workflow input. Nothing is written when any step fails: the case row, its
 * first audit row and its attachments are written together by the workflow's first activity.
 */
import crypto from 'node:crypto';
import type { CaseOpened, IntakeAttachment } from '../../workflows/case-api';
import { CATEGORY_SELECT, caseInput, CaseStartError, districtPlace, newestVersion, placeOfGrid, processKeyOf, type CaseStartRefs, type StartPlace } from '../../domain/case-start';
import type { IdempotencyHold } from '../http/idempotency';
import { formatCaseNumber, nextCaseNumber, parseCaseNumber, type CaseNumber } from '../../domain/case-number';
import { toWgs84, type Crs } from '../../core/crs';
import { boxAround, distanceMetres } from '../../core/geometry';
import { locateGrid, type GridPlace } from '../../domain/locate';
import type { Caller } from '../auth/caller';
import type { ApiDeps } from '../deps';
import { inReportArea, type ReportArea } from '../auth/scope';
import { conflict, invalid, refused, text, WHOLE_INPUT } from './errors';
import type { Photo } from '../http/upload';
import { caseWorkflow, openCaseWorkflow, openedCase, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '../case-workflows';

export type Channel = 'GRID_APP' | 'HOTLINE_12345' | 'CITIZEN_APP' | 'SMS' | 'WEB' | 'PATROL';

/** Unclassified reports run the standard closed loop until the dispatcher classifies them. */
export const DEFAULT_PROCESS_KEY = 'standard-closed-loop';
export const DUPLICATE_RADIUS_M = 50;
export const DUPLICATE_WINDOW_MS = 24 * 3600_000;
/** starts tried with a fresh number before intake gives up (concurrent intakes racing for numbers) */
const MAX_NUMBER_ATTEMPTS = 10;
/**
 * How long intake waits for the case to open (its row and first task written: normally a few
 * hundred milliseconds) before answering with what it has (REPORTED, no due time: no worker is
 * running, and Temporal holds the case). It counts from the start, which the old start-then-poll
 * path did not (start, then 5 s for the row): on a machine saturated by other work, opening was
 * seen to take ~9 s.
 */
const OPEN_WAIT_MS = 10_000;

export interface IntakeRequest {
  categoryCode: string | null;
  description: string;
  /** the point as sent (crs WGS84 when absent); null: a report without a point, at `districtId` */
  location: { lat: number; lng: number; crs?: Crs } | null;
  /** the district that locates a report without a point */
  districtId?: number;
  address: string | null;
  /** Open311: postal code and photo URL */
  zipcode?: string | null;
  mediaUrl?: string | null;
  channel: Channel;
  reporter: { userId: number | null; name: string; phone: string | null };
  severity?: number;
  photos: Photo[];
  /** case variables known at intake (Open311 attributes, media_url …) */
  vars?: Record<string, unknown>;
  /** where the reporter may report (a signed-in caller: api/auth/scope.ts reportArea); outside it, 403 OUTSIDE_AREA */
  area?: ReportArea;
  /** the request's Idempotency-Key hold, when it has one (api/http/idempotency.ts) */
  hold?: IdempotencyHold;
}

export interface IntakeResult {
  id: string;
  status: string;
  statusLabel: string | null;
  dueAt: string | null;
  reportedAt: string;
  category: string | null;
  /** null until a report without a point is located */
  grid: { id: number; name: string } | null;
  village: { id: number; name: string } | null;
  township: { id: number; name: string } | null;
  district: { id: number; name: string };
  /** WGS-84 and, in sent, as sent; null for a report without a point */
  location: { lat: number; lng: number; crs: 'WGS84'; sent: { crs: Crs; lat: number; lng: number } } | null;
  possibleDuplicateOf: string | null;
  attachments: { id: string; fileName: string; mediaType: string; size: number; sha256: string }[];
  processVersion: { key: string; version: number };
}

async function findPossibleDuplicate(deps: ApiDeps, categoryId: number, lat: number, lng: number, at: Date): Promise<string | null> {
  const box = boxAround(lat, lng, DUPLICATE_RADIUS_M);
  const near = await deps.prisma.case.findMany({
    where: {
      categoryId,
      reportedAt: { gte: new Date(at.getTime() - DUPLICATE_WINDOW_MS) },
      lat: { gte: box.minLat, lte: box.maxLat },
      lng: { gte: box.minLng, lte: box.maxLng },
      status: { notIn: ['REJECTED', 'VOIDED', 'WITHDRAWN', 'MERGED'] },
    },
    select: { id: true, lat: true, lng: true, reportedAt: true },
    orderBy: { reportedAt: 'asc' },
    take: 50,
  });
  const hit = near.find((c) => distanceMetres(lat, lng, Number(c.lat), Number(c.lng)) <= DUPLICATE_RADIUS_M);
  return hit?.id ?? null;
}

/** A signed-in caller as the reporter of their own report (name and phone from their account). */
export async function callerAsReporter(deps: Pick<ApiDeps, 'prisma'>, c: Caller): Promise<{ userId: number; name: string; phone: string | null }> {
  const me = await deps.prisma.user.findUniqueOrThrow({ where: { id: c.userId }, select: { phone: true } });
  return { userId: c.userId, name: c.name, phone: me.phone };
}

export async function intakeCase(deps: ApiDeps, req: IntakeRequest): Promise<IntakeResult> {
  const { prisma } = deps;
  const point = req.location ? toWgs84(req.location.lat, req.location.lng, req.location.crs) : null;
  let place: GridPlace | null = null;
  let districtId: number;
  let townshipId: number | null = null;
  let villageId: number | null = null;
  if (point) {
    place = await locateGrid(prisma, point.lat, point.lng);
    if (!place) {
      const shown = point.crs === 'WGS84' ? `(${point.lat}, ${point.lng})` : `(${point.sent.lat}, ${point.sent.lng}) ${point.crs} → WGS84 (${point.lat}, ${point.lng})`;
      throw invalid('location', text(`坐标 ${shown} 不在任何网格内`, `the point ${shown} lies outside every grid`), 'OUTSIDE_GRIDS');
    }
    [, districtId, townshipId, villageId] = place.orgPath.split('/').filter(Boolean).map(Number);
    if (req.area && !inReportArea(req.area, place)) {
      throw refused('location', text(`您只能在自己的网格或辖区内上报：该位置属于${place.name}`, `you may report only in your own grids or your unit's area: the point lies in ${place.name}`), 'OUTSIDE_AREA');
    }
  } else {
    if (req.districtId === undefined) throw invalid('location', text('缺少位置', 'the location is missing'), 'LOCATION_REQUIRED');
    districtId = req.districtId;
  }

  const categoryCode = req.categoryCode;
  // the category and the version it pins, read once: the checks here, the workflow input, the answer
  let refs: CaseStartRefs;
  try {
    let category = null;
    let version;
    if (categoryCode) {
      category = await prisma.category.findUnique({ where: { code: categoryCode }, select: CATEGORY_SELECT });
      if (!category || !category.active) throw invalid('category', text(`案件类别 ${categoryCode} 不存在或已停用`, `category ${categoryCode} does not exist or is inactive`), 'UNKNOWN_CATEGORY');
      if (category.level === 'MAJOR' && category._count.children > 0) {
        throw invalid('category', text(`${categoryCode} 是大类，请选择其下的小类`, `${categoryCode} is a class: choose one of its sub-items`), 'CATEGORY_NOT_LEAF');
      }
      const processKey = processKeyOf(category);
      version = await newestVersion(prisma, processKey);
      if (!version) throw new CaseStartError('category', `process ${processKey} of category ${categoryCode} is not deployed`);
    } else {
      version = await newestVersion(prisma, DEFAULT_PROCESS_KEY);
      if (!version) throw invalid('category', text('未分类的案件需要默认流程，但默认流程尚未部署', 'an unclassified report needs the default process, which is not deployed'), 'NO_DEFAULT_PROCESS');
    }
    const startPlace: StartPlace = place ? placeOfGrid(place.gridId, place.orgPath) : await districtPlace(prisma, districtId);
    refs = { place: startPlace, category, version };
  } catch (e) {
    if (e instanceof CaseStartError) throw cannotStart(e);
    throw e;
  }
  const categoryId = refs.category?.id ?? null;

  const reportedAt = new Date();
  const possibleDuplicateOf = categoryId !== null && point ? await findPossibleDuplicate(deps, categoryId, point.lat, point.lng, reportedAt) : null;
  const hold = req.hold;
  // a retry that took over a dead request's key continues with the number that request reserved
  const inherited = hold?.reserved ? parseCaseNumber(hold.reserved) : undefined;
  let number = inherited ?? (await nextCaseNumber(prisma, districtId, reportedAt));
  let caseId = number.id;
  if (hold && hold.reserved !== caseId) await hold.reserve(caseId);

  const stored: { key: string; created: boolean }[] = [];
  let opened: CaseOpened | null;
  // the start's memo: the request's idempotency token (a retry with the key knows its own start by it)
  const memo = { idempotency: hold?.token ?? crypto.randomUUID() };
  try {
    const attachments: IntakeAttachment[] = [];
    for (const p of req.photos) {
      const blob = await deps.attachments.put(p.bytes);
      stored.push(blob);
      attachments.push({ id: `ATT-${crypto.randomUUID()}`, fileName: p.fileName, mediaType: p.mediaType, size: blob.size, sha256: blob.sha256, storageKey: blob.key });
    }
    const input = caseInput(
      {
        caseId,
        categoryCode: categoryCode ?? '',
        gridId: place?.gridId ?? null,
        districtId,
        description: req.description,
        address: req.address,
        lat: point?.lat ?? null,
        lng: point?.lng ?? null,
        sent: point ? { crs: point.crs, ...point.sent } : undefined,
        zipcode: req.zipcode,
        mediaUrl: req.mediaUrl,
        channel: req.channel,
        reporter: req.reporter,
        severity: req.severity,
        reportedAt,
        vars: req.vars,
        processVersionId: refs.version.id,
        uncategorized: !categoryCode,
      },
      refs,
    );
    input.row.possibleDuplicateOfId = possibleDuplicateOf;
    input.row.attachments = attachments;
    for (let attempt = 1; ; attempt++) {
      try {
        if (hold) hold.mayHaveActed = true;
        opened = await openCaseWorkflow(deps, input, memo, OPEN_WAIT_MS);
        break;
      } catch (e) {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) {
          // refused before reaching Temporal: nothing started (unless an earlier attempt started it)
          if (hold && !inherited && neverSent(e)) hold.mayHaveActed = false;
          throw e;
        }
        // an earlier attempt with this key (whose API process died) started it: finish that one
        if (hold && (await startedWith(deps, caseId, hold.token))) {
          opened = await openedCase(deps, caseId, memo, OPEN_WAIT_MS);
          break;
        }
        // the number is already a workflow (the counter lags, e.g. after a database restore)
        if (attempt >= MAX_NUMBER_ATTEMPTS) throw conflict(WHOLE_INPUT, text(`案件号 ${caseId} 已被占用，请重试`, `case number ${caseId} is taken: try again`), 'CASE_NUMBER_TAKEN');
        number = await nextCaseNumber(prisma, districtId, reportedAt, await firstFreeNumber(deps, number));
        caseId = number.id;
        input.caseId = input.facts.caseId = input.row.caseId = caseId;
        if (hold) await hold.reserve(caseId);
      }
    }
  } catch (e) {
    // the request failed: remove the blobs it added (a blob that was there before stays), unless
    // the case may have started with them (a retry with the key finishes that case)
    if (!hold?.mayHaveActed) await Promise.all(stored.filter((b) => b.created).map((b) => deps.attachments.remove(b.key).catch(() => undefined)));
    throw e;
  }

  const unitIds = [districtId, ...(place ? [place.gridUnitId] : []), ...(villageId !== null ? [villageId] : []), ...(townshipId !== null ? [townshipId] : [])];
  const units = await prisma.orgUnit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } });
  const name = (id: number) => units.find((u) => u.id === id)?.name ?? '';
  const unit = (id: number | null) => (id === null ? null : { id, name: name(id) });
  const { version } = refs;
  return {
    id: caseId,
    // not opened in time (no worker): the case is accepted, Temporal holds it
    status: opened?.status ?? 'REPORTED',
    statusLabel: opened?.statusLabel ?? null,
    dueAt: opened?.dueAt ? new Date(opened.dueAt).toISOString() : null,
    reportedAt: reportedAt.toISOString(),
    category: categoryCode ?? null,
    grid: place ? { id: place.gridId, name: place.name } : null,
    village: unit(villageId),
    township: unit(townshipId),
    district: { id: districtId, name: name(districtId) },
    location: point ? { lat: point.lat, lng: point.lng, crs: 'WGS84', sent: { crs: point.crs, ...point.sent } } : null,
    possibleDuplicateOf,
    // written with the row: this request's, or those of the earlier attempt with the key that started the case
    attachments: opened?.attachments ?? [],
    processVersion: { key: version.definition.key, version: version.version },
  };
}

/** A start the data refuses (no process, not deployed, a district or grid path that is not one): 422 on the field. */
function cannotStart(e: CaseStartError) {
  return invalid(e.field === 'category' ? 'category' : 'location', e.message, 'CANNOT_START');
}

/** Whether the error says the request never reached Temporal (so no workflow can have started). */
function neverSent(e: unknown): boolean {
  for (let x = e as { message?: string; cause?: unknown } | undefined, depth = 0; x && depth < 5; x = x.cause as typeof x, depth++) {
    if (/ECONNREFUSED|No connection established/.test(String(x.message ?? ''))) return true;
  }
  return false;
}

/** Whether the case workflow was started by a request holding this idempotency token. */
async function startedWith(deps: ApiDeps, caseId: string, token: string): Promise<boolean> {
  const d = await caseWorkflow(deps, caseId).describe();
  return d.memo?.idempotency === token;
}

/**
 * The first number after `taken` that no workflow holds: gallop forward (1, 2, 4 … past it), then
 * bisect, asking Temporal whether each number exists. Numbers are handed out in ascending runs, so
 * this lands just after the highest number in use instead of far beyond it.
 */
async function firstFreeNumber(deps: ApiDeps, taken: CaseNumber): Promise<number> {
  const exists = async (n: number) => {
    try {
      await caseWorkflow(deps, formatCaseNumber(taken.prefix, taken.day, n)).describe();
      return true;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) return false;
      throw e;
    }
  };
  let lo = taken.n;
  let hi = taken.n + 1;
  for (let step = 1; await exists(hi); step *= 2) {
    lo = hi;
    hi = taken.n + step * 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}
