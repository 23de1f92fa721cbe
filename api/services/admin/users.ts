/**
 * Users and their roles: memberships (a role at an org unit, or in a department) and grid
 * assignments (网格员/网格长, which come with the GRID_WORKER role at the grid's unit). A user is
 * in an administrator's scope through any membership or grid in the administrator's subtree;
 * changing or deleting the account itself needs all of them there. Password hashes never leave
 * this module.
 */
import type { Prisma, PrismaClient } from '../../../generated/prisma/client';
import type { Role } from '../../../generated/prisma/enums';
import { hashPassword } from '../../../platform/auth/password';
import { conflict, inputIn, invalid, notFound, refused, text, WHOLE_INPUT } from '../errors';
import { recordAdminChange, type AdminActor } from './audit';
import { deleteUnused, duplicate, missing, paged, stamps, TIMES, uniquely, unlessTaken, type Page, type PageQuery, type Thing } from './common';
import { inScope, unknownReference, type AdminScope } from './scope';
import { literal } from '../../http/like';

type Tx = Prisma.TransactionClient;

export interface MembershipInput {
  role: Role;
  orgUnitId?: number;
  departmentId?: number;
}

export interface GridAssignmentInput {
  gridId: number;
  isLeader?: boolean;
}

export interface UserView {
  id: number;
  username: string;
  displayName: string;
  phone: string | null;
  locale: string;
  active: boolean;
  memberships: {
    id: number;
    role: Role;
    orgUnit: { id: number; code: string; name: string; level: string } | null;
    department: { id: number; code: string; name: string; orgUnitId: number } | null;
  }[];
  grids: { gridId: number; orgUnitId: number; code: string; name: string; isLeader: boolean; since: string }[];
  createdAt: string;
  updatedAt: string;
}

/** Roles held in a department (its people handle, dispatch or supervise; administration is by unit). */
const DEPARTMENT_ROLES: Role[] = ['HANDLER', 'DISPATCHER', 'SUPERVISOR'];

const userSelect = {
  id: true,
  username: true,
  displayName: true,
  phone: true,
  locale: true,
  active: true,
  ...TIMES,
  memberships: {
    select: {
      id: true,
      role: true,
      orgUnit: { select: { id: true, code: true, name: true, level: true } },
      department: { select: { id: true, code: true, name: true, orgUnitId: true } },
    },
    orderBy: { id: 'asc' },
  },
  grids: { select: { gridId: true, isLeader: true, since: true, grid: { select: { orgUnit: { select: { id: true, code: true, name: true } } } } }, orderBy: { gridId: 'asc' } },
} satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

const view = (u: UserRow): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  phone: u.phone,
  locale: u.locale,
  active: u.active,
  memberships: u.memberships,
  grids: u.grids.map((g) => ({ gridId: g.gridId, orgUnitId: g.grid.orgUnit.id, code: g.grid.orgUnit.code, name: g.grid.orgUnit.name, isLeader: g.isLeader, since: g.since.toISOString() })),
  ...stamps(u),
});

const USER: Thing = { zh: '用户', en: 'user' };

/** Users with a membership or grid in the scope (and, for a city administrator, users with neither). */
export function userWhere(scope: AdminScope): Prisma.UserWhereInput {
  const or: Prisma.UserWhereInput[] = scope.paths.flatMap((p) => [
    { memberships: { some: { orgUnit: { path: { startsWith: p } } } } },
    { memberships: { some: { department: { orgUnit: { path: { startsWith: p } } } } } },
    { grids: { some: { grid: { orgUnit: { path: { startsWith: p } } } } } },
  ]);
  if (scope.city) or.push({ memberships: { none: {} }, grids: { none: {} } });
  return or.length ? { OR: or } : { id: { in: [] } };
}

async function visibleUser(db: PrismaClient | Tx, scope: AdminScope, id: number): Promise<void> {
  if (!(await db.user.findFirst({ where: { AND: [{ id }, userWhere(scope)] }, select: { id: true } }))) throw missing(USER, id);
}

