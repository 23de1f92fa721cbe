/**
 * The administration API: processes and their versions, categories, org units, grids,
 * departments, users and roles, the calendar; roles and org scope. Suites share one database, so
 * this one reads the demo data but changes only what it creates (unique codes and names), and
 * removes it at the end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { areaSqm } from '../../core/geometry';
import { startApiSuite, DEMO_PASSWORD, type ApiSuite, signedIn } from '../support/api';
import { uniqueSuffix } from '../support/env';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'bpmn');
const WITHOUT_ASSIGNEE = fs.readFileSync(path.join(FIXTURES, 'user-task-without-assignee.bpmn'), 'utf8');
const WITH_ASSIGNEE = WITHOUT_ASSIGNEE.replace('<bpmn:userTask id="Task_Handle" name="处置"', '<bpmn:userTask id="Task_Handle" name="处置" grid:assignee="tier:current"');

type Problem = { status: number; field?: string; code?: string; detail?: string; errors?: { field: string; message: string }[]; usedBy?: Record<string, number> };
const problem = (res: request.Response): Problem => {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return JSON.parse(res.text) as Problem;
};

/** A square of `side` degrees with its south-west corner at [lng, lat] (far from the demo city). */
function square(lng: number, lat: number, side = 0.001): [number, number][] {
  const r = (v: number) => Math.round(v * 1e7) / 1e7;
  return [
    [lng, lat],
    [r(lng + side), lat],
    [r(lng + side), r(lat + side)],
    [lng, r(lat + side)],
    [lng, lat],
  ];
}

