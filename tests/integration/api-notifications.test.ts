/**
 * The notification API and its push on the event stream: GET /api/notifications (the caller's own,
 * unread or all, by kind, cursor pages, with the unread count), POST …/{id}/read and …/read-all,
 * GET/PUT /api/me/notification-settings, and `event: notification` on /api/events, with the suite
 * running the delivery worker as `npm start` does.
 *
 * The demo accounts receive notifications from every suite's cases, so exact counts are checked on
 * people made for this suite (auditors of 西城区, whom no case notifies), with rows written the way
 * the delivery worker leaves them; the whole path (a supervisor urges, the handler is notified) runs
 * on the demo accounts.
 */
import request from 'supertest';
import { hashPassword } from '../../platform/auth/password';
import { listening, startApiSuite, DEMO_PASSWORD, terminateCases, type ApiSuite } from '../support/api';
import { inboxTask, reportAs } from '../support/api-flow';
import { uniqueSuffix } from '../support/env';
import { sseStream } from '../support/sse';

jest.setTimeout(120_000);

interface Item {
  id: number;
  kind: string;
  title: string;
  body: string;
  caseId: string | null;
  taskId: string | null;
  status: string;
  createdAt: string;
  sentAt: string | null;
  readAt: string | null;
}

describe('the notification API', () => {
  let s: ApiSuite;
  let base: string;
  let stop: () => Promise<void>;
  const made: number[] = [];
  const cases: string[] = [];
  const run = uniqueSuffix();
  let seq = 0;

  beforeAll(async () => {
    s = await startApiSuite('api-notify', { deliver: true });
    ({ base, close: stop } = await listening(s.app));
  });
  afterAll(async () => {
    await terminateCases(s, cases);
    await s.prisma.notification.deleteMany({ where: { userId: { in: made } } });
    await s.prisma.user.deleteMany({ where: { id: { in: made } } });
    await stop();
    await s.close();
  });

  /** Someone no case notifies: an auditor of 西长安街街道 (西城区), signed in. */
  async function person() {
    const unit = await s.prisma.orgUnit.findFirstOrThrow({ where: { name: '西长安街街道' } });
    const u = await s.prisma.user.create({
      data: { username: `notify-api-${run}-${made.length}`, displayName: `测试审计${made.length}`, passwordHash: await hashPassword(DEMO_PASSWORD), memberships: { create: { role: 'AUDITOR', orgUnitId: unit.id, scope: `unit:${unit.id}` } } },
    });
    made.push(u.id);
    return { id: u.id, auth: await s.auth(u.username) };
  }

  /** A row as the delivery worker leaves it: an in-app notification SENT (or READ …), or another state or channel. */
  async function delivered(userId: number, o: { kind?: string; status?: 'SENT' | 'READ' | 'PENDING' | 'FAILED'; channel?: string } = {}) {
    const status = o.status ?? 'SENT';
    const at = new Date();
    return s.prisma.notification.create({
      data: {
        dedupeKey: `api-test:${run}:${seq++}`,
        userId,
        kind: o.kind ?? 'URGE',
        channel: o.channel ?? 'IN_APP',
        title: `催办 ${seq}`,
        body: '请尽快办理。',
        status,
        sentAt: status === 'SENT' || status === 'READ' ? at : null,
        readAt: status === 'READ' ? at : null,
        // never due: no delivery worker takes the PENDING ones
        ...(status === 'PENDING' ? { nextAttemptAt: new Date('2099-01-01T00:00:00Z') } : {}),
      },
    });
  }

  async function until(ok: () => Promise<boolean>, ms = 30_000) {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const list = (auth: string, query: Record<string, unknown> = {}) => request(s.app).get('/api/notifications').query(query).set('Authorization', auth);
  const readOne = (auth: string, id: number | string) => request(s.app).post(`/api/notifications/${id}/read`).set('Authorization', auth);
  const readAll = (auth: string, body?: object) => request(s.app).post('/api/notifications/read-all').set('Authorization', auth).send(body);

  it('given a supervisor urges a case, then within seconds the community handler’s stream pushes the URGE with his unread count, and his list holds it unread, naming the case and the task as the inbox does; reading it makes it READ', async () => {
    // given 李明 listening to his event stream
    const res = await fetch(`${base}/api/events`, { headers: { Authorization: await s.auth('dhm1.handler') } });
    const events = sseStream(res.body!);
    try {
      const c = await reportAs(s, 'wangfang');
      cases.push(c.id);
      const accept = await inboxTask(s, 'dhm1.handler', c.id, 'Task_Accept');

      // when 韩立新 (the street's supervisor) urges the case
      const urged = await request(s.app).post(`/api/cases/${c.id}/urge`).set('Authorization', await s.auth('dhm.supervisor')).send({ note: '群众反映强烈，请今天处理' });
      expect([201, 202]).toContain(urged.status);

      // then the stream pushes the notification, with the unread count
      const pushed = await events.waitFor((e) => e.event === 'notification' && (e.data as { notification: Item }).notification.caseId === c.id && (e.data as { notification: Item }).notification.kind === 'URGE');
      const { notification, unread } = pushed.data as { notification: Item; unread: number };
      expect(notification).toMatchObject({ kind: 'URGE', title: '催办：受理', body: '群众反映强烈，请今天处理', caseId: c.id, taskId: accept.id, status: 'SENT', readAt: null });
      expect(notification.taskId).toMatch(/^DC-\d{8}-\d{5,}~T\d+$/);
      expect(unread).toBeGreaterThanOrEqual(1);
      expect(Number(pushed.id)).toBe(Date.parse(notification.sentAt!));

      // and his list holds it, unread
      const mine = await list(await s.auth('dhm1.handler'), { kind: 'URGE', unread: true, limit: 100 });
      expect(mine.status).toBe(200);
      expect(mine.body.items).toContainEqual(notification);
      expect(mine.body.unread).toBeGreaterThanOrEqual(1);

      // when he reads it, it is READ
      const read = await readOne(await s.auth('dhm1.handler'), notification.id);
      expect(read.status).toBe(200);
      expect(read.body.notification).toMatchObject({ id: notification.id, status: 'READ', readAt: expect.any(String) });
      expect((await list(await s.auth('dhm1.handler'), { kind: 'URGE', unread: true, limit: 100 })).body.items.map((i: Item) => i.id)).not.toContain(notification.id);
    } finally {
      await events.close();
    }
  });

  it('given someone listening, a notification delivered to them arrives on their stream with the unread count, and another person’s never does', async () => {
    const me = await person();
    const other = await person();
    const res = await fetch(`${base}/api/events`, { headers: { Authorization: me.auth } });
    const events = sseStream(res.body!);
    try {
      // the workflow writes the outbox; the suite's delivery worker delivers it
      const theirs = await s.prisma.notification.create({ data: { dedupeKey: `api-test:${run}:${seq++}`, userId: other.id, kind: 'NOTICE', title: '别人的通知', body: '…' } });
      const n = await s.prisma.notification.create({ data: { dedupeKey: `api-test:${run}:${seq++}`, userId: me.id, kind: 'SUPERVISE', title: '督办：处置', body: '请于今日办结', caseId: null, taskId: null } });
      const pushed = await events.waitFor((e) => e.event === 'notification');
      expect(pushed.data).toEqual({ notification: { id: Number(n.id), kind: 'SUPERVISE', title: '督办：处置', body: '请于今日办结', caseId: null, taskId: null, status: 'SENT', createdAt: n.createdAt.toISOString(), sentAt: expect.any(String), readAt: null }, unread: 1 });
      // the other person's is delivered too, but not to this stream
      await until(async () => (await s.prisma.notification.findUniqueOrThrow({ where: { id: theirs.id } })).status === 'SENT');
      const second = await s.prisma.notification.create({ data: { dedupeKey: `api-test:${run}:${seq++}`, userId: me.id, kind: 'URGE', title: '催办：处置', body: '…' } });
      await events.waitFor((e) => e.event === 'notification' && (e.data as { notification: Item }).notification.id === Number(second.id));
      expect(events.seen.filter((e) => e.event === 'notification').map((e) => (e.data as { notification: Item; unread: number }).notification.id)).toEqual([Number(n.id), Number(second.id)]);
      expect((events.seen.at(-1)!.data as { unread: number }).unread).toBe(2);
    } finally {
      await events.close();
    }
  });

  it('lists only the caller’s own delivered in-app notifications, newest first, in cursor pages, with the unread count', async () => {
    const me = await person();
    const other = await person();
    const rows = [];
    for (let i = 0; i < 22; i++) rows.push(await delivered(me.id, { kind: i % 2 ? 'URGE' : 'TASK', status: i < 3 ? 'READ' : 'SENT' }));
    // not the caller's to see: not delivered yet, failed, another channel's copy, another person's
    await delivered(me.id, { status: 'PENDING' });
    await delivered(me.id, { status: 'FAILED' });
    await delivered(me.id, { channel: 'SMS' });
    await delivered(other.id);

    const seen: Item[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await list(me.auth, { limit: 10, ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.body.unread).toBe(19);
      sizes.push(page.body.items.length);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 2]);
    expect(seen.map((i) => i.id)).toEqual(rows.map((r) => Number(r.id)).reverse());
    expect(seen.filter((i) => i.status === 'READ')).toHaveLength(3);

    // unread only, and by kind
    const unread = await list(me.auth, { unread: true, limit: 100 });
    expect(unread.body.items).toHaveLength(19);
    expect(unread.body.items.every((i: Item) => i.status === 'SENT' && i.readAt === null)).toBe(true);
    const urges = await list(me.auth, { kind: 'URGE', limit: 100 });
    expect(urges.body.items.map((i: Item) => i.kind)).toEqual(Array(11).fill('URGE'));
    const both = await request(s.app).get('/api/notifications?kind=URGE&kind=TASK&limit=100').set('Authorization', me.auth);
    expect(both.body.items).toHaveLength(22);
  });

  it('marks one read (again: no change), and all read up to an id; another person’s notification, or one not delivered, is a 404', async () => {
    const me = await person();
    const other = await person();
    const a = await delivered(me.id);
    const b = await delivered(me.id, { kind: 'SUPERVISE' });
    const c = await delivered(me.id);
    const pending = await delivered(me.id, { status: 'PENDING' });
    const theirs = await delivered(other.id);

    const first = await readOne(me.auth, Number(a.id));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ notification: expect.objectContaining({ id: Number(a.id), status: 'READ', readAt: expect.any(String) }), unread: 2 });
    const again = await readOne(me.auth, Number(a.id));
    expect(again.body).toEqual(first.body);

    for (const id of [Number(theirs.id), Number(pending.id), 987654321]) {
      const refused = await readOne(me.auth, id);
      expect(refused.status).toBe(404);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ field: 'path.id', code: 'NOT_FOUND' });
    }
    expect((await s.prisma.notification.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('SENT');

    // all read up to b: c (delivered after what the caller saw) stays unread
    const upTo = await readAll(me.auth, { upTo: Number(b.id) });
    expect(upTo.status).toBe(200);
    expect(upTo.body).toEqual({ read: 1, unread: 1 });
    expect((await list(me.auth, { unread: true })).body.items.map((i: Item) => i.id)).toEqual([Number(c.id)]);
    const rest = await readAll(me.auth);
    expect(rest.body).toEqual({ read: 1, unread: 0 });
    // the other person's stays unread
    expect((await list(other.auth)).body).toMatchObject({ unread: 1 });
  });

  it('given bad input, answers 400 problem+json naming the field, and writes nothing', async () => {
    const me = await person();
    const n = await delivered(me.id);
    const cases: [string, () => request.Test, string][] = [
      ['limit 0', () => list(me.auth, { limit: 0 }), 'query.limit'],
      ['limit not a number', () => list(me.auth, { limit: 'ten' }), 'query.limit'],
      ['unknown kind', () => list(me.auth, { kind: 'SPAM' }), 'query.kind.0'],
      ['unread not a boolean', () => list(me.auth, { unread: 'maybe' }), 'query.unread'],
      ['a cursor of another list', () => list(me.auth, { cursor: Buffer.from(JSON.stringify({ o: 'cases', v: [1] })).toString('base64url') }), 'query.cursor'],
      ['an unknown parameter', () => list(me.auth, { page: 2 }), 'query.page'],
      ['an id that is not a number', () => readOne(me.auth, 'abc'), 'path.id'],
      ['a body on read', () => request(s.app).post(`/api/notifications/${n.id}/read`).set('Authorization', me.auth).send({ all: true }), 'body.all'],
      ['upTo not a number', () => readAll(me.auth, { upTo: 'latest' }), 'body.upTo'],
      ['an unknown kind to read', () => readAll(me.auth, { kind: ['SPAM'] }), 'body.kind.0'],
      ['settings without channels', () => request(s.app).put('/api/me/notification-settings').set('Authorization', me.auth).send({}), 'body.channels'],
      ['in-app cannot be set', () => request(s.app).put('/api/me/notification-settings').set('Authorization', me.auth).send({ channels: [{ channel: 'IN_APP', kinds: [] }] }), 'body.channels.0.channel'],
      ['an unknown kind for SMS', () => request(s.app).put('/api/me/notification-settings').set('Authorization', me.auth).send({ channels: [{ channel: 'SMS', kinds: ['SPAM'] }] }), 'body.channels.0.kinds.0'],
    ];
    for (const [what, send, field] of cases) {
      const res = await send();
      expect({ what, status: res.status, type: res.headers['content-type'], field: res.body.field }).toEqual({ what, status: 400, type: expect.stringMatching(/^application\/problem\+json/), field });
    }
    // nothing was read, nothing was set
    expect((await s.prisma.notification.findUniqueOrThrow({ where: { id: n.id } })).status).toBe('SENT');
    expect(await s.prisma.notificationSetting.count({ where: { userId: me.id } })).toBe(0);
    // and without a token: 401
    expect((await request(s.app).get('/api/notifications')).status).toBe(401);
    expect((await request(s.app).get('/api/me/notification-settings')).status).toBe(401);
  });

  it('keeps each person’s channels: in-app always, SMS for URGE and SUPERVISE until they choose, and says whether an SMS can reach them', async () => {
    const me = await person();
    const settings = () => request(s.app).get('/api/me/notification-settings').set('Authorization', me.auth);
    const first = await settings();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      phone: null,
      kinds: ['URGE', 'SUPERVISE', 'OVERDUE', 'REMINDER', 'NOTICE', 'APPROVAL', 'TASK'],
      channels: [
        { channel: 'IN_APP', kinds: ['URGE', 'SUPERVISE', 'OVERDUE', 'REMINDER', 'NOTICE', 'APPROVAL', 'TASK'], editable: false, reachable: true },
        { channel: 'SMS', kinds: ['URGE', 'SUPERVISE'], editable: true, reachable: false },
      ],
    });

    const put = await request(s.app).put('/api/me/notification-settings').set('Authorization', me.auth).send({ channels: [{ channel: 'SMS', kinds: ['APPROVAL', 'SUPERVISE'] }] });
    expect(put.status).toBe(200);
    expect(put.body.channels[1]).toEqual({ channel: 'SMS', kinds: ['SUPERVISE', 'APPROVAL'], editable: true, reachable: false });
    await s.prisma.user.update({ where: { id: me.id }, data: { phone: '13812345678' } });
    const now = await settings();
    expect(now.body.phone).toBe('138****5678');
    expect(now.body.channels[1]).toEqual({ channel: 'SMS', kinds: ['SUPERVISE', 'APPROVAL'], editable: true, reachable: true });

    // SMS off; another person's settings are their own
    await request(s.app).put('/api/me/notification-settings').set('Authorization', me.auth).send({ channels: [{ channel: 'SMS', kinds: [] }] });
    expect((await settings()).body.channels[1].kinds).toEqual([]);
    const other = await person();
    expect((await request(s.app).get('/api/me/notification-settings').set('Authorization', other.auth)).body.channels[1].kinds).toEqual(['URGE', 'SUPERVISE']);
  });

  it('given a person who chose SUPERVISE by SMS and has a phone, a SUPERVISE is delivered in-app and by SMS', async () => {
    const me = await person();
    await s.prisma.user.update({ where: { id: me.id }, data: { phone: '13900009999' } });
    await request(s.app).put('/api/me/notification-settings').set('Authorization', me.auth).send({ channels: [{ channel: 'SMS', kinds: ['SUPERVISE'] }] });
    const n = await s.prisma.notification.create({ data: { dedupeKey: `api-test:${run}:${seq++}`, userId: me.id, kind: 'SUPERVISE', title: '督办：处置', body: '请于今日办结' } });
    // the in-app notification is delivered, and an SMS of its own follows it
    await until(async () => (await s.prisma.notification.findUnique({ where: { dedupeKey: `sms:${n.id}` } }))?.status === 'SENT');
    expect(await s.prisma.notification.findUnique({ where: { dedupeKey: `sms:${n.id}` } })).toMatchObject({ channel: 'SMS', userId: me.id, kind: 'SUPERVISE', title: '督办：处置' });
    expect(await s.prisma.notification.findUniqueOrThrow({ where: { id: n.id } })).toMatchObject({ status: 'SENT' });
  });
});
