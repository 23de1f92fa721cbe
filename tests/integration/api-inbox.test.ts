/**
 * What the console's inbox reads beyond the task list itself. 催办 and 督办 reach the task they
 * are addressed to: GET /api/tasks and GET /api/tasks/{id} show them (`supervision`, newest
 * first, from the case's audit rows), and the handler's event stream says so at once (`task`
 * event, change `urged` / `supervised`), although the task row itself does not change on an
 * urge. A refused form names its fields (`body.data.<field>`, each in `errors`).
 */
import request from 'supertest';
import { listening, startApiSuite, terminateCases, type ApiSuite } from '../support/api';
import { act, inboxTask, reportAs } from '../support/api-flow';
import { sseStream, type SseEvent } from '../support/sse';
import { businessTimeBetween, fromDays } from '../../process/business-time';

jest.setTimeout(120_000);

let s: ApiSuite;
let base: string;
let stop: () => Promise<void>;
const started: string[] = [];

beforeAll(async () => {
  s = await startApiSuite('api-inbox');
  ({ base, close: stop } = await listening(s.app));
});
afterAll(async () => {
  await terminateCases(s, started);
  await stop();
  await s.close();
});

interface Supervision {
  action: string;
  at: string;
  by: { id: number | null; name: string };
  note: string | null;
  newDeadline: string | null;
  automatic: boolean;
  seq: number;
}

async function taskAs(username: string, id: string) {
  const res = await request(s.app).get(`/api/tasks/${id}`).set('Authorization', await s.auth(username));
  expect(res.status).toBe(200);
  return res.body as { id: string; dueAt: string | null; supervision: Supervision[] };
}

const aboutTask = (taskId: string, change: string) => (e: SseEvent) => e.event === 'task' && (e.data as { change: string; task: { id: string } }).change === change && (e.data as { task: { id: string } }).task.id === taskId;

describe('urges and supervision on the task', () => {
  it('given 李明 holding a new 受理 task and listening to his events, when 韩立新 urges and 罗振华 supervises the case, then the task shows both, newest first, and his stream announces each', async () => {
    const c = await reportAs(s, 'wangfang', { description: '东华门大街8号路灯不亮（催办测试）' });
    started.push(c.id);
    const t = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    // nothing yet
    expect((await taskAs('dhm1.handler', t.id)).supervision).toEqual([]);

    const res = await fetch(`${base}/api/events`, { headers: { Authorization: await s.auth('dhm1.handler') } });
    expect(res.status).toBe(200);
    const stream = sseStream(res.body!);
    try {
      // the street's supervisor urges (催办) the task
      const urge = await request(s.app).post(`/api/cases/${c.id}/urge`).set('Authorization', await s.auth('dhm.supervisor')).send({ note: '请今天内受理', taskId: t.id });
      expect(urge.status).toBe(201);

      const urged = await stream.next(aboutTask(t.id, 'urged'));
      expect(urged).toMatchObject({ event: 'task', data: { change: 'urged', by: { name: '韩立新' }, note: '请今天内受理', task: { id: t.id, caseId: c.id } } });

      const afterUrge = await taskAs('dhm1.handler', t.id);
      expect(afterUrge.supervision).toEqual([
        { action: 'urge', at: expect.any(String), by: { id: expect.any(Number), name: '韩立新' }, note: '请今天内受理', newDeadline: null, automatic: false, seq: urge.body.event.seq },
      ]);

      // the district's supervisor supervises (督办) with a new deadline
      const newDeadline = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const sup = await request(s.app).post(`/api/cases/${c.id}/supervise`).set('Authorization', await s.auth('dc.supervisor')).send({ instruction: '明日上午前办结并反馈', newDeadline });
      expect(sup.status).toBe(201);
      expect(await stream.next(aboutTask(t.id, 'supervised'))).toMatchObject({ data: { change: 'supervised', by: { name: '罗振华' }, note: '明日上午前办结并反馈' } });

      // the task's view and the inbox list carry both, the newest first
      const afterSupervise = await taskAs('dhm1.handler', t.id);
      expect(afterSupervise.supervision.map((x) => [x.action, x.by.name, x.note])).toEqual([
        ['supervise', '罗振华', '明日上午前办结并反馈'],
        ['urge', '韩立新', '请今天内受理'],
      ]);
      expect(afterSupervise.supervision[0].newDeadline).toBe(new Date(newDeadline).toISOString());
      expect(afterSupervise.dueAt).toBe(new Date(newDeadline).toISOString());
      const list = await request(s.app).get('/api/tasks').query({ caseId: c.id }).set('Authorization', await s.auth('dhm1.handler'));
      expect(list.status).toBe(200);
      expect(list.body.items.find((x: { id: string }) => x.id === t.id).supervision).toEqual(afterSupervise.supervision);
      // each row is announced once per stream
      expect(stream.seen.filter(aboutTask(t.id, 'urged'))).toHaveLength(1);
    } finally {
      await stream.close();
    }
  });

  it('given another district’s handler listening, an urge of a 东城 case never reaches his stream', async () => {
    const c = await reportAs(s, 'wangfang', { description: '东华门大街10号井盖松动（他区测试）' });
    started.push(c.id);
    const t = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    const res = await fetch(`${base}/api/events?access_token=${await s.token('xc.handler')}`);
    const stream = sseStream(res.body!);
    try {
      expect((await request(s.app).post(`/api/cases/${c.id}/urge`).set('Authorization', await s.auth('dhm.supervisor')).send({ note: '请尽快' })).status).toBe(201);
      // 李明 sees it on his task meanwhile
      expect((await taskAs('dhm1.handler', t.id)).supervision.map((x) => x.note)).toEqual(['请尽快']);
      expect(await stream.next(aboutTask(t.id, 'urged'), 3000)).toBeNull();
    } finally {
      await stream.close();
    }
  });
});

