/**
 * The category tree (大类 MAJOR → 小类 MINOR): each names the process its cases run, the kind of
 * its home department (归口), and a time limit per tier (ISO 8601 duration on a calendar). Shared
 * by the whole city. A major class may be created together with its sub-items, so the tree never
 * shows a class without any.
 */
import type { Prisma, PrismaClient } from '../../../generated/prisma/client';
import type { CalendarKind, CategoryLevel, OrgLevel } from '../../../generated/prisma/enums';
import { durationMs } from '../../../process/business-time';
import { TIER_ORDER } from '../../../process/model';
import { invalid, text } from '../errors';
import { recordAdminChange, type AdminActor } from './audit';
import { deleteUnused, duplicate, missing, paged, stamps, TIMES, TREE_NODE, uniquely, type ListOrder, type Page, type PageQuery, type Thing } from './common';
import { literal } from '../../http/like';

type Tx = Prisma.TransactionClient;

export interface TimeLimit {
  tier: OrgLevel;
  duration: string;
  calendar: CalendarKind;
}

export interface CategoryView {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  level: CategoryLevel;
  parentId: number | null;
  processKey: string | null;
  departmentKind: string | null;
  sortOrder: number;
  active: boolean;
  timeLimits: TimeLimit[];
  childCount: number;
  createdAt: string;
  updatedAt: string;
}


const categorySelect = {
  ...TREE_NODE,
  processKey: true,
  departmentKind: true,
  sortOrder: true,
  active: true,
  ...TIMES,
  timeLimits: { select: { tier: true, duration: true, calendar: true } },
  _count: { select: { children: true } },
} satisfies Prisma.CategorySelect;

type CategoryRow = Prisma.CategoryGetPayload<{ select: typeof categorySelect }>;

// the selected columns are the view's, its times as text
const view = ({ timeLimits, _count, createdAt, updatedAt, ...columns }: CategoryRow): CategoryView => ({
  ...columns,
  timeLimits: [...timeLimits].sort((a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier)),
  childCount: _count.children,
  ...stamps({ createdAt, updatedAt }),
});

const CATEGORY: Thing = { zh: '事件分类', en: 'category' };

/** classes first, then each class's sub-items in position order */
const CATEGORY_ORDER: ListOrder = {
  name: 'categories',
  keys: [
    { field: 'level', dir: 'asc', kind: 'enum', values: ['MAJOR', 'MINOR'] },
    { field: 'parentId', dir: 'asc', kind: 'int', nullable: true },
    { field: 'sortOrder', dir: 'asc', kind: 'int' },
    { field: 'code', dir: 'asc', kind: 'string' },
  ],
};

export async function listCategories(prisma: PrismaClient, q: PageQuery & { parentId?: number; level?: CategoryLevel; active?: boolean; q?: string }): Promise<Page<CategoryView>> {
  const where: Prisma.CategoryWhereInput = {
    ...(q.parentId !== undefined ? { parentId: q.parentId } : {}),
    ...(q.level ? { level: q.level } : {}),
    ...(q.active !== undefined ? { active: q.active } : {}),
    ...(q.q ? { OR: [{ name: { contains: literal(q.q) } }, { code: { startsWith: literal(q.q) } }] } : {}),
  };
  return paged(prisma.category, q, CATEGORY_ORDER, where, categorySelect, view);
}

/** The whole tree: major classes in order, each with its sub-items. */
export async function categoryTree(prisma: PrismaClient): Promise<(CategoryView & { children: CategoryView[] })[]> {
  const rows = (await prisma.category.findMany({ select: categorySelect, orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] })).map(view);
  return rows.filter((c) => c.level === 'MAJOR').map((m) => ({ ...m, children: rows.filter((c) => c.parentId === m.id) }));
}

export async function getCategory(prisma: PrismaClient, id: number): Promise<CategoryView> {
  const row = await prisma.category.findUnique({ where: { id }, select: categorySelect });
  if (!row) throw missing(CATEGORY, id);
  return view(row);
}

