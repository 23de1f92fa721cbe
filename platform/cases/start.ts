/**
 * Starting a case: resolves the grid's org path, the category's process (newest deployed
 * version, pinned for the case's life) and home department, and starts the case workflow with
 * the case number as its workflow id. Used by the API's intake and by tests.
 */
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../../generated/prisma/client';
import type { CaseFacts } from '../../process/engine';
import type { ProcessModel } from '../../process/model';
import type { CaseWorkflowInput } from '../../workflows/case-api';
import { CASE_WORKFLOW_TYPE } from '../../workflows/case-api';

export interface CaseRequest {
  caseId: string;
  categoryCode: string;
  gridId: number;
  description: string;
  address?: string | null;
  lat: number;
  lng: number;
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

export async function buildCaseInput(prisma: PrismaClient, req: CaseRequest): Promise<CaseWorkflowInput> {
  const grid = await prisma.grid.findUnique({ where: { id: req.gridId }, select: { id: true, orgUnit: { select: { id: true, path: true } } } });
  if (!grid) throw new CaseStartError('gridId', `grid ${req.gridId} does not exist`);
  const ids = grid.orgUnit.path.split('/').filter(Boolean).map(Number);
  if (ids.length !== 5) throw new CaseStartError('gridId', `grid ${req.gridId} is not under a city → district → township → village path`);
  const [city, district, township, village, gridUnit] = ids;
  let category: { id: number; code: string; major: string; homeDepartment: string | null } | null = null;
  let version: { id: number; model: unknown } | null;
  if (req.uncategorized) {
    if (!req.processVersionId) throw new CaseStartError('category', 'an unclassified case needs a process version');
    version = await prisma.processVersion.findUnique({ where: { id: req.processVersionId }, select: { id: true, model: true } });
    if (!version) throw new CaseStartError('category', `process version ${req.processVersionId} does not exist`);
  } else {
    const c = await prisma.category.findUnique({
      where: { code: req.categoryCode },
      select: { id: true, code: true, processKey: true, departmentKind: true, active: true, parent: { select: { code: true, processKey: true, departmentKind: true } } },
    });
    if (!c || !c.active) throw new CaseStartError('category', `category ${req.categoryCode} does not exist`);
    const processKey = c.processKey ?? c.parent?.processKey;
    if (!processKey) throw new CaseStartError('category', `category ${req.categoryCode} has no process`);
    version = req.processVersionId
      ? await prisma.processVersion.findUnique({ where: { id: req.processVersionId }, select: { id: true, model: true } })
      : await prisma.processVersion.findFirst({ where: { definition: { key: processKey } }, orderBy: { version: 'desc' }, select: { id: true, model: true } });
    if (!version) throw new CaseStartError('category', `process ${processKey} of category ${req.categoryCode} is not deployed`);
    category = { id: c.id, code: c.code, major: c.parent?.code ?? c.code, homeDepartment: c.departmentKind ?? c.parent?.departmentKind ?? null };
  }
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
  };
  return {
    caseId: req.caseId,
    processVersionId: version.id,
    model: version.model as unknown as ProcessModel,
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
      gridId: grid.id,
      orgPath: grid.orgUnit.path,
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

/** Starts the case workflow; `memo` marks who started it (intake leaves its idempotency token). */
export async function startCase(client: Client, taskQueue: string, input: CaseWorkflowInput, memo?: Record<string, string>) {
  return client.workflow.start(CASE_WORKFLOW_TYPE, { workflowId: input.caseId, taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE', ...(memo ? { memo } : {}) });
}
