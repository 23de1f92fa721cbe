/**
 * What the case page reads and the reporter's 撤回, through the API: a case's path through its
 * process version (visits, flows taken, active elements, hops between tiers), the diagram of that
 * version, the map of where it lies, and withdrawing a report before it is dispatched. Everyone in
 * scope reads them; out of scope (马骏 of 西城区) is a 404.
 */
import request from 'supertest';
import { startApiSuite, terminateCases, type ApiSuite } from '../support/api';
import { act, inboxTask, reportAs } from '../support/api-flow';
import { caseStatus, closedAfterEscalation, ESCALATION_REASON } from '../support/case-flow';
import { newCaseId, openTask, reportCase, wangfangGrid } from '../support/cases';

jest.setTimeout(120_000);

interface Visit {
  state: string;
  tier: string | null;
  unit: { name: string } | null;
  actor: { id: number | null; name: string } | null;
  via: string;
  inferred: boolean;
  enteredAt: string;
  leftAt: string | null;
  outcome: string | null;
  taskId: string | null;
}
interface PathBody {
  process: { key: string; version: number };
  elements: { elementId: string; type: string; visits: Visit[] }[];
  flows: string[];
  active: string[];
  escalations: { fromTier: string; toTier: string; fromUnit: { name: string }; toUnit: { name: string }; actor: { name: string }; reason: string; elementId: string; automatic: boolean }[];
}

