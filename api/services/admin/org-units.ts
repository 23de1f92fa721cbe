/**
 * The org tree (市 → 区 → 街道 → 社区 → 网格): a unit is created under a parent of the level above,
 * with a 15-digit code that extends the parent's, and its materialised path (parent path + own
 * id + '/') so a subtree stays one prefix match. Units are not moved (every case, task and
 * membership below would move with them); grids are created with their boundary (grids.ts).
 */
import type { Prisma, PrismaClient } from '../../../generated/prisma/client';
import type { OrgLevel } from '../../../generated/prisma/enums';
import { invalid, text } from '../errors';
import { recordAdminChange, type AdminActor } from './audit';
import { deleteUnused, duplicate, paged, scoped, stamps, TIMES, TREE_NODE, uniquely, type Page, type PageQuery, type Thing } from './common';
import { codeProblem, levelBelow, nextCode } from './org-codes';
import { inScope, orgUnitWhere, unknownReference, type AdminScope } from './scope';
import { literal } from '../../http/like';

type Db = PrismaClient | Prisma.TransactionClient;

export interface OrgUnitView {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  level: OrgLevel;
  parentId: number | null;
  path: string;
  casePrefix: string | null;
  childCount: number;
  createdAt: string;
  updatedAt: string;
}

const unitSelect = {
  ...TREE_NODE,
  path: true,
  casePrefix: true,
  ...TIMES,
  _count: { select: { children: true } },
} satisfies Prisma.OrgUnitSelect;

type UnitRow = Prisma.OrgUnitGetPayload<{ select: typeof unitSelect }>;

// the selected columns are the view's, its times as text
const view = ({ _count, createdAt, updatedAt, ...columns }: UnitRow): OrgUnitView => ({ ...columns, childCount: _count.children, ...stamps({ createdAt, updatedAt }) });

const ORG_UNIT: Thing = { zh: '组织单元', en: 'org unit' };

/** The unit, if it exists and lies in the scope (otherwise 404: what is outside is not shown). */
export async function scopedUnit(db: Db, scope: AdminScope, id: number, field = 'id') {
  const u = await db.orgUnit.findUnique({ where: { id }, select: { id: true, code: true, level: true, path: true, parentId: true, name: true } });
  return scoped(u, scope, (x) => x.path, ORG_UNIT, id, field);
}

export interface OrgUnitQuery extends PageQuery {
  parentId?: number;
  level?: OrgLevel;
  q?: string;
}

export async function listOrgUnits(prisma: PrismaClient, scope: AdminScope, q: OrgUnitQuery): Promise<Page<OrgUnitView>> {
  const where: Prisma.OrgUnitWhereInput = {
    AND: [
      orgUnitWhere(scope),
      q.parentId !== undefined ? { parentId: q.parentId } : {},
      q.level ? { level: q.level } : {},
      q.q ? { OR: [{ name: { contains: literal(q.q) } }, { code: { startsWith: literal(q.q) } }] } : {},
    ],
  };
  // a code extends its parent's, so code order walks the tree parent first
  return paged(prisma.orgUnit, q, { name: 'org-units', keys: [{ field: 'code', dir: 'asc', kind: 'string' }] }, where, unitSelect, view);
}

export async function getOrgUnit(prisma: PrismaClient, scope: AdminScope, id: number): Promise<OrgUnitView> {
  await scopedUnit(prisma, scope, id);
  return view(await prisma.orgUnit.findUniqueOrThrow({ where: { id }, select: unitSelect }));
}

export interface OrgUnitCreate {
  parentId: number;
  code?: string;
  /** or, for units numbered automatically, a name made from the code */
  name: string | ((code: string) => string);
  nameEn?: string | null;
  casePrefix?: string | null;
}

