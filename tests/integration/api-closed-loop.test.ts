/**
 * Stories 1 and 2 through the HTTP API, as the people would do them: 王芳 reports from the app
 * with a photo; the community handler claims, handles and feeds back with a photo; 王芳
 * verifies; the case closes at village tier. A community handler escalates what he cannot
 * handle; the street takes it; supervisors urge, supervise and decide an extension.
 */
import request from 'supertest';
import { startApiSuite, type ApiSuite } from '../support/api';
import { act, inboxTask, PNG_1x1, reportAs } from '../support/api-flow';
import { wangfangGrid } from '../support/cases';

/** A task or approval id as the case workflow records it (DC-…/T1): the API shows DC-…~T1. */
const recorded = (apiId: string) => apiId.replace('~', '/');

describe('the closed loop through the API', () => {
  let s: ApiSuite;
  beforeAll(async () => {
    s = await startApiSuite('api-loop');
  });
  afterAll(async () => {
    await s.close();
  });

  it('story 1: a report with a photo is handled by the community, verified by the reporter and closed at village tier', async () => {
    const g = await wangfangGrid(s.prisma);
    // given 王芳 reports a missing manhole cover with a photo from her grid
    const created = await request(s.app)
      .post('/api/cases')
      .set('Authorization', await s.auth('wangfang'))
      .field('case', JSON.stringify({ category: 'SS01', description: '东华门大街12号门前井盖缺失', location: { lat: g.lat, lng: g.lng, address: '东华门大街12号' } }))
      .attach('photos', PNG_1x1, { filename: 'manhole.png', contentType: 'image/png' });
    // then the case number comes back at once, with the places the GPS point resolved
    expect(created.status).toBe(201);
    const c = created.body;
    expect(c.id).toMatch(/^DC-\d{8}-\d{5,}$/);
    expect(created.headers.location).toBe(`/api/cases/${c.id}`);
    expect(c).toMatchObject({ grid: { id: g.gridId }, village: { name: '东华门第一社区' }, township: { name: '东华门街道' }, district: { name: '东城区' }, category: 'SS01', processVersion: { key: 'standard-closed-loop' } });
    expect(c.dueAt).not.toBeNull();
    expect(c.attachments).toEqual([expect.objectContaining({ fileName: 'manhole.png', mediaType: 'image/png', size: PNG_1x1.length })]);
    const photo = await request(s.app).get(`/api/cases/${c.id}/attachments/${c.attachments[0].id}`).set('Authorization', await s.auth('dhm1.handler'));
    expect(photo.status).toBe(200);
    expect(Buffer.compare(photo.body as Buffer, PNG_1x1)).toBe(0);

    // when the community handler works through his inbox
    const accept = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    expect(accept.actions).toEqual(expect.arrayContaining(['claim', 'complete']));
    expect((await act(s, 'dhm1.handler', accept.id, 'claim')).status).toBe(200);
    const accepted = await act(s, 'dhm1.handler', accept.id, 'complete', { outcome: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.task).toMatchObject({ state: 'COMPLETED', outcome: 'accept' });
    expect(accepted.body.openTasks.map((t: { elementId: string }) => t.elementId)).toEqual(['Task_Register']);
    for (const step of ['Task_Register', 'Task_Dispatch']) {
      const t = await inboxTask(s, 'dhm1.handler', c.id, step);
      expect((await act(s, 'dhm1.handler', t.id, 'complete')).status).toBe(200);
    }
    const handleTask = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    expect(handleTask.formSchema).toMatchObject({ required: ['feedback'] });
    expect((await act(s, 'dhm1.handler', handleTask.id, 'claim')).status).toBe(200);
    const fixed = await request(s.app)
      .post(`/api/cases/${c.id}/attachments`)
      .set('Authorization', await s.auth('dhm1.handler'))
      .field('taskId', handleTask.id)
      .attach('photos', PNG_1x1, { filename: 'fixed.png', contentType: 'image/png' });
    expect(fixed.status).toBe(201);
    const done = await act(s, 'dhm1.handler', handleTask.id, 'complete', { outcome: 'done', data: { feedback: '已更换新井盖', photos: [fixed.body.attachments[0].id] } });
    expect(done.status).toBe(200);

    // and 王芳 verifies on site
    const verify = await inboxTask(s, 'wangfang', c.id, 'Task_Verify');
    expect((await act(s, 'wangfang', verify.id, 'complete', { outcome: 'pass' })).status).toBe(200);

    // then the case is closed at village tier, and its history is intact
    let detail;
    for (let i = 0; i < 100; i++) {
      detail = await request(s.app).get(`/api/cases/${c.id}`).set('Authorization', await s.auth('wangfang'));
      if (detail.body.status === 'CLOSED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail!.body).toMatchObject({ status: 'CLOSED', closedTier: 'VILLAGE', overdue: false, activeTasks: [] });
    expect(detail!.body.attachments).toHaveLength(2);
    const history = await request(s.app).get(`/api/cases/${c.id}/history`).set('Authorization', await s.auth('dc.auditor'));
    expect(history.status).toBe(200);
    const actions = history.body.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['report', 'claim', 'complete', 'end']));
    expect(history.body.events.map((e: { seq: number }) => e.seq)).toEqual(history.body.events.map((_: unknown, i: number) => i + 1));
    const verified = await request(s.app).get(`/api/cases/${c.id}/history/verify`).set('Authorization', await s.auth('dc.auditor'));
    expect(verified.body).toMatchObject({ intact: true, rows: history.body.events.length });
    const csv = await request(s.app).get(`/api/cases/${c.id}/history`).query({ format: 'csv' }).set('Authorization', await s.auth('dc.auditor'));
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(history.body.events.length + 1);

    // and the reporter rates it (满意度) once; nobody else may
    expect((await request(s.app).post(`/api/cases/${c.id}/rating`).set('Authorization', await s.auth('dhm1.handler')).send({ score: 1 })).status).toBe(403);
    const rated = await request(s.app).post(`/api/cases/${c.id}/rating`).set('Authorization', await s.auth('wangfang')).send({ score: 5, comment: '处理及时' });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ score: 5, comment: '处理及时', channel: 'GRID_APP' });
    expect((await request(s.app).post(`/api/cases/${c.id}/rating`).set('Authorization', await s.auth('wangfang')).send({ score: 4 })).status).toBe(409);
  });

  it('story 2: the community escalates what it cannot handle; the street gets it; supervisors urge, supervise and approve an extension', async () => {
    const c = await reportAs(s, 'wangfang', { category: 'WJ02', description: '居民楼顶违法扩建' });
    for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
      const t = await inboxTask(s, 'dhm1.handler', c.id, step);
      expect((await act(s, 'dhm1.handler', t.id, 'complete', step === 'Task_Accept' ? { outcome: 'accept' } : {})).status).toBe(200);
    }
    const atVillage = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    await act(s, 'dhm1.handler', atVillage.id, 'claim');
    // an escalation needs a reason
    const noReason = await act(s, 'dhm1.handler', atVillage.id, 'escalate', {});
    expect(noReason.status).toBe(400);
    expect(JSON.parse(noReason.text)).toMatchObject({ field: 'body.reason' });
    const up = await act(s, 'dhm1.handler', atVillage.id, 'escalate', { reason: '违法扩建需街道城管执法，社区无执法权' });
    expect(up.status).toBe(200);
    expect(up.body.task.state).toBe('ESCALATED');

    // the street's handler now has it, with the street's limit; the community handler cannot act any more
    const atStreet = await inboxTask(s, 'dhm.handler', c.id, 'Task_Handle');
    expect(atStreet).toMatchObject({ tier: 'TOWNSHIP', unit: { name: '东华门街道' } });
    expect(Date.parse(atStreet.dueAt as string)).toBeGreaterThan(Date.parse(atVillage.dueAt as string));
    expect((await act(s, 'dhm1.handler', atStreet.id, 'claim')).status).toBe(403);

    // the street's supervisor urges (催办); the district's supervisor supervises (督办)
    // each answers with the history row it wrote (201, Location of the case's history)
    const urge = await request(s.app).post(`/api/cases/${c.id}/urge`).set('Authorization', await s.auth('dhm.supervisor')).send({ note: '请尽快处置' });
    expect(urge.status).toBe(201);
    expect(urge.headers.location).toBe(`/api/cases/${c.id}/history`);
    expect(urge.body).toMatchObject({ caseId: c.id, accepted: true, event: { action: 'urge', actor: { name: '韩立新' }, reason: '请尽快处置', data: { automatic: false, taskIds: [recorded(atStreet.id)] }, seq: expect.any(Number), hash: expect.any(String) } });
    const sup = await request(s.app).post(`/api/cases/${c.id}/supervise`).set('Authorization', await s.auth('dc.supervisor')).send({ instruction: '三日内拆除并反馈' });
    expect(sup.status).toBe(201);
    expect(sup.body).toMatchObject({ caseId: c.id, accepted: true, event: { action: 'supervise', actor: { name: '罗振华' }, reason: '三日内拆除并反馈' } });
    expect(sup.body.event.seq).toBeGreaterThan(urge.body.event.seq);
    // a handler may not urge
    expect((await request(s.app).post(`/api/cases/${c.id}/urge`).set('Authorization', await s.auth('dhm.handler')).send({})).status).toBe(403);

    // the street handler asks for more time; the district supervisor approves it
    await act(s, 'dhm.handler', atStreet.id, 'claim');
    const ask = await act(s, 'dhm.handler', atStreet.id, 'extend', { duration: 'P2D', reason: '需协调城管联合执法' });
    expect(ask.status).toBe(200);
    expect(ask.body.approval).toMatchObject({ kind: 'EXTENSION', state: 'PENDING', approverTier: 'DISTRICT' });
    const approvalId = ask.body.approval.id as string;
    const pending = await request(s.app).get('/api/approvals').query({ state: 'PENDING', caseId: c.id }).set('Authorization', await s.auth('dc.supervisor'));
    expect(pending.body.items).toEqual([expect.objectContaining({ id: approvalId, actions: ['approve', 'reject'] })]);
    // the street's own supervisor is not the tier above
    expect((await request(s.app).post(`/api/approvals/${encodeURIComponent(approvalId)}/approve`).set('Authorization', await s.auth('dhm.supervisor')).send({})).status).toBe(403);
    const ok = await request(s.app).post(`/api/approvals/${encodeURIComponent(approvalId)}/approve`).set('Authorization', await s.auth('dc.supervisor')).send({ note: '同意延期两天' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'APPROVED', decidedBy: { name: '罗振华' } });
    const again = await request(s.app).post(`/api/approvals/${encodeURIComponent(approvalId)}/reject`).set('Authorization', await s.auth('dc.supervisor')).send({});
    expect(again.status).toBe(409);

    const history = await request(s.app).get(`/api/cases/${c.id}/history`).set('Authorization', await s.auth('dc.auditor'));
    const hop = history.body.events.find((e: { action: string }) => e.action === 'escalate');
    expect(hop).toMatchObject({ actor: { name: '李明' }, reason: '违法扩建需街道城管执法，社区无执法权', data: { fromTier: 'VILLAGE', toTier: 'TOWNSHIP' } });
    // the rows the urge and the supervision answered are those of the history
    expect(history.body.events).toEqual(expect.arrayContaining([urge.body.event, sup.body.event]));
    const acts = history.body.events.map((e: { action: string }) => e.action);
    expect(acts).toEqual(expect.arrayContaining(['urge', 'supervise', 'requestExtension', 'approve']));
    await s.temporal.client.workflow.getHandle(c.id).terminate('test done');
  });

  it('task and approval ids are safe in a path (DC-…~T1), and the earlier percent-encoded slash form keeps working', async () => {
    const as = async (u: string) => ({ Authorization: await s.auth(u) });
    const c = await reportAs(s, 'wangfang');
    // given the 受理 task in the community handler's inbox
    const t = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    expect(t.id).toMatch(new RegExp(`^${c.id}~T\\d+$`));
    const old = encodeURIComponent(recorded(t.id));
    expect(old).toMatch(/%2FT\d+$/);
    // when he reads and works it with the id as it is, in a path, and with the earlier encoded form
    const one = await request(s.app).get(`/api/tasks/${t.id}`).set(await as('dhm1.handler'));
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(t.id);
    expect((await request(s.app).get(`/api/tasks/${old}`).set(await as('dhm1.handler'))).body.id).toBe(t.id);
    const claimed = await request(s.app).post(`/api/tasks/${old}/claim`).set(await as('dhm1.handler')).send({});
    expect(claimed.status).toBe(200);
    expect(claimed.body.task).toMatchObject({ id: t.id, state: 'CLAIMED' });
    expect((await request(s.app).post(`/api/tasks/${t.id}/comment`).set(await as('dhm1.handler')).send({ text: '现场核实中' })).status).toBe(200);
    expect((await request(s.app).post(`/api/tasks/${old}/unclaim`).set(await as('dhm1.handler')).send({})).status).toBe(200);
    expect((await request(s.app).post(`/api/tasks/${t.id}/claim`).set(await as('dhm1.handler')).send({})).status).toBe(200);
    // then a request to the tier above names the task and itself in the same form, and is decided by its id as it is
    const ask = await request(s.app).post(`/api/tasks/${old}/extend`).set(await as('dhm1.handler')).send({ duration: 'PT4H', reason: '需联系产权单位' });
    expect(ask.status).toBe(200);
    expect(ask.body.approval).toMatchObject({ taskId: t.id, id: expect.stringMatching(new RegExp(`^${c.id}~A\\d+$`)) });
    const detail = await request(s.app).get(`/api/cases/${c.id}`).set(await as('dhm1.handler'));
    expect(detail.body.activeTasks.map((x: { id: string }) => x.id)).toEqual([t.id]);
    expect(detail.body.pendingApprovals.map((x: { id: string }) => x.id)).toEqual([ask.body.approval.id]);
    const listed = await request(s.app).get('/api/approvals').query({ caseId: c.id }).set(await as('dhm.supervisor'));
    expect(listed.body.items).toEqual([expect.objectContaining({ id: ask.body.approval.id, taskId: t.id })]);
    expect((await request(s.app).post(`/api/approvals/${ask.body.approval.id}/approve`).set(await as('dhm.supervisor')).send({})).status).toBe(200);
    // and completing it answers the next task in the same form; the history rows name their task so too
    const done = await request(s.app).post(`/api/tasks/${old}/complete`).set(await as('dhm1.handler')).send({ outcome: 'accept' });
    expect(done.status).toBe(200);
    expect(done.body.task.id).toBe(t.id);
    expect(done.body.openTasks).toEqual([expect.objectContaining({ elementId: 'Task_Register', id: expect.stringMatching(new RegExp(`^${c.id}~T\\d+$`)) })]);
    const history = await request(s.app).get(`/api/cases/${c.id}/history`).set(await as('dc.auditor'));
    const claims = history.body.events.filter((e: { action: string }) => e.action === 'claim');
    expect(claims.map((e: { taskId: string }) => e.taskId)).toEqual([t.id, t.id]);
    // (the recorded data keeps the form it was hashed in)
    expect(claims[0].data.taskId).toBe(recorded(t.id));
    await s.temporal.client.workflow.getHandle(c.id).terminate('test done');
  });
});
