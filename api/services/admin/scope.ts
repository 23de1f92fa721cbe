/**
 * Where an administrator or auditor may act: the subtrees of the org units where they hold the
 * role (a role held in a department gives no administrative scope). Reads use ADMINISTRATOR and
 * AUDITOR memberships, writes ADMINISTRATOR only. Categories, processes and the calendar are the
 * whole city's: anyone in the admin area reads them, only an administrator at a CITY unit changes
 * them.
 */
import type { Prisma } from '../../../generated/prisma/client';
import type { Role } from '../../../generated/prisma/enums';
import type { Caller } from '../../auth/caller';
import { CALLER, invalid, refused, text } from '../errors';

export interface AdminScope {
  /** org paths of the subtrees, none inside another */
  paths: string[];
  /** true when a path is a root of the tree (a CITY unit): users without any membership are in scope too */
  city: boolean;
  userId: number;
}

function scopeOf(c: Caller, roles: Role[]): AdminScope {
  const held = c.memberships.filter((m) => m.departmentId === null && roles.includes(m.role));
  const paths = [...new Set(held.map((m) => m.orgPath))];
  return {
    paths: paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q))),
    city: held.some((m) => m.level === 'CITY'),
    userId: c.userId,
  };
}

export const readScope = (c: Caller): AdminScope => scopeOf(c, ['ADMINISTRATOR', 'AUDITOR']);
export const writeScope = (c: Caller): AdminScope => scopeOf(c, ['ADMINISTRATOR']);

export function inScope(scope: AdminScope, path: string): boolean {
  return scope.paths.some((p) => path.startsWith(p));
}

/** Prisma filter on an org path column of the subtrees (matches nothing for an empty scope). */
export function pathFilter(scope: AdminScope): { OR: { path: { startsWith: string } }[] } | { id: { in: number[] } } {
  return scope.paths.length ? { OR: scope.paths.map((p) => ({ path: { startsWith: p } })) } : { id: { in: [] } };
}

export const orgUnitWhere = (scope: AdminScope): Prisma.OrgUnitWhereInput => pathFilter(scope);

/** Categories, processes and the calendar: only an administrator at a CITY unit changes them. */
export function requireCityAdministrator(c: Caller): void {
  if (!c.memberships.some((m) => m.role === 'ADMINISTRATOR' && m.departmentId === null && m.level === 'CITY')) {
    throw refused(CALLER, text('只有市级系统管理员可以修改全市共用的配置（事件分类、流程、工作日历）', 'only an administrator at a city-level unit may change city-wide settings (categories, processes, the calendar)'), 'CITY_ADMINISTRATOR_REQUIRED');
  }
}

/** A body reference to something that does not exist or lies outside the caller's scope. */
export function unknownReference(field: string, zh: string, en: string) {
  return invalid(field, text(`${zh}不存在或不在您的管辖范围内`, `${en} does not exist or is outside your scope`), 'UNKNOWN_REFERENCE');
}
