/**
 * Who is calling: the user, their roles at org units or departments, their grids, and the inbox
 * principals those give ("user:12", "unit:34:HANDLER", "dept:DC-CG:HANDLER"), loaded per request
 * so a changed membership or a deactivated account takes effect at once.
 */
import type { PrismaClient } from '../../generated/prisma/client';
import type { OrgLevel, Role } from '../../generated/prisma/enums';

export interface CallerMembership {
  role: Role;
  /** the org unit the role is held at (for a department role: the department's unit) */
  orgUnitId: number;
  orgPath: string;
  level: OrgLevel;
  departmentId: number | null;
  departmentCode: string | null;
}

export interface Caller {
  userId: number;
  username: string;
  name: string;
  locale: string;
  roles: Set<Role>;
  memberships: CallerMembership[];
  gridIds: number[];
  principals: string[];
}

export async function loadCaller(prisma: PrismaClient, userId: number): Promise<Caller | null> {
  const u = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      username: true,
      displayName: true,
      locale: true,
      active: true,
      memberships: {
        select: {
          role: true,
          orgUnit: { select: { id: true, path: true, level: true } },
          department: { select: { id: true, code: true, orgUnit: { select: { id: true, path: true, level: true } } } },
        },
      },
      grids: { select: { gridId: true } },
    },
  });
  if (!u || !u.active) return null;
  const memberships: CallerMembership[] = [];
  const principals = new Set<string>([`user:${u.id}`]);
  for (const m of u.memberships) {
    if (m.department) {
      memberships.push({ role: m.role, orgUnitId: m.department.orgUnit.id, orgPath: m.department.orgUnit.path, level: m.department.orgUnit.level, departmentId: m.department.id, departmentCode: m.department.code });
      principals.add(`dept:${m.department.code}:${m.role}`);
    } else if (m.orgUnit) {
      memberships.push({ role: m.role, orgUnitId: m.orgUnit.id, orgPath: m.orgUnit.path, level: m.orgUnit.level, departmentId: null, departmentCode: null });
      principals.add(`unit:${m.orgUnit.id}:${m.role}`);
    }
  }
  return {
    userId: u.id,
    username: u.username,
    name: u.displayName,
    locale: u.locale,
    roles: new Set(memberships.map((m) => m.role)),
    memberships,
    gridIds: u.grids.map((g) => g.gridId),
    principals: [...principals],
  };
}

/** The actor the case workflow records for this caller. */
export const actorOf = (c: Caller) => ({ userId: c.userId, name: c.name });