/** Visible, and every membership and grid of the user lies in the scope (so the account is the caller's to change). */
async function ownedUser(db: PrismaClient | Tx, scope: AdminScope, id: number): Promise<void> {
  await visibleUser(db, scope, id);
  const u = await db.user.findUniqueOrThrow({
    where: { id },
    select: {
      memberships: { select: { orgUnit: { select: { path: true } }, department: { select: { orgUnit: { select: { path: true } } } } } },
      grids: { select: { grid: { select: { orgUnit: { select: { path: true } } } } } },
    },
  });
  const paths = [...u.memberships.map((m) => m.orgUnit?.path ?? m.department?.orgUnit.path ?? ''), ...u.grids.map((g) => g.grid.orgUnit.path)];
  if (!paths.every((p) => inScope(scope, p))) {
    throw refused('id', text('该用户在您的管辖范围之外还有任职，只有上级管理员可以修改或删除该账号', 'the user also holds roles outside your scope: only an administrator above can change or delete the account'));
  }
}

export interface UserQuery extends PageQuery {
  q?: string;
  role?: Role;
  orgUnitId?: number;
  active?: boolean;
}

export async function listUsers(prisma: PrismaClient, scope: AdminScope, q: UserQuery): Promise<Page<UserView>> {
  const where: Prisma.UserWhereInput = {
    AND: [
      userWhere(scope),
      q.q ? { OR: [{ username: { contains: literal(q.q) } }, { displayName: { contains: literal(q.q) } }] } : {},
      q.role || q.orgUnitId !== undefined ? { memberships: { some: { ...(q.role ? { role: q.role } : {}), ...(q.orgUnitId !== undefined ? { orgUnitId: q.orgUnitId } : {}) } } } : {},
      q.active !== undefined ? { active: q.active } : {},
    ],
  };
  return paged(prisma.user, q, { name: 'users', keys: [{ field: 'username', dir: 'asc', kind: 'string' }] }, where, userSelect, view);
}

export async function getUser(prisma: PrismaClient, scope: AdminScope, id: number): Promise<UserView> {
  await visibleUser(prisma, scope, id);
  return view(await prisma.user.findUniqueOrThrow({ where: { id }, select: userSelect }));
}

/** Adds a membership (checked against the scope and the role rules); 409 when the user already holds it. */
async function addMembership(tx: Tx, scope: AdminScope, userId: number, m: MembershipInput, at: string): Promise<number> {
  let data: Prisma.MembershipUncheckedCreateInput;
  if (m.orgUnitId !== undefined) {
    const unit = await tx.orgUnit.findUnique({ where: { id: m.orgUnitId }, select: { path: true, level: true } });
    if (!unit || !inScope(scope, unit.path)) throw unknownReference(inputIn(at, 'orgUnitId'), `组织单元 ${m.orgUnitId} `, `org unit ${m.orgUnitId}`);
    if ((m.role === 'GRID_WORKER') !== (unit.level === 'GRID')) {
      throw invalid(inputIn(at, 'role'), text('网格员角色只能设在网格，网格上只能设网格员角色', 'the GRID_WORKER role is held at a grid, and a grid holds no other role'), 'ROLE');
    }
    data = { userId, role: m.role, orgUnitId: m.orgUnitId, scope: `unit:${m.orgUnitId}` };
  } else if (m.departmentId !== undefined) {
    const dept = await tx.department.findUnique({ where: { id: m.departmentId }, select: { orgUnit: { select: { path: true } } } });
    if (!dept || !inScope(scope, dept.orgUnit.path)) throw unknownReference(inputIn(at, 'departmentId'), `部门 ${m.departmentId} `, `department ${m.departmentId}`);
    if (!DEPARTMENT_ROLES.includes(m.role)) throw invalid(inputIn(at, 'role'), text('部门内只能设处置人员、派遣员或督办人员角色', 'a department role is handler (HANDLER), dispatcher (DISPATCHER) or supervisor (SUPERVISOR)'), 'ROLE');
    data = { userId, role: m.role, departmentId: m.departmentId, scope: `dept:${m.departmentId}` };
  } else {
    throw invalid(at, text('须指定组织单元或部门', 'give an org unit or a department'), 'ROLE');
  }
  const held = () => conflict(at, text('该用户已有这一任职', 'the user already holds this role there'), 'DUPLICATE');
  if (await tx.membership.findUnique({ where: { userId_role_scope: { userId, role: data.role, scope: data.scope } }, select: { id: true } })) throw held();
  return (await unlessTaken(() => tx.membership.create({ data, select: { id: true } }), held)).id;
}

