/**
 * Starting a case: resolves the grid's org path, the category's process (newest deployed
 * version, pinned for the case's life) and home department, and starts the case workflow with
 * the case number as its workflow id. Used by the API's intake and by tests.
 *
 * A report without a point (an Open311 request with only an address) starts "to be located"
 * (facts.locateMe): no grid, village or township yet, every unit below the district is the
 * district, and its tasks go to the district's dispatchers and handlers until the 受理 task
 * places the point (workflows/case.ts).
 */
import type { Client } from '@temporalio/client';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { CaseFacts } from '../process/engine';
import type { Crs } from '../core/crs';
import { withConditionTrees } from '../process/feel';
import type { ProcessModel } from '../process/model';
import type { CaseWorkflowInput } from '../workflows/case-api';
import { CASE_WORKFLOW_TYPE } from '../workflows/case-api';

export interface CaseRequest {
  caseId: string;
  categoryCode: string;
  /** the grid the point lies in; null for a report without a point (then districtId) */
  gridId: number | null;
  /** the district of a report without a point */
  districtId?: number;
  description: string;
  address?: string | null;
  /** WGS-84 (null without a point) */
  lat: number | null;
  lng: number | null;
  /** the point as it was sent, when it was not WGS-84 or to keep it as sent */
  sent?: { crs: Crs; lat: number; lng: number };
  /** Open311: postal code and photo URL */
  zipcode?: string | null;
  mediaUrl?: string | null;
  channel: 'GRID_APP' | 'HOTLINE_12345' | 'CITIZEN_APP' | 'SMS' | 'WEB' | 'PATROL';
  reporter: { userId: number | null; name: string; phone?: string | null };
  severity?: number;
  reportedAt?: Date;
  vars?: Record<string, unknown>;
  /** pin a specific version instead of the newest */
  processVersionId?: number;
  /** not classified yet: categoryCode is empty and processVersionId names the default process */
  uncategorized?: boolean;
  historyLimit?: number;
}

export class CaseStartError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CaseStartError';
  }
}

/** The category as a start reads it (intake checks active, level and sub-items on the same row). */
export const CATEGORY_SELECT = {
  id: true,
  code: true,
  active: true,
  level: true,
  processKey: true,
  departmentKind: true,
  parent: { select: { code: true, processKey: true, departmentKind: true } },
  _count: { select: { children: { where: { active: true } } } },
} satisfies Prisma.CategorySelect;
export type StartCategory = Prisma.CategoryGetPayload<{ select: typeof CATEGORY_SELECT }>;

/** The process version as a start reads it (the model for the workflow, key and number for the answer). */
export const VERSION_SELECT = { id: true, model: true, version: true, definition: { select: { key: true } } } satisfies Prisma.ProcessVersionSelect;
export type StartVersion = Prisma.ProcessVersionGetPayload<{ select: typeof VERSION_SELECT }>;

/** Where a case starts: its grid (null: at its district) and the org units along its path, city to grid. */
export interface StartPlace {
  gridId: number | null;
  orgPath: string;
  units: number[];
}

/**
 * What a start reads from the database — the place, the category and the pinned version. Intake
 * reads each once for its own checks and builds the input from them (caseInput); other callers let
 * buildCaseInput read them (loadCaseStart).
 */
export interface CaseStartRefs {
  place: StartPlace;
  /** null for an unclassified case */
  category: StartCategory | null;
  version: StartVersion;
}

export async function buildCaseInput(prisma: PrismaClient, req: CaseRequest): Promise<CaseWorkflowInput> {
  return caseInput(req, await loadCaseStart(prisma, req));
}

/** Reads the place, category and version of a start (each once). */
export async function loadCaseStart(prisma: PrismaClient, req: CaseRequest): Promise<CaseStartRefs> {
  const place = req.gridId === null ? await districtPlace(prisma, req.districtId) : await gridPlace(prisma, req.gridId);
  if (req.uncategorized) {
    if (!req.processVersionId) throw new CaseStartError('category', 'an unclassified case needs a process version');
    const version = await prisma.processVersion.findUnique({ where: { id: req.processVersionId }, select: VERSION_SELECT });
    if (!version) throw new CaseStartError('category', `process version ${req.processVersionId} does not exist`);
    return { place, category: null, version };
  }
  const category = await prisma.category.findUnique({ where: { code: req.categoryCode }, select: CATEGORY_SELECT });
  if (!category || !category.active) throw new CaseStartError('category', `category ${req.categoryCode} does not exist`);
  const processKey = processKeyOf(category);
  const version = req.processVersionId
    ? await prisma.processVersion.findUnique({ where: { id: req.processVersionId }, select: VERSION_SELECT })
    : await newestVersion(prisma, processKey);
  if (!version) throw new CaseStartError('category', `process ${processKey} of category ${req.categoryCode} is not deployed`);
  return { place, category, version };
}

