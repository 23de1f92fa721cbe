/** The demo seed in the real database: complete, consistent, and idempotent. */
import type { PrismaClient } from '../../generated/prisma/client';
import { verifyPassword } from '../../platform/auth/password';
import { createPrisma } from '../../platform/db/prisma';
import { seedDemo } from '../../seed';
import { CATEGORY_TREE } from '../../seed/catalog';
import { DEMO_PASSWORD } from '../../seed/users';
import { testServices } from '../support/env';

describe('demo seed in MySQL', () => {
  const env = testServices();
  let prisma: PrismaClient;
  beforeAll(() => {
    prisma = createPrisma(env.databaseUrl);
  });
  afterAll(async () => {
    await prisma.$disconnect();
  });

  it('given the seeded database, a second seed run writes nothing', async () => {
    const report = await seedDemo(prisma);
    for (const [kind, count] of Object.entries(report)) {
      if (count && typeof count === 'object' && 'created' in count) {
        expect({ kind, created: count.created, updated: count.updated }).toEqual({ kind, created: 0, updated: 0 });
      }
    }
  });

  it('builds the org tree with consistent paths and 15-digit codes down to the grids', async () => {
    const units = await prisma.orgUnit.findMany();
    const byId = new Map(units.map((u) => [u.id, u]));
    const levels = ['CITY', 'DISTRICT', 'TOWNSHIP', 'VILLAGE', 'GRID'];
    for (const u of units) {
      expect(u.code).toMatch(/^\d{15}$/);
      if (u.parentId === null) {
        expect(u.level).toBe('CITY');
        expect(u.path).toBe(`/${u.id}/`);
      } else {
        const parent = byId.get(u.parentId)!;
        expect(u.path).toBe(`${parent.path}${u.id}/`);
        expect(levels.indexOf(u.level)).toBe(levels.indexOf(parent.level) + 1);
      }
    }
    const count = (level: string) => units.filter((u) => u.level === level).length;
    expect(count('DISTRICT')).toBeGreaterThanOrEqual(2);
    expect(count('VILLAGE')).toBeGreaterThanOrEqual(8);
    expect(count('GRID')).toBeGreaterThanOrEqual(40);
    // in one transaction: other suites (administration) add grids meanwhile
    const [gridUnits, grids] = await prisma.$transaction([prisma.orgUnit.count({ where: { level: 'GRID' } }), prisma.grid.count()]);
    expect(grids).toBe(gridUnits);
  });

  it('gives every grid a GeoJSON boundary and a bounding box that contains it', async () => {
    const grids = await prisma.grid.findMany({ take: 50 });
    for (const g of grids) {
      const geometry = g.boundary as { type: string; coordinates: number[][][] | number[][][][] };
      expect(['Polygon', 'MultiPolygon']).toContain(geometry.type);
      const points = (geometry.type === 'Polygon' ? [geometry.coordinates as number[][][]] : (geometry.coordinates as number[][][][])).flat(2);
      for (const [lng, lat] of points) {
        expect(lng).toBeGreaterThanOrEqual(Number(g.minLng) - 1e-7);
        expect(lng).toBeLessThanOrEqual(Number(g.maxLng) + 1e-7);
        expect(lat).toBeGreaterThanOrEqual(Number(g.minLat) - 1e-7);
        expect(lat).toBeLessThanOrEqual(Number(g.maxLat) + 1e-7);
      }
      expect(g.areaSqm).toBeGreaterThan(0);
    }
  });

  it('assigns 王芳 to grid 3 of a community in 东华门街道, with a password that verifies', async () => {
    const wang = await prisma.user.findUniqueOrThrow({ where: { username: 'wangfang' }, include: { grids: { include: { grid: { include: { orgUnit: true } } } } } });
    expect(wang.displayName).toBe('王芳');
    expect(wang.grids.map((a) => a.grid.orgUnit.name)).toContain('东华门第一社区第3网格');
    expect(await verifyPassword(DEMO_PASSWORD, wang.passwordHash)).toBe(true);
    expect(await verifyPassword('wrong', wang.passwordHash)).toBe(false);
  });

  it('has a user for every role, departments of every kind asked for, and the category classes', async () => {
    const roles = await prisma.membership.groupBy({ by: ['role'], _count: true });
    expect(roles.map((r) => r.role).sort()).toEqual(['ADMINISTRATOR', 'AUDITOR', 'DISPATCHER', 'GRID_WORKER', 'HANDLER', 'SUPERVISOR']);
    const kinds = new Set((await prisma.department.findMany({ select: { kind: true } })).map((d) => d.kind));
    for (const k of ['CG', 'HB', 'ZJ', 'GA', 'SJ', 'SW', 'JT', 'WJ', 'MZ', 'YJ']) expect(kinds).toContain(k);
    // the seed's classes (other suites create and delete classes of their own meanwhile)
    const majors = await prisma.category.findMany({ where: { level: 'MAJOR', code: { in: CATEGORY_TREE.map((m) => m.code) } }, include: { children: true } });
    const names = majors.map((m) => m.name).join(' ');
    for (const n of ['平安建设', '矛盾纠纷', '安全隐患', '违法建设', '民生服务', '应急处置', '其他']) expect(names).toContain(n);
    expect(names).toMatch(/环境卫生|市容环境/);
    for (const m of majors) expect(m.children.length).toBeGreaterThan(0);
    const minorWithoutLimits = await prisma.category.count({ where: { level: 'MINOR', timeLimits: { none: {} } } });
    expect(minorWithoutLimits).toBe(0);
  });

  it('holds the 2026 and 2027 working-day calendar with holidays and make-up days', async () => {
    const day = (d: string) => prisma.calendarDay.findUniqueOrThrow({ where: { date: new Date(`${d}T00:00:00Z`) } });
    expect(await prisma.calendarDay.count({ where: { date: { gte: new Date('2026-01-01'), lt: new Date('2027-01-01') } } })).toBe(365);
    expect(await prisma.calendarDay.count({ where: { date: { gte: new Date('2027-01-01'), lt: new Date('2028-01-01') } } })).toBe(365);
    expect(await day('2026-10-01')).toMatchObject({ isWorkingDay: false, kind: 'HOLIDAY', provisional: false });
    expect(await day('2026-10-10')).toMatchObject({ isWorkingDay: true, kind: 'ADJUSTED_WORKDAY' });
    expect(await day('2026-11-23')).toMatchObject({ isWorkingDay: true, kind: 'WORKDAY' });
    expect(await day('2026-11-22')).toMatchObject({ isWorkingDay: false, kind: 'WEEKEND' });
    expect(await day('2027-02-06')).toMatchObject({ isWorkingDay: false, kind: 'HOLIDAY', provisional: true });
  });
});
