/**
 * Process definitions (流程) and their versions (流程版本): an administrator saves a draft of the
 * BPMN diagram, validates it (compile + lint, errors naming element ids), and deploys it as the
 * next immutable version with `deployProcess`. New cases start on the newest version; running
 * cases stay on the version they started with (the workflow pins it).
 */
import type { PrismaClient } from '../../../generated/prisma/client';
import { compileBpmn, parseBpmn, UnreadableDiagramError, type CompileIssue } from '../../../process/compiler';
import { DeployError, deployProcess } from '../../../process/deploy';
import { notFound, text, unprocessable } from '../../http/errors';
import { duplicate, paged, refuseInUse, uniquely, type Page, type PageQuery } from './common';

export interface ProcessDefinitionView {
  key: string;
  name: string;
  description: string | null;
  /** number of the newest deployed version; null before the first deployment */
  latestVersion: number | null;
  latestDeployedAt: string | null;
  versionCount: number;
  hasDraft: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ProcessVersionView {
  key: string;
  version: number;
  checksum: string;
  deployedAt: string;
  deployedBy: { id: number; displayName: string } | null;
  latest: boolean;
}

export interface Issue {
  element: string;
  type: string;
  message: string;
  rule: string;
}

export interface ValidationReport {
  ok: boolean;
  errors: Issue[];
  warnings: Issue[];
}

const definitionSelect = {
  id: true,
  key: true,
  name: true,
  description: true,
  createdAt: true,
  updatedAt: true,
  versions: { orderBy: { version: 'desc' as const }, take: 1, select: { version: true, deployedAt: true } },
  _count: { select: { versions: true } },
};

type DefinitionRow = {
  id: number;
  key: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  versions: { version: number; deployedAt: Date }[];
  _count: { versions: number };
};

function view(row: DefinitionRow, hasDraft: boolean): ProcessDefinitionView {
  const latest = row.versions[0];
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    latestVersion: latest?.version ?? null,
    latestDeployedAt: latest?.deployedAt.toISOString() ?? null,
    versionCount: row._count.versions,
    hasDraft,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Ids of these definitions that hold a draft (asked apart, so lists never load the XML). */
async function withDrafts(prisma: PrismaClient, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await prisma.processDefinition.findMany({ where: { id: { in: ids }, draftXml: { not: null } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

const missing = (key: string) => notFound('path.key', text(`流程 ${key} 不存在`, `process ${key} does not exist`));

async function definitionId(prisma: PrismaClient, key: string): Promise<number> {
  const row = await prisma.processDefinition.findUnique({ where: { key }, select: { id: true } });
  if (!row) throw missing(key);
  return row.id;
}

export async function listProcesses(prisma: PrismaClient, q: PageQuery & { q?: string }): Promise<Page<ProcessDefinitionView>> {
  const where = q.q ? { OR: [{ key: { contains: q.q } }, { name: { contains: q.q } }] } : {};
  const page = await paged(
    q,
    () => prisma.processDefinition.count({ where }),
    (skip, take) => prisma.processDefinition.findMany({ where, select: definitionSelect, orderBy: { key: 'asc' }, skip, take }),
    (r) => r,
  );
  const drafts = await withDrafts(prisma, page.items.map((r) => r.id));
  return { ...page, items: page.items.map((r) => view(r, drafts.has(r.id))) };
}

export async function getProcess(prisma: PrismaClient, key: string): Promise<ProcessDefinitionView> {
  const row = await prisma.processDefinition.findUnique({ where: { key }, select: definitionSelect });
  if (!row) throw missing(key);
  return view(row, (await withDrafts(prisma, [row.id])).has(row.id));
}

export async function createProcess(prisma: PrismaClient, input: { key: string; name: string; description?: string | null }): Promise<ProcessDefinitionView> {
  if (await prisma.processDefinition.findUnique({ where: { key: input.key }, select: { id: true } })) throw duplicate('body.key', '流程标识', 'process key', input.key);
  await uniquely(
    () => prisma.processDefinition.create({ data: { key: input.key, name: input.name, description: input.description ?? null } }),
    'body.key',
    '流程标识',
    'process key',
    input.key,
  );
  return getProcess(prisma, input.key);
}

export async function updateProcess(prisma: PrismaClient, key: string, input: { name?: string; description?: string | null }): Promise<ProcessDefinitionView> {
  const id = await definitionId(prisma, key);
  await prisma.processDefinition.update({ where: { id }, data: { name: input.name, description: input.description } });
  return getProcess(prisma, key);
}

/** Only a definition never deployed and named by no category can go (versions are append-only). */
export async function deleteProcess(prisma: PrismaClient, key: string): Promise<void> {
  const id = await definitionId(prisma, key);
  const [versions, categories] = await Promise.all([prisma.processVersion.count({ where: { definitionId: id } }), prisma.category.count({ where: { processKey: key } })]);
  refuseInUse('path.key', { zh: '流程', en: 'process' }, [
    { what: 'versions', count: versions, zh: '已部署版本', en: 'deployed versions' },
    { what: 'categories', count: categories, zh: '事件分类', en: 'categories' },
  ]);
  await prisma.processDefinition.delete({ where: { id } });
}

function unreadable(e: UnreadableDiagramError) {
  return unprocessable('body.xml', text(`无法读取流程图：${e.message}`, `the diagram cannot be read: ${e.message}`), 'UNREADABLE_DIAGRAM');
}

/** Stores the work in progress; it must be a readable BPMN document, but may still have errors. */
export async function saveDraft(prisma: PrismaClient, key: string, xml: string): Promise<{ key: string; hasDraft: true; bytes: number; updatedAt: string }> {
  const id = await definitionId(prisma, key);
  try {
    await parseBpmn(xml);
  } catch (e) {
    if (e instanceof UnreadableDiagramError) throw unreadable(e);
    throw e;
  }
  const row = await prisma.processDefinition.update({ where: { id }, data: { draftXml: xml }, select: { updatedAt: true } });
  return { key, hasDraft: true, bytes: Buffer.byteLength(xml, 'utf8'), updatedAt: row.updatedAt.toISOString() };
}

export async function getDraft(prisma: PrismaClient, key: string): Promise<string> {
  const row = await prisma.processDefinition.findUnique({ where: { key }, select: { draftXml: true } });
  if (!row) throw missing(key);
  if (row.draftXml === null) throw notFound('path.key', text(`流程 ${key} 没有草稿`, `process ${key} has no draft`));
  return row.draftXml;
}

const issue = (i: CompileIssue): Issue => ({ element: i.element, type: i.type, message: i.message, rule: i.rule });

/** Compiles and lints the given XML, or the saved draft when none is given. */
export async function validateProcess(prisma: PrismaClient, key: string, xml?: string): Promise<ValidationReport> {
  const source = xml ?? (await getDraft(prisma, key));
  if (xml !== undefined) await definitionId(prisma, key);
  try {
    const r = await compileBpmn(source);
    return r.ok ? { ok: true, errors: [], warnings: r.warnings.map(issue) } : { ok: false, errors: r.errors.map(issue), warnings: r.warnings.map(issue) };
  } catch (e) {
    if (e instanceof UnreadableDiagramError) return { ok: false, errors: [{ element: 'definitions', type: 'bpmn:Definitions', message: e.message, rule: 'parse' }], warnings: [] };
    throw e;
  }
}

/** Deploys the draft as the next version; the same XML as the newest version deploys nothing. */
export async function deployDraft(prisma: PrismaClient, key: string, deployedById: number): Promise<{ created: boolean; version: ProcessVersionView }> {
  const row = await prisma.processDefinition.findUnique({ where: { key }, select: { draftXml: true } });
  if (!row) throw missing(key);
  const xml = row.draftXml;
  if (xml === null) throw unprocessable('path.key', text(`流程 ${key} 没有草稿，请先保存草稿`, `process ${key} has no draft: save one first`), 'NO_DRAFT');
  let deployed;
  try {
    deployed = await deployProcess(prisma, { key, xml, deployedById, skipIfUnchanged: true });
  } catch (e) {
    const errors = e instanceof DeployError ? e.issues.map(issue) : e instanceof UnreadableDiagramError ? [{ element: 'definitions', type: 'bpmn:Definitions', message: e.message, rule: 'parse' }] : undefined;
    if (!errors) throw e;
    throw unprocessable(
      'draft',
      text(`草稿无法编译，未部署：${errors.map((i) => `${i.element}：${i.message}`).join('；')}`, `the draft does not compile and was not deployed: ${errors.map((i) => `${i.element}: ${i.message}`).join('; ')}`),
      'DOES_NOT_COMPILE',
      { errors },
    );
  }
  return { created: deployed.created, version: await getVersion(prisma, key, deployed.version) };
}

const versionSelect = { version: true, checksum: true, deployedAt: true, deployedBy: { select: { id: true, displayName: true } } };

export async function listVersions(prisma: PrismaClient, key: string, q: PageQuery): Promise<Page<ProcessVersionView>> {
  const id = await definitionId(prisma, key);
  const newest = await prisma.processVersion.findFirst({ where: { definitionId: id }, orderBy: { version: 'desc' }, select: { version: true } });
  return paged(
    q,
    () => prisma.processVersion.count({ where: { definitionId: id } }),
    (skip, take) => prisma.processVersion.findMany({ where: { definitionId: id }, select: versionSelect, orderBy: { version: 'desc' }, skip, take }),
    (v) => ({ key, version: v.version, checksum: v.checksum, deployedAt: v.deployedAt.toISOString(), deployedBy: v.deployedBy, latest: v.version === newest?.version }),
  );
}

async function versionRow<S extends object>(prisma: PrismaClient, key: string, version: number, select: S) {
  const id = await definitionId(prisma, key);
  const row = await prisma.processVersion.findUnique({ where: { definitionId_version: { definitionId: id, version } }, select });
  if (!row) throw notFound('path.version', text(`流程 ${key} 没有第 ${version} 版`, `process ${key} has no version ${version}`));
  return { definitionId: id, row };
}

export async function getVersion(prisma: PrismaClient, key: string, version: number): Promise<ProcessVersionView> {
  const { definitionId: id, row } = await versionRow(prisma, key, version, versionSelect);
  const newest = await prisma.processVersion.findFirst({ where: { definitionId: id }, orderBy: { version: 'desc' }, select: { version: true } });
  return { key, version: row.version, checksum: row.checksum, deployedAt: row.deployedAt.toISOString(), deployedBy: row.deployedBy, latest: row.version === newest?.version };
}

export async function versionXml(prisma: PrismaClient, key: string, version: number): Promise<string> {
  return (await versionRow(prisma, key, version, { bpmnXml: true })).row.bpmnXml;
}

export async function versionModel(prisma: PrismaClient, key: string, version: number): Promise<unknown> {
  return (await versionRow(prisma, key, version, { model: true })).row.model;
}