describe('administration API', () => {
  let s: ApiSuite;
  const run = uniqueSuffix();
  const ids = { city: 0, dongcheng: 0, xicheng: 0, dongchengPath: '', xichengPath: '' };
  const made = { users: [] as number[], units: [] as number[], departments: [] as number[], categories: [] as number[], processes: [] as string[], cases: [] as string[] };

  const as = (username: string) => signedIn(s, username);

  /** A township (and optionally a village in it) of this run, under a district, created by admin. */
  async function township(districtId: number, name: string): Promise<{ id: number; code: string; path: string }> {
    const admin = await as('admin');
    const res = await admin.post('/api/admin/org-units').send({ parentId: districtId, name: `${name}${run}` });
    expect(res.status).toBe(201);
    made.units.push(res.body.id);
    return res.body;
  }
  async function village(townshipId: number, name: string): Promise<{ id: number; code: string; path: string }> {
    const admin = await as('admin');
    const res = await admin.post('/api/admin/org-units').send({ parentId: townshipId, name: `${name}${run}` });
    expect(res.status).toBe(201);
    made.units.push(res.body.id);
    return res.body;
  }

  beforeAll(async () => {
    s = await startApiSuite('api-admin');
    const unit = (code: string) => s.prisma.orgUnit.findUniqueOrThrow({ where: { code }, select: { id: true, path: true } });
    const [city, dc, xc] = await Promise.all([unit('110000000000000'), unit('110101000000000'), unit('110102000000000')]);
    Object.assign(ids, { city: city.id, dongcheng: dc.id, xicheng: xc.id, dongchengPath: dc.path, xichengPath: xc.path });
  });

  afterAll(async () => {
    const p = s.prisma;
    // what the tests made, whatever state they stopped in (deepest units first)
    await p.case.deleteMany({ where: { id: { in: made.cases } } });
    await p.user.deleteMany({ where: { id: { in: made.users } } });
    await p.department.deleteMany({ where: { id: { in: made.departments } } });
    const units = await p.orgUnit.findMany({ where: { id: { in: made.units } }, select: { id: true, path: true } });
    const all = await p.orgUnit.findMany({ where: { OR: units.map((u) => ({ path: { startsWith: u.path } })) }, select: { id: true, path: true } });
    for (const u of all.sort((a, b) => b.path.length - a.path.length)) {
      await p.membership.deleteMany({ where: { orgUnitId: u.id } });
      await p.orgUnit.delete({ where: { id: u.id } }).catch(() => undefined);
    }
    await p.category.deleteMany({ where: { id: { in: made.categories }, level: 'MINOR' } });
    await p.category.deleteMany({ where: { id: { in: made.categories } } });
    await p.processDefinition.deleteMany({ where: { key: { in: made.processes }, versions: { none: {} } } });
    await p.calendarDay.deleteMany({ where: { date: { gte: new Date('2099-01-01'), lt: new Date('2100-01-01') } } });
    await s.close();
  });

  describe('roles', () => {
    it('given no token, then every admin endpoint answers 401', async () => {
      const res = await request(s.app).get('/api/admin/org-units');
      expect(res.status).toBe(401);
    });

    it('given a handler, then reading and writing are both 403', async () => {
      const handler = await as('dhm1.handler');
      expect((await handler.get('/api/admin/org-units')).status).toBe(403);
      const res = await handler.post('/api/admin/categories').send({ code: 'X', name: 'x', level: 'MAJOR' });
      expect(res.status).toBe(403);
      expect(problem(res)).toMatchObject({ code: 'ROLE_REQUIRED', field: 'header.Authorization' });
    });

    it('given an auditor of 东城区, then GETs answer 200 within 东城区 and a POST is 403', async () => {
      const auditor = await as('dc.auditor');
      const list = await auditor.get('/api/admin/org-units?limit=50');
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      expect(list.body.items.every((u: { path: string }) => u.path.startsWith(ids.dongchengPath))).toBe(true);
      expect((await auditor.get('/api/admin/categories')).status).toBe(200);
      expect((await auditor.get('/api/admin/processes')).status).toBe(200);
      const post = await auditor.post('/api/admin/org-units').send({ parentId: ids.dongcheng, name: `审计新建${run}` });
      expect(post.status).toBe(403);
      expect(await s.prisma.orgUnit.count({ where: { name: `审计新建${run}` } })).toBe(0);
    });

    it('given an administrator of a district, then city-wide settings are 403 and their own subtree is writable', async () => {
      const dcAdmin = await as('dc.admin');
      const cat = await dcAdmin.post('/api/admin/categories').send({ code: `DC${run}`, name: '区级分类', level: 'MAJOR' });
      expect(cat.status).toBe(403);
      const day = await dcAdmin.put('/api/admin/calendar/2099-01-05').send({ kind: 'HOLIDAY' });
      expect(day.status).toBe(403);
      expect((await dcAdmin.get(`/api/admin/org-units/${ids.dongcheng}`)).status).toBe(200);
    });
  });

  describe('org units', () => {
    it('given the city administrator, when a township and a village are created, updated, listed and deleted, then codes and paths extend the parent', async () => {
      const admin = await as('admin');
      const dc = (await admin.get(`/api/admin/org-units/${ids.dongcheng}`)).body;
      const t = await township(ids.dongcheng, '测试街道');
      expect(t).toMatchObject({ level: 'TOWNSHIP', parentId: ids.dongcheng, path: `${dc.path}${t.id}/` });
      expect(t.code).toMatch(/^110101\d{3}000000$/);

      const vCode = `${t.code.slice(0, 9)}007000`;
      const v = await admin.post('/api/admin/org-units').send({ parentId: t.id, code: vCode, name: `测试社区${run}`, nameEn: 'Test Community' });
      expect(v.status).toBe(201);
      made.units.push(v.body.id);
      expect(v.headers.location).toBe(`/api/admin/org-units/${v.body.id}`);
      expect(v.body).toMatchObject({ code: vCode, level: 'VILLAGE', path: `${t.path}${v.body.id}/` });

      const patched = await admin.patch(`/api/admin/org-units/${v.body.id}`).send({ name: `改名社区${run}` });
      expect(patched.status).toBe(200);
      expect(patched.body.name).toBe(`改名社区${run}`);

      const list = await admin.get(`/api/admin/org-units?parentId=${t.id}`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ nextCursor: null, items: [expect.objectContaining({ id: v.body.id, name: `改名社区${run}` })] });

      const busy = await admin.delete(`/api/admin/org-units/${t.id}`);
      expect(busy.status).toBe(409);
      expect(problem(busy)).toMatchObject({ code: 'IN_USE', field: 'path.id', usedBy: { children: 1 } });

      expect((await admin.delete(`/api/admin/org-units/${v.body.id}`)).status).toBe(204);
      expect((await admin.delete(`/api/admin/org-units/${t.id}`)).status).toBe(204);
      expect((await admin.get(`/api/admin/org-units/${t.id}`)).status).toBe(404);
    });

    it('given a demo district with members and children, when it is deleted, then 409 IN_USE names what uses it', async () => {
      const admin = await as('admin');
      const res = await admin.delete(`/api/admin/org-units/${ids.dongcheng}`).set('Accept-Language', 'en');
      expect(res.status).toBe(409);
      const p = problem(res);
      expect(p.code).toBe('IN_USE');
      expect(p.usedBy).toMatchObject({ children: expect.any(Number), members: expect.any(Number), departments: expect.any(Number) });
      expect(p.detail).toMatch(/child units/);
    });

    it('given bad input, then 400 names the field and nothing is written', async () => {
      const admin = await as('admin');
      const before = await s.prisma.orgUnit.count({ where: { parentId: ids.dongcheng } });
      const noName = await admin.post('/api/admin/org-units').send({ parentId: ids.dongcheng, code: '1101019' });
      expect(noName.status).toBe(400);
      const p = problem(noName);
      expect(p.errors!.map((e) => e.field).sort()).toEqual(['body.code', 'body.name']);
      const wrongPrefix = await admin.post('/api/admin/org-units').send({ parentId: ids.dongcheng, code: '110102950000000', name: `错码${run}` });
      expect(wrongPrefix.status).toBe(422);
      expect(problem(wrongPrefix)).toMatchObject({ field: 'body.code', code: 'CODE' });
      const empty = await admin.patch(`/api/admin/org-units/${ids.dongcheng}`).send({ code: '110101000000001' });
      expect(empty.status).toBe(400);
      expect(problem(empty).field).toBe('body.code');
      expect(await s.prisma.orgUnit.count({ where: { parentId: ids.dongcheng } })).toBe(before);
    });

    it('given a code already in use, then 409 names body.code', async () => {
      const admin = await as('admin');
      const taken = await s.prisma.orgUnit.findFirstOrThrow({ where: { parentId: ids.dongcheng }, select: { code: true } });
      const res = await admin.post('/api/admin/org-units').send({ parentId: ids.dongcheng, code: taken.code, name: `重码${run}` });
      expect(res.status).toBe(409);
      expect(problem(res)).toMatchObject({ field: 'body.code', code: 'DUPLICATE' });
    });
  });

  describe('scope', () => {
    it('given an administrator created at 西城区, then 东城区 units and people are 404 to them and 西城区 is theirs', async () => {
      const admin = await as('admin');
      const username = `xc.admin.${run}`;
      const created = await admin.post('/api/admin/users').send({ username, displayName: '西城管理员', password: DEMO_PASSWORD, memberships: [{ role: 'ADMINISTRATOR', orgUnitId: ids.xicheng }] });
      expect(created.status).toBe(201);
      made.users.push(created.body.id);
      const xcAdmin = await as(username);

      expect((await xcAdmin.get(`/api/admin/org-units/${ids.dongcheng}`)).status).toBe(404);
      expect((await xcAdmin.patch(`/api/admin/org-units/${ids.dongcheng}`).send({ name: 'x' })).status).toBe(404);
      expect((await xcAdmin.get(`/api/admin/org-units/${ids.xicheng}`)).status).toBe(200);
      const list = await xcAdmin.get('/api/admin/org-units?limit=100');
      expect(list.body.items.every((u: { path: string }) => u.path.startsWith(ids.xichengPath))).toBe(true);

      const dcHandler = await s.prisma.user.findUniqueOrThrow({ where: { username: 'dc.handler' }, select: { id: true } });
      expect((await xcAdmin.get(`/api/admin/users/${dcHandler.id}`)).status).toBe(404);
      const xcHandler = await s.prisma.user.findUniqueOrThrow({ where: { username: 'xc.handler' }, select: { id: true } });
      expect((await xcAdmin.get(`/api/admin/users/${xcHandler.id}`)).status).toBe(200);

      const dcDept = await s.prisma.department.findUniqueOrThrow({ where: { code: 'CG' }, select: { id: true } });
      expect((await xcAdmin.get(`/api/admin/departments/${dcDept.id}`)).status).toBe(404);

      const under = await xcAdmin.post('/api/admin/org-units').send({ parentId: ids.dongcheng, name: `越权${run}` });
      expect(under.status).toBe(422);
      expect(problem(under)).toMatchObject({ field: 'body.parentId', code: 'UNKNOWN_REFERENCE' });

      const cat = await xcAdmin.post('/api/admin/categories').send({ code: `XC${run}`, name: '区级分类', level: 'MAJOR' });
      expect(cat.status).toBe(403);
    });
  });

  describe('grids', () => {
    it('given a GeoJSON FeatureCollection, when imported under a village, then each feature becomes a grid with its bbox and area', async () => {
      const admin = await as('admin');
      const t = await township(ids.xicheng, '网格导入街道');
      const v = await village(t.id, '网格导入社区');
      const poly = square(100, 30);
      const multi = [[square(100.01, 30)], [square(100.03, 30.02, 0.002)]];
      const fc = {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { name: `甲网格${run}`, households: 120 }, geometry: { type: 'Polygon', coordinates: [poly] } },
          { type: 'Feature', properties: { nameEn: 'Grid B', source: 'survey' }, geometry: { type: 'MultiPolygon', coordinates: multi } },
        ],
      };
      const res = await admin.post(`/api/admin/grids/import?villageId=${v.id}`).set('Content-Type', 'application/geo+json').send(JSON.stringify(fc));
      expect(res.status).toBe(201);
      expect(res.body.items).toHaveLength(2);
      const [a, b] = res.body.items;
      expect(a).toMatchObject({ name: `甲网格${run}`, households: 120, villageId: v.id, code: `${v.code.slice(0, 12)}001`, bbox: [100, 30, 100.001, 30.001] });
      expect(a.areaSqm).toBe(Math.round(areaSqm({ type: 'Polygon', coordinates: [poly] })));
      expect(a.areaSqm).toBeGreaterThan(10_000);
      expect(b).toMatchObject({ code: `${v.code.slice(0, 12)}002`, nameEn: 'Grid B', bbox: [100.01, 30, 100.032, 30.022] });
      expect(b.areaSqm).toBe(Math.round(areaSqm({ type: 'MultiPolygon', coordinates: multi as [number, number][][][] })));
      const unit = await s.prisma.orgUnit.findUniqueOrThrow({ where: { id: a.orgUnitId } });
      expect(unit).toMatchObject({ level: 'GRID', parentId: v.id, path: `${v.path}${unit.id}/` });

      const one = await admin.get(`/api/admin/grids/${a.id}`);
      expect(one.status).toBe(200);
      expect(one.body.boundary).toEqual({ type: 'Polygon', coordinates: [poly] });

      const moved = square(100.1, 30.1, 0.002);
      const patched = await admin.patch(`/api/admin/grids/${a.id}`).send({ households: 150, boundary: { type: 'Polygon', coordinates: [moved] } });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ households: 150, bbox: [100.1, 30.1, 100.102, 30.102] });
      expect(patched.body.areaSqm).toBeGreaterThan(a.areaSqm * 3);

      const list = await admin.get(`/api/admin/grids?villageId=${v.id}`);
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ nextCursor: null });
      expect(list.body.items).toHaveLength(2);
      expect(list.body.items[0].boundary).toBeUndefined();

      const single = await admin.post('/api/admin/grids').send({ villageId: v.id, name: `丙网格${run}`, boundary: { type: 'Polygon', coordinates: [square(100.2, 30.2)] } });
      expect(single.status).toBe(201);
      expect(single.body.code).toBe(`${v.code.slice(0, 12)}003`);

      for (const g of [a, b, single.body]) expect((await admin.delete(`/api/admin/grids/${g.id}`)).status).toBe(204);
      expect((await admin.get(`/api/admin/grids/${a.id}`)).status).toBe(404);
      expect(await s.prisma.orgUnit.count({ where: { parentId: v.id } })).toBe(0);
    });

    it.each([
      ['a ring that is not closed', [[100, 30], [100.001, 30], [100.001, 30.001], [100, 30.001]], 'body.features.0.geometry.coordinates.0'],
      ['a ring that crosses itself', [[100, 30], [100.001, 30.001], [100.001, 30], [100, 30.001], [100, 30]], 'body.features.0.geometry.coordinates.0.0'],
      ['a latitude out of range', [[100, 30], [100.001, 30], [100.001, 95], [100, 30]], 'body.features.0.geometry.coordinates.0.2.1'],
    ])('given %s, then the import is 400 naming the position and no grid is written', async (_name, ring, field) => {
      const admin = await as('admin');
      const t = await township(ids.xicheng, '坏边界街道');
      const v = await village(t.id, '坏边界社区');
      const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }] };
      const res = await admin.post(`/api/admin/grids/import?villageId=${v.id}`).send(fc);
      expect(res.status).toBe(400);
      expect(problem(res).field).toBe(field);
      expect(await s.prisma.orgUnit.count({ where: { parentId: v.id } })).toBe(0);
    });

    it('given a grid with a grid worker, when it is deleted, then 409 IN_USE until the worker leaves it', async () => {
      const admin = await as('admin');
      const t = await township(ids.xicheng, '网格员街道');
      const v = await village(t.id, '网格员社区');
      const g = (await admin.post('/api/admin/grids').send({ villageId: v.id, boundary: { type: 'Polygon', coordinates: [square(101, 31)] } })).body;
      expect(g.name).toBe(`网格员社区${run}第1网格`);
      const user = await admin.post('/api/admin/users').send({ username: `gw.${run}`, displayName: '测试网格员', password: DEMO_PASSWORD, grids: [{ gridId: g.id, isLeader: true }] });
      expect(user.status).toBe(201);
      made.users.push(user.body.id);
      expect(user.body.grids).toEqual([expect.objectContaining({ gridId: g.id, isLeader: true })]);
      expect(user.body.memberships).toEqual([expect.objectContaining({ role: 'GRID_WORKER', orgUnit: expect.objectContaining({ id: g.orgUnitId }) })]);

      const busy = await admin.delete(`/api/admin/grids/${g.id}`);
      expect(busy.status).toBe(409);
      expect(problem(busy)).toMatchObject({ code: 'IN_USE', usedBy: { gridWorkers: 1, members: 1 } });

      expect((await admin.delete(`/api/admin/users/${user.body.id}/grids/${g.id}`)).status).toBe(204);
      expect((await admin.get(`/api/admin/users/${user.body.id}`)).body).toMatchObject({ grids: [], memberships: [] });
      const again = await admin.put(`/api/admin/users/${user.body.id}/grids/${g.id}`).send({ isLeader: false });
      expect(again.body).toMatchObject({ grids: [{ gridId: g.id, isLeader: false }], memberships: [{ role: 'GRID_WORKER' }] });
      expect((await admin.delete(`/api/admin/users/${user.body.id}/memberships/${again.body.memberships[0].id}`)).status).toBe(204);
      expect((await admin.get(`/api/admin/users/${user.body.id}`)).body).toMatchObject({ grids: [], memberships: [] });
      expect((await admin.delete(`/api/admin/grids/${g.id}`)).status).toBe(204);
    });
  });

  describe('departments', () => {
    it('given a district, when a department is created, read, updated, listed and deleted, then its code and kind are unique', async () => {
      const admin = await as('admin');
      const code = `T${run.toUpperCase()}`.slice(0, 32);
      const kind = `Q${run.toUpperCase()}`.slice(0, 16);
      const key = `dept-${run}`;
      const t = await township(ids.xicheng, '部门街道');
      const atTownship = await admin.post('/api/admin/departments').send({ code, kind, name: `街道部门${run}`, orgUnitId: t.id });
      expect(atTownship.status).toBe(422);
      expect(problem(atTownship)).toMatchObject({ field: 'body.orgUnitId', code: 'LEVEL' });

      const created = await admin.post('/api/admin/departments').set('Idempotency-Key', key).send({ code, kind, name: `测试城管所${run}`, orgUnitId: ids.xicheng });
      expect(created.status).toBe(201);
      made.departments.push(created.body.id);
      expect(created.body).toMatchObject({ code, kind, active: true, orgUnit: { id: ids.xicheng } });
      const replay = await admin.post('/api/admin/departments').set('Idempotency-Key', key).send({ code, kind, name: `测试城管所${run}`, orgUnitId: ids.xicheng });
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(created.body.id);

      const sameKind = await admin.post('/api/admin/departments').send({ code: `${code}X`.slice(0, 32), kind, name: '第二个测试所', orgUnitId: ids.xicheng });
      expect(sameKind.status).toBe(409);
      expect(problem(sameKind)).toMatchObject({ field: 'body.kind', code: 'DUPLICATE' });
      const sameCode = await admin.post('/api/admin/departments').send({ code: 'CG', kind: `${kind}X`.slice(0, 16), name: '重码部门', orgUnitId: ids.xicheng });
      expect(sameCode.status).toBe(409);
      expect(problem(sameCode).field).toBe('body.code');

      const patched = await admin.patch(`/api/admin/departments/${created.body.id}`).send({ name: `改名城管所${run}`, active: false });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: `改名城管所${run}`, active: false });
      expect((await admin.get(`/api/admin/departments/${created.body.id}`)).body.name).toBe(`改名城管所${run}`);
      const list = await admin.get(`/api/admin/departments?orgUnitId=${ids.xicheng}&kind=${kind}`);
      expect(list.body).toEqual({ nextCursor: null, items: [expect.objectContaining({ id: created.body.id })] });

      const member = await admin.post('/api/admin/users').send({ username: `dept.${run}`, displayName: '部门处置员', password: DEMO_PASSWORD, memberships: [{ role: 'HANDLER', departmentId: created.body.id }] });
      expect(member.status).toBe(201);
      made.users.push(member.body.id);
      const busy = await admin.delete(`/api/admin/departments/${created.body.id}`);
      expect(busy.status).toBe(409);
      expect(problem(busy)).toMatchObject({ code: 'IN_USE', usedBy: { members: 1 } });

      expect((await admin.delete(`/api/admin/users/${member.body.id}`)).status).toBe(204);
      expect((await admin.delete(`/api/admin/departments/${created.body.id}`)).status).toBe(204);
      expect((await admin.get(`/api/admin/departments/${created.body.id}`)).status).toBe(404);
    });

    it('given a demo department with members, when it is deleted, then 409 IN_USE', async () => {
      const admin = await as('admin');
      const cg = await s.prisma.department.findUniqueOrThrow({ where: { code: 'CG' }, select: { id: true } });
      const res = await admin.delete(`/api/admin/departments/${cg.id}`);
      expect(res.status).toBe(409);
      expect(problem(res).code).toBe('IN_USE');
    });
  });

  describe('users', () => {
    it('given a new account, when it is created, read, changed, listed and deleted, then no password hash is ever returned and the password works', async () => {
      const admin = await as('admin');
      const t = await township(ids.xicheng, '用户街道');
      const username = `user.${run}`;
      const created = await admin.post('/api/admin/users').send({ username, displayName: '测试处置员', password: 'a-long-secret-1', phone: '13800000000', memberships: [{ role: 'HANDLER', orgUnitId: t.id }] });
      expect(created.status).toBe(201);
      made.users.push(created.body.id);
      expect(JSON.stringify(created.body)).not.toMatch(/passwordHash|scrypt/);
      expect(created.body).toMatchObject({ username, active: true, memberships: [{ role: 'HANDLER', orgUnit: { id: t.id } }] });
      const signIn = await request(s.app).post('/api/auth/token').send({ username, password: 'a-long-secret-1' });
      expect(signIn.status).toBe(200);

      const dup = await admin.post('/api/admin/users').send({ username, displayName: '重名', password: 'another-secret' });
      expect(dup.status).toBe(409);
      expect(problem(dup)).toMatchObject({ field: 'body.username', code: 'DUPLICATE' });

      const patched = await admin.patch(`/api/admin/users/${created.body.id}`).send({ displayName: '改名处置员', password: 'a-new-secret-2' });
      expect(patched.status).toBe(200);
      expect(patched.body.displayName).toBe('改名处置员');
      expect((await request(s.app).post('/api/auth/token').send({ username, password: 'a-new-secret-2' })).status).toBe(200);

      const dept = await s.prisma.department.findUniqueOrThrow({ where: { code: 'XC-CG' }, select: { id: true } });
      const added = await admin.post(`/api/admin/users/${created.body.id}/memberships`).send({ role: 'SUPERVISOR', departmentId: dept.id });
      expect(added.status).toBe(201);
      const m = added.body.memberships.find((x: { role: string }) => x.role === 'SUPERVISOR');
      expect(m.department).toMatchObject({ id: dept.id, code: 'XC-CG' });
      expect((await admin.delete(`/api/admin/users/${created.body.id}/memberships/${m.id}`)).status).toBe(204);

      const list = await admin.get(`/api/admin/users?q=${encodeURIComponent(username)}`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ nextCursor: null, items: [expect.objectContaining({ id: created.body.id, displayName: '改名处置员' })] });
      expect(JSON.stringify(list.body)).not.toMatch(/passwordHash/);

      expect((await admin.delete(`/api/admin/users/${created.body.id}`)).status).toBe(204);
      expect((await admin.get(`/api/admin/users/${created.body.id}`)).status).toBe(404);
    });

    it('given bad input, then 400 or 422 names the field and no account is written', async () => {
      const admin = await as('admin');
      const username = `bad.${run}`;
      const short = await admin.post('/api/admin/users').send({ username, displayName: '短密码', password: 'short' });
      expect(short.status).toBe(400);
      expect(problem(short).field).toBe('body.password');
      const roleAtTownship = await admin.post('/api/admin/users').send({ username, displayName: '错角色', password: DEMO_PASSWORD, memberships: [{ role: 'GRID_WORKER', orgUnitId: ids.xicheng }] });
      expect(roleAtTownship.status).toBe(422);
      expect(problem(roleAtTownship).field).toBe('body.memberships.0.role');
      expect(await s.prisma.user.count({ where: { username } })).toBe(0);
    });

    it('given the signed-in administrator, when they delete or deactivate themself, then 409 SELF', async () => {
      const admin = await as('admin');
      const me = (await admin.get('/api/auth/me')).body;
      const del = await admin.delete(`/api/admin/users/${me.id}`);
      expect(del.status).toBe(409);
      expect(problem(del)).toMatchObject({ code: 'SELF', field: 'path.id' });
      const off = await admin.patch(`/api/admin/users/${me.id}`).send({ active: false });
      expect(off.status).toBe(409);
      expect(await s.prisma.user.count({ where: { id: me.id, active: true } })).toBe(1);
    });
  });

  describe('categories', () => {
    it('given a major class with its sub-items, when it is created, read, updated and deleted, then time limits follow and a class with sub-items is IN_USE', async () => {
      const admin = await as('admin');
      const code = `T${run}`.toUpperCase().slice(0, 24);
      const created = await admin.post('/api/admin/categories').send({
        code,
        name: `测试大类${run}`,
        level: 'MAJOR',
        processKey: 'standard-closed-loop',
        sortOrder: 99,
        children: [{ code: `${code}01`, name: '测试小类', departmentKind: 'CG', timeLimits: [{ tier: 'VILLAGE', duration: 'PT8H', calendar: 'WORKING_HOURS' }, { tier: 'TOWNSHIP', duration: 'P2D', calendar: 'WORKING_DAYS' }] }],
      });
      expect(created.status).toBe(201);
      made.categories.push(created.body.id);
      expect(created.body).toMatchObject({ code, level: 'MAJOR', parentId: null, childCount: 1, processKey: 'standard-closed-loop' });
      const tree = await admin.get('/api/admin/categories/tree');
      const mine = tree.body.items.find((c: { id: number }) => c.id === created.body.id);
      expect(mine.children).toEqual([expect.objectContaining({ code: `${code}01`, level: 'MINOR', departmentKind: 'CG' })]);
      const child = mine.children[0];
      made.categories.push(child.id);
      expect(child.timeLimits).toEqual([
        { tier: 'VILLAGE', duration: 'PT8H', calendar: 'WORKING_HOURS' },
        { tier: 'TOWNSHIP', duration: 'P2D', calendar: 'WORKING_DAYS' },
      ]);

      const patched = await admin.patch(`/api/admin/categories/${child.id}`).send({ name: '改名小类', timeLimits: [{ tier: 'VILLAGE', duration: 'PT4H', calendar: 'CLOCK' }] });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: '改名小类', timeLimits: [{ tier: 'VILLAGE', duration: 'PT4H', calendar: 'CLOCK' }] });

      const months = await admin.patch(`/api/admin/categories/${child.id}`).send({ timeLimits: [{ tier: 'VILLAGE', duration: 'P1M', calendar: 'WORKING_DAYS' }] });
      expect(months.status).toBe(422);
      expect(problem(months).field).toBe('body.timeLimits.0.duration');
      expect((await admin.get(`/api/admin/categories/${child.id}`)).body.timeLimits).toEqual([{ tier: 'VILLAGE', duration: 'PT4H', calendar: 'CLOCK' }]);

      const list = await admin.get(`/api/admin/categories?parentId=${created.body.id}`);
      expect(list.body).toEqual({ nextCursor: null, items: [expect.objectContaining({ id: child.id })] });

      const busy = await admin.delete(`/api/admin/categories/${created.body.id}`);
      expect(busy.status).toBe(409);
      expect(problem(busy)).toMatchObject({ code: 'IN_USE', usedBy: { children: 1 } });
      expect((await admin.delete(`/api/admin/categories/${child.id}`)).status).toBe(204);
      expect((await admin.delete(`/api/admin/categories/${created.body.id}`)).status).toBe(204);
      expect((await admin.get(`/api/admin/categories/${created.body.id}`)).status).toBe(404);
    });

    it('given a category, when PATCH binds it to a deployed process, then it runs that process; an unknown or never-deployed key is 422 naming body.processKey', async () => {
      const admin = await as('admin');
      const code = `B${run}`.toUpperCase().slice(0, 24);
      const created = await admin.post('/api/admin/categories').send({ code, name: `绑定分类${run}`, level: 'MAJOR' });
      expect(created.status).toBe(201);
      made.categories.push(created.body.id);
      expect(created.body.processKey).toBeNull();

      const bound = await admin.patch(`/api/admin/categories/${created.body.id}`).send({ processKey: 'standard-closed-loop' });
      expect(bound.status).toBe(200);
      expect(bound.body).toMatchObject({ id: created.body.id, processKey: 'standard-closed-loop' });
      const usedBy = (await admin.get('/api/admin/processes/standard-closed-loop')).body.categories as { code: string }[];
      expect(usedBy).toContainEqual(expect.objectContaining({ code }));

      const unknown = await admin.patch(`/api/admin/categories/${created.body.id}`).send({ processKey: `nope-${run}` });
      expect(unknown.status).toBe(422);
      expect(problem(unknown)).toMatchObject({ field: 'body.processKey', code: 'UNKNOWN_REFERENCE', detail: expect.stringContaining(`nope-${run}`) });
      const draftOnly = `t-undeployed-${run}`;
      made.processes.push(draftOnly);
      expect((await admin.post('/api/admin/processes').send({ key: draftOnly, name: '未部署' })).status).toBe(201);
      const undeployed = await admin.patch(`/api/admin/categories/${created.body.id}`).send({ processKey: draftOnly });
      expect(undeployed.status).toBe(422);
      expect(problem(undeployed)).toMatchObject({ field: 'body.processKey', code: 'UNKNOWN_REFERENCE' });
      const badKey = await admin.patch(`/api/admin/categories/${created.body.id}`).send({ processKey: '1 bad key' });
      expect(badKey.status).toBe(400);
      expect(problem(badKey).field).toBe('body.processKey');
      expect((await admin.get(`/api/admin/categories/${created.body.id}`)).body.processKey).toBe('standard-closed-loop');

      const unbound = await admin.patch(`/api/admin/categories/${created.body.id}`).send({ processKey: null });
      expect(unbound.status).toBe(200);
      expect(unbound.body.processKey).toBeNull();
    });

    it('given bad or duplicate input, then 400/409/422 name the field and nothing is written', async () => {
      const admin = await as('admin');
      const before = await s.prisma.category.count();
      const badLevel = await admin.post('/api/admin/categories').send({ code: `Z${run}`, name: 'x', level: 'HUGE' });
      expect(badLevel.status).toBe(400);
      expect(problem(badLevel).field).toBe('body.level');
      const dup = await admin.post('/api/admin/categories').send({ code: 'PA', name: '重复', level: 'MAJOR' });
      expect(dup.status).toBe(409);
      expect(problem(dup)).toMatchObject({ field: 'body.code', code: 'DUPLICATE' });
      const noProcess = await admin.post('/api/admin/categories').send({ code: `Z${run}`, name: '无流程', level: 'MAJOR', processKey: `nope-${run}`, children: [{ code: `Z${run}1`, name: 'c' }] });
      expect(noProcess.status).toBe(422);
      expect(problem(noProcess).field).toBe('body.processKey');
      const pa = await s.prisma.category.findUniqueOrThrow({ where: { code: 'PA' }, select: { id: true } });
      const orphan = await admin.post('/api/admin/categories').send({ code: `Z${run}`, name: '无上级小类', level: 'MINOR' });
      expect(orphan.status).toBe(422);
      expect(problem(orphan).field).toBe('body.parentId');
      expect(await s.prisma.category.count()).toBe(before);

      const paBusy = await admin.delete(`/api/admin/categories/${pa.id}`);
      expect(paBusy.status).toBe(409);
      expect(problem(paBusy).code).toBe('IN_USE');
    });
  });

  describe('processes', () => {
    it('given a new definition, when a draft with an error is validated, fixed and deployed twice, then versions 1 and 2 are immutable and readable', async () => {
      const admin = await as('admin');
      const key = `t-admin-${run}`;
      made.processes.push(key);
      const created = await admin.post('/api/admin/processes').send({ key, name: '测试流程', description: '管理接口测试' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ key, latestVersion: null, hasDraft: false, versionCount: 0 });

      const saved = await admin.put(`/api/admin/processes/${key}/draft`).set('Content-Type', 'application/xml').send(WITHOUT_ASSIGNEE);
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ key, hasDraft: true });
      const draft = await admin.get(`/api/admin/processes/${key}/draft`);
      expect(draft.headers['content-type']).toMatch(/^application\/xml/);
      expect(draft.text).toBe(WITHOUT_ASSIGNEE);

      const checked = await admin.post(`/api/admin/processes/${key}/validate`);
      expect(checked.status).toBe(200);
      expect(checked.body.ok).toBe(false);
      expect(checked.body.errors).toContainEqual(expect.objectContaining({ element: 'Task_Handle', type: 'bpmn:UserTask', message: expect.stringMatching(/assignee/) }));

      const refused = await admin.post(`/api/admin/processes/${key}/deploy`);
      expect(refused.status).toBe(422);
      const p = problem(refused) as unknown as { code: string; errors: { element: string }[] };
      expect(p.code).toBe('DOES_NOT_COMPILE');
      expect(p.errors.map((e) => e.element)).toContain('Task_Handle');
      expect(await s.prisma.processVersion.count({ where: { definition: { key } } })).toBe(0);

      const fixedCheck = await admin.post(`/api/admin/processes/${key}/validate`).set('Content-Type', 'text/xml').send(WITH_ASSIGNEE);
      expect(fixedCheck.body).toMatchObject({ ok: true, errors: [] });
      expect((await admin.put(`/api/admin/processes/${key}/draft`).send({ xml: WITH_ASSIGNEE })).status).toBe(200);

      const v1 = await admin.post(`/api/admin/processes/${key}/deploy`);
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({ key, version: 1, created: true, latest: true, deployedBy: { displayName: '系统管理员' } });
      expect(v1.headers.location).toBe(`/api/admin/processes/${key}/versions/1`);
      const again = await admin.post(`/api/admin/processes/${key}/deploy`);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ version: 1, created: false });

      const renamed = WITH_ASSIGNEE.replace('name="缺少处置人"', 'name="测试流程第二版"');
      expect((await admin.put(`/api/admin/processes/${key}/draft`).set('Content-Type', 'application/xml').send(renamed)).status).toBe(200);
      const v2 = await admin.post(`/api/admin/processes/${key}/deploy`);
      expect(v2.status).toBe(201);
      expect(v2.body).toMatchObject({ version: 2, latest: true });

      const versions = await admin.get(`/api/admin/processes/${key}/versions`);
      expect(versions.body).toMatchObject({ nextCursor: null, items: [{ version: 2, latest: true }, { version: 1, latest: false }] });
      const xml1 = await admin.get(`/api/admin/processes/${key}/versions/1/xml`);
      expect(xml1.status).toBe(200);
      expect(xml1.headers['content-type']).toMatch(/^application\/xml/);
      expect(xml1.text).toBe(WITH_ASSIGNEE);
      const model2 = await admin.get(`/api/admin/processes/${key}/versions/2/model`);
      expect(model2.status).toBe(200);
      expect(model2.body).toMatchObject({ id: 'no-assignee', name: '测试流程第二版', elements: { Task_Handle: { type: 'userTask', assignee: 'tier:current' } } });
      expect((await admin.get(`/api/admin/processes/${key}/versions/3`)).status).toBe(404);

      const listed = await admin.get('/api/admin/processes?limit=100');
      expect(listed.body.items).toContainEqual(expect.objectContaining({ key, latestVersion: 2, hasDraft: true, versionCount: 2 }));
      expect(listed.body.items).toContainEqual(expect.objectContaining({ key: 'standard-closed-loop', latestVersion: expect.any(Number) }));

      const busy = await admin.delete(`/api/admin/processes/${key}`);
      expect(busy.status).toBe(409);
      expect(problem(busy)).toMatchObject({ code: 'IN_USE', usedBy: { versions: 2 } });
    });

    it('given a definition never deployed, it can be renamed and deleted; a taken key is 409 and unreadable XML is reported, not thrown', async () => {
      const admin = await as('admin');
      const key = `t-draft-${run}`;
      made.processes.push(key);
      expect((await admin.post('/api/admin/processes').send({ key, name: '草稿流程' })).status).toBe(201);
      const dup = await admin.post('/api/admin/processes').send({ key: 'standard-closed-loop', name: '重复' });
      expect(dup.status).toBe(409);
      expect(problem(dup).field).toBe('body.key');

      const garbage = await admin.post(`/api/admin/processes/${key}/validate`).send({ xml: 'not a diagram' });
      expect(garbage.status).toBe(200);
      expect(garbage.body).toMatchObject({ ok: false, errors: [{ element: 'definitions' }] });
      const unreadable = await admin.put(`/api/admin/processes/${key}/draft`).set('Content-Type', 'application/xml').send('not a diagram');
      expect(unreadable.status).toBe(422);
      expect(problem(unreadable).field).toBe('body.xml');
      const noDraft = await admin.post(`/api/admin/processes/${key}/deploy`);
      expect(noDraft.status).toBe(422);
      expect(problem(noDraft).code).toBe('NO_DRAFT');

      const renamed = await admin.patch(`/api/admin/processes/${key}`).send({ name: '改名草稿流程' });
      expect(renamed.body).toMatchObject({ key, name: '改名草稿流程' });
      expect((await admin.delete(`/api/admin/processes/${key}`)).status).toBe(204);
      expect((await admin.get(`/api/admin/processes/${key}`)).status).toBe(404);
    });
  });

  describe('process designer', () => {
    const sha256 = (xml: string) => crypto.createHash('sha256').update(xml, 'utf8').digest('hex');
    const retitled = (name: string) => WITH_ASSIGNEE.replace('name="缺少处置人"', `name="${name}"`);

    /** A case started on a version, written straight to the table (only its version and status matter here). */
    async function caseOn(versionId: number, status: 'REPORTED' | 'IN_PROGRESS' | 'CLOSED' | 'VOIDED', n: number): Promise<void> {
      const grid = await s.prisma.grid.findFirstOrThrow({
        orderBy: { id: 'asc' },
        select: { id: true, minLat: true, minLng: true, orgUnit: { select: { path: true, parent: { select: { id: true, parent: { select: { id: true, parentId: true } } } } } } },
      });
      const village = grid.orgUnit.parent!;
      const id = `ADM-${run}-${n}`.toUpperCase();
      made.cases.push(id);
      await s.prisma.case.create({
        data: {
          id,
          description: '流程设计器测试案件',
          lat: grid.minLat,
          lng: grid.minLng,
          gridId: grid.id,
          villageId: village.id,
          townshipId: village.parent!.id,
          districtId: village.parent!.parentId!,
          orgPath: grid.orgUnit.path,
          currentTier: 'VILLAGE',
          currentUnitId: village.id,
          channel: 'GRID_APP',
          status,
          processVersionId: versionId,
          reportedAt: new Date(),
        },
      });
    }

    it('given a saved draft, when it is read and saved again, then both answer a strong ETag derived from the XML', async () => {
      const admin = await as('admin');
      const key = `t-etag-${run}`;
      made.processes.push(key);
      expect((await admin.post('/api/admin/processes').send({ key, name: 'ETag 流程' })).status).toBe(201);

      const saved = await admin.put(`/api/admin/processes/${key}/draft`).set('Content-Type', 'application/xml').send(WITHOUT_ASSIGNEE);
      expect(saved.status).toBe(200);
      expect(saved.headers.etag).toBe(`"${sha256(WITHOUT_ASSIGNEE)}"`);
      expect(saved.body).toMatchObject({ key, hasDraft: true, etag: saved.headers.etag });

      const read = await admin.get(`/api/admin/processes/${key}/draft`);
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe(saved.headers.etag);
      expect(read.text).toBe(WITHOUT_ASSIGNEE);

      // the browser's revalidation: the same tag is a 304 without the XML
      const unchanged = await admin.get(`/api/admin/processes/${key}/draft`).set('If-None-Match', read.headers.etag);
      expect(unchanged.status).toBe(304);

      const next = await admin.put(`/api/admin/processes/${key}/draft`).set('If-Match', read.headers.etag).send({ xml: WITH_ASSIGNEE });
      expect(next.status).toBe(200);
      expect(next.headers.etag).toBe(`"${sha256(WITH_ASSIGNEE)}"`);
      expect((await admin.get(`/api/admin/processes/${key}/draft`)).headers.etag).toBe(next.headers.etag);
    });

    it('given a draft changed by another administrator, when it is saved with the old If-Match, then 412 DRAFT_CHANGED and the other save is kept', async () => {
      const admin = await as('admin');
      const key = `t-ifmatch-${run}`;
      made.processes.push(key);
      expect((await admin.post('/api/admin/processes').send({ key, name: '并发保存流程' })).status).toBe(201);
      const first = await admin.put(`/api/admin/processes/${key}/draft`).set('Content-Type', 'application/xml').send(retitled('甲'));
      const tag = first.headers.etag;
      expect((await admin.put(`/api/admin/processes/${key}/draft`).set('If-Match', tag).send({ xml: retitled('乙') })).status).toBe(200);

      const stale = await admin.put(`/api/admin/processes/${key}/draft`).set('If-Match', tag).set('Content-Type', 'application/xml').send(retitled('丙'));
      expect(stale.status).toBe(412);
      const p = problem(stale);
      expect(p).toMatchObject({ status: 412, field: 'header.If-Match', code: 'DRAFT_CHANGED' });
      expect(p.detail).toMatch(/其他管理员/);
      const english = await admin.put(`/api/admin/processes/${key}/draft`).set('If-Match', tag).set('Accept-Language', 'en').send({ xml: retitled('丙') });
      expect(problem(english)).toMatchObject({ status: 412, code: 'DRAFT_CHANGED', detail: expect.stringMatching(/another administrator/) });
      expect((await admin.get(`/api/admin/processes/${key}/draft`)).text).toBe(retitled('乙'));

      // a list of tags matches when one of them does; a weak tag never does (strong comparison)
      const current = `"${sha256(retitled('乙'))}"`;
      expect((await admin.put(`/api/admin/processes/${key}/draft`).set('If-Match', `W/${current}`).send({ xml: retitled('丁') })).status).toBe(412);
      expect((await admin.put(`/api/admin/processes/${key}/draft`).set('If-Match', `${tag}, ${current}`).send({ xml: retitled('丁') })).status).toBe(200);

      const bad = await admin.put(`/api/admin/processes/${key}/draft`).set('If-Match', 'not-a-tag').send({ xml: retitled('戊') });
      expect(bad.status).toBe(400);
      expect(problem(bad)).toMatchObject({ field: 'header.If-Match' });
      expect((await admin.get(`/api/admin/processes/${key}/draft`)).text).toBe(retitled('丁'));
    });

    it('given two administrators saving with the same If-Match at once, then exactly one wins and the other is 412', async () => {
      const admin = await as('admin');
      const key = `t-race-${run}`;
      made.processes.push(key);
      expect((await admin.post('/api/admin/processes').send({ key, name: '同时保存流程' })).status).toBe(201);
      expect((await admin.put(`/api/admin/processes/${key}/draft`).send({ xml: retitled('起点') })).status).toBe(200);
      for (let round = 0; round < 3; round++) {
        const current = (await admin.get(`/api/admin/processes/${key}/draft`)).headers.etag;
        const xmls = [retitled(`甲${round}`), retitled(`乙${round}`)];
        const answers = await Promise.all(xmls.map((xml) => admin.put(`/api/admin/processes/${key}/draft`).set('If-Match', current).send({ xml })));
        expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
        const winner = answers.findIndex((a) => a.status === 200);
        expect(problem(answers[1 - winner]).code).toBe('DRAFT_CHANGED');
        const stored = await admin.get(`/api/admin/processes/${key}/draft`);
        expect(stored.text).toBe(xmls[winner]);
        expect(stored.headers.etag).toBe(answers[winner].headers.etag);
      }
    });

    it('given If-None-Match: *, then a first draft is saved and a second one is 412 DRAFT_CHANGED', async () => {
      const admin = await as('admin');
      const key = `t-inm-${run}`;
      made.processes.push(key);
      expect((await admin.post('/api/admin/processes').send({ key, name: '新建草稿流程' })).status).toBe(201);
      const created = await admin.put(`/api/admin/processes/${key}/draft`).set('If-None-Match', '*').send({ xml: retitled('第一稿') });
      expect(created.status).toBe(200);
      const again = await admin.put(`/api/admin/processes/${key}/draft`).set('If-None-Match', '*').set('Content-Type', 'application/xml').send(retitled('第二稿'));
      expect(again.status).toBe(412);
      expect(problem(again)).toMatchObject({ field: 'header.If-None-Match', code: 'DRAFT_CHANGED' });
      expect((await admin.get(`/api/admin/processes/${key}/draft`)).text).toBe(retitled('第一稿'));
      // If-Match on a definition without any draft cannot match
      const other = `t-inm2-${run}`;
      made.processes.push(other);
      expect((await admin.post('/api/admin/processes').send({ key: other, name: '无草稿流程' })).status).toBe(201);
      const none = await admin.put(`/api/admin/processes/${other}/draft`).set('If-Match', created.headers.etag).send({ xml: retitled('第一稿') });
      expect(none.status).toBe(412);
      expect(problem(none).code).toBe('DRAFT_CHANGED');
      expect((await admin.get(`/api/admin/processes/${other}/draft`)).status).toBe(404);
    });

    it('given deployments with comments and cases on their versions, when the definition and its versions are read, then they carry the comment, the categories using it, who deployed last and the cases per version', async () => {
      const admin = await as('admin');
      const me = (await admin.get('/api/auth/me')).body as { id: number };
      const key = `t-designer-${run}`;
      made.processes.push(key);
      expect((await admin.post('/api/admin/processes').send({ key, name: '设计器流程' })).status).toBe(201);
      expect((await admin.put(`/api/admin/processes/${key}/draft`).send({ xml: retitled('设计器第一版') })).status).toBe(200);

      const v1 = await admin.post(`/api/admin/processes/${key}/deploy`).send({ comment: '首次上线：处置时限 8 小时' });
      expect(v1.status).toBe(201);
      expect(v1.body).toMatchObject({ version: 1, created: true, comment: '首次上线：处置时限 8 小时', caseCount: 0, openCaseCount: 0 });
      expect((await admin.put(`/api/admin/processes/${key}/draft`).send({ xml: retitled('设计器第二版') })).status).toBe(200);
      // an empty body deploys as before, without a comment
      const v2 = await admin.post(`/api/admin/processes/${key}/deploy`);
      expect(v2.status).toBe(201);
      expect(v2.body).toMatchObject({ version: 2, comment: null });
      // the same draft again: nothing deployed, the newest version (and its comment) answered
      const same = await admin.post(`/api/admin/processes/${key}/deploy`).send({ comment: '重复部署' });
      expect(same.status).toBe(200);
      expect(same.body).toMatchObject({ version: 2, created: false, comment: null });

      const tooLong = await admin.post(`/api/admin/processes/${key}/deploy`).send({ comment: '长'.repeat(501) });
      expect(tooLong.status).toBe(400);
      expect(problem(tooLong).field).toBe('body.comment');
      const unknown = await admin.post(`/api/admin/processes/${key}/deploy`).send({ note: 'x' });
      expect(unknown.status).toBe(400);
      expect(problem(unknown).field).toBe('body.note');
      expect(await s.prisma.processVersion.count({ where: { definition: { key } } })).toBe(2);

      const versions = await s.prisma.processVersion.findMany({ where: { definition: { key } }, orderBy: { version: 'asc' }, select: { id: true } });
      await caseOn(versions[0].id, 'CLOSED', 1);
      await caseOn(versions[0].id, 'IN_PROGRESS', 2);
      await caseOn(versions[0].id, 'VOIDED', 3);
      await caseOn(versions[1].id, 'REPORTED', 4);

      const code = `D${run}`.toUpperCase().slice(0, 24);
      const category = await admin.post('/api/admin/categories').send({ code, name: `设计器分类${run}`, level: 'MAJOR', processKey: key });
      expect(category.status).toBe(201);
      made.categories.push(category.body.id);

      const got = await admin.get(`/api/admin/processes/${key}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        key,
        latestVersion: 2,
        versionCount: 2,
        latestDeployedBy: { id: me.id, displayName: '系统管理员' },
        categories: [{ id: category.body.id, code, name: `设计器分类${run}` }],
      });
      const listed = await admin.get(`/api/admin/processes?q=${encodeURIComponent(key)}`);
      expect(listed.body.items).toEqual([expect.objectContaining({ key, latestDeployedBy: { id: me.id, displayName: '系统管理员' }, categories: [{ id: category.body.id, code, name: `设计器分类${run}` }] })]);
      const reference = (await admin.get('/api/admin/processes/standard-closed-loop')).body as { categories: { code: string }[] };
      expect(reference.categories.length).toBeGreaterThan(0);
      const fresh = `t-fresh-${run}`;
      made.processes.push(fresh);
      expect((await admin.post('/api/admin/processes').send({ key: fresh, name: '未部署流程' })).body).toMatchObject({ categories: [], latestDeployedBy: null });

      const list = await admin.get(`/api/admin/processes/${key}/versions`);
      expect(list.body.items).toEqual([
        expect.objectContaining({ version: 2, comment: null, caseCount: 1, openCaseCount: 1, latest: true }),
        expect.objectContaining({ version: 1, comment: '首次上线：处置时限 8 小时', caseCount: 3, openCaseCount: 1, latest: false }),
      ]);
      const one = await admin.get(`/api/admin/processes/${key}/versions/1`);
      expect(one.body).toMatchObject({ version: 1, comment: '首次上线：处置时限 8 小时', caseCount: 3, openCaseCount: 1 });
    });
  });

  describe('cursor pages', () => {
    /** Walks a list page by page following nextCursor; returns the items in order and how many pages it took. */
    async function walk(path: string, limit: number): Promise<{ items: Record<string, unknown>[]; pages: number }> {
      const admin = await as('admin');
      const items: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await admin.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(expect.arrayContaining(['items', 'nextCursor']));
        expect(res.body).not.toHaveProperty('page');
        expect(res.body).not.toHaveProperty('total');
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      return { items, pages };
    }

    it.each([
      ['/api/admin/processes', 'key', () => s.prisma.processDefinition.findMany({ orderBy: { key: 'asc' }, select: { key: true } }).then((r) => r.map((x) => x.key))],
      ['/api/admin/categories', 'code', () => s.prisma.category.findMany({ orderBy: [{ level: 'asc' }, { parentId: 'asc' }, { sortOrder: 'asc' }, { code: 'asc' }], select: { code: true } }).then((r) => r.map((x) => x.code))],
      ['/api/admin/org-units', 'code', () => s.prisma.orgUnit.findMany({ orderBy: { code: 'asc' }, select: { code: true } }).then((r) => r.map((x) => x.code))],
      ['/api/admin/grids', 'code', () => s.prisma.grid.findMany({ orderBy: { orgUnit: { code: 'asc' } }, select: { orgUnit: { select: { code: true } } } }).then((r) => r.map((x) => x.orgUnit.code))],
      ['/api/admin/departments', 'code', () => s.prisma.department.findMany({ orderBy: { code: 'asc' }, select: { code: true } }).then((r) => r.map((x) => x.code))],
      ['/api/admin/users', 'username', () => s.prisma.user.findMany({ orderBy: { username: 'asc' }, select: { username: true } }).then((r) => r.map((x) => x.username))],
    ])('given GET %s walked with small pages, when each next page starts at nextCursor, then every row comes once, in the list order', async (path, field, expected) => {
      // given the city administrator (every row is in scope) and the rows as the database orders them
      const before = await expected();
      // when the list is read 37 rows at a time, following nextCursor
      const { items, pages } = await walk(path, 37);
      // then the pages hold every row once, in that order (rows other suites add or remove meanwhile aside)
      const after = new Set(await expected());
      const stable = before.filter((r) => after.has(r));
      const walked = items.map((x) => x[field] as string);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked.filter((r) => stable.includes(r))).toEqual(stable);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(stable.length / 37));
    });

    it('given the versions of a process and a calendar range, then they come in cursor pages too', async () => {
      const versions = await walk('/api/admin/processes/standard-closed-loop/versions', 1);
      expect(versions.items.map((v) => v.version)).toEqual([...versions.items.map((v) => v.version as number)].sort((a, b) => b - a));
      const days = await walk('/api/admin/calendar?from=2026-10-01&to=2026-10-10', 3);
      expect(days.items.map((d) => d.date)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((d) => `2026-10-${d}`));
      expect(days.pages).toBe(4);
      // a whole range by default: one page
      expect((await (await as('admin')).get('/api/admin/calendar?from=2026-01-01&to=2026-12-31')).body).toMatchObject({ nextCursor: null });
    });

    it('given page numbers, a cursor of another list or a forged cursor, then 400 names the parameter', async () => {
      const admin = await as('admin');
      const paged = await admin.get('/api/admin/users?page=2&pageSize=10');
      expect(paged.status).toBe(400);
      expect(problem(paged).field).toMatch(/^query\.(page|pageSize)$/);
      const first = await admin.get('/api/admin/users?limit=2');
      const elsewhere = await admin.get(`/api/admin/org-units?cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(elsewhere.status).toBe(400);
      expect(problem(elsewhere).field).toBe('query.cursor');
      const forged = await admin.get(`/api/admin/users?cursor=${Buffer.from('{"o":"users","v":[1]}').toString('base64url')}`);
      expect(forged.status).toBe(400);
      expect(problem(forged).field).toBe('query.cursor');
      for (const v of ['[1e300]', '["+275760-09-13T00:00:00.000Z"]', 'null']) {
        const key = v === 'null' ? 'versions' : v.includes('-') ? 'calendar' : 'versions';
        const url = key === 'calendar' ? '/api/admin/calendar?from=2026-01-01&to=2026-01-31&' : '/api/admin/processes/standard-closed-loop/versions?';
        const odd = await admin.get(`${url}cursor=${Buffer.from(`{"o":"${key}","v":${v}}`).toString('base64url')}`);
        expect(odd.status).toBe(400);
        expect(problem(odd).field).toBe('query.cursor');
      }
    });
  });

  describe('calendar', () => {
    it('given the seeded year, when a range is listed, then holidays and make-up days are there', async () => {
      const auditor = await as('dc.auditor');
      const res = await auditor.get('/api/admin/calendar?from=2026-10-01&to=2026-10-10');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(10);
      expect(res.body.items[0]).toMatchObject({ date: '2026-10-01', kind: 'HOLIDAY', isWorkingDay: false });
      expect(res.body.items[9]).toMatchObject({ date: '2026-10-10', kind: 'ADJUSTED_WORKDAY', isWorkingDay: true, weekday: 6 });
      const tooLong = await auditor.get('/api/admin/calendar?from=2026-01-01&to=2027-06-01');
      expect(tooLong.status).toBe(400);
      expect(problem(tooLong).field).toBe('query.to');
    });

    it('given a provisional day, when the city administrator sets its kind, then it is confirmed; a kind that does not fit the weekday is 422', async () => {
      const admin = await as('admin');
      // 2099-01-03 is a Saturday
      await s.prisma.calendarDay.create({ data: { date: new Date('2099-01-03T00:00:00Z'), isWorkingDay: false, kind: 'WEEKEND', provisional: true } });
      const put = await admin.put('/api/admin/calendar/2099-01-03').send({ kind: 'ADJUSTED_WORKDAY', note: '调休上班' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ date: '2099-01-03', weekday: 6, kind: 'ADJUSTED_WORKDAY', isWorkingDay: true, provisional: false, note: '调休上班' });
      expect((await admin.get('/api/admin/calendar/2099-01-03')).body.updatedById).toBe((await admin.get('/api/auth/me')).body.id);

      const created = await admin.put('/api/admin/calendar/2099-01-05').send({ kind: 'HOLIDAY' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ kind: 'HOLIDAY', isWorkingDay: false });

      const wrong = await admin.put('/api/admin/calendar/2099-01-06').send({ kind: 'WEEKEND' });
      expect(wrong.status).toBe(422);
      expect(problem(wrong).field).toBe('body.kind');
      const badDate = await admin.put('/api/admin/calendar/2099-02-30').send({ kind: 'HOLIDAY' });
      expect(badDate.status).toBe(400);
      expect(problem(badDate).field).toBe('path.date');
      expect(await s.prisma.calendarDay.count({ where: { date: { in: [new Date('2099-01-06T00:00:00Z')] } } })).toBe(0);

      const list = await admin.get('/api/admin/calendar?from=2099-01-01&to=2099-01-31');
      expect(list.body.items.map((d: { date: string }) => d.date)).toEqual(['2099-01-03', '2099-01-05']);
      expect((await admin.delete('/api/admin/calendar/2099-01-05')).status).toBe(204);
      expect((await admin.get('/api/admin/calendar/2099-01-05')).status).toBe(404);
    });
  });

  it('describes every admin path in the OpenAPI document', async () => {
    const doc = (await request(s.app).get('/openapi.json')).body as { paths: Record<string, unknown> };
    for (const p of ['/api/admin/processes', '/api/admin/processes/{key}/deploy', '/api/admin/categories', '/api/admin/org-units', '/api/admin/grids/import', '/api/admin/departments', '/api/admin/users', '/api/admin/calendar/{date}']) {
      expect(doc.paths[p]).toBeDefined();
    }
  });
});
