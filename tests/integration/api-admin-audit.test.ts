/**
 * The administration's audit log (issue 12): every change to processes, categories and their time
 * limits, org units, grids, departments, users and their roles, and calendar days is one
 * append-only entry with who, what, before and after, written with the change (a refused change
 * leaves none), and read by the administrators and auditors of the scope at GET /api/admin/audit.
 */
import fs from 'node:fs';
import path from 'node:path';
import mariadb from 'mariadb';
import request from 'supertest';
import { connectionOptions } from '../../platform/db/url';
import { startApiSuite, DEMO_PASSWORD, type ApiSuite, signedIn } from '../support/api';
import { testServices, uniqueSuffix } from '../support/env';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'bpmn');
const BPMN = fs
  .readFileSync(path.join(FIXTURES, 'user-task-without-assignee.bpmn'), 'utf8')
  .replace('<bpmn:userTask id="Task_Handle" name="处置"', '<bpmn:userTask id="Task_Handle" name="处置" grid:assignee="tier:current"');

type Entry = { id: string; at: string; actor: { id: number | null; name: string }; action: string; entity: string; entityId: string; orgPath: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null };

describe('the administration audit log', () => {
  let s: ApiSuite;
  const run = uniqueSuffix();
  const ids = { dongcheng: 0, xicheng: 0, admin: 0 };

  const as = (username: string) => signedIn(s, username);
  /** The entries of one entity, oldest first, as `reader` sees them. */
  const entriesOf = async (entity: string, entityId: string | number, reader = 'admin'): Promise<Entry[]> => {
    const res = await (await as(reader)).get(`/api/admin/audit?entity=${entity}&entityId=${entityId}`);
    expect(res.status).toBe(200);
    return (res.body.items as Entry[]).reverse();
  };

  beforeAll(async () => {
    s = await startApiSuite('admin-audit');
    ids.dongcheng = (await s.prisma.orgUnit.findFirstOrThrow({ where: { casePrefix: 'DC' } })).id;
    ids.xicheng = (await s.prisma.orgUnit.findFirstOrThrow({ where: { casePrefix: 'XC' } })).id;
    ids.admin = (await s.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('given an administrator changes org units and grids, each change is written with who, what, before and after', async () => {
    const admin = await as('admin');
    const street = await admin.post('/api/admin/org-units').send({ parentId: ids.dongcheng, name: `审计街道${run}` });
    expect(street.status).toBe(201);
    const village = await admin.post('/api/admin/org-units').send({ parentId: street.body.id, name: `审计社区${run}` });
    expect(village.status).toBe(201);
    const renamed = await admin.patch(`/api/admin/org-units/${village.body.id}`).send({ name: `审计社区改名${run}` });
    expect(renamed.status).toBe(200);
    const lng = 100 + Math.random(), lat = 20 + Math.random();
    const ring = [[lng, lat], [lng + 0.001, lat], [lng + 0.001, lat + 0.001], [lng, lat + 0.001], [lng, lat]].map(([x, y]) => [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7]);
    const grid = await admin.post('/api/admin/grids').send({ villageId: village.body.id, households: 10, boundary: { type: 'Polygon', coordinates: [ring] } });
    expect(grid.status).toBe(201);
    expect((await admin.patch(`/api/admin/grids/${grid.body.id}`).send({ households: 12 })).status).toBe(200);
    expect((await admin.delete(`/api/admin/grids/${grid.body.id}`)).status).toBe(204);
    expect((await admin.delete(`/api/admin/org-units/${village.body.id}`)).status).toBe(204);

    const unit = await entriesOf('org-unit', village.body.id);
    expect(unit.map((e) => e.action)).toEqual(['org-unit.create', 'org-unit.update', 'org-unit.delete']);
    expect(unit[0]).toMatchObject({ actor: { id: ids.admin, name: '系统管理员' }, before: null, after: { name: `审计社区${run}`, level: 'VILLAGE' }, orgPath: village.body.path });
    expect(unit[1]).toMatchObject({ before: { name: `审计社区${run}` }, after: { name: `审计社区改名${run}` } });
    expect(unit[2]).toMatchObject({ before: { name: `审计社区改名${run}` }, after: null });
    const g = await entriesOf('grid', grid.body.id);
    expect(g.map((e) => e.action)).toEqual(['grid.create', 'grid.update', 'grid.delete']);
    expect(g[1]).toMatchObject({ before: { grid: { households: 10 } }, after: { grid: { households: 12 } } });
    expect(g[2].before).toMatchObject({ grid: { id: grid.body.id } });
    await admin.delete(`/api/admin/org-units/${street.body.id}`);
  });

  it('given departments, categories with time limits, calendar days and processes, each change is written; a refused change writes nothing', async () => {
    const admin = await as('admin');
    const code = `A${run.toUpperCase()}`.slice(0, 32);
    const dept = await admin.post('/api/admin/departments').send({ code, kind: `K${run.toUpperCase()}`.slice(0, 16), name: `审计部门${run}`, orgUnitId: ids.dongcheng });
    expect(dept.status).toBe(201);
    // a refused change (the code is taken) leaves no entry
    const since = new Date(Date.now() - 60_000);
    expect((await admin.post('/api/admin/departments').send({ code, kind: 'OTHER', name: `重复${run}`, orgUnitId: ids.dongcheng })).status).toBe(409);
    const recent = await s.prisma.adminAuditEntry.findMany({ where: { entity: 'department', at: { gte: since } }, select: { after: true } });
    expect(recent.filter((e) => (e.after as { name?: string } | null)?.name === `重复${run}`)).toEqual([]);
    expect(await s.prisma.adminAuditEntry.count({ where: { entity: 'department', entityId: String(dept.body.id) } })).toBe(1);
    expect((await admin.patch(`/api/admin/departments/${dept.body.id}`).send({ active: false })).status).toBe(200);
    expect((await admin.delete(`/api/admin/departments/${dept.body.id}`)).status).toBe(204);
    expect((await entriesOf('department', dept.body.id)).map((e) => [e.action, e.before?.active ?? null, e.after?.active ?? null])).toEqual([
      ['department.create', null, true],
      ['department.update', true, false],
      ['department.delete', false, null],
    ]);

    const cat = await admin.post('/api/admin/categories').send({ code: `Z${run}`.slice(0, 16), name: '审计分类', level: 'MAJOR', timeLimits: [{ tier: 'VILLAGE', duration: 'P2D', calendar: 'WORKING_DAYS' }] });
    expect(cat.status).toBe(201);
    expect((await admin.patch(`/api/admin/categories/${cat.body.id}`).send({ timeLimits: [{ tier: 'VILLAGE', duration: 'PT8H', calendar: 'WORKING_HOURS' }] })).status).toBe(200);
    expect((await admin.delete(`/api/admin/categories/${cat.body.id}`)).status).toBe(204);
    const c = await entriesOf('category', cat.body.id);
    expect(c.map((e) => e.action)).toEqual(['category.create', 'category.update', 'category.delete']);
    expect(c[1]).toMatchObject({ orgPath: null, before: { timeLimits: [expect.objectContaining({ duration: 'P2D' })] }, after: { timeLimits: [expect.objectContaining({ duration: 'PT8H' })] } });

    const day = `2099-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-1${Math.floor(Math.random() * 10)}`;
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const kind = weekday === 0 || weekday === 6 ? 'ADJUSTED_WORKDAY' : 'HOLIDAY';
    await admin.delete(`/api/admin/calendar/${day}`);
    expect((await admin.put(`/api/admin/calendar/${day}`).send({ kind, note: '审计' })).status).toBe(201);
    expect((await admin.delete(`/api/admin/calendar/${day}`)).status).toBe(204);
    const d = (await entriesOf('calendar-day', day)).slice(-2);
    expect(d).toMatchObject([
      { action: 'calendar-day.put', before: null, after: { date: day, kind, note: '审计' } },
      { action: 'calendar-day.delete', before: { kind }, after: null },
    ]);

    const key = `audit-${run}`;
    expect((await admin.post('/api/admin/processes').send({ key, name: '审计流程' })).status).toBe(201);
    expect((await admin.put(`/api/admin/processes/${key}/draft`).set('Content-Type', 'application/xml').send(BPMN)).status).toBe(200);
    const deployed = await admin.post(`/api/admin/processes/${key}/deploy`).send({ comment: '首次部署' });
    expect(deployed.status).toBe(201);
    const p = await entriesOf('process', key);
    expect(p.map((e) => e.action)).toEqual(['process.create', 'process.draft', 'process.deploy']);
    expect(p[1]).toMatchObject({ before: { draft: null }, after: { draft: { bytes: Buffer.byteLength(BPMN), etag: expect.any(String) } } });
    expect(p[2]).toMatchObject({ after: { key, version: 1, comment: '首次部署', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it('given users and their roles change, each change is written with the roles before and after, never the password', async () => {
    const admin = await as('admin');
    const village = await s.prisma.orgUnit.findFirstOrThrow({ where: { name: '东华门第一社区' } });
    const created = await admin.post('/api/admin/users').send({ username: `audit.${run}`, displayName: '审计用户', password: DEMO_PASSWORD, memberships: [{ role: 'HANDLER', orgUnitId: village.id }] });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    const added = await admin.post(`/api/admin/users/${id}/memberships`).send({ role: 'SUPERVISOR', orgUnitId: village.id });
    expect(added.status).toBe(201);
    const supervisor = (added.body.memberships as { id: number; role: string }[]).find((m) => m.role === 'SUPERVISOR')!;
    expect((await admin.delete(`/api/admin/users/${id}/memberships/${supervisor.id}`)).status).toBe(204);
    expect((await admin.patch(`/api/admin/users/${id}`).send({ password: 'Another#Passw0rd2026' })).status).toBe(200);
    expect((await admin.post(`/api/admin/users/${id}/unlock`)).status).toBe(200);
    expect((await admin.delete(`/api/admin/users/${id}`)).status).toBe(204);

    const u = await entriesOf('user', id);
    expect(u.map((e) => e.action)).toEqual(['user.create', 'user.membership-add', 'user.membership-remove', 'user.update', 'user.unlock', 'user.delete']);
    const roles = (x: Record<string, unknown> | null) => ((x?.memberships ?? []) as { role: string }[]).map((m) => m.role).sort();
    expect(u.filter((e) => e.action !== 'user.unlock').map((e) => [roles(e.before), roles(e.after)])).toEqual([
      [[], ['HANDLER']],
      [['HANDLER'], ['HANDLER', 'SUPERVISOR']],
      [['HANDLER', 'SUPERVISOR'], ['HANDLER']],
      [['HANDLER'], ['HANDLER']],
      [['HANDLER'], []],
    ]);
    expect(u[4]).toMatchObject({ before: { username: `audit.${run}`, lockedUntil: null }, after: { lockedUntil: null }, orgPath: village.path });
    expect(u[3].after).toMatchObject({ passwordChanged: true });
    expect(JSON.stringify(u)).not.toMatch(/passwordHash|scrypt|Another#Passw0rd2026/);
    expect(u[0].orgPath).toBe(village.path);
  });

  it('auditors and administrators read the entries of their scope (and the city-wide ones), in cursor pages; others may not', async () => {
    const admin = await as('admin');
    const xc = await admin.post('/api/admin/departments').send({ code: `X${run.toUpperCase()}`.slice(0, 32), kind: `X${run.toUpperCase()}`.slice(0, 16), name: `西城审计部门${run}`, orgUnitId: ids.xicheng });
    const dc = await admin.post('/api/admin/departments').send({ code: `D${run.toUpperCase()}`.slice(0, 32), kind: `D${run.toUpperCase()}`.slice(0, 16), name: `东城审计部门${run}`, orgUnitId: ids.dongcheng });
    expect([xc.status, dc.status]).toEqual([201, 201]);
    // the 东城 auditor sees 东城's department, not 西城's
    expect(await entriesOf('department', dc.body.id, 'dc.auditor')).toHaveLength(1);
    expect(await entriesOf('department', xc.body.id, 'dc.auditor')).toHaveLength(0);
    expect(await entriesOf('department', xc.body.id, 'admin')).toHaveLength(1);
    // city-wide settings are read by every reader of the administration
    const auditor = await as('dc.auditor');
    const cityWide = await auditor.get('/api/admin/audit?entity=process&limit=5');
    expect(cityWide.status).toBe(200);
    expect(cityWide.body.items.length).toBeGreaterThan(0);
    // cursor pages: newest first, no entry twice
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 3; i++) {
      const res: request.Response = await admin.get(`/api/admin/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((e: Entry) => e.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));
    expect((await admin.get('/api/admin/audit?cursor=not-a-cursor')).status).toBe(400);
    // a handler is not a reader of the administration
    expect((await (await as('dhm1.handler')).get('/api/admin/audit')).status).toBe(403);
    await admin.delete(`/api/admin/departments/${xc.body.id}`);
    await admin.delete(`/api/admin/departments/${dc.body.id}`);
  });

  it("is append-only: the application's account can neither change nor delete an entry", async () => {
    const app = await mariadb.createConnection(connectionOptions(testServices().databaseUrl));
    try {
      await expect(app.query("UPDATE admin_audit_log SET actorName = 'someone else' WHERE id > 0")).rejects.toThrow(/append-only/);
      await expect(app.query('DELETE FROM admin_audit_log WHERE id > 0')).rejects.toThrow(/append-only/);
      await expect(app.query('DROP TRIGGER admin_audit_log_no_delete')).rejects.toThrow(/denied/);
    } finally {
      await app.end();
    }
  });
});
