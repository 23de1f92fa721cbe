/**
 * The case search behind the auditor's workspace: what GET /api/cases finds, taken whole — counted,
 * listed in report order for an export or a bulk verification (bounded, so one request cannot
 * read a district's years of cases), and the choices its form offers (categories, the caller's
 * units). Scope is GET /api/cases's: a case outside the caller's scope is simply not found.
 */
import type { Prisma } from '../../generated/prisma/client';
import type { Caller } from '../auth/caller';
import { caseScope } from '../auth/scope';
import type { ApiDeps } from '../deps';
import { invalid, text, WHOLE_INPUT } from './errors';
import { caseFilters, type CaseFilters } from './cases';

/** How many cases one export or bulk verification may hold, unless the app is given another limit. */
export const DEFAULT_CASE_SEARCH_LIMIT = 5000;

/** The search's Prisma condition: the caller's scope and the filters. */
export async function searchWhere(deps: ApiDeps, caller: Caller, q: CaseFilters, now = new Date()): Promise<Prisma.CaseWhereInput> {
  return { AND: [caseScope(caller), ...(await caseFilters(deps, caller, q, now))] };
}

/** The refusal of a search that finds more cases than one request may take; it names the filters as a whole. */
export function tooManyCases(limit: number, what: 'export' | 'verify') {
  const zh = what === 'export' ? '导出' : '核验';
  const en = what === 'export' ? 'exported' : 'verified';
  return invalid(
    WHOLE_INPUT,
    text(`查询结果超过 ${limit} 件，一次最多${zh} ${limit} 件：请缩小时间范围或增加筛选条件`, `the search finds more than ${limit} cases and at most ${limit} can be ${en} at once: narrow the time range or add filters`),
    'TOO_MANY_CASES',
    { limit },
  );
}

/**
 * The ids of the cases the search finds, oldest report first (ties by number), at most `limit`;
 * refused when there are more.
 */
export async function searchIds(deps: ApiDeps, caller: Caller, q: CaseFilters, limit: number, what: 'export' | 'verify'): Promise<string[]> {
  const rows = await deps.prisma.case.findMany({ where: await searchWhere(deps, caller, q), orderBy: [{ reportedAt: 'asc' }, { id: 'asc' }], take: limit + 1, select: { id: true } });
  if (rows.length > limit) throw tooManyCases(limit, what);
  return rows.map((r) => r.id);
}

/** A list in pieces of `size` (batches of cases read together). */
export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** How many cases the search finds, counted up to a little past the limit (`more`: there are more than `count`). */
export async function countCases(deps: ApiDeps, caller: Caller, q: CaseFilters, limit: number) {
  const cap = limit * 2;
  const n = await deps.prisma.case.count({ where: await searchWhere(deps, caller, q), take: cap + 1 });
  return { count: Math.min(n, cap), more: n > cap, limit };
}

interface UnitNode {
  id: number;
  name: string;
  nameEn: string | null;
  level: string;
  children: UnitNode[];
}

/**
 * The choices of the search form: the category tree (city-wide; inactive ones too, old cases
 * carry them) and the org units the caller may search within (the subtrees of the units where
 * they hold a role; a department's role: its district).
 */
export async function searchOptions(deps: ApiDeps, caller: Caller) {
  const categories = await deps.prisma.category.findMany({ orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }], select: { id: true, code: true, name: true, nameEn: true, level: true, parentId: true, active: true } });
  const majors = categories.filter((c) => c.parentId === null);
  const categoryTree = majors.map((m) => ({
    code: m.code,
    name: m.name,
    nameEn: m.nameEn,
    active: m.active,
    children: categories.filter((c) => c.parentId === m.id).map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, active: c.active })),
  }));

  const paths = [...new Set(caller.memberships.map((m) => m.orgPath))];
  const roots = paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
  const units = roots.length
    ? await deps.prisma.orgUnit.findMany({ where: { OR: roots.map((p) => ({ path: { startsWith: p } })) }, orderBy: [{ path: 'asc' }], select: { id: true, name: true, nameEn: true, level: true, parentId: true, code: true } })
    : [];
  const byId = new Map<number, UnitNode>(units.map((u) => [u.id, { id: u.id, name: u.name, nameEn: u.nameEn, level: u.level, children: [] }]));
  const codeOf = new Map(units.map((u) => [u.id, u.code]));
  const tree: UnitNode[] = [];
  for (const u of units) {
    const node = byId.get(u.id)!;
    const parent = u.parentId !== null ? byId.get(u.parentId) : undefined;
    (parent ? parent.children : tree).push(node);
  }
  // siblings in the order of their unit grid codes (东华门街道 before 景山街道 as the codes say)
  const sort = (list: UnitNode[]) => {
    list.sort((a, b) => codeOf.get(a.id)!.localeCompare(codeOf.get(b.id)!));
    list.forEach((n) => sort(n.children));
  };
  sort(tree);
  return { categories: categoryTree, units: tree };
}
