/**
 * Process definitions (流程) and their versions (流程版本): an administrator saves a draft of the
 * BPMN diagram, validates it (compile + lint, errors naming element ids), and deploys it as the
 * next immutable version with `deployProcess`. New cases start on the newest version; running
 * cases stay on the version they started with (the workflow pins it).
 */
import type { Prisma, PrismaClient } from '../../../generated/prisma/client';
import { compileBpmn, parseBpmn, UnreadableDiagramError, type CompileIssue } from '../../../process/compiler';
import { DeployError, deployProcess } from './deploy';
import { FINAL_STATUSES } from '../../../process/model';
import { ifMatchHolds, ifNoneMatchHolds, strongTag, type Preconditions } from '../../http/conditional';
import { invalid, notFound, stale, text } from '../errors';
import { recordAdminChange, type AdminActor } from './audit';
import { duplicate, missing as missingRecord, paged, refuseInUse, uniquely, type Page, type PageQuery } from './common';
import { literal } from '../../http/like';

export interface ProcessDefinitionView {
  key: string;
  name: string;
  description: string | null;
  /** number of the newest deployed version; null before the first deployment */
  latestVersion: number | null;
  latestDeployedAt: string | null;
  versionCount: number;
  hasDraft: boolean;
  /** who deployed the newest version; null before the first deployment (or for a seeded one) */
  latestDeployedBy: Person | null;
  /** the categories whose new cases run this process (the designer's "used by") */
  categories: { id: number; code: string; name: string }[];
  createdAt: string;
  updatedAt: string;
}

type Person = { id: number; displayName: string };

export interface ProcessVersionView {
  key: string;
  version: number;
  checksum: string;
  deployedAt: string;
  deployedBy: Person | null;
  /** what the administrator wrote when deploying it */
  comment: string | null;
  latest: boolean;
  /** cases started on this version */
  caseCount: number;
  /** those of them not yet in a final status (closed, voided, rejected, withdrawn, merged) */
  openCaseCount: number;
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
  versions: { orderBy: { version: 'desc' as const }, take: 1, select: { version: true, deployedAt: true, deployedBy: { select: { id: true, displayName: true } } } },
  _count: { select: { versions: true } },
};

type DefinitionRow = {
  id: number;
  key: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  versions: { version: number; deployedAt: Date; deployedBy: Person | null }[];
  _count: { versions: number };
};

/** What a definition's row does not hold: whether it has a draft, and the categories using it. */
interface Around {
  drafts: Set<number>;
  categories: Map<string, ProcessDefinitionView['categories']>;
}

function view(row: DefinitionRow, around: Around): ProcessDefinitionView {
  const latest = row.versions[0];
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    latestVersion: latest?.version ?? null,
    latestDeployedAt: latest?.deployedAt.toISOString() ?? null,
    versionCount: row._count.versions,
    hasDraft: around.drafts.has(row.id),
    latestDeployedBy: latest?.deployedBy ?? null,
    categories: around.categories.get(row.key) ?? [],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * For a page of definitions, in two queries whatever its size: which hold a draft (asked apart, so
 * lists never load the XML) and which categories name each.
 */
async function around(prisma: PrismaClient, rows: { id: number; key: string }[]): Promise<Around> {
  if (!rows.length) return { drafts: new Set(), categories: new Map() };
  const [drafts, categories] = await Promise.all([
    prisma.processDefinition.findMany({ where: { id: { in: rows.map((r) => r.id) }, draftXml: { not: null } }, select: { id: true } }),
    prisma.category.findMany({ where: { processKey: { in: rows.map((r) => r.key) } }, select: { id: true, code: true, name: true, processKey: true }, orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] }),
  ]);
  const byKey = new Map<string, ProcessDefinitionView['categories']>();
  for (const c of categories) {
    const list = byKey.get(c.processKey!) ?? [];
    list.push({ id: c.id, code: c.code, name: c.name });
    byKey.set(c.processKey!, list);
  }
  return { drafts: new Set(drafts.map((r) => r.id)), categories: byKey };
}

const missing = (key: string) => missingRecord({ zh: '流程', en: 'process' }, key, 'key');