describe('a refused form names its fields', () => {
  it('given 李明 completing 处置 without its required feedback and with a number for a photo, then the 422 names body.data.feedback first and lists each field', async () => {
    const c = await reportAs(s, 'wangfang', { description: '东华门大街14号井盖缺失（表单测试）' });
    started.push(c.id);
    for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
      const t = await inboxTask(s, 'dhm1.handler', c.id, step);
      expect((await act(s, 'dhm1.handler', t.id, 'complete', step === 'Task_Accept' ? { outcome: 'accept' } : {})).status).toBe(200);
    }
    const handle = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Handle');
    const res = await act(s, 'dhm1.handler', handle.id, 'complete', { outcome: 'done', data: { photos: [7] } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'FORM_INVALID', field: 'body.data.feedback', errors: expect.arrayContaining([{ field: 'body.data.feedback', message: 'is required' }, { field: 'body.data.photos', message: 'must be string' }]) });
    expect(res.body.errors).toHaveLength(2);
    // the task is untouched: completed properly afterwards
    expect((await act(s, 'dhm1.handler', handle.id, 'complete', { outcome: 'done', data: { feedback: '已处置' } })).status).toBe(200);
  });
});

describe('the working time left on a task', () => {
  it('given 李明’s 受理 task of a 井盖缺失 case (a working-hours limit) due three days from now, across nights, then GET /api/tasks shows workingTimeLeft counted on working hours, smaller than the wall-clock time left', async () => {
    const c = await reportAs(s, 'wangfang');
    started.push(c.id);
    const task = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    // a due time 72 hours away always spans nights (and perhaps a weekend), whenever the test runs
    const dueAt = new Date(Date.now() + 72 * 3_600_000);
    await s.prisma.task.update({ where: { id: task.id.replace('~', '/') }, data: { dueAt } });
    const days = await s.prisma.calendarDay.findMany({ select: { date: true, isWorkingDay: true } });
    const cal = fromDays(days.map((d) => ({ date: d.date.toISOString().slice(0, 10), isWorkingDay: d.isWorkingDay })));
    const before = new Date();
    const res = await request(s.app).get('/api/tasks').query({ caseId: c.id }).set('Authorization', await s.auth('dhm1.handler'));
    const after = new Date();
    expect(res.status).toBe(200);
    const shown = res.body.items.find((t: { id: string }) => t.id === task.id) as { timeLeftSeconds: number; workingTimeLeft: { seconds: number; calendar: string } | null };
    expect(shown.workingTimeLeft).toEqual(expect.objectContaining({ calendar: 'WORKING_HOURS' }));
    const most = Math.round(businessTimeBetween(before, dueAt, 'WORKING_HOURS', cal) / 1000);
    const least = Math.round(businessTimeBetween(after, dueAt, 'WORKING_HOURS', cal) / 1000);
    expect(shown.workingTimeLeft!.seconds).toBeGreaterThanOrEqual(least);
    expect(shown.workingTimeLeft!.seconds).toBeLessThanOrEqual(most);
    expect(shown.workingTimeLeft!.seconds).toBeLessThan(shown.timeLeftSeconds - 12 * 3600);
  });

  it('given the same kind of task overdue by three days, then workingTimeLeft is the working time since its due time, negated', async () => {
    const c = await reportAs(s, 'wangfang');
    started.push(c.id);
    const task = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    const dueAt = new Date(Date.now() - 72 * 3_600_000);
    await s.prisma.task.update({ where: { id: task.id.replace('~', '/') }, data: { dueAt } });
    const days = await s.prisma.calendarDay.findMany({ select: { date: true, isWorkingDay: true } });
    const cal = fromDays(days.map((d) => ({ date: d.date.toISOString().slice(0, 10), isWorkingDay: d.isWorkingDay })));
    const before = new Date();
    const res = await request(s.app).get(`/api/tasks/${task.id}`).set('Authorization', await s.auth('dhm1.handler'));
    const after = new Date();
    expect(res.status).toBe(200);
    const left = res.body.workingTimeLeft as { seconds: number; calendar: string };
    expect(left.calendar).toBe('WORKING_HOURS');
    expect(left.seconds).toBeLessThanOrEqual(-Math.round(businessTimeBetween(dueAt, before, 'WORKING_HOURS', cal) / 1000));
    expect(left.seconds).toBeGreaterThanOrEqual(-Math.round(businessTimeBetween(dueAt, after, 'WORKING_HOURS', cal) / 1000));
    expect(left.seconds).toBeGreaterThan(res.body.timeLeftSeconds + 12 * 3600);
  });
});

