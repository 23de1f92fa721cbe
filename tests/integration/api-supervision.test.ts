/**
 * What the supervisors' page reads from the API: the overdue and due-soon cases of their area
 * (GET /api/cases dueWithin, overdue), with how often and when each was urged and supervised; and
 * their approvals queue (GET /api/approvals decidable) with each request's task and the time it
 * would add, counted as the case workflow counts it when the request is approved.
 */
import request from 'supertest';
import { startApiSuite, terminateCases, type ApiSuite } from '../support/api';
import { act, inboxTask, reportAs } from '../support/api-flow';
import { uniqueSuffix } from '../support/env';

jest.setTimeout(120_000);

let s: ApiSuite;
const run = uniqueSuffix().slice(-6);
const started: string[] = [];
const HOUR = 3_600_000;

beforeAll(async () => {
  s = await startApiSuite('api-supervision');
});
afterAll(async () => {
  await terminateCases(s, started);
  await s?.close();
});

const as = async (u: string) => ({ Authorization: await s.auth(u) });

async function report(description: string, category = 'SS01') {
  const c = await reportAs(s, 'wangfang', { category, description: `${description} ${run}` });
  started.push(c.id);
  return c;
}

/** 督办 by the district supervisor with a new deadline for every open task of the case. */
async function supervise(caseId: string, newDeadline: Date, instruction = '限期办结') {
  const res = await request(s.app).post(`/api/cases/${caseId}/supervise`).set(await as('dc.supervisor')).send({ instruction, newDeadline: newDeadline.toISOString() });
  expect(res.status).toBe(201);
  return res.body;
}

/** This run's cases in 韩立新's list with the query, by id. */
async function listed(query: Record<string, unknown>): Promise<Map<string, Record<string, unknown>>> {
  const res = await request(s.app).get('/api/cases').query({ q: run, sort: 'due', ...query }).set(await as('dhm.supervisor'));
  expect(res.status).toBe(200);
  return new Map(res.body.items.map((c: { id: string }) => [c.id, c]));
}