async function definitionId(prisma: PrismaClient, key: string): Promise<number> {
  const row = await prisma.processDefinition.findUnique({ where: { key }, select: { id: true } });
  if (!row) throw missing(key);
  return row.id;
}

export async function listProcesses(prisma: PrismaClient, q: PageQuery & { q?: string }): Promise<Page<ProcessDefinitionView>> {
  const where = q.q ? { OR: [{ key: { contains: literal(q.q) } }, { name: { contains: literal(q.q) } }] } : {};
  const page = await paged(
    prisma.processDefinition,
    q,
    { name: 'processes', keys: [{ field: 'key', dir: 'asc', kind: 'string' }] },
    where,
    definitionSelect,
    (r: DefinitionRow) => r,
  );
  const extra = await around(prisma, page.items);
  return { ...page, items: page.items.map((r) => view(r, extra)) };
}

export async function getProcess(prisma: PrismaClient, key: string): Promise<ProcessDefinitionView> {
  const row = await prisma.processDefinition.findUnique({ where: { key }, select: definitionSelect });
  if (!row) throw missing(key);
  return view(row, await around(prisma, [row]));
}

/** A definition as the audit log keeps it: its fields and a digest of its draft (not the whole diagram). */
async function definitionRecord(tx: Prisma.TransactionClient, id: number) {
  const d = await tx.processDefinition.findUniqueOrThrow({ where: { id }, select: { key: true, name: true, description: true, draftXml: true } });
  const { draftXml, ...fields } = d;
  return { ...fields, draft: draftXml === null ? null : { etag: draftTag(draftXml), bytes: Buffer.byteLength(draftXml, 'utf8') } };
}

export async function createProcess(prisma: PrismaClient, input: { key: string; name: string; description?: string | null }, actor: AdminActor): Promise<ProcessDefinitionView> {
  if (await prisma.processDefinition.findUnique({ where: { key: input.key }, select: { id: true } })) throw duplicate('key', '流程标识', 'process key', input.key);
  await uniquely(
    () =>
      prisma.$transaction(async (tx) => {
        const { id } = await tx.processDefinition.create({ data: { key: input.key, name: input.name, description: input.description ?? null }, select: { id: true } });
        await recordAdminChange(tx, actor, { action: 'process.create', entity: 'process', entityId: input.key, after: await definitionRecord(tx, id) });
      }),
    'key',
    '流程标识',
    'process key',
    input.key,
  );
  return getProcess(prisma, input.key);
}

export async function updateProcess(prisma: PrismaClient, key: string, input: { name?: string; description?: string | null }, actor: AdminActor): Promise<ProcessDefinitionView> {
  const id = await definitionId(prisma, key);
  await prisma.$transaction(async (tx) => {
    const before = await definitionRecord(tx, id);
    await tx.processDefinition.update({ where: { id }, data: { name: input.name, description: input.description } });
    await recordAdminChange(tx, actor, { action: 'process.update', entity: 'process', entityId: key, before, after: await definitionRecord(tx, id) });
  });
  return getProcess(prisma, key);
}

/** Only a definition never deployed and named by no category can go (versions are append-only). */
export async function deleteProcess(prisma: PrismaClient, key: string, actor: AdminActor): Promise<void> {
  const id = await definitionId(prisma, key);
  const [versions, categories] = await Promise.all([prisma.processVersion.count({ where: { definitionId: id } }), prisma.category.count({ where: { processKey: key } })]);
  refuseInUse('key', { zh: '流程', en: 'process' }, [
    { what: 'versions', count: versions, zh: '已部署版本', en: 'deployed versions' },
    { what: 'categories', count: categories, zh: '事件分类', en: 'categories' },
  ]);
  await prisma.$transaction(async (tx) => {
    const before = await definitionRecord(tx, id);
    await tx.processDefinition.delete({ where: { id } });
    await recordAdminChange(tx, actor, { action: 'process.delete', entity: 'process', entityId: key, before });
  });
}

function unreadable(e: UnreadableDiagramError) {
  return invalid('xml', text(`无法读取流程图：${e.message}`, `the diagram cannot be read: ${e.message}`), 'UNREADABLE_DIAGRAM');
}

/** The entity tag of a draft (HTTP ETag): its SHA-256, quoted; the same XML always has the same tag. */
export const draftTag = (xml: string): string => strongTag(xml);

