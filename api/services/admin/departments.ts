/**
 * Functional departments (职能部门: 城管, 环保 …), each attached to the unit whose government runs
 * it, one per kind there. The code is fixed once created: inbox principals of open tasks name it
 * ("dept:DC-CG:HANDLER").
 */
import type { Prisma, PrismaClient } from '../../../generated/prisma/client';
import { invalid, text } from '../errors';
import { recordAdminChange, type AdminActor } from './audit';
import { deleteUnused, duplicate, paged, scoped, stamps, TIMES, uniquely, type Page, type PageQuery, type Thing } from './common';
import { inScope, pathFilter, unknownReference, type AdminScope } from './scope';
import { literal } from '../../http/like';

export interface DepartmentView {
  id: number;
  code: string;
  kind: string;
  name: string;
  nameEn: string | null;
  orgUnit: { id: number; code: string; name: string; level: string };
  active: boolean;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

const deptSelect = {
  id: true,
  code: true,
  kind: true,
  name: true,
  nameEn: true,
  orgUnit: { select: { id: true, code: true, name: true, level: true, path: true } },
  active: true,
  ...TIMES,
  _count: { select: { memberships: true } },
} satisfies Prisma.DepartmentSelect;

type DeptRow = Prisma.DepartmentGetPayload<{ select: typeof deptSelect }>;

// the selected columns are the view's (the unit without its path), its times as text
const view = ({ orgUnit: { path: _path, ...orgUnit }, _count, createdAt, updatedAt, ...columns }: DeptRow): DepartmentView => ({
  ...columns,
  orgUnit,
  memberCount: _count.memberships,
  ...stamps({ createdAt, updatedAt }),
});

const DEPARTMENT: Thing = { zh: '部门', en: 'department' };

/** Departments belong to district governments: `department:CG` rules resolve within the case's district. */
const DEPARTMENT_LEVEL = 'DISTRICT';

async function scopedDepartment(prisma: PrismaClient, scope: AdminScope, id: number) {
  const d = await prisma.department.findUnique({ where: { id }, select: { id: true, orgUnitId: true, kind: true, orgUnit: { select: { path: true } } } });
  return scoped(d, scope, (x) => x.orgUnit.path, DEPARTMENT, id);
}

export async function listDepartments(prisma: PrismaClient, scope: AdminScope, q: PageQuery & { orgUnitId?: number; kind?: string; q?: string }): Promise<Page<DepartmentView>> {
  const where: Prisma.DepartmentWhereInput = {
    orgUnit: pathFilter(scope),
    ...(q.orgUnitId !== undefined ? { orgUnitId: q.orgUnitId } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.q ? { OR: [{ name: { contains: literal(q.q) } }, { code: { startsWith: literal(q.q) } }] } : {}),
  };
  return paged(prisma.department, q, { name: 'departments', keys: [{ field: 'code', dir: 'asc', kind: 'string' }] }, where, deptSelect, view);
}

export async function getDepartment(prisma: PrismaClient, scope: AdminScope, id: number): Promise<DepartmentView> {
  await scopedDepartment(prisma, scope, id);
  return view(await prisma.department.findUniqueOrThrow({ where: { id }, select: deptSelect }));
}

async function kindFree(prisma: PrismaClient, orgUnitId: number, kind: string, exceptId?: number): Promise<void> {
  const other = await prisma.department.findFirst({ where: { orgUnitId, kind, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { code: true } });
  if (other) throw duplicate('kind', '该单元下的部门类别', 'department kind at this unit', kind);
}

/** A department as the audit log keeps it, with the path of its unit (who may read the entry). */
async function departmentRecord(db: PrismaClient | Prisma.TransactionClient, id: number) {
  return db.department.findUniqueOrThrow({ where: { id }, select: { id: true, code: true, kind: true, name: true, nameEn: true, orgUnitId: true, active: true, orgUnit: { select: { path: true } } } });
}

export async function createDepartment(prisma: PrismaClient, scope: AdminScope, input: { code: string; kind: string; name: string; nameEn?: string | null; orgUnitId: number; active?: boolean }, actor: AdminActor): Promise<DepartmentView> {
  const unit = await prisma.orgUnit.findUnique({ where: { id: input.orgUnitId }, select: { path: true, level: true } });
  if (!unit || !inScope(scope, unit.path)) throw unknownReference('orgUnitId', `组织单元 ${input.orgUnitId} `, `org unit ${input.orgUnitId}`);
  if (unit.level !== DEPARTMENT_LEVEL) throw invalid('orgUnitId', text('职能部门只能设在区县（流程按案件所在区县查找部门）', "departments belong to a district (processes find them in the case's district)"), 'LEVEL');
  if (await prisma.department.findUnique({ where: { code: input.code }, select: { id: true } })) throw duplicate('code', '部门编码', 'department code', input.code);
  await kindFree(prisma, input.orgUnitId, input.kind);
  const id = await uniquely(
    () =>
      prisma.$transaction(async (tx) => {
        const created = await tx.department.create({
          data: { code: input.code, kind: input.kind, name: input.name, nameEn: input.nameEn ?? null, orgUnitId: input.orgUnitId, active: input.active ?? true },
          select: { id: true },
        });
        const after = await departmentRecord(tx, created.id);
        await recordAdminChange(tx, actor, { action: 'department.create', entity: 'department', entityId: created.id, orgPath: after.orgUnit.path, after });
        return created.id;
      }),
    'code',
    '部门编码或类别',
    'department code or kind',
    input.code,
  );
  return getDepartment(prisma, scope, id);
}

export async function updateDepartment(prisma: PrismaClient, scope: AdminScope, id: number, input: { kind?: string; name?: string; nameEn?: string | null; active?: boolean }, actor: AdminActor): Promise<DepartmentView> {
  const d = await scopedDepartment(prisma, scope, id);
  if (input.kind !== undefined && input.kind !== d.kind) await kindFree(prisma, d.orgUnitId, input.kind, id);
  await uniquely(
    () =>
      prisma.$transaction(async (tx) => {
        const before = await departmentRecord(tx, id);
        await tx.department.update({ where: { id }, data: input });
        await recordAdminChange(tx, actor, { action: 'department.update', entity: 'department', entityId: id, orgPath: before.orgUnit.path, before, after: await departmentRecord(tx, id) });
      }),
    'kind',
    '该单元下的部门类别',
    'department kind at this unit',
    input.kind,
  );
  return getDepartment(prisma, scope, id);
}

export async function deleteDepartment(prisma: PrismaClient, scope: AdminScope, id: number, actor: AdminActor): Promise<void> {
  await scopedDepartment(prisma, scope, id);
  await deleteUnused(prisma, actor, { table: 'departments', id, thing: DEPARTMENT }, {
    uses: async (tx) => [
      { what: 'tasks', count: await tx.task.count({ where: { departmentId: id } }), zh: '任务', en: 'tasks' },
      { what: 'members', count: await tx.membership.count({ where: { departmentId: id } }), zh: '人员任职', en: 'memberships' },
    ],
    before: (tx) => departmentRecord(tx, id),
    remove: (tx) => tx.department.delete({ where: { id } }),
    entry: (before) => ({ action: 'department.delete', entity: 'department', entityId: id, orgPath: before.orgUnit.path, before }),
  });
}