describe('the inbox views 可签收 (claimable) and 我的 (mine)', () => {
  async function view(username: string, query: Record<string, string | boolean>): Promise<string[]> {
    const res = await request(s.app).get('/api/tasks').query(query).set('Authorization', await s.auth(username));
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((t) => t.id);
  }

  it('given two new cases in 李明’s community, one 受理 task claimed by him, then 可签收 shows him the other only and 我的 the claimed one only; the district’s handler (the cases in his scope, the tasks not offered to him) and 西城’s handler see neither in those views', async () => {
    const a = await reportAs(s, 'wangfang');
    const b = await reportAs(s, 'wangfang');
    started.push(a.id, b.id);
    const open = await inboxTask(s, 'dhm1.handler', a.id, 'Task_Accept');
    const mine = await inboxTask(s, 'dhm1.handler', b.id, 'Task_Accept');
    const claimed = await act(s, 'dhm1.handler', mine.id, 'claim');
    expect(claimed.status).toBe(200);

    expect(await view('dhm1.handler', { claimable: true, caseId: a.id })).toEqual([open.id]);
    expect(await view('dhm1.handler', { claimable: true, caseId: b.id })).toEqual([]);
    expect(await view('dhm1.handler', { mine: true, caseId: b.id })).toEqual([mine.id]);
    expect(await view('dhm1.handler', { mine: true, caseId: a.id })).toEqual([]);
    // the views by due time over the whole inbox, as the console reads them: the claimed task is never offered
    expect(await view('dhm1.handler', { claimable: true, sort: 'due', limit: '100' })).not.toContain(mine.id);

    // 高志明 sees both cases' tasks in his inbox (his district's cases) but may take neither
    expect(await view('dc.handler', { caseId: a.id })).toContain(open.id);
    for (const username of ['dc.handler', 'xc.handler']) {
      expect(await view(username, { claimable: true, caseId: a.id })).toEqual([]);
      expect(await view(username, { mine: true, caseId: b.id })).toEqual([]);
    }
  });
});