export interface SavedDraft {
  key: string;
  hasDraft: true;
  bytes: number;
  /** the new draft's entity tag (also the ETag header) */
  etag: string;
  updatedAt: string;
}

/** Refuses the save when the caller's If-Match / If-None-Match no longer holds for the stored draft. */
function checkDraftConditions(key: string, stored: string | null, when: Preconditions): void {
  const current = stored === null ? null : draftTag(stored);
  if (when.ifMatch && !ifMatchHolds(when.ifMatch, current)) {
    throw stale(
      'ifMatch',
      text(
        `流程 ${key} 的草稿在您打开之后已被其他管理员修改并保存，本次保存未生效：请重新加载草稿，核对后再保存`,
        `the draft of process ${key} was changed and saved by another administrator since you opened it, so yours was not saved: reload the draft, check it, then save again`,
      ),
      'DRAFT_CHANGED',
    );
  }
  if (when.ifNoneMatch && !ifNoneMatchHolds(when.ifNoneMatch, current)) {
    throw stale(
      'ifNoneMatch',
      text(
        `流程 ${key} 已有草稿（可能是其他管理员刚刚保存的），本次保存未生效：请加载该草稿后再保存`,
        `process ${key} already has a draft (another administrator may have just saved it), so yours was not saved: load that draft, then save again`,
      ),
      'DRAFT_CHANGED',
    );
  }
}

/**
 * Stores the work in progress; it must be a readable BPMN document, but may still have errors.
 * With If-Match / If-None-Match the stored draft is compared and replaced in one transaction that
 * holds the definition's row lock, so of two saves made from the same draft only the first lands.
 */
export async function saveDraft(prisma: PrismaClient, key: string, xml: string, when: Preconditions, actor: AdminActor): Promise<SavedDraft> {
  const id = await definitionId(prisma, key);
  try {
    await parseBpmn(xml);
  } catch (e) {
    if (e instanceof UnreadableDiagramError) throw unreadable(e);
    throw e;
  }
  const saved = (updatedAt: Date): SavedDraft => ({ key, hasDraft: true, bytes: Buffer.byteLength(xml, 'utf8'), etag: draftTag(xml), updatedAt: updatedAt.toISOString() });
  // under the definition's row lock: the If-Match / If-None-Match check and the audit log's "before" see the stored draft
  const row = await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ draftXml: string | null }[]>`SELECT draftXml FROM process_definitions WHERE id = ${id} FOR UPDATE`;
    if (!locked.length) throw missing(key);
    if (when.ifMatch || when.ifNoneMatch) checkDraftConditions(key, locked[0].draftXml, when);
    const before = await definitionRecord(tx, id);
    const updated = await tx.processDefinition.update({ where: { id }, data: { draftXml: xml }, select: { updatedAt: true } });
    await recordAdminChange(tx, actor, { action: 'process.draft', entity: 'process', entityId: key, before, after: await definitionRecord(tx, id) });
    return updated;
  });
  return saved(row.updatedAt);
}