describe('overdue and due-soon cases of a supervisor’s area', () => {
  it('given cases due in an hour, in ten days and already overdue, when listed with dueWithin=PT2H, then the overdue and the soon-due ones come, soonest first; with overdue=false only the soon-due one', async () => {
    const soon = await report('临期井盖');
    const later = await report('远期井盖');
    const late = await report('超期井盖');
    await supervise(soon.id, new Date(Date.now() + HOUR));
    await supervise(later.id, new Date(Date.now() + 240 * HOUR));
    await supervise(late.id, new Date(Date.now() + 1500));
    // the last one's deadline passes (its task is marked overdue and supervised automatically)
    const until = Date.now() + 30_000;
    let history: { action: string; actor: { name: string } }[] = [];
    while (Date.now() < until) {
      history = (await request(s.app).get(`/api/cases/${late.id}/history`).set(await as('dhm.supervisor'))).body.events;
      if (history.some((e) => e.action === 'overdue')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(history.map((e) => e.action)).toContain('overdue');

    const within = await listed({ dueWithin: 'PT2H' });
    expect([...within.keys()]).toEqual([late.id, soon.id]);
    expect(within.get(late.id)).toMatchObject({ overdue: true });
    expect(within.get(soon.id)).toMatchObject({ overdue: false });
    expect([...(await listed({ dueWithin: 'PT2H', overdue: false })).keys()]).toEqual([soon.id]);
    expect([...(await listed({ overdue: true })).keys()]).toEqual([late.id]);
    expect([...(await listed({ dueWithin: 'P30D' })).keys()]).toEqual([late.id, soon.id, later.id]);

    // a case out of the area is not there: 西城's handler sees none of them
    const other = await request(s.app).get('/api/cases').query({ q: run, dueWithin: 'P30D' }).set(await as('xc.handler'));
    expect(other.body.items).toEqual([]);
  });

  it('given a case urged twice and supervised once, when listed, then each item counts its urges and supervisions with the last one’s time, who and text', async () => {
    const c = await report('催办计数');
    const never = await report('未催办');
    for (const note of ['请尽快处置', '今天下班前反馈']) {
      const res = await request(s.app).post(`/api/cases/${c.id}/urge`).set(await as('dhm.supervisor')).send({ note });
      expect(res.status).toBe(201);
    }
    const sup = await supervise(c.id, new Date(Date.now() + 48 * HOUR), '请街道协调城管');
    const items = await listed({});
    const item = items.get(c.id)!;
    expect(item.urged).toEqual({ count: 2, lastAt: expect.any(String), lastBy: { id: expect.any(Number), name: '韩立新' }, lastText: '今天下班前反馈' });
    expect(item.supervised).toEqual({ count: 1, lastAt: sup.event.at, lastBy: { id: expect.any(Number), name: '罗振华' }, lastText: '请街道协调城管' });
    expect(Date.parse((item.urged as { lastAt: string }).lastAt)).toBeLessThanOrEqual(Date.parse(sup.event.at));
    expect(items.get(never.id)).toMatchObject({ urged: null, supervised: null });
  });

  it('a dueWithin that is not a duration in weeks, days, hours, minutes or seconds is a 400 naming query.dueWithin', async () => {
    for (const bad of ['P1M', 'P1Y', 'tomorrow', 'P', 'P99999D']) {
      const res = await request(s.app).get('/api/cases').query({ dueWithin: bad }).set(await as('dhm.supervisor'));
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('query.dueWithin');
    }
  });
});

describe('a supervisor’s approvals queue', () => {
  it('given 李明 asks for 4 more working hours on 受理, then 韩立新’s queue holds it with the task and the due time before and after, the approval sets exactly that due time, and the queue empties', async () => {
    const c = await report('延期井盖');
    const t = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    expect((await act(s, 'dhm1.handler', t.id, 'claim')).status).toBe(200);
    const ask = await act(s, 'dhm1.handler', t.id, 'extend', { duration: 'PT4H', reason: '需联系产权单位' });
    expect(ask.status).toBe(200);
    const id = ask.body.approval.id as string;

    const queue = await request(s.app).get('/api/approvals').query({ decidable: true, caseId: c.id }).set(await as('dhm.supervisor'));
    expect(queue.status).toBe(200);
    expect(queue.body.items).toHaveLength(1);
    const pending = queue.body.items[0];
    expect(pending).toMatchObject({
      id,
      kind: 'EXTENSION',
      state: 'PENDING',
      reason: '需联系产权单位',
      requestedBy: { name: '李明' },
      case: { id: c.id, description: `延期井盖 ${run}`, dueAt: t.dueAt },
      task: { id: t.id, name: '受理', state: 'CLAIMED', tier: 'VILLAGE', dueAt: t.dueAt },
      // 受理 is drawn with 2 working hours: the extension counts on that calendar
      timeAdded: { duration: 'PT4H', calendar: 'WORKING_HOURS', dueBefore: t.dueAt, dueAfter: expect.any(String) },
      actions: ['approve', 'reject'],
    });
    expect(Date.parse(pending.timeAdded.dueAfter)).toBeGreaterThan(Date.parse(t.dueAt!));
    // the district supervisor may decide it too; the handler who asked has nothing to decide
    expect((await request(s.app).get('/api/approvals').query({ decidable: true, caseId: c.id }).set(await as('dc.supervisor'))).body.items.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await request(s.app).get('/api/approvals').query({ decidable: true, caseId: c.id }).set(await as('dhm1.handler'))).body.items).toEqual([]);
    expect((await request(s.app).get('/api/approvals').query({ decidable: false, caseId: c.id }).set(await as('dhm1.handler'))).body.items.map((a: { id: string; actions: string[] }) => [a.id, a.actions])).toEqual([[id, []]]);

    const approved = await request(s.app).post(`/api/approvals/${id}/approve`).set(await as('dhm.supervisor')).send({ note: '同意，限期办结' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'APPROVED', note: '同意，限期办结', decidedBy: { name: '韩立新' }, actions: [], timeAdded: { duration: 'PT4H', calendar: 'WORKING_HOURS', dueBefore: t.dueAt, dueAfter: pending.timeAdded.dueAfter } });
    // the workflow set the very due time the queue showed
    const task = await request(s.app).get(`/api/tasks/${t.id}`).set(await as('dhm1.handler'));
    expect(task.body.dueAt).toBe(pending.timeAdded.dueAfter);
    expect((await request(s.app).get('/api/approvals').query({ decidable: true, caseId: c.id }).set(await as('dhm.supervisor'))).body.items).toEqual([]);
    const decided = await request(s.app).get('/api/approvals').query({ state: 'APPROVED', caseId: c.id }).set(await as('dhm.supervisor'));
    expect(decided.body.items).toEqual([expect.objectContaining({ id, timeAdded: { duration: 'PT4H', calendar: 'WORKING_HOURS', dueBefore: t.dueAt, dueAfter: pending.timeAdded.dueAfter } })]);
  });

  it('given a 处置 task timed by its category’s limit in working days, an extension is counted in working days; a void request adds no time', async () => {
    // 交通标志设施损坏: 2 working days at the village
    const c = await report('交通标志损坏', 'SS04');
    for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
      const t = await inboxTask(s, 'dhm1.handler', c.id, step);
      expect((await act(s, 'dhm1.handler', t.id, 'complete', step === 'Task_Accept' ? { outcome: 'accept' } : {})).status).toBe(200);
    }
    const handle = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    expect((await act(s, 'dhm1.handler', handle.id, 'claim')).status).toBe(200);
    const ask = await act(s, 'dhm1.handler', handle.id, 'extend', { duration: 'P1D', reason: '需交通部门配合' });
    expect(ask.status).toBe(200);
    const queue = await request(s.app).get('/api/approvals').query({ decidable: true, caseId: c.id }).set(await as('dhm.supervisor'));
    expect(queue.body.items).toEqual([expect.objectContaining({ task: expect.objectContaining({ name: '处置' }), timeAdded: { duration: 'P1D', calendar: 'WORKING_DAYS', dueBefore: handle.dueAt, dueAfter: expect.any(String) } })]);
    const dueAfter = queue.body.items[0].timeAdded.dueAfter as string;
    expect((await request(s.app).post(`/api/approvals/${queue.body.items[0].id}/reject`).set(await as('dhm.supervisor')).send({ note: '时限内可以完成' })).status).toBe(200);
    const rejected = await request(s.app).get('/api/approvals').query({ state: 'REJECTED', caseId: c.id }).set(await as('dhm.supervisor'));
    expect(rejected.body.items).toEqual([expect.objectContaining({ state: 'REJECTED', note: '时限内可以完成', timeAdded: { duration: 'P1D', calendar: 'WORKING_DAYS', dueBefore: null, dueAfter: null } })]);
    expect(Date.parse(dueAfter)).toBeGreaterThan(Date.parse(handle.dueAt!));

    const voiding = await act(s, 'dhm1.handler', handle.id, 'void', { reason: '重复上报' });
    expect(voiding.status).toBe(200);
    const q2 = await request(s.app).get('/api/approvals').query({ decidable: true, caseId: c.id }).set(await as('dhm.supervisor'));
    expect(q2.body.items).toEqual([expect.objectContaining({ kind: 'VOID', timeAdded: null, task: expect.objectContaining({ id: handle.id }) })]);
  });
});