async function checkCasePrefix(db: Db, level: OrgLevel, casePrefix: string | null | undefined, exceptId?: number): Promise<void> {
  if (casePrefix === undefined || casePrefix === null) return;
  if (level !== 'DISTRICT') throw invalid('casePrefix', text('只有区县可以设置案件编号前缀', 'only a district has a case-number prefix'));
  const other = await db.orgUnit.findFirst({ where: { casePrefix, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
  if (other) throw duplicate('casePrefix', '案件编号前缀', 'case-number prefix', casePrefix);
}

/**
 * Creates a unit under `parentId` (in the caller's write scope) one level below it. `code` may be
 * left out below the district: the next free number is taken. Grid units are created by grids.ts
 * (`createUnitIn`), with their boundary.
 */
export async function createUnitIn(tx: Prisma.TransactionClient, scope: AdminScope, input: OrgUnitCreate, expectLevel?: OrgLevel, fields = { parentId: 'parentId', code: 'code' }): Promise<{ id: number; code: string; path: string; level: OrgLevel }> {
  const parent = await tx.orgUnit.findUnique({ where: { id: input.parentId }, select: { id: true, code: true, level: true, path: true } });
  if (!parent || !inScope(scope, parent.path)) throw unknownReference(fields.parentId, `上级组织单元 ${input.parentId} `, `parent org unit ${input.parentId}`);
  const level = levelBelow(parent.level);
  if (!level) throw invalid(fields.parentId, text('网格下不能再建下级单元', 'a grid has no units below it'), 'LEVEL');
  if (expectLevel && level !== expectLevel) {
    throw invalid(fields.parentId, text(`上级单元须为${expectLevel === 'GRID' ? '村/社区' : '上一层级'}（当前为 ${parent.level}）`, `the parent must be one level above ${expectLevel} (it is ${parent.level})`), 'LEVEL');
  }
  let code = input.code;
  if (code === undefined) {
    if (level === 'DISTRICT') throw invalid(fields.code, text('区县须填写编码（6 位行政区划代码 + 9 个 0）', 'a district needs its code (6-digit division code + 9 zeros)'), 'CODE');
    const siblings = await tx.orgUnit.findMany({ where: { parentId: parent.id }, select: { code: true } });
    const next = nextCode(parent, level, siblings.map((s) => s.code));
    if (!next) throw invalid(fields.code, text('本级序号已用完（最多 999 个）', 'all 999 numbers of this level are taken'), 'CODE');
    code = next;
  }
  const problem = codeProblem(parent, level, code);
  if (problem) throw invalid(fields.code, text(problem[0], problem[1]), 'CODE');
  if (await tx.orgUnit.findUnique({ where: { code }, select: { id: true } })) throw duplicate(fields.code, '组织单元编码', 'org unit code', code);
  await checkCasePrefix(tx, level, input.casePrefix);
  const created = await uniquely(
    () =>
      tx.orgUnit.create({
        data: { code, name: typeof input.name === 'function' ? input.name(code) : input.name, nameEn: input.nameEn ?? null, level, parentId: parent.id, casePrefix: input.casePrefix ?? null, path: '' },
        select: { id: true },
      }),
    fields.code,
    '组织单元编码',
    'org unit code',
    code,
  );
  const path = `${parent.path}${created.id}/`;
  await tx.orgUnit.update({ where: { id: created.id }, data: { path } });
  return { id: created.id, code, path, level };
}

/** A unit as the audit log keeps it (a grid unit with its grid row). */
export async function unitRecord(db: Db, id: number) {
  return db.orgUnit.findUnique({
    where: { id },
    select: { id: true, code: true, name: true, nameEn: true, level: true, parentId: true, path: true, casePrefix: true, grid: { select: { id: true, households: true, areaSqm: true, minLng: true, minLat: true, maxLng: true, maxLat: true, boundary: true } } },
  });
}

export async function createOrgUnit(prisma: PrismaClient, scope: AdminScope, input: OrgUnitCreate, actor: AdminActor): Promise<OrgUnitView> {
  const { id } = await prisma.$transaction(async (tx) => {
    const parent = await tx.orgUnit.findUnique({ where: { id: input.parentId }, select: { level: true, path: true } });
    if (parent && inScope(scope, parent.path) && levelBelow(parent.level) === 'GRID') {
      throw invalid('parentId', text('网格须带边界创建：请使用 POST /api/admin/grids', 'a grid needs its boundary: use POST /api/admin/grids'), 'LEVEL');
    }
    const created = await createUnitIn(tx, scope, input);
    await recordAdminChange(tx, actor, { action: 'org-unit.create', entity: 'org-unit', entityId: created.id, orgPath: created.path, after: await unitRecord(tx, created.id) });
    return created;
  });
  return getOrgUnit(prisma, scope, id);
}

export async function updateOrgUnit(prisma: PrismaClient, scope: AdminScope, id: number, input: { name?: string; nameEn?: string | null; casePrefix?: string | null }, actor: AdminActor): Promise<OrgUnitView> {
  const u = await scopedUnit(prisma, scope, id);
  await prisma.$transaction(async (tx) => {
    await checkCasePrefix(tx, u.level, input.casePrefix, id);
    const before = await unitRecord(tx, id);
    await tx.orgUnit.update({ where: { id }, data: { name: input.name, nameEn: input.nameEn, casePrefix: input.casePrefix } });
    await recordAdminChange(tx, actor, { action: 'org-unit.update', entity: 'org-unit', entityId: id, orgPath: u.path, before, after: await unitRecord(tx, id) });
  });
  return getOrgUnit(prisma, scope, id);
}

/** What still uses a unit: children, people, departments, cases, tasks (and a grid's workers). */
async function unitUses(db: Db, id: number) {
  // one after the other: a transaction has one connection
  const children = await db.orgUnit.count({ where: { parentId: id } });
  const members = await db.membership.count({ where: { orgUnitId: id } });
  const departments = await db.department.count({ where: { orgUnitId: id } });
  const cases = await db.case.count({ where: { OR: [{ villageId: id }, { townshipId: id }, { districtId: id }, { currentUnitId: id }, { grid: { orgUnitId: id } }] } });
  const tasks = await db.task.count({ where: { orgUnitId: id } });
  const workers = await db.gridAssignment.count({ where: { grid: { orgUnitId: id } } });
  return [
    { what: 'children', count: children, zh: '下级单元', en: 'child units' },
    { what: 'members', count: members, zh: '人员任职', en: 'memberships' },
    { what: 'departments', count: departments, zh: '职能部门', en: 'departments' },
    { what: 'cases', count: cases, zh: '案件', en: 'cases' },
    { what: 'tasks', count: tasks, zh: '任务', en: 'tasks' },
    { what: 'gridWorkers', count: workers, zh: '网格员', en: 'grid workers' },
  ];
}

/** Deletes a unit nothing uses (a grid unit takes its grid row with it; `grid`: logged as the grid's deletion). */
export async function deleteOrgUnit(prisma: PrismaClient, scope: AdminScope, id: number, actor: AdminActor, opts: { field?: string; grid?: number } = {}): Promise<void> {
  const field = opts.field ?? 'id';
  const u = await scopedUnit(prisma, scope, id, field);
  await deleteUnused(prisma, actor, { table: 'org_units', id, thing: ORG_UNIT, input: field }, {
    uses: (tx) => unitUses(tx, id),
    before: (tx) => unitRecord(tx, id),
    remove: (tx) => tx.orgUnit.delete({ where: { id } }),
    entry: (before) => (opts.grid ? { action: 'grid.delete', entity: 'grid', entityId: opts.grid, orgPath: u.path, before } : { action: 'org-unit.delete', entity: 'org-unit', entityId: id, orgPath: u.path, before }),
  });
}