/** Assigns a grid (or changes the leader flag) and gives the GRID_WORKER role at its unit. */
async function assignGrid(tx: Tx, scope: AdminScope, userId: number, g: GridAssignmentInput, at: string): Promise<void> {
  const grid = await tx.grid.findUnique({ where: { id: g.gridId }, select: { orgUnit: { select: { id: true, path: true } } } });
  if (!grid || !inScope(scope, grid.orgUnit.path)) throw unknownReference(at, `网格 ${g.gridId} `, `grid ${g.gridId}`);
  await tx.gridAssignment.upsert({
    where: { gridId_userId: { gridId: g.gridId, userId } },
    create: { gridId: g.gridId, userId, isLeader: g.isLeader ?? false },
    update: g.isLeader === undefined ? {} : { isLeader: g.isLeader },
  });
  const scopeKey = `unit:${grid.orgUnit.id}`;
  await tx.membership.upsert({
    where: { userId_role_scope: { userId, role: 'GRID_WORKER', scope: scopeKey } },
    create: { userId, role: 'GRID_WORKER', orgUnitId: grid.orgUnit.id, scope: scopeKey },
    update: {},
  });
}

/** The org path all of a user's roles and grids lie under (who may read the audit entry); the actor's scope when there are none. */
async function userPath(tx: Tx, id: number, scope: AdminScope): Promise<string | null> {
  const u = await tx.user.findUnique({
    where: { id },
    select: {
      memberships: { select: { orgUnit: { select: { path: true } }, department: { select: { orgUnit: { select: { path: true } } } } } },
      grids: { select: { grid: { select: { orgUnit: { select: { path: true } } } } } },
    },
  });
  const paths = [...(u?.memberships ?? []).map((m) => m.orgUnit?.path ?? m.department?.orgUnit.path), ...(u?.grids ?? []).map((g) => g.grid.orgUnit.path)].filter((p): p is string => !!p);
  if (!paths.length) return scope.paths[0] ?? null;
  let common = paths[0];
  for (const p of paths) while (!p.startsWith(common)) common = common.slice(0, common.slice(0, -1).lastIndexOf('/') + 1);
  return common || null;
}

/** A user as the audit log keeps it: the account (never its password hash), roles and grids, and the org path it falls under. */
async function userRecord(tx: Tx, id: number, scope: AdminScope): Promise<{ record: UserView; orgPath: string | null }> {
  return { record: view(await tx.user.findUniqueOrThrow({ where: { id }, select: userSelect })), orgPath: await userPath(tx, id, scope) };
}

/** The audit entry of a change to user `id` that is not a row of the user (its sign-in lock), in the caller's transaction. */
export async function recordUserEvent(tx: Tx, scope: AdminScope, actor: AdminActor, id: number, action: string, before: unknown, after: unknown): Promise<void> {
  await recordAdminChange(tx, actor, { action, entity: 'user', entityId: id, orgPath: await userPath(tx, id, scope), before, after });
}

