/**
 * Duplicates and merging (并案), unclassified reports classified at 立案, and the requests the
 * tier above decides: void (作废) and deferral (缓办).
 */
import request from 'supertest';
import { startApiSuite, terminateCases, type ApiSuite } from '../support/api';
import { act, inboxTask, reportAs } from '../support/api-flow';

describe('case requests through the API', () => {
  let s: ApiSuite;
  const started: string[] = [];
  beforeAll(async () => {
    s = await startApiSuite('api-requests');
  });
  afterAll(async () => {
    await terminateCases(s, started);
    await s.close();
  });

  async function report(body: Record<string, unknown> = {}) {
    const c = await reportAs(s, 'wangfang', body);
    started.push(c.id);
    return c;
  }

  it('given a second report of the same category within 50 m and 24 h, it is flagged, and the handler merges it into the first', async () => {
    const first = await report({ category: 'MS05', description: '楼道发现老鼠' });
    const second = await report({ category: 'MS05', description: '楼道又发现老鼠' });
    expect(second.possibleDuplicateOf).toBe(first.id);
    const other = await report({ category: 'SS02', description: '井盖破损' });
    expect(other.possibleDuplicateOf).toBeNull();

    await inboxTask(s, 'dhm1.handler', second.id, 'Task_Accept');
    // the grid worker may not merge; merging into itself or an unknown case is refused
    expect((await request(s.app).post(`/api/cases/${second.id}/merge`).set('Authorization', await s.auth('wangfang')).send({ into: first.id })).status).toBe(403);
    const self = await request(s.app).post(`/api/cases/${second.id}/merge`).set('Authorization', await s.auth('dhm1.handler')).send({ into: second.id });
    expect(self.status).toBe(422);
    expect(JSON.parse(self.text)).toMatchObject({ field: 'body.into' });
    const merged = await request(s.app).post(`/api/cases/${second.id}/merge`).set('Authorization', await s.auth('dhm1.handler')).send({ into: first.id, reason: '同一楼道' });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ status: 'MERGED', duplicateOf: first.id });
    const detail = await request(s.app).get(`/api/cases/${second.id}`).set('Authorization', await s.auth('wangfang'));
    expect(detail.body).toMatchObject({ status: 'MERGED', duplicateOf: first.id, activeTasks: [] });
    // once past acceptance a case cannot be merged
    const t = await inboxTask(s, 'dhm1.handler', first.id, 'Task_Accept');
    await act(s, 'dhm1.handler', t.id, 'complete', { outcome: 'accept' });
    const late = await request(s.app).post(`/api/cases/${first.id}/merge`).set('Authorization', await s.auth('dhm1.handler')).send({ into: other.id });
    expect(late.status).toBe(409);
    expect(JSON.parse(late.text)).toMatchObject({ code: 'NOT_MERGEABLE' });
  });

  it('given a report without a category, it runs the default process and 立案 classifies it', async () => {
    const c = await report({ category: null, description: '小区门口路灯不亮' });
    expect(c).toMatchObject({ category: null, processVersion: { key: 'standard-closed-loop' } });
    const accept = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    await act(s, 'dhm1.handler', accept.id, 'complete', { outcome: 'accept' });
    const register = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Register');
    expect((await act(s, 'dhm1.handler', register.id, 'complete', { data: { category: 'SS04' } })).status).toBe(200);
    const detail = await request(s.app).get(`/api/cases/${c.id}`).set('Authorization', await s.auth('dhm1.handler'));
    expect(detail.body.category).toMatchObject({ code: 'SS04' });
  });

  it('given a void request, the tier above approves it and the case ends as voided', async () => {
    const c = await report({ category: 'SS02', description: '误报：井盖完好' });
    for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
      const t = await inboxTask(s, 'dhm1.handler', c.id, step);
      await act(s, 'dhm1.handler', t.id, 'complete', step === 'Task_Accept' ? { outcome: 'accept' } : {});
    }
    const h = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    await act(s, 'dhm1.handler', h.id, 'claim');
    const asked = await act(s, 'dhm1.handler', h.id, 'void', { reason: '现场核实为误报' });
    expect(asked.status).toBe(200);
    expect(asked.body.approval).toMatchObject({ kind: 'VOID', state: 'PENDING', approverTier: 'TOWNSHIP' });
    const decided = await request(s.app).post(`/api/approvals/${encodeURIComponent(asked.body.approval.id)}/approve`).set('Authorization', await s.auth('dhm.supervisor')).send({ note: '同意作废' });
    expect(decided.status).toBe(200);
    const detail = await request(s.app).get(`/api/cases/${c.id}`).set('Authorization', await s.auth('dhm1.handler'));
    expect(detail.body).toMatchObject({ status: 'VOIDED', activeTasks: [] });
    const history = await request(s.app).get(`/api/cases/${c.id}/history`).set('Authorization', await s.auth('dhm1.handler'));
    expect(history.body.events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['requestVoid', 'approve', 'void', 'end']));
  });

  it('given a deferral request, the tier above approves it and the deadline moves', async () => {
    const c = await report({ category: 'SS02', description: '井盖破损，需等待定制井盖' });
    for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
      const t = await inboxTask(s, 'dhm1.handler', c.id, step);
      await act(s, 'dhm1.handler', t.id, 'complete', step === 'Task_Accept' ? { outcome: 'accept' } : {});
    }
    const h = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    await act(s, 'dhm1.handler', h.id, 'claim');
    const bad = await act(s, 'dhm1.handler', h.id, 'defer', { duration: 'three days', reason: '等待配件' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ field: 'body.duration' });
    const asked = await act(s, 'dhm1.handler', h.id, 'defer', { duration: 'P3D', reason: '等待定制井盖到货' });
    expect(asked.body.approval).toMatchObject({ kind: 'DEFERRAL', state: 'PENDING' });
    await request(s.app).post(`/api/approvals/${encodeURIComponent(asked.body.approval.id)}/approve`).set('Authorization', await s.auth('dhm.supervisor')).send({});
    let due = h.dueAt;
    for (let i = 0; i < 50 && due === h.dueAt; i++) {
      due = (await request(s.app).get(`/api/tasks/${encodeURIComponent(h.id)}`).set('Authorization', await s.auth('dhm1.handler'))).body.dueAt;
      if (due === h.dueAt) await new Promise((r) => setTimeout(r, 100));
    }
    expect(Date.parse(due as string)).toBeGreaterThan(Date.parse(h.dueAt as string));
  });
});
