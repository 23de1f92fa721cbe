/**
 * Inbox principals with their display names. A task is offered to principals ("user:12",
 * "unit:34:HANDLER", "dept:CG:HANDLER"); a caller holds some (api/auth/caller.ts): the task is
 * theirs to take when the two meet. Clients get both sides as { key, kind, role, name }, the name
 * in Chinese: the user's name, or the unit's or department's name followed by the role's
 * (东华门第一社区处置人员).
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { ROLE_NAMES, ROLES, type RoleCode } from '../../core/roles';

export interface NamedPrincipal {
  key: string;
  kind: 'user' | 'unit' | 'department' | 'unknown';
  role: RoleCode | null;
  name: string;
}

interface Parsed {
  key: string;
  kind: NamedPrincipal['kind'];
  id: string;
  role: RoleCode | null;
}

function parse(key: string): Parsed {
  const [kind, id, role] = key.split(':');
  const r = (ROLES as readonly string[]).includes(role) ? (role as RoleCode) : null;
  if (kind === 'user' && /^\d+$/.test(id ?? '') && role === undefined) return { key, kind: 'user', id, role: null };
  if (kind === 'unit' && /^\d+$/.test(id ?? '') && r) return { key, kind: 'unit', id, role: r };
  if (kind === 'dept' && id && r) return { key, kind: 'department', id, role: r };
  return { key, kind: 'unknown', id: '', role: null };
}

/** Names the principals (three queries at most, whatever their number); an unknown one keeps its key as its name. */
export async function namePrincipals(prisma: PrismaClient, keys: readonly string[]): Promise<NamedPrincipal[]> {
  const parsed = [...new Set(keys)].map(parse);
  const ids = (kind: Parsed['kind']) => [...new Set(parsed.filter((p) => p.kind === kind).map((p) => p.id))];
  const userIds = ids('user').map(Number);
  const unitIds = ids('unit').map(Number);
  const deptCodes = ids('department');
  const [users, units, depts] = await Promise.all([
    userIds.length ? prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } }) : [],
    unitIds.length ? prisma.orgUnit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } }) : [],
    deptCodes.length ? prisma.department.findMany({ where: { code: { in: deptCodes } }, select: { code: true, name: true } }) : [],
  ]);
  const userName = new Map(users.map((u) => [String(u.id), u.displayName]));
  const unitName = new Map(units.map((u) => [String(u.id), u.name]));
  const deptName = new Map(depts.map((d) => [d.code, d.name]));
  const roleName = (r: RoleCode | null) => (r ? ROLE_NAMES[r]['zh-CN'] : '');
  return parsed.map((p) => {
    const base = p.kind === 'user' ? userName.get(p.id) : p.kind === 'unit' ? unitName.get(p.id) : p.kind === 'department' ? deptName.get(p.id) : undefined;
    return { key: p.key, kind: p.kind, role: p.role, name: base === undefined ? p.key : p.kind === 'user' ? base : `${base}${roleName(p.role)}` };
  });
}
