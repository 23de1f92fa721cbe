/**
 * What the case row and the history say must agree with what happened (issue 12, "Wrong data"):
 *   - every time and tier column of `cases` agrees with the case's history (`case_events`) after
 *     each step of the closed loop: reported, accepted (受理), registered, dispatched, handled,
 *     passed up a tier, verified and closed;
 *   - the reporter's 核查 rows say the tier the task is at (GRID), and 结案 is one row, from the
 *     status the case really had;
 *   - a category chosen at 立案 reaches the workflow: later deadlines use its per-tier limits.
 * Real Temporal and MySQL, through the HTTP API.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { createDeadlineActivities } from '../../activities/deadlines';
import { stateQuery } from '../../workflows/case-api';
import { startApiSuite, type ApiSuite } from '../support/api';
import { act, inboxTask, reportAs } from '../support/api-flow';
import { wangfangGrid } from '../support/cases';
import { uniqueSuffix } from '../support/env';
import { internalId } from '../../api/http/ids';

interface Event {
  seq: number;
  at: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  tier: string | null;
  /** the row's task, in the API's form (DC-…~T1) */
  taskId: string | null;
  data: Record<string, unknown>;
}

describe('case data agrees with the case history', () => {
  let s: ApiSuite;
  const cases: string[] = [];

  beforeAll(async () => {
    s = await startApiSuite('case-data');
  });

  afterAll(async () => {
    for (const id of cases) await s?.temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
    await s?.close();
  });

  async function historyOf(id: string): Promise<Event[]> {
    const res = await request(s.app).get(`/api/cases/${id}/history`).set('Authorization', await s.auth('dc.auditor'));
    expect(res.status).toBe(200);
    return res.body.events as Event[];
  }

  const taskIdOf = (e: Event) => (typeof e.data.taskId === 'string' ? e.data.taskId : null);

  /**
   * Reads the case row and derives each of its columns from the history alone: reported at the
   * `report` row, accepted when 受理 completed with `accept`, the status of the last transition,
   * the tier of the last hop up (else the village), due at the earliest deadline of the tasks
   * dispatched and not finished, closed at the `close` row and at its tier.
   */
  async function expectRowAgreesWithHistory(id: string) {
    const events = await historyOf(id);
    const row = await s.prisma.case.findUniqueOrThrow({ where: { id } });
    const iso = (d: Date | null) => d?.toISOString() ?? null;

    const report = events.find((e) => e.action === 'report')!;
    const accepted = events.find((e) => e.action === 'complete' && e.data.outcome === 'accept');
    const transitions = events.filter((e) => e.toStatus !== null);
    const hops = events.filter((e) => e.action === 'escalate');
    const closed = events.find((e) => e.action === 'close');
    const ended = events.some((e) => e.action === 'end');
    const due = new Map<string, string>();
    for (const e of events) {
      const taskId = taskIdOf(e);
      if (!taskId) continue;
      if (e.action === 'dispatchTask') due.set(taskId, e.data.dueAt as string);
      if (e.action === 'changeDeadline') due.set(taskId, e.data.to as string);
      if (['complete', 'escalate', 'return'].includes(e.action)) due.delete(taskId);
    }
    const earliest = ended ? null : ([...due.values()].sort()[0] ?? null);
    const tier = (hops.at(-1)?.data.toTier as string | undefined) ?? 'VILLAGE';
    const unitOf: Record<string, number | null> = { VILLAGE: row.villageId, TOWNSHIP: row.townshipId, DISTRICT: row.districtId };

    expect({
      reportedAt: iso(row.reportedAt),
      acceptedAt: iso(row.acceptedAt),
      status: row.status,
      currentTier: row.currentTier,
      currentUnitId: row.currentUnitId,
      dueAt: iso(row.dueAt),
      closedAt: iso(row.closedAt),
      closedTier: row.closedTier,
      lastEventSeq: row.lastEventSeq,
    }).toEqual({
      reportedAt: report.at,
      acceptedAt: accepted?.at ?? null,
      status: transitions.at(-1)!.toStatus,
      currentTier: tier,
      currentUnitId: unitOf[tier],
      dueAt: earliest ? new Date(earliest).toISOString() : null,
      closedAt: closed?.at ?? null,
      closedTier: closed ? (closed.data.closedTier as string) : null,
      lastEventSeq: events.at(-1)!.seq,
    });
    if (closed) expect(closed.tier).toBe(row.closedTier);
    return { row, events };
  }

  /** Rows of a task's own work say the tier the task is at (its row in `tasks`). */
  async function expectTaskRowsAtTheTaskTier(id: string, events: Event[]) {
    const tasks = await s.prisma.task.findMany({ where: { caseId: id }, select: { id: true, tier: true } });
    const tierOf = new Map(tasks.map((t) => [t.id, t.tier as string]));
    const rows = events.filter((e) => ['dispatchTask', 'claim', 'unclaim', 'complete', 'comment'].includes(e.action) && taskIdOf(e));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((e) => [e.seq, e.action, e.tier])).toEqual(rows.map((e) => [e.seq, e.action, tierOf.get(taskIdOf(e)!)]));
  }

  async function complete(username: string, caseId: string, elementId: string, body: Record<string, unknown> = {}) {
    const t = await inboxTask(s, username, caseId, elementId);
    const res = await act(s, username, t.id, 'complete', body);
    expect(res.status).toBe(200);
    return t;
  }

  it('given a report, when it is accepted, registered, dispatched, handled, verified and closed at the village, then after every step the case row says what its history says', async () => {
    // given 王芳 reports a missing manhole cover
    const c = await reportAs(s, 'wangfang');
    cases.push(c.id);
    await expectRowAgreesWithHistory(c.id);

    // when the community handler accepts it (受理)
    const accept = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    expect((await act(s, 'dhm1.handler', accept.id, 'claim')).status).toBe(200);
    expect((await act(s, 'dhm1.handler', accept.id, 'complete', { outcome: 'accept' })).status).toBe(200);
    // then it is accepted at the time 受理 completed, in the case view too
    const { row } = await expectRowAgreesWithHistory(c.id);
    expect(row.acceptedAt).not.toBeNull();
    const detail = await request(s.app).get(`/api/cases/${c.id}`).set('Authorization', await s.auth('wangfang'));
    expect(detail.body.acceptedAt).toBe(row.acceptedAt!.toISOString());

    // when it is registered (立案), dispatched (派遣) and handled (处置)
    await complete('dhm1.handler', c.id, 'Task_Register');
    await expectRowAgreesWithHistory(c.id);
    await complete('dhm1.handler', c.id, 'Task_Dispatch');
    await expectRowAgreesWithHistory(c.id);
    const work = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    expect((await act(s, 'dhm1.handler', work.id, 'claim')).status).toBe(200);
    await expectRowAgreesWithHistory(c.id);
    await complete('dhm1.handler', c.id, 'Task_Handle', { outcome: 'done', data: { feedback: '已更换新井盖' } });
    await expectRowAgreesWithHistory(c.id);

    // and 王芳 verifies (核查) on site, and the case closes (结案)
    const verify = await inboxTask(s, 'wangfang', c.id, 'Task_Verify');
    expect(verify.tier).toBe('GRID');
    expect((await act(s, 'wangfang', verify.id, 'claim')).status).toBe(200);
    await expectRowAgreesWithHistory(c.id);
    await complete('wangfang', c.id, 'Task_Verify', { outcome: 'pass' });

    // then the closed row agrees with the history, and every task's rows say the task's tier
    const { row: closedRow, events } = await expectRowAgreesWithHistory(c.id);
    expect(closedRow).toMatchObject({ status: 'CLOSED', closedTier: 'VILLAGE', currentTier: 'VILLAGE', dueAt: null });
    expect(closedRow.acceptedAt).toEqual(row.acceptedAt);
    await expectTaskRowsAtTheTaskTier(c.id, events);
  });

  it('given a case handed up to the street, when the street handles it and the reporter verifies it, then the row follows the hop and closes at the street', async () => {
    const c = await reportAs(s, 'wangfang', { category: 'WJ02', description: '居民楼顶违法扩建' });
    cases.push(c.id);
    await complete('dhm1.handler', c.id, 'Task_Accept', { outcome: 'accept' });
    await complete('dhm1.handler', c.id, 'Task_Register');
    await complete('dhm1.handler', c.id, 'Task_Dispatch');
    // when the community cannot handle it (逐级上报)
    const atVillage = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    expect((await act(s, 'dhm1.handler', atVillage.id, 'claim')).status).toBe(200);
    expect((await act(s, 'dhm1.handler', atVillage.id, 'escalate', { reason: '社区无执法权' })).status).toBe(200);
    const { row: up } = await expectRowAgreesWithHistory(c.id);
    expect(up.currentTier).toBe('TOWNSHIP');
    // then the street handles it, and 王芳 verifies
    await complete('dhm.handler', c.id, 'Task_Handle', { outcome: 'done', data: { feedback: '已拆除' } });
    await expectRowAgreesWithHistory(c.id);
    await complete('wangfang', c.id, 'Task_Verify', { outcome: 'pass' });
    const { row, events } = await expectRowAgreesWithHistory(c.id);
    expect(row).toMatchObject({ status: 'CLOSED', closedTier: 'TOWNSHIP', currentTier: 'TOWNSHIP' });
    await expectTaskRowsAtTheTaskTier(c.id, events);
  });

  it('given a closed case, then its 核查 rows say GRID, where the task is, and 结案 is one row from the status the case had', async () => {
    const c = await reportAs(s, 'wangfang', { description: `井盖缺失 ${uniqueSuffix()}` });
    cases.push(c.id);
    await complete('dhm1.handler', c.id, 'Task_Accept', { outcome: 'accept' });
    await complete('dhm1.handler', c.id, 'Task_Register');
    await complete('dhm1.handler', c.id, 'Task_Dispatch');
    await complete('dhm1.handler', c.id, 'Task_Handle', { outcome: 'done', data: { feedback: '已更换新井盖' } });
    const verify = await inboxTask(s, 'wangfang', c.id, 'Task_Verify');
    expect((await act(s, 'wangfang', verify.id, 'claim')).status).toBe(200);
    await complete('wangfang', c.id, 'Task_Verify', { outcome: 'pass' });

    const events = await historyOf(c.id);
    // the 核查 task's own rows: dispatched to, claimed and completed by the grid worker at GRID
    const verifyRows = events.filter((e) => e.taskId === verify.id);
    expect(verifyRows.map((e) => [e.action, e.tier])).toEqual([
      ['dispatchTask', 'GRID'],
      ['claim', 'GRID'],
      ['complete', 'GRID'],
    ]);
    // one row closes the case, from 待核查; no row names a transition that did not happen
    const intoClosed = events.filter((e) => e.toStatus === 'CLOSED' && e.action !== 'end');
    expect(intoClosed.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([['close', 'AWAITING_VERIFICATION', 'CLOSED']]);
    expect(events.filter((e) => e.action !== 'end' && e.toStatus !== null && e.fromStatus === e.toStatus)).toEqual([]);
    // and the status rows walk the loop once, each from the status before it
    const walk = events.filter((e) => e.toStatus !== null && e.action !== 'end');
    walk.forEach((e, i) => expect(e.fromStatus).toBe(i === 0 ? null : walk[i - 1].toStatus));
    expect(walk.map((e) => e.toStatus)).toEqual(['REPORTED', 'REGISTERED', 'DISPATCHED', 'IN_PROGRESS', 'AWAITING_VERIFICATION', 'CLOSED']);

    expect((await s.prisma.case.findUniqueOrThrow({ where: { id: c.id }, select: { statusLabel: true } })).statusLabel).toBe('已结案');
  });

  it('given a citizen report, when 受理 accepts it, then the citizen page shows when it was accepted', async () => {
    const apiKey = `test-case-data-${uniqueSuffix()}`;
    await s.prisma.apiClient.create({ data: { name: '测试12345', channel: 'HOTLINE_12345', keyHash: crypto.createHash('sha256').update(apiKey).digest('hex') } });
    const g = await wangfangGrid(s.prisma);
    const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const body = new URLSearchParams({ api_key: apiKey, service_code: 'SS03', lat: g.lat.toFixed(7), long: g.lng.toFixed(7), phone, first_name: '丽', last_name: '赵', description: `路灯不亮 ${uniqueSuffix()}` });
    const reported = await request(s.app).post('/open311/v2/requests.json').type('form').send(body.toString());
    expect(reported.status).toBe(200);
    const id = reported.body[0].service_request_id as string;
    cases.push(id);

    const before = await request(s.app).get(`/api/public/cases/${id}`).query({ phone });
    expect(before.body.acceptedAt).toBeNull();
    await complete('dhm1.handler', id, 'Task_Accept', { outcome: 'accept' });

    const { row } = await expectRowAgreesWithHistory(id);
    const page = await request(s.app).get(`/api/public/cases/${id}`).query({ phone });
    expect(page.status).toBe(200);
    expect(page.body.acceptedAt).not.toBeNull();
    expect(page.body.acceptedAt).toBe(row.acceptedAt!.toISOString());
    expect(page.body.reportedAt).toBe(row.reportedAt.toISOString());
  });

  it('given an unclassified report, when 立案 classifies it, then the case row names the category and later deadlines use its limit at each tier', async () => {
    const c = await reportAs(s, 'wangfang', { category: null, description: `路灯不亮 ${uniqueSuffix()}` });
    cases.push(c.id);
    await complete('dhm1.handler', c.id, 'Task_Accept', { outcome: 'accept' });
    // when 立案 classifies it as 路灯不亮 (SS03: PT8H working hours at the village, PT16H at the street)
    await complete('dhm1.handler', c.id, 'Task_Register', { data: { category: 'SS03' } });
    const row = await s.prisma.case.findUniqueOrThrow({ where: { id: c.id }, select: { category: { select: { code: true } } } });
    expect(row.category?.code).toBe('SS03');
    await complete('dhm1.handler', c.id, 'Task_Dispatch');

    const limits = await s.prisma.categoryTimeLimit.findMany({ where: { category: { code: 'SS03' } } });
    const limitAt = (tier: string) => limits.find((l) => l.tier === tier)!;
    const deadlines = createDeadlineActivities({ prisma: s.prisma });
    const handle = s.temporal.client.workflow.getHandle(c.id);
    const expectLimit = async (tier: string) => {
      const view = await handle.query(stateQuery);
      expect(view.variables.category).toBe('SS03');
      const t = view.tasks.find((x) => x.elementId === 'Task_Handle' && x.tier === tier && (x.state === 'OPEN' || x.state === 'CLAIMED'))!;
      const l = limitAt(tier);
      expect(t.limit).toEqual({ duration: l.duration, calendar: l.calendar });
      const [due] = await deadlines.computeDeadlines({ specs: [{ start: t.createdAt, duration: l.duration, calendar: l.calendar }] });
      expect(t.dueAt).toBe(due);
    };
    // then 处置 at the village runs on SS03's village limit
    await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    await expectLimit('VILLAGE');
    // and, passed up to the street, on SS03's street limit
    await complete('dhm1.handler', c.id, 'Task_Handle', { outcome: 'cannotHandle', data: { feedback: '需街道协调' } });
    await inboxTask(s, 'dhm.handler', c.id, 'Task_Handle');
    await expectLimit('TOWNSHIP');
    const detail = await request(s.app).get(`/api/cases/${c.id}`).set('Authorization', await s.auth('dhm.handler'));
    expect(detail.body.category).toMatchObject({ code: 'SS03' });
  });

  it('given 立案 names a category that does not exist, then 422 naming body.data.category, and the task stays open', async () => {
    const c = await reportAs(s, 'wangfang', { category: null, description: `不明问题 ${uniqueSuffix()}` });
    cases.push(c.id);
    await complete('dhm1.handler', c.id, 'Task_Accept', { outcome: 'accept' });
    const register = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Register');
    const events = (await historyOf(c.id)).length;
    for (const [category, code] of [
      ['NOPE99', 'UNKNOWN_CATEGORY'],
      ['SS', 'CATEGORY_NOT_LEAF'],
    ]) {
      const res = await act(s, 'dhm1.handler', register.id, 'complete', { data: { category } });
      expect(res.status).toBe(422);
      expect(JSON.parse(res.text)).toMatchObject({ field: 'body.data.category', code });
    }
    expect((await historyOf(c.id)).length).toBe(events);
    expect((await s.prisma.task.findUniqueOrThrow({ where: { id: internalId(register.id) } })).state).toBe('OPEN');
  });
});