export interface CategoryFields {
  code?: string;
  name?: string;
  nameEn?: string | null;
  processKey?: string | null;
  departmentKind?: string | null;
  sortOrder?: number;
  active?: boolean;
  timeLimits?: TimeLimit[];
}

export interface CategoryCreate extends CategoryFields {
  code: string;
  name: string;
  level: CategoryLevel;
  parentId?: number | null;
  children?: (CategoryFields & { code: string; name: string })[];
}

/** Checks what the schema cannot: the process is deployed, a department of the kind exists, the limits are sound. */
async function checkFields(tx: Tx, f: CategoryFields, at: string): Promise<void> {
  if (f.processKey) {
    const versions = await tx.processVersion.count({ where: { definition: { key: f.processKey } } });
    if (!versions) throw invalid(`${at}processKey`, text(`流程 ${f.processKey} 不存在或尚未部署`, `process ${f.processKey} does not exist or has no deployed version`), 'UNKNOWN_REFERENCE');
  }
  if (f.departmentKind) {
    const depts = await tx.department.count({ where: { kind: f.departmentKind } });
    if (!depts) throw invalid(`${at}departmentKind`, text(`没有类别为 ${f.departmentKind} 的职能部门`, `no department is of kind ${f.departmentKind}`), 'UNKNOWN_REFERENCE');
  }
  const tiers = new Set<string>();
  f.timeLimits?.forEach((l, i) => {
    if (tiers.has(l.tier)) throw invalid(`${at}timeLimits.${i}.tier`, text(`层级 ${l.tier} 的时限重复`, `tier ${l.tier} has two limits`), 'DUPLICATE_TIER');
    tiers.add(l.tier);
    let ms: number;
    try {
      ms = durationMs(l.duration);
    } catch (e) {
      throw invalid(`${at}timeLimits.${i}.duration`, text(`时限 ${l.duration} 不是可用的 ISO 8601 时长（如 PT8H、P3D；不能用年、月）`, (e as Error).message), 'DURATION');
    }
    if (ms <= 0) throw invalid(`${at}timeLimits.${i}.duration`, text('时限须大于 0', 'the limit must be longer than zero'), 'DURATION');
  });
}

async function codeFree(tx: Tx, code: string, field: string, exceptId?: number): Promise<void> {
  const other = await tx.category.findUnique({ where: { code }, select: { id: true } });
  if (other && other.id !== exceptId) throw duplicate(field, '分类编码', 'category code', code);
}

async function insert(tx: Tx, data: Prisma.CategoryUncheckedCreateInput, limits: TimeLimit[] | undefined, field: string): Promise<number> {
  const { id } = await uniquely(() => tx.category.create({ data, select: { id: true } }), field, '分类编码', 'category code', data.code);
  if (limits?.length) await tx.categoryTimeLimit.createMany({ data: limits.map((l) => ({ categoryId: id, tier: l.tier, duration: l.duration, calendar: l.calendar })) });
  return id;
}

const fieldsData = (f: CategoryFields) => ({
  code: f.code,
  name: f.name,
  nameEn: f.nameEn,
  processKey: f.processKey,
  departmentKind: f.departmentKind,
  sortOrder: f.sortOrder,
  active: f.active,
});

async function parentMajor(tx: Tx, parentId: number | null | undefined, field: string): Promise<number> {
  if (parentId === undefined || parentId === null) throw invalid(field, text('小类须指定所属大类', 'a sub-item needs its major class'), 'PARENT');
  const parent = await tx.category.findUnique({ where: { id: parentId }, select: { level: true } });
  if (!parent) throw invalid(field, text(`大类 ${parentId} 不存在`, `major class ${parentId} does not exist`), 'UNKNOWN_REFERENCE');
  if (parent.level !== 'MAJOR') throw invalid(field, text('小类只能挂在大类下', 'a sub-item belongs to a major class'), 'PARENT');
  return parentId;
}

/** The category as the API shows it (with its time limits), for the audit log's before and after. */
const snapshot = async (tx: Tx, id: number) => view(await tx.category.findUniqueOrThrow({ where: { id }, select: categorySelect }));

