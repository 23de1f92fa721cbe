/**
 * Org scope. A handler, dispatcher, supervisor or auditor sees the cases of their unit's subtree
 * (a case's orgPath is its grid's path, so "in the subtree" is a prefix match); a department's
 * people see the cases with a task dispatched to their department; a grid worker sees the cases of
 * their grids; everyone sees the cases they reported.
 */
import type { Prisma } from '../../generated/prisma/client';
import type { Role } from '../../generated/prisma/enums';
import type { Caller } from './caller';

/** Prisma filter of the cases the caller may read. */
export function caseScope(c: Caller): Prisma.CaseWhereInput {
  const or: Prisma.CaseWhereInput[] = [{ reporterId: c.userId }];
  const paths = new Set<string>();
  const departments = new Set<number>();
  for (const m of c.memberships) {
    if (m.departmentId !== null) departments.add(m.departmentId);
    else paths.add(m.orgPath);
  }
  for (const p of minimalPaths([...paths])) or.push({ orgPath: { startsWith: p } });
  if (departments.size) or.push({ tasks: { some: { departmentId: { in: [...departments] } } } });
  if (c.gridIds.length) or.push({ gridId: { in: c.gridIds } });
  return { OR: or };
}

/** Drops paths inside others (a subtree already covered). */
function minimalPaths(paths: string[]): string[] {
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

/** Does the caller hold one of the roles at the unit of this path or above it (not via a department)? */
export function holdsAbove(c: Caller, orgPath: string, roles: Role[]): boolean {
  return c.memberships.some((m) => m.departmentId === null && roles.includes(m.role) && orgPath.startsWith(m.orgPath));
}

/** May the caller act on a task offered to these principals (or assigned to them)? */
export function isCandidate(c: Caller, principals: string[], assigneeId: number | null): boolean {
  if (assigneeId === c.userId) return true;
  return principals.some((p) => c.principals.includes(p));
}

/**
 * Where the caller may report (POST /api/cases): a grid worker in their grids, staff (any role
 * but grid worker and auditor) in their unit's subtree, a department's people in the subtree of
 * the department's unit (its district). The public report through Open311 and the citizen page.
 */
export interface ReportArea {
  gridIds: number[];
  paths: string[];
}

export function reportArea(c: Caller): ReportArea {
  const paths = c.memberships.filter((m) => m.role !== 'GRID_WORKER' && m.role !== 'AUDITOR').map((m) => m.orgPath);
  return { gridIds: c.gridIds, paths: minimalPaths([...new Set(paths)]) };
}

export function inReportArea(area: ReportArea, place: { gridId: number; orgPath: string }): boolean {
  return area.gridIds.includes(place.gridId) || area.paths.some((p) => place.orgPath.startsWith(p));
}
