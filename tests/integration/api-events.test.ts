/** GET /api/events: a handler's inbox updates without polling. */
import { createApp } from '../../api/app';
import { hashPassword } from '../../platform/auth/password';
import { listening, startApiSuite, DEMO_PASSWORD, type ApiSuite } from '../support/api';
import { uniqueSuffix } from '../support/env';
import { act, inboxTask, reportAs } from '../support/api-flow';
import { readEvents, sseStream, type SseEvent } from '../support/sse';

describe('GET /api/events', () => {
  let s: ApiSuite;
  let stop: () => Promise<void>;
  let base: string;
  beforeAll(async () => {
    s = await startApiSuite('api-events');
    ({ base, close: stop } = await listening(s.app));
  });
  afterAll(async () => {
    await stop();
    await s.close();
  });

  it('given a handler listening, a new report in his community arrives as a task event, and his claim as a change', async () => {
    const res = await fetch(`${base}/api/events`, { headers: { Authorization: await s.auth('dhm1.handler') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const c = await reportAs(s, 'wangfang');
    const events = await readEvents(res.body!, (ev) => ev.some((e) => (e.data as { task?: { caseId: string } }).task?.caseId === c.id));
    expect(events.some((e) => (e.data as { task?: { caseId: string } }).task?.caseId === c.id)).toBe(true);
    const mine = events.filter((e) => (e.data as { task?: { caseId: string } }).task?.caseId === c.id);
    expect(mine[0]).toMatchObject({ event: 'task', data: { change: 'new', task: { elementId: 'Task_Accept', state: 'OPEN' } } });
    expect(Number(mine[0].id)).toBeGreaterThan(0);

    // reconnecting with Last-Event-ID resumes after that event: the claim shows as a change
    const t = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    // and the event names the task as the inbox does: an id safe in a path (DC-…~T1)
    expect((mine[0].data as { task: { id: string } }).task.id).toBe(t.id);
    expect(t.id).toMatch(/^DC-\d{8}-\d{5,}~T\d+$/);
    expect((await act(s, 'dhm1.handler', t.id, 'claim')).status).toBe(200);
    const again = await fetch(`${base}/api/events`, { headers: { Authorization: await s.auth('dhm1.handler'), 'Last-Event-ID': mine[0].id! } });
    const later = await readEvents(again.body!, (ev) => ev.some((e) => (e.data as { task?: { state: string; caseId: string } }).task?.caseId === c.id && (e.data as { task?: { state: string } }).task?.state === 'CLAIMED'));
    expect(later.length).toBeGreaterThan(0);
    expect(later.find((e) => (e.data as { task?: { caseId: string } }).task?.caseId === c.id)).toMatchObject({ event: 'task', data: { change: 'changed', task: { state: 'CLAIMED' } } });
    await s.temporal.client.workflow.getHandle(c.id).terminate('test done');
  });

  it('given a handler of another district, the report never reaches his stream', async () => {
    const res = await fetch(`${base}/api/events?access_token=${await s.token('xc.handler')}`);
    expect(res.status).toBe(200);
    const c = await reportAs(s, 'wangfang');
    await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');
    // the community handler's stream got it meanwhile; the other district's stream stays silent
    const seen = await readEvents(res.body!, () => false, 2000);
    expect(seen.filter((e) => (e.data as { task?: { caseId: string } }).task?.caseId === c.id)).toEqual([]);
    await s.temporal.client.workflow.getHandle(c.id).terminate('test done');
  });

  it('given no token, answers 401', async () => {
    const res = await fetch(`${base}/api/events`);
    expect(res.status).toBe(401);
  });

  describe('a stream re-checks the caller while it runs', () => {
    let app: ReturnType<typeof createApp>;
    let stopOwn: () => Promise<void>;
    let ownBase: string;
    const made: number[] = [];

    beforeAll(async () => {
      // an instance that looks for changes every 100 ms and re-checks its callers every 200 ms
      app = createApp({ prisma: s.prisma, temporal: s.temporal, version: 'test', taskQueue: s.taskQueue, jwtSecret: 'test-secret-test-secret-test-secret-0123456789', eventIntervalMs: 100, eventRecheckMs: 200 });
      ({ base: ownBase, close: stopOwn } = await listening(app));
    });
    afterAll(async () => {
      await stopOwn();
      await s.prisma.user.deleteMany({ where: { id: { in: made } } });
    });

    /** A handler of 东华门第一社区 of this test only, signed in. */
    async function communityHandler() {
      const unit = await s.prisma.orgUnit.findFirstOrThrow({ where: { name: '东华门第一社区' }, select: { id: true } });
      const u = await s.prisma.user.create({
        data: { username: `events-${uniqueSuffix()}`, displayName: '临时处置人员', passwordHash: await hashPassword(DEMO_PASSWORD), memberships: { create: { role: 'HANDLER', orgUnitId: unit.id, scope: `unit:${unit.id}` } } },
        select: { id: true, username: true },
      });
      made.push(u.id);
      return { ...u, token: await s.token(u.username) };
    }

    const aboutCase = (caseId: string) => (e: SseEvent) => (e.data as { task?: { caseId: string } })?.task?.caseId === caseId;

    it('given a handler listening, when his account is disabled, then his stream says so and ends', async () => {
      const h = await communityHandler();
      const res = await fetch(`${ownBase}/api/events`, { headers: { Authorization: `Bearer ${h.token}` } });
      expect(res.status).toBe(200);
      const stream = sseStream(res.body!);
      await s.prisma.user.update({ where: { id: h.id }, data: { active: false } });
      const end = await stream.next((e) => e.event === 'end');
      expect(end).toMatchObject({ event: 'end', data: { reason: 'ACCOUNT_DISABLED' } });
      // nothing follows: the server closed the stream
      await stream.next(() => false, 5000);
      expect(stream.ended()).toBe(true);
      // and a reconnect is refused
      expect((await fetch(`${ownBase}/api/events`, { headers: { Authorization: `Bearer ${h.token}` } })).status).toBe(401);
    });

    it('given a handler listening, when his role is removed, then the stream says so and the community’s next report never reaches it', async () => {
      const h = await communityHandler();
      const res = await fetch(`${ownBase}/api/events`, { headers: { Authorization: `Bearer ${h.token}` } });
      const stream = sseStream(res.body!);
      try {
        // while he holds the role, a report of his community reaches him
        const before = await reportAs(s, 'wangfang');
        expect(await stream.next(aboutCase(before.id))).toMatchObject({ event: 'task', data: { change: 'new', task: { elementId: 'Task_Accept' } } });
        await s.temporal.client.workflow.getHandle(before.id).terminate('test done');

        await s.prisma.membership.deleteMany({ where: { userId: h.id } });
        const scope = await stream.next((e) => e.event === 'scope');
        expect(scope).toMatchObject({ event: 'scope', data: { roles: [], principals: [`user:${h.id}`] } });

        const after = await reportAs(s, 'wangfang');
        await inboxTask(s, 'dhm1.handler', after.id, 'Task_Accept');
        // the community handler has it; the stream of the one who lost his role stays silent about it
        expect(await stream.next(aboutCase(after.id), 2000)).toBeNull();
        await s.temporal.client.workflow.getHandle(after.id).terminate('test done');
      } finally {
        await stream.close();
      }
    });
  });
});