/** Runs a change of user `id` in one transaction with its audit entry (the user before and after). */
async function auditedUserChange<T>(prisma: PrismaClient, scope: AdminScope, actor: AdminActor, id: number, action: string, change: (tx: Tx) => Promise<T>, extra?: Record<string, unknown>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    const before = await userRecord(tx, id, scope);
    const result = await change(tx);
    const after = await userRecord(tx, id, scope);
    await recordAdminChange(tx, actor, { action, entity: 'user', entityId: id, orgPath: after.orgPath ?? before.orgPath, before: before.record, after: { ...after.record, ...extra } });
    return result;
  });
}

export interface UserCreate {
  username: string;
  displayName: string;
  password: string;
  phone?: string | null;
  locale?: string;
  active?: boolean;
  memberships?: MembershipInput[];
  grids?: GridAssignmentInput[];
}

export async function createUser(prisma: PrismaClient, scope: AdminScope, input: UserCreate, actor: AdminActor): Promise<UserView> {
  if (!scope.city && !input.memberships?.length && !input.grids?.length) {
    throw invalid('memberships', text('请至少为用户设置一个您管辖范围内的任职', 'give the user at least one role within your scope'), 'ROLE');
  }
  if (await prisma.user.findUnique({ where: { username: input.username }, select: { id: true } })) throw duplicate('username', '用户名', 'username', input.username);
  const passwordHash = await hashPassword(input.password);
  const id = await prisma.$transaction(async (tx) => {
    const { id: userId } = await uniquely(
      () =>
        tx.user.create({
          data: { username: input.username, displayName: input.displayName, passwordHash, phone: input.phone ?? null, locale: input.locale ?? 'zh-CN', active: input.active ?? true },
          select: { id: true },
        }),
      'username',
      '用户名',
      'username',
      input.username,
    );
    for (const [i, m] of (input.memberships ?? []).entries()) await addMembership(tx, scope, userId, m, `memberships.${i}`);
    for (const [i, g] of (input.grids ?? []).entries()) await assignGrid(tx, scope, userId, g, `grids.${i}.gridId`);
    const after = await userRecord(tx, userId, scope);
    await recordAdminChange(tx, actor, { action: 'user.create', entity: 'user', entityId: userId, orgPath: after.orgPath, after: after.record });
    return userId;
  });
  return getUser(prisma, scope, id);
}

export async function updateUser(prisma: PrismaClient, scope: AdminScope, id: number, input: { displayName?: string; phone?: string | null; locale?: string; active?: boolean; password?: string }, actor: AdminActor): Promise<UserView> {
  await ownedUser(prisma, scope, id);
  if (input.active === false && id === scope.userId) throw conflict('active', text('不能停用自己的账号', 'you cannot deactivate your own account'), 'SELF');
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  // a new password shows in the entry as `passwordChanged` (never the password or its hash)
  await auditedUserChange(prisma, scope, actor, id, 'user.update', (tx) => tx.user.update({ where: { id }, data: { displayName: input.displayName, phone: input.phone, locale: input.locale, active: input.active, passwordHash }, select: { id: true } }), passwordHash ? { passwordChanged: true } : undefined);
  return getUser(prisma, scope, id);
}

/** Deletes an account nothing depends on; otherwise deactivate it (PATCH active=false). */
export async function deleteUser(prisma: PrismaClient, scope: AdminScope, id: number, actor: AdminActor): Promise<void> {
  if (id === scope.userId) throw conflict('id', text('不能删除自己的账号', 'you cannot delete your own account'), 'SELF');
  await ownedUser(prisma, scope, id);
  await deleteUnused(prisma, actor, { table: 'users', id, thing: USER }, {
    uses: async (tx) => [
      { what: 'processVersions', count: await tx.processVersion.count({ where: { deployedById: id } }), zh: '部署过的流程版本', en: 'deployed process versions' },
      { what: 'tasks', count: await tx.task.count({ where: { assigneeId: id, state: { in: ['OPEN', 'CLAIMED'] } } }), zh: '在办任务', en: 'open tasks' },
    ],
    before: (tx) => userRecord(tx, id, scope),
    remove: (tx) => tx.user.delete({ where: { id } }),
    entry: (before) => ({ action: 'user.delete', entity: 'user', entityId: id, orgPath: before.orgPath, before: before.record }),
  });
}

