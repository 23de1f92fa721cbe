/**
 * Security of the case and task API (issue 12): who may report where, search text taken
 * literally, the caller's candidate keys and the names of a task's candidates, role refusals
 * naming their field.
 */
import request from 'supertest';
import { interiorPoint, type AreaGeometry } from '../../core/geometry';
import { startApiSuite, terminateCases, type ApiSuite } from '../support/api';
import { inboxTask, reportAs } from '../support/api-flow';
import { wangfangGrid } from '../support/cases';
import { uniqueSuffix } from '../support/env';

const MARKER = `sec-${uniqueSuffix()}`;

describe('security of the case and task API', () => {
  let s: ApiSuite;
  const created = new Set<string>();

  beforeAll(async () => {
    s = await startApiSuite('api-security');
  });
  afterAll(async () => {
    if (!s) return;
    const ours = await s.prisma.case.findMany({ where: { description: { contains: MARKER } }, select: { id: true } });
    await terminateCases(s, new Set([...created, ...ours.map((c) => c.id)]));
    await s.close();
  });

  const problem = (res: request.Response) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return JSON.parse(res.text) as { status: number; code?: string; field?: string; detail?: string; roles?: string[] };
  };

  /** A point inside the (first) grid of a demo grid worker. */
  async function pointInGridOf(username: string): Promise<{ lat: number; lng: number; gridId: number }> {
    const u = await s.prisma.user.findUniqueOrThrow({ where: { username }, select: { grids: { select: { grid: { select: { id: true, boundary: true } } }, orderBy: { gridId: 'asc' }, take: 1 } } });
    const g = u.grids[0].grid;
    const [lng, lat] = interiorPoint(g.boundary as unknown as AreaGeometry);
    return { lat, lng, gridId: g.id };
  }

  async function report(username: string, at: { lat: number; lng: number }, description = `${MARKER} 井盖缺失`) {
    const res = await request(s.app)
      .post('/api/cases')
      .set('Authorization', await s.auth(username))
      .send({ category: 'SS01', description, location: { lat: at.lat, lng: at.lng, address: '测试地址' } });
    if (res.status === 201) created.add(res.body.id);
    return res;
  }

  describe('reporting is limited by role and area', () => {
    it('given a 西城 handler, when he reports in a 东城 grid, then 403 OUTSIDE_AREA naming body.location, no case is written and he reads nothing of it', async () => {
      const dongcheng = await wangfangGrid(s.prisma);
      const description = `${MARKER} 西城处置人员跨区上报`;
      const res = await report('xc.handler', dongcheng, description);
      expect(problem(res)).toMatchObject({ status: 403, code: 'OUTSIDE_AREA', field: 'body.location' });
      expect(await s.prisma.case.count({ where: { description } })).toBe(0);
      const listed = await request(s.app).get('/api/cases').query({ q: description }).set('Authorization', await s.auth('xc.handler'));
      expect(listed.body.items).toEqual([]);
    });

    it('given a 西城 handler, when he reports in a 西城 grid, then 201', async () => {
      const res = await report('xc.handler', await pointInGridOf('huangli'));
      expect(res.status).toBe(201);
      expect(res.body.district).toMatchObject({ name: '西城区' });
    });

    it('given a grid worker, he reports in his own grid (201) but not in the next grid of his community (403)', async () => {
      expect((await report('zhangwei', await pointInGridOf('zhangwei'))).status).toBe(201);
      expect(problem(await report('zhangwei', await wangfangGrid(s.prisma)))).toMatchObject({ status: 403, code: 'OUTSIDE_AREA', field: 'body.location' });
    });

    it('given a community handler, he reports in his community (201) but not in a grid of the sibling street 景山 (403)', async () => {
      expect((await report('dhm1.handler', await wangfangGrid(s.prisma))).status).toBe(201);
      expect(problem(await report('dhm1.handler', await pointInGridOf('sunhao')))).toMatchObject({ status: 403, code: 'OUTSIDE_AREA' });
    });

    it("given a 东城 department handler, he reports in his department's district (201) but not in 西城 (403)", async () => {
      expect((await report('dc.cg.handler', await wangfangGrid(s.prisma))).status).toBe(201);
      expect(problem(await report('dc.cg.handler', await pointInGridOf('huangli')))).toMatchObject({ status: 403, code: 'OUTSIDE_AREA' });
    });

    it('given a point outside every grid, the answer stays 422 OUTSIDE_GRIDS', async () => {
      expect(problem(await report('xc.handler', { lat: 31.2, lng: 121.5 }))).toMatchObject({ status: 422, code: 'OUTSIDE_GRIDS', field: 'body.location' });
    });
  });

  describe('search text is taken literally (q=% and q=_ are not wildcards)', () => {
    let percent: string;
    let plain: string;
    beforeAll(async () => {
      const g = await wangfangGrid(s.prisma);
      percent = (await reportAs(s, 'wangfang', { description: `${MARKER} 井盖下沉约 5%`, location: { lat: g.lat, lng: g.lng, address: '东华门大街_12号' } })).id;
      plain = (await reportAs(s, 'wangfang', { description: `${MARKER} 井盖缺失` })).id;
      created.add(percent).add(plain);
    });

    it.each(['%', '_'])('given GET /api/cases?q=%s, only cases holding that very character are listed', async (q) => {
      const res = await request(s.app).get('/api/cases').query({ q, limit: 100 }).set('Authorization', await s.auth('dhm1.handler'));
      expect(res.status).toBe(200);
      const ids = res.body.items.map((c: { id: string }) => c.id);
      expect(ids).toContain(percent);
      expect(ids).not.toContain(plain);
      for (const c of res.body.items as { id: string; description: string; address: string | null }[]) expect(`${c.id} ${c.description} ${c.address ?? ''}`).toContain(q);
    });

    it.each(['%', '_'])('given GET /api/tasks?q=%s, only tasks of cases holding that very character are listed', async (q) => {
      await inboxTask(s, 'dhm1.handler', percent, 'Task_Accept');
      await inboxTask(s, 'dhm1.handler', plain, 'Task_Accept');
      const res = await request(s.app).get('/api/tasks').query({ q, limit: 100 }).set('Authorization', await s.auth('dhm1.handler'));
      expect(res.status).toBe(200);
      const cases = res.body.items.map((t: { caseId: string }) => t.caseId);
      expect(cases).toContain(percent);
      expect(cases).not.toContain(plain);
    });

    it.each([
      ['/api/admin/users', ['username', 'displayName']],
      ['/api/admin/org-units', ['name', 'code']],
      ['/api/admin/grids', ['name', 'code']],
      ['/api/admin/departments', ['name', 'code']],
      ['/api/admin/categories', ['name', 'code']],
      ['/api/admin/processes', ['key', 'name']],
    ])('given GET %s?q=%%, only rows holding a literal %% are listed', async (path, fields) => {
      const res = await request(s.app).get(path).query({ q: '%', limit: 100 }).set('Authorization', await s.auth('admin'));
      expect(res.status).toBe(200);
      for (const row of res.body.items as Record<string, unknown>[]) expect(fields.map((f) => String(row[f] ?? '')).join(' ')).toContain('%');
    });

    it('given GET /api/admin/users?q=_, the account with an underscore is listed and no account without one', async () => {
      const username = `sec_${uniqueSuffix()}`;
      const u = await s.prisma.user.create({ data: { username, displayName: '下划线测试', passwordHash: 'x' }, select: { id: true } });
      try {
        const res = await request(s.app).get('/api/admin/users').query({ q: '_', limit: 100 }).set('Authorization', await s.auth('admin'));
        expect(res.status).toBe(200);
        expect(res.body.items.map((x: { username: string }) => x.username)).toContain(username);
        for (const row of res.body.items as { username: string; displayName: string }[]) expect(`${row.username} ${row.displayName}`).toContain('_');
      } finally {
        await s.prisma.user.delete({ where: { id: u.id } });
      }
    });
  });

  describe('candidate keys: the caller’s and a task’s, with display names', () => {
    it('given the community handler, GET /api/auth/me lists his candidate keys (his user, his unit and role) with their names', async () => {
      const me = await request(s.app).get('/api/auth/me').set('Authorization', await s.auth('dhm1.handler'));
      const unit = await s.prisma.orgUnit.findFirstOrThrow({ where: { name: '东华门第一社区' }, select: { id: true } });
      expect(me.body.principals).toEqual(
        expect.arrayContaining([
          { key: `user:${me.body.id}`, kind: 'user', role: null, name: '李明' },
          { key: `unit:${unit.id}:HANDLER`, kind: 'unit', role: 'HANDLER', name: '东华门第一社区处置人员' },
        ]),
      );
    });

    it('given a department handler, his candidate keys name his department', async () => {
      const me = await request(s.app).get('/api/auth/me').set('Authorization', await s.auth('dc.cg.handler'));
      expect(me.body.principals).toEqual(expect.arrayContaining([{ key: 'dept:CG:HANDLER', kind: 'department', role: 'HANDLER', name: '东城区城市管理委员会处置人员' }]));
    });

    it('given a task offered to the community, its candidates carry names, and their keys meet the handler’s own', async () => {
      const c = await reportAs(s, 'wangfang', { description: `${MARKER} 候选人名称` });
      created.add(c.id);
      const t = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
      const unit = await s.prisma.orgUnit.findFirstOrThrow({ where: { name: '东华门第一社区' }, select: { id: true } });
      const named = { key: `unit:${unit.id}:HANDLER`, kind: 'unit', role: 'HANDLER', name: '东华门第一社区处置人员' };
      expect(t.candidates).toEqual([named]);
      const one = await request(s.app).get(`/api/tasks/${encodeURIComponent(t.id)}`).set('Authorization', await s.auth('dc.auditor'));
      expect(one.body.candidates).toEqual([named]);
      const me = await request(s.app).get('/api/auth/me').set('Authorization', await s.auth('dhm1.handler'));
      const mine = new Set(me.body.principals.map((p: { key: string }) => p.key));
      expect((t.candidates as { key: string }[]).some((x) => mine.has(x.key))).toBe(true);
    });
  });

  describe('role refusals name their field and code', () => {
    it('given an auditor who urges, 403 ROLE_REQUIRED names header.Authorization and the roles, in Chinese and in English', async () => {
      const c = await reportAs(s, 'wangfang', { description: `${MARKER} 审计人员催办` });
      created.add(c.id);
      const zh = await request(s.app).post(`/api/cases/${c.id}/urge`).set('Authorization', await s.auth('dc.auditor')).send({});
      expect(problem(zh)).toMatchObject({ status: 403, code: 'ROLE_REQUIRED', field: 'header.Authorization', roles: ['SUPERVISOR'], detail: '需要以下角色之一：督办人员' });
      const en = await request(s.app).post(`/api/cases/${c.id}/urge`).set('Authorization', await s.auth('dc.auditor')).set('Accept-Language', 'en').send({});
      expect(problem(en)).toMatchObject({ status: 403, code: 'ROLE_REQUIRED', field: 'header.Authorization', detail: 'requires one of the roles: supervisor' });
    });

    it('given a district administrator changing a city-wide setting, 403 CITY_ADMINISTRATOR_REQUIRED names header.Authorization', async () => {
      const res = await request(s.app).post('/api/admin/processes').set('Authorization', await s.auth('dc.admin')).send({ key: `sec-${uniqueSuffix()}`, name: '安全测试' });
      expect(problem(res)).toMatchObject({ status: 403, code: 'CITY_ADMINISTRATOR_REQUIRED', field: 'header.Authorization' });
    });
  });
});