export async function createCategory(prisma: PrismaClient, input: CategoryCreate, actor: AdminActor): Promise<CategoryView> {
  const id = await prisma.$transaction(async (tx) => {
    let parentId: number | null = null;
    if (input.level === 'MAJOR') {
      if (input.parentId !== undefined && input.parentId !== null) throw invalid('parentId', text('大类没有上级', 'a major class has no parent'), 'PARENT');
    } else {
      parentId = await parentMajor(tx, input.parentId, 'parentId');
      if (input.children?.length) throw invalid('children', text('小类下不能再有子类', 'a sub-item has no children'), 'PARENT');
    }
    await checkFields(tx, input, '');
    await codeFree(tx, input.code, 'code');
    const codes = new Set([input.code]);
    for (const [i, c] of (input.children ?? []).entries()) {
      await checkFields(tx, c, `children.${i}.`);
      if (codes.has(c.code)) throw duplicate(`children.${i}.code`, '分类编码', 'category code', c.code);
      codes.add(c.code);
      await codeFree(tx, c.code, `children.${i}.code`);
    }
    const id = await insert(tx, { ...fieldsData(input), code: input.code, name: input.name, level: input.level, parentId }, input.timeLimits, 'code');
    for (const [i, c] of (input.children ?? []).entries()) {
      const child = await insert(tx, { ...fieldsData(c), code: c.code, name: c.name, level: 'MINOR', parentId: id, sortOrder: c.sortOrder ?? i + 1 }, c.timeLimits, `children.${i}.code`);
      await recordAdminChange(tx, actor, { action: 'category.create', entity: 'category', entityId: child, after: await snapshot(tx, child) });
    }
    await recordAdminChange(tx, actor, { action: 'category.create', entity: 'category', entityId: id, after: await snapshot(tx, id) });
    return id;
  });
  return getCategory(prisma, id);
}

/** Changes the given fields; `timeLimits`, when given, replaces the whole set. */
export async function updateCategory(prisma: PrismaClient, id: number, input: CategoryFields & { parentId?: number }, actor: AdminActor): Promise<CategoryView> {
  await prisma.$transaction(async (tx) => {
    const row = await tx.category.findUnique({ where: { id }, select: { level: true } });
    if (!row) throw missing(CATEGORY, id);
    const before = await snapshot(tx, id);
    if (input.parentId !== undefined) {
      if (row.level === 'MAJOR') throw invalid('parentId', text('大类没有上级', 'a major class has no parent'), 'PARENT');
      await parentMajor(tx, input.parentId, 'parentId');
    }
    await checkFields(tx, input, '');
    if (input.code !== undefined) await codeFree(tx, input.code, 'code', id);
    await uniquely(() => tx.category.update({ where: { id }, data: { ...fieldsData(input), parentId: input.parentId } }), 'code', '分类编码', 'category code', input.code);
    if (input.timeLimits) {
      await tx.categoryTimeLimit.deleteMany({ where: { categoryId: id } });
      if (input.timeLimits.length) await tx.categoryTimeLimit.createMany({ data: input.timeLimits.map((l) => ({ categoryId: id, ...l })) });
    }
    await recordAdminChange(tx, actor, { action: 'category.update', entity: 'category', entityId: id, before, after: await snapshot(tx, id) });
  });
  return getCategory(prisma, id);
}

export async function deleteCategory(prisma: PrismaClient, id: number, actor: AdminActor): Promise<void> {
  await deleteUnused(prisma, actor, { table: 'categories', id, thing: CATEGORY }, {
    uses: async (tx) => {
      if (!(await tx.category.findUnique({ where: { id }, select: { id: true } }))) throw missing(CATEGORY, id);
      return [
        { what: 'children', count: await tx.category.count({ where: { parentId: id } }), zh: '小类', en: 'sub-items' },
        { what: 'cases', count: await tx.case.count({ where: { categoryId: id } }), zh: '案件', en: 'cases' },
      ];
    },
    before: (tx) => snapshot(tx, id),
    remove: (tx) => tx.category.delete({ where: { id } }),
    entry: (before) => ({ action: 'category.delete', entity: 'category', entityId: id, before }),
  });
}