describe('the case page through the API', () => {
  let s: ApiSuite;
  const started: string[] = [];
  const get = async (url: string, user: string) => request(s.app).get(url).set('Authorization', await s.auth(user));
  const withdraw = async (id: string, user: string, body: Record<string, unknown> = { reason: '已自行解决' }) => request(s.app).post(`/api/cases/${id}/withdraw`).set('Authorization', await s.auth(user)).send(body);

  beforeAll(async () => {
    s = await startApiSuite('api-casepage');
  });
  afterAll(async () => {
    await terminateCases(s, started);
    await s.close();
  });

  describe('a case closed at the street after the community escalated it', () => {
    let caseId: string;
    let path: PathBody;
    const visitsOf = (id: string) => path.elements.find((e) => e.elementId === id)?.visits ?? [];

    beforeAll(async () => {
      caseId = await closedAfterEscalation(s);
      started.push(caseId);
      const rated = await request(s.app).post(`/api/cases/${caseId}/rating`).set('Authorization', await s.auth('wangfang')).send({ score: 4, comment: '处理及时' });
      expect(rated.status).toBe(201);
      const res = await get(`/api/cases/${caseId}/path`, 'dc.auditor');
      expect(res.status).toBe(200);
      path = res.body;
    });

    it('given the auditor, when she reads the path, then it runs on standard-closed-loop and nothing is active any more', () => {
      expect(path.process).toMatchObject({ key: 'standard-closed-loop', version: expect.any(Number) });
      expect(path.active).toEqual([]);
    });

    it('then 处置 was visited twice: escalated by 李明 at the community, completed by 许文博 at the street', () => {
      const handle = visitsOf('Task_Handle');
      expect(handle).toEqual([
        expect.objectContaining({ state: 'ESCALATED', tier: 'VILLAGE', unit: expect.objectContaining({ name: '东华门第一社区' }), actor: expect.objectContaining({ name: '李明' }), via: 'flow', inferred: false }),
        expect.objectContaining({ state: 'COMPLETED', tier: 'TOWNSHIP', unit: expect.objectContaining({ name: '东华门街道' }), actor: expect.objectContaining({ name: '许文博' }), via: 'escalated', outcome: 'done' }),
      ]);
      for (const v of handle) expect(Date.parse(v.leftAt as string)).toBeGreaterThanOrEqual(Date.parse(v.enteredAt));
      expect(handle[0].taskId).toMatch(new RegExp(`^${caseId}~T\\d+$`));
    });

    it('then the path runs from the report through every step to 已结案, along the flows taken and not the others', () => {
      const order = path.elements.map((e) => e.elementId);
      for (const id of ['StartEvent_Reported', 'Task_Accept', 'Gateway_AcceptOutcome', 'Task_Register', 'Task_Dispatch', 'SubProcess_Handle', 'Task_Handle', 'Task_Verify', 'Task_Close', 'Task_Evaluate', 'EndEvent_Closed']) expect(order).toContain(id);
      expect(order.indexOf('Task_Accept')).toBeLessThan(order.indexOf('Task_Verify'));
      expect(path.flows).toEqual(expect.arrayContaining(['Flow_ReportedToAccept', 'Flow_AcceptToRegister', 'Flow_DispatchToEnterHandling', 'Flow_EnterHandlingToHandle', 'Flow_HandleToOutcome', 'Flow_HandleToHandled', 'Flow_HandleToVerify', 'Flow_VerifyToClose', 'Flow_EvaluateToClosed']));
      for (const not of ['Flow_AcceptToRejected', 'Flow_AcceptToMerged', 'Flow_VerifyToRework', 'Flow_HandleToCannotHandle', 'Flow_WithdrawToWithdrawn']) expect(path.flows).not.toContain(not);
      for (const not of ['EndEvent_Rejected', 'Task_Rework', 'EndEvent_Withdrawn']) expect(order).not.toContain(not);
      // gateways and end events leave no row: inferred; the sub-process spans both tiers once
      expect(visitsOf('Gateway_AcceptOutcome')).toEqual([expect.objectContaining({ inferred: true, state: 'PASSED' })]);
      expect(visitsOf('SubProcess_Handle')).toEqual([expect.objectContaining({ inferred: true, state: 'COMPLETED' })]);
      expect(visitsOf('Task_Close')).toEqual([expect.objectContaining({ state: 'COMPLETED', actor: { id: null, name: '系统' } })]);
    });

    it('then the hop between tiers names both units, who and why', () => {
      expect(path.escalations).toEqual([
        expect.objectContaining({ fromTier: 'VILLAGE', toTier: 'TOWNSHIP', fromUnit: expect.objectContaining({ name: '东华门第一社区' }), toUnit: expect.objectContaining({ name: '东华门街道' }), actor: expect.objectContaining({ name: '李明' }), reason: ESCALATION_REASON, elementId: 'Task_Handle', automatic: false }),
      ]);
    });

    it('then the case itself says it was escalated once, its rating, and that the auditor may do nothing to it', async () => {
      const res = await get(`/api/cases/${caseId}`, 'dc.auditor');
      expect(res.body).toMatchObject({ status: 'CLOSED', closedTier: 'TOWNSHIP', escalations: 1, rating: { score: 4, comment: '处理及时' }, actions: [] });
    });

    it('then the diagram is the BPMN XML of that version, for anyone in scope', async () => {
      for (const user of ['dc.auditor', 'wangfang', 'dhm.handler']) {
        const res = await get(`/api/cases/${caseId}/diagram`, user);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/xml/);
        expect(res.text).toContain('id="Task_Handle"');
        expect(res.text).toContain('BPMNDiagram');
      }
    });

    it('then the map holds the case grid, its community and street grids with names, and the point inside its grid', async () => {
      const g = await wangfangGrid(s.prisma);
      const res = await get(`/api/cases/${caseId}/map`, 'dc.auditor');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'FeatureCollection', located: true, area: { level: 'TOWNSHIP', name: '东华门街道' }, point: { lat: expect.any(Number), lng: expect.any(Number) } });
      const grids = res.body.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'grid');
      const own = grids.filter((f: { properties: { role: string } }) => f.properties.role === 'case');
      expect(own).toEqual([expect.objectContaining({ geometry: expect.objectContaining({ type: expect.stringMatching(/Polygon/) }), properties: expect.objectContaining({ gridId: g.gridId, name: '东华门第一社区第3网格', label: '第3网格', community: '东华门第一社区' }) })]);
      expect(grids.some((f: { properties: { role: string } }) => f.properties.role === 'community')).toBe(true);
      expect(grids.some((f: { properties: { role: string } }) => f.properties.role === 'street')).toBe(true);
      const point = res.body.features.find((f: { properties: { kind: string } }) => f.properties.kind === 'case');
      expect(point.geometry).toEqual({ type: 'Point', coordinates: [res.body.point.lng, res.body.point.lat] });
      const [minLng, minLat, maxLng, maxLat] = res.body.bbox;
      expect(res.body.point.lng).toBeGreaterThan(minLng);
      expect(res.body.point.lng).toBeLessThan(maxLng);
      expect(res.body.point.lat).toBeGreaterThan(minLat);
      expect(res.body.point.lat).toBeLessThan(maxLat);
    });

    it('given 马骏, a handler of 西城区, then path, diagram and map are a 404 as the case itself is', async () => {
      for (const tail of ['', '/path', '/diagram', '/map']) {
        const res = await get(`/api/cases/${caseId}${tail}`, 'xc.handler');
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(JSON.parse(res.text)).toMatchObject({ field: 'path.id' });
      }
      const unknown = await get('/api/cases/DC-20200101-99999/path', 'dc.auditor');
      expect(unknown.status).toBe(404);
    });
  });

  it('given a case waiting at 受理, then its path marks 受理 active, held by no one yet', async () => {
    const c = await reportAs(s, 'wangfang');
    started.push(c.id);
    await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    const res = await get(`/api/cases/${c.id}/path`, 'dhm1.handler');
    expect(res.status).toBe(200);
    expect(res.body.active).toEqual(['Task_Accept']);
    const accept = res.body.elements.find((e: { elementId: string }) => e.elementId === 'Task_Accept');
    expect(accept.visits).toEqual([expect.objectContaining({ state: 'ACTIVE', leftAt: null, tier: 'VILLAGE', actor: null })]);
    expect(res.body.flows).toEqual(['Flow_ReportedToAccept']);
  });

  it('given a report without a point (an Open311 address), then its map is its district’s grids and says it is not located', async () => {
    const district = await s.prisma.orgUnit.findFirstOrThrow({ where: { name: '东城区', level: 'DISTRICT' }, select: { id: true } });
    const { handle, input } = await reportCase(s.prisma, s.temporal.client, s.taskQueue, {
      categoryCode: 'SS01',
      caseId: newCaseId('CP'),
      description: '热线来电：东华门大街12号门前井盖缺失',
      gridId: null,
      districtId: district.id,
      lat: null,
      lng: null,
      channel: 'HOTLINE_12345',
      reporter: { userId: null, name: '王先生' },
    });
    started.push(input.caseId);
    await openTask(handle, 'Task_Accept', s.prisma);
    const res = await get(`/api/cases/${input.caseId}/map`, 'dc.dispatcher');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ located: false, point: null, area: { level: 'DISTRICT', name: '东城区' } });
    expect(res.body.features.length).toBeGreaterThan(50);
    expect(res.body.features.every((f: { properties: { kind: string; role: string } }) => f.properties.kind === 'grid' && f.properties.role === 'district')).toBe(true);
  });

  describe('撤回 (withdraw)', () => {
    it('given 王芳’s fresh report, when she withdraws it, then it ends WITHDRAWN, its 受理 task is cancelled and the history says why, intact', async () => {
      const c = await reportAs(s, 'wangfang', { description: '楼道灯不亮（已自行修好）' });
      started.push(c.id);
      const accept = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
      const before = await get(`/api/cases/${c.id}`, 'wangfang');
      expect(before.body.actions).toEqual(['withdraw']);

      // someone else in scope may not; someone out of scope does not see it
      const other = await withdraw(c.id, 'dhm1.handler');
      expect(other.status).toBe(403);
      expect(JSON.parse(other.text)).toMatchObject({ code: 'NOT_REPORTER', field: 'path.id' });
      expect((await withdraw(c.id, 'xc.handler')).status).toBe(404);
      // a reason is required
      const noReason = await withdraw(c.id, 'wangfang', {});
      expect(noReason.status).toBe(400);
      expect(JSON.parse(noReason.text)).toMatchObject({ field: 'body.reason' });

      const done = await withdraw(c.id, 'wangfang', { reason: '已自行修好' });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ id: c.id, status: 'WITHDRAWN', statusLabel: '已撤回', closedAt: expect.any(String), event: { action: 'withdraw', actor: { name: '王芳' }, reason: '已自行修好', fromStatus: 'REPORTED', toStatus: 'WITHDRAWN' } });

      const after = await get(`/api/cases/${c.id}`, 'wangfang');
      expect(after.body).toMatchObject({ status: 'WITHDRAWN', activeTasks: [], actions: [] });
      expect((await get(`/api/tasks/${accept.id}`, 'dhm1.handler')).body.state).toBe('CANCELLED');
      const verified = await get(`/api/cases/${c.id}/history/verify`, 'dc.auditor');
      expect(verified.body).toMatchObject({ intact: true });
      const path = await get(`/api/cases/${c.id}/path`, 'wangfang');
      expect(path.body.active).toEqual([]);
      expect(path.body.elements.find((e: { elementId: string }) => e.elementId === 'Task_Accept').visits).toEqual([expect.objectContaining({ state: 'CANCELLED' })]);

      // and once ended, it cannot be withdrawn again
      const again = await withdraw(c.id, 'wangfang');
      expect(again.status).toBe(409);
      expect(JSON.parse(again.text)).toMatchObject({ code: 'CASE_ENDED' });
    });

    it('given a report 立案 has sent on to 派遣, when 王芳 withdraws it, then it is too late: 409 ALREADY_DISPATCHED and nothing is written', async () => {
      const c = await reportAs(s, 'wangfang');
      started.push(c.id);
      for (const step of ['Task_Accept', 'Task_Register']) {
        const t = await inboxTask(s, 'dhm1.handler', c.id, step);
        expect((await act(s, 'dhm1.handler', t.id, 'complete', step === 'Task_Accept' ? { outcome: 'accept' } : {})).status).toBe(200);
      }
      await inboxTask(s, 'dhm1.handler', c.id, 'Task_Dispatch');
      const seen = await caseStatus(s, c.id, 'DISPATCHED', 'wangfang');
      expect(seen.actions).toEqual([]);
      const rows = (await get(`/api/cases/${c.id}/history`, 'dc.auditor')).body.events.length;
      const late = await withdraw(c.id, 'wangfang');
      expect(late.status).toBe(409);
      expect(JSON.parse(late.text)).toMatchObject({ code: 'ALREADY_DISPATCHED', field: 'path.id', caseStatus: 'DISPATCHED' });
      expect((await get(`/api/cases/${c.id}/history`, 'dc.auditor')).body.events.length).toBe(rows);
      expect((await get(`/api/cases/${c.id}`, 'wangfang')).body.status).toBe('DISPATCHED');
    });

    it('given a report still at 立案, when 王芳 withdraws it with an Idempotency-Key twice, then it is withdrawn once', async () => {
      const c = await reportAs(s, 'wangfang');
      started.push(c.id);
      const t = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
      expect((await act(s, 'dhm1.handler', t.id, 'complete', { outcome: 'accept' })).status).toBe(200);
      await caseStatus(s, c.id, 'REGISTERED', 'wangfang');
      const send = async () => request(s.app).post(`/api/cases/${c.id}/withdraw`).set('Authorization', await s.auth('wangfang')).set('Idempotency-Key', `withdraw-${c.id}`).send({ reason: '重复上报' });
      const first = await send();
      const second = await send();
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      const rows = (await get(`/api/cases/${c.id}/history`, 'dc.auditor')).body.events.filter((e: { action: string }) => e.action === 'withdraw');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ fromStatus: 'REGISTERED', toStatus: 'WITHDRAWN' });
    });
  });
});