export async function addUserMembership(prisma: PrismaClient, scope: AdminScope, id: number, m: MembershipInput, actor: AdminActor): Promise<UserView> {
  await visibleUser(prisma, scope, id);
  await auditedUserChange(prisma, scope, actor, id, 'user.membership-add', (tx) => addMembership(tx, scope, id, m, WHOLE_INPUT));
  return getUser(prisma, scope, id);
}

export async function removeUserMembership(prisma: PrismaClient, scope: AdminScope, id: number, membershipId: number, actor: AdminActor): Promise<void> {
  await visibleUser(prisma, scope, id);
  const m = await prisma.membership.findFirst({
    where: { id: membershipId, userId: id },
    select: { role: true, orgUnitId: true, orgUnit: { select: { path: true } }, department: { select: { orgUnit: { select: { path: true } } } } },
  });
  const path = m?.orgUnit?.path ?? m?.department?.orgUnit.path;
  if (!m || !path || !inScope(scope, path)) throw notFound('membershipId', text(`任职 ${membershipId} 不存在`, `membership ${membershipId} does not exist`));
  if (id === scope.userId && m.role === 'ADMINISTRATOR') throw conflict('membershipId', text('不能撤销自己的管理员角色', 'you cannot remove your own administrator role'), 'SELF');
  // a grid worker's role and grid assignment go together
  await auditedUserChange(prisma, scope, actor, id, 'user.membership-remove', async (tx) => {
    await tx.membership.delete({ where: { id: membershipId } });
    await tx.gridAssignment.deleteMany({ where: { userId: id, grid: { orgUnitId: m.role === 'GRID_WORKER' && m.orgUnitId !== null ? m.orgUnitId : -1 } } });
  });
}

export async function putUserGrid(prisma: PrismaClient, scope: AdminScope, id: number, gridId: number, isLeader: boolean | undefined, actor: AdminActor): Promise<UserView> {
  await visibleUser(prisma, scope, id);
  const grid = await prisma.grid.findUnique({ where: { id: gridId }, select: { orgUnit: { select: { path: true } } } });
  if (!grid || !inScope(scope, grid.orgUnit.path)) throw notFound('gridId', text(`网格 ${gridId} 不存在`, `grid ${gridId} does not exist`));
  await auditedUserChange(prisma, scope, actor, id, 'user.grid-assign', (tx) => assignGrid(tx, scope, id, { gridId, isLeader }, 'gridId'));
  return getUser(prisma, scope, id);
}

/** Takes the user off the grid, with the GRID_WORKER role there. */
export async function removeUserGrid(prisma: PrismaClient, scope: AdminScope, id: number, gridId: number, actor: AdminActor): Promise<void> {
  await visibleUser(prisma, scope, id);
  const a = await prisma.gridAssignment.findUnique({ where: { gridId_userId: { gridId, userId: id } }, select: { id: true, grid: { select: { orgUnit: { select: { id: true, path: true } } } } } });
  if (!a || !inScope(scope, a.grid.orgUnit.path)) throw notFound('gridId', text(`该用户没有网格 ${gridId}`, `the user is not assigned to grid ${gridId}`));
  await auditedUserChange(prisma, scope, actor, id, 'user.grid-unassign', async (tx) => {
    await tx.gridAssignment.delete({ where: { id: a.id } });
    await tx.membership.deleteMany({ where: { userId: id, role: 'GRID_WORKER', scope: `unit:${a.grid.orgUnit.id}` } });
  });
}

/** The account, if the caller may change it (visible, and every role of it in the caller's scope): for unlocking its sign-in. */
export async function ownedAccount(prisma: PrismaClient, scope: AdminScope, id: number): Promise<{ id: number; username: string }> {
  await ownedUser(prisma, scope, id);
  return prisma.user.findUniqueOrThrow({ where: { id }, select: { id: true, username: true } });
}