export async function getDraft(prisma: PrismaClient, key: string): Promise<string> {
  const row = await prisma.processDefinition.findUnique({ where: { key }, select: { draftXml: true } });
  if (!row) throw missing(key);
  if (row.draftXml === null) throw notFound('key', text(`流程 ${key} 没有草稿`, `process ${key} has no draft`));
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

/**
 * Deploys the draft as the next version, with the administrator's comment; the same XML as the
 * newest version deploys nothing (and keeps that version's comment).
 */
export async function deployDraft(prisma: PrismaClient, key: string, actor: AdminActor, comment?: string | null): Promise<{ created: boolean; version: ProcessVersionView }> {
  const row = await prisma.processDefinition.findUnique({ where: { key }, select: { draftXml: true } });
  if (!row) throw missing(key);
  const xml = row.draftXml;
  if (xml === null) throw invalid('key', text(`流程 ${key} 没有草稿，请先保存草稿`, `process ${key} has no draft: save one first`), 'NO_DRAFT');
  let deployed;
  try {
    const note = comment?.trim() || null;
    deployed = await deployProcess(prisma, { key, xml, deployedById: actor.userId, comment: note, skipIfUnchanged: true }, (tx, d) =>
      recordAdminChange(tx, actor, { action: 'process.deploy', entity: 'process', entityId: key, after: { key, version: d.version, checksum: d.checksum, comment: note } }),
    );
  } catch (e) {
    const errors = e instanceof DeployError ? e.issues.map(issue) : e instanceof UnreadableDiagramError ? [{ element: 'definitions', type: 'bpmn:Definitions', message: e.message, rule: 'parse' }] : undefined;
    if (!errors) throw e;
    throw invalid(
      'draft',
      text(`草稿无法编译，未部署：${errors.map((i) => `${i.element}：${i.message}`).join('；')}`, `the draft does not compile and was not deployed: ${errors.map((i) => `${i.element}: ${i.message}`).join('; ')}`),
      'DOES_NOT_COMPILE',
      { errors },
    );
  }
  return { created: deployed.created, version: await getVersion(prisma, key, deployed.version) };
}

const versionSelect = { id: true, version: true, checksum: true, deployedAt: true, comment: true, deployedBy: { select: { id: true, displayName: true } } };

type VersionRow = { id: number; version: number; checksum: string; deployedAt: Date; comment: string | null; deployedBy: Person | null };

/** Cases started on each of these versions, and how many of them are still open: one grouped query. */
async function caseCounts(prisma: PrismaClient, versionIds: number[]): Promise<Map<number, { caseCount: number; openCaseCount: number }>> {
  const counts = new Map(versionIds.map((id) => [id, { caseCount: 0, openCaseCount: 0 }]));
  if (!versionIds.length) return counts;
  const groups = await prisma.case.groupBy({ by: ['processVersionId', 'status'], where: { processVersionId: { in: versionIds } }, _count: { _all: true } });
  for (const g of groups) {
    const c = counts.get(g.processVersionId!);
    if (!c) continue;
    c.caseCount += g._count._all;
    if (!FINAL_STATUSES.includes(g.status)) c.openCaseCount += g._count._all;
  }
  return counts;
}

async function versionViews(prisma: PrismaClient, key: string, definitionId: number, rows: VersionRow[]): Promise<ProcessVersionView[]> {
  const [newest, counts] = await Promise.all([
    prisma.processVersion.findFirst({ where: { definitionId }, orderBy: { version: 'desc' }, select: { version: true } }),
    caseCounts(prisma, rows.map((r) => r.id)),
  ]);
  return rows.map((v) => ({
    key,
    version: v.version,
    checksum: v.checksum,
    deployedAt: v.deployedAt.toISOString(),
    deployedBy: v.deployedBy,
    comment: v.comment,
    latest: v.version === newest?.version,
    ...counts.get(v.id)!,
  }));
}

export async function listVersions(prisma: PrismaClient, key: string, q: PageQuery): Promise<Page<ProcessVersionView>> {
  const id = await definitionId(prisma, key);
  const page = await paged(prisma.processVersion, q, { name: 'versions', keys: [{ field: 'version', dir: 'desc', kind: 'int' }] }, { definitionId: id }, versionSelect, (v: VersionRow) => v);
  return { ...page, items: await versionViews(prisma, key, id, page.items) };
}

async function versionRow<S extends object>(prisma: PrismaClient, key: string, version: number, select: S) {
  const id = await definitionId(prisma, key);
  const row = await prisma.processVersion.findUnique({ where: { definitionId_version: { definitionId: id, version } }, select });
  if (!row) throw notFound('version', text(`流程 ${key} 没有第 ${version} 版`, `process ${key} has no version ${version}`));
  return { definitionId: id, row };
}

export async function getVersion(prisma: PrismaClient, key: string, version: number): Promise<ProcessVersionView> {
  const { definitionId: id, row } = await versionRow(prisma, key, version, versionSelect);
  return (await versionViews(prisma, key, id, [row]))[0];
}

export async function versionXml(prisma: PrismaClient, key: string, version: number): Promise<string> {
  return (await versionRow(prisma, key, version, { bpmnXml: true })).row.bpmnXml;
}

export async function versionModel(prisma: PrismaClient, key: string, version: number): Promise<unknown> {
  return (await versionRow(prisma, key, version, { model: true })).row.model;
}