/** The process a category runs (its own, else its class's). */
export function processKeyOf(c: StartCategory): string {
  const processKey = c.processKey ?? c.parent?.processKey;
  if (!processKey) throw new CaseStartError('category', `category ${c.code} has no process`);
  return processKey;
}

/** The newest deployed version of a process (null when none is). */
export function newestVersion(prisma: PrismaClient, processKey: string): Promise<StartVersion | null> {
  return prisma.processVersion.findFirst({ where: { definition: { key: processKey } }, orderBy: { version: 'desc' }, select: VERSION_SELECT });
}

/** The workflow input of a start from what it read (no I/O). */
export function caseInput(req: CaseRequest, refs: CaseStartRefs): CaseWorkflowInput {
  const { place, version } = refs;
  const [city, district, township, village, gridUnit] = place.units;
  const c = refs.category;
  const category = c ? { id: c.id, code: c.code, major: c.parent?.code ?? c.code, homeDepartment: c.departmentKind ?? c.parent?.departmentKind ?? null } : null;
  const reportedAt = (req.reportedAt ?? new Date()).toISOString();
  const facts: CaseFacts = {
    caseId: req.caseId,
    category: category?.code ?? null,
    categoryMajor: category?.major ?? null,
    homeDepartment: category?.homeDepartment ?? null,
    severity: req.severity ?? 0,
    channel: req.channel,
    reporter: { userId: req.reporter.userId, name: req.reporter.name },
    reportedAt,
    units: { CITY: city, DISTRICT: district, TOWNSHIP: township, VILLAGE: village, GRID: gridUnit },
    ...(place.gridId === null ? { locateMe: true } : {}),
  };
  return {
    caseId: req.caseId,
    processVersionId: version.id,
    // a version deployed before conditions were compiled gets their trees here, so its cases' workflows need no feelin
    model: withConditionTrees(version.model as unknown as ProcessModel),
    facts,
    vars: req.vars,
    historyLimit: req.historyLimit,
    row: {
      caseId: req.caseId,
      description: req.description,
      address: req.address ?? null,
      categoryId: category?.id ?? null,
      processVersionId: version.id,
      lat: req.lat,
      lng: req.lng,
      ...(req.sent ? { sentCrs: req.sent.crs, sentLat: req.sent.lat, sentLng: req.sent.lng } : {}),
      ...(req.zipcode ? { zipcode: req.zipcode } : {}),
      ...(req.mediaUrl ? { mediaUrl: req.mediaUrl } : {}),
      gridId: place.gridId,
      orgPath: place.orgPath,
      channel: req.channel,
      reporterId: req.reporter.userId,
      reporterName: req.reporter.name,
      reporterPhone: req.reporter.phone ?? null,
      severity: req.severity ?? 0,
      reportedAt,
      duplicateOfId: null,
    },
  };
}

/** A case at its district (no grid): the district on every lower tier. */
export async function districtPlace(prisma: PrismaClient, districtId: number | undefined): Promise<StartPlace> {
  if (districtId === undefined) throw new CaseStartError('gridId', 'a case without a grid needs its district');
  const d = await prisma.orgUnit.findUnique({ where: { id: districtId }, select: { level: true, path: true } });
  if (!d || d.level !== 'DISTRICT') throw new CaseStartError('gridId', `org unit ${districtId} is not a district`);
  const [city, district] = d.path.split('/').filter(Boolean).map(Number);
  return { gridId: null, orgPath: d.path, units: [city, district, district, district, district] };
}

async function gridPlace(prisma: PrismaClient, gridId: number): Promise<StartPlace> {
  const grid = await prisma.grid.findUnique({ where: { id: gridId }, select: { id: true, orgUnit: { select: { id: true, path: true } } } });
  if (!grid) throw new CaseStartError('gridId', `grid ${gridId} does not exist`);
  return placeOfGrid(grid.id, grid.orgUnit.path);
}

/** A case in a grid, from the grid's org path (as locating the point read it). */
export function placeOfGrid(gridId: number, orgPath: string): StartPlace {
  const ids = orgPath.split('/').filter(Boolean).map(Number);
  if (ids.length !== 5) throw new CaseStartError('gridId', `grid ${gridId} is not under a city → district → township → village path`);
  return { gridId, orgPath, units: ids };
}

/** Starts the case workflow; `memo` marks who started it (intake leaves its idempotency token). */
export async function startCase(client: Client, taskQueue: string, input: CaseWorkflowInput, memo?: Record<string, string>) {
  return client.workflow.start(CASE_WORKFLOW_TYPE, { workflowId: input.caseId, taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE', ...(memo ? { memo } : {}) });
}
