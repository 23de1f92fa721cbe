/**
 * The notification delivery worker (notify/) on the real database: it drains the outbox at least
 * once and idempotently per row and channel, retries with backoff, ends FAILED after the last
 * attempt, sends SMS through the log gateway to people who take them and skips those without a
 * phone, and several workers deliver each row once.
 *
 * Other suites share the database (and may run delivery workers of their own): the rows here belong
 * to people made for this suite, and the channels whose outcomes are checked have names of this run
 * (`SMS-<run>` …), which only this suite's workers deliver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '../../generated/prisma/client';
import { DeliveryError, inAppChannel, type NotificationChannel, type OutboundMessage } from '../../notify/channels';
import { LogSmsGateway, SmsChannel } from '../../notify/sms';
import { DeliveryWorker } from '../../notify/worker';
import { connectServices, uniqueSuffix } from '../support/env';

jest.setTimeout(90_000);

/** short: a channel name is at most 16 characters */
const run = uniqueSuffix().slice(-6);
let prisma: PrismaClient;
let close: () => Promise<void>;
const users: number[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gridcase-notify-'));
const workers: DeliveryWorker[] = [];

/** SMS of this run: one worker delivers in-app rows and the channel `SMS-<run>`, appending to one log file */
const SMS_CHANNEL = `SMS-${run}`;
const SMS_LOG = path.join(tmp, 'sms.log');
const logged = () => (fs.existsSync(SMS_LOG) ? fs.readFileSync(SMS_LOG, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { at: string; phone: string; text: string; key: string }) : []);

beforeAll(async () => {
  ({ prisma, close } = await connectServices());
  worker([inAppChannel, new SmsChannel(new LogSmsGateway(SMS_LOG), SMS_CHANNEL)]).start();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await prisma.notification.deleteMany({ where: { userId: { in: users } } });
  await prisma.user.deleteMany({ where: { id: { in: users } } });
  await close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function person(opts: { phone?: string; channels?: Record<string, string[]> } = {}) {
  const u = await prisma.user.create({ data: { username: `notify-${run}-${users.length}`, displayName: `测试人员${users.length}`, passwordHash: 'x', phone: opts.phone ?? null } });
  users.push(u.id);
  // the real SMS channel off (its default would write SMS rows no worker of this suite delivers), unless given
  for (const [channel, kinds] of Object.entries({ SMS: [], ...opts.channels })) await prisma.notificationSetting.create({ data: { userId: u.id, channel, kinds } });
  return u.id;
}

let seq = 0;
/** An outbox row as the case workflow writes it (PENDING), or of another channel. */
async function outbox(userId: number, data: { kind?: string; channel?: string; title?: string } = {}) {
  return prisma.notification.create({
    data: { dedupeKey: `test:${run}:${seq++}`, userId, kind: data.kind ?? 'URGE', channel: data.channel ?? 'IN_APP', title: data.title ?? '催办：处置', body: '案件 DC-20261204-00001 请尽快办理。', caseId: null, taskId: null },
  });
}

const row = (id: bigint) => prisma.notification.findUniqueOrThrow({ where: { id } });
const sms = (via: bigint, channel: string) => prisma.notification.findUnique({ where: { dedupeKey: `${channel.toLowerCase()}:${via}` } });

function worker(channels: NotificationChannel[], opts: Partial<ConstructorParameters<typeof DeliveryWorker>[0]> = {}) {
  const w = new DeliveryWorker({ prisma, channels, pollMs: 50, retryMs: 200, ...opts });
  workers.push(w);
  return w;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x))}`);
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

/**
 * Looks at the outbox with this worker until the row is as expected: one look may pass over a due
 * row that another worker's claim holds for a moment (SKIP LOCKED), the next takes it.
 */
const drainUntil = (w: DeliveryWorker, id: bigint, ok: (r: Awaited<ReturnType<typeof row>>) => boolean) =>
  until(`row ${id}`, async () => {
    await w.drainOnce();
    return row(id);
  }, ok);

/** A channel that fails its first `failures` deliveries of each row, counting every call per row. */
function flaky(name: string, failures: number, opts: { permanent?: boolean } = {}) {
  const calls = new Map<string, number>();
  const channel: NotificationChannel & { calls: Map<string, number> } = {
    name,
    calls,
    async deliver(m: OutboundMessage) {
      const n = (calls.get(String(m.id)) ?? 0) + 1;
      calls.set(String(m.id), n);
      if (n <= failures) throw new DeliveryError(`gateway down (${n})`, opts.permanent);
      return { status: 'SENT' };
    },
  };
  return channel;
}

describe('the notification delivery worker', () => {
  it('given a PENDING in-app notification for a person who takes URGE by SMS, when the worker runs, then it is SENT and the SMS is written to the log file with the phone and text', async () => {
    const channel = SMS_CHANNEL;
    const someone = await person({ phone: '13800001111', channels: { [channel]: ['URGE', 'SUPERVISE'] } });
    const n = await outbox(someone, { title: '催办：处置井盖' });

    // then the in-app row is delivered: SENT, with when
    const inApp = await until('the in-app row SENT', () => row(n.id), (r) => r.status === 'SENT');
    expect(inApp.sentAt).not.toBeNull();
    expect(inApp.attempts).toBe(1);
    // and its SMS row, written once beside it, is SENT through the log gateway
    const text = await until('the SMS row SENT', () => sms(n.id, channel), (r) => r?.status === 'SENT');
    expect(text).toMatchObject({ userId: someone, channel, kind: 'URGE', title: '催办：处置井盖' });
    const lines = logged().filter((l) => l.key === `notification-${text!.id}`);
    expect(lines).toEqual([{ at: expect.any(String), phone: '13800001111', text: expect.stringContaining('催办：处置井盖'), key: `notification-${text!.id}` }]);
    expect(Number.isNaN(Date.parse(lines[0].at))).toBe(false);
  });

  it('given a person without a phone who takes SMS, then the in-app row is SENT and the SMS is SKIPPED (NO_PHONE), not failed, and nothing is written to the log', async () => {
    const channel = SMS_CHANNEL;
    const someone = await person({ channels: { [channel]: ['SUPERVISE'] } });
    const n = await outbox(someone, { kind: 'SUPERVISE', title: '督办：处置' });

    await until('the in-app row SENT', () => row(n.id), (r) => r.status === 'SENT');
    const skipped = await until('the SMS row decided', () => sms(n.id, channel), (r) => !!r && r.status !== 'PENDING');
    expect(skipped).toMatchObject({ status: 'SKIPPED', lastError: 'NO_PHONE', attempts: 1 });
    expect(logged().filter((l) => l.key === `notification-${skipped!.id}`)).toEqual([]);
  });

  it('given a person who takes only SUPERVISE by SMS, then an URGE goes in-app only', async () => {
    const someone = await person({ phone: '13800002222', channels: { [SMS_CHANNEL]: ['SUPERVISE'] } });
    const n = await outbox(someone, { kind: 'URGE' });
    await until('the in-app row SENT', () => row(n.id), (r) => r.status === 'SENT');
    expect(await prisma.notification.count({ where: { userId: someone } })).toBe(1);
  });

  it('given a channel that fails twice, then the row is retried with a growing pause (attempts, last error and next attempt kept) and SENT on the third attempt', async () => {
    const channel = flaky(`FLAKY-${run}`, 2);
    const someone = await person();
    const n = await outbox(someone, { channel: channel.name });
    const w = worker([channel], { retryMs: 300 });

    // the first attempt fails: PENDING again, due after retryMs, with the error
    let before = Date.now();
    const first = await drainUntil(w, n.id, (r) => r.attempts === 1);
    expect(first).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'gateway down (1)', claimedBy: null });
    expect(first.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 300 - 5);
    // not due yet: a look now leaves it alone
    await w.drainOnce();
    expect((await row(n.id)).attempts).toBe(1);

    // the second fails too: the pause doubles
    await until('due again', async () => Date.now(), (t) => t >= first.nextAttemptAt.getTime());
    before = Date.now();
    const second = await drainUntil(w, n.id, (r) => r.attempts === 2);
    expect(second).toMatchObject({ status: 'PENDING', attempts: 2, lastError: 'gateway down (2)' });
    expect(second.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 600 - 5);

    // the third is delivered
    await until('due again', async () => Date.now(), (t) => t >= second.nextAttemptAt.getTime());
    expect(await drainUntil(w, n.id, (r) => r.attempts === 3)).toMatchObject({ status: 'SENT', attempts: 3, lastError: null });
    expect(channel.calls.get(String(n.id))).toBe(3);
  });

  it('given a channel that always fails, then the row is FAILED after the last attempt, with the error, and never tried again', async () => {
    const channel = flaky(`DOWN-${run}`, Infinity);
    const someone = await person();
    const n = await outbox(someone, { channel: channel.name });
    worker([channel], { maxAttempts: 3, retryMs: 50 }).start();

    const failed = await until('FAILED', () => row(n.id), (r) => r.status === 'FAILED');
    expect(failed).toMatchObject({ attempts: 3, lastError: 'gateway down (3)', claimedBy: null, sentAt: null });
    await new Promise((r) => setTimeout(r, 400));
    expect(channel.calls.get(String(n.id))).toBe(3);
  });

  it('given a refusal retrying cannot help (a permanent DeliveryError), then the row is FAILED at once', async () => {
    const channel = flaky(`REFUSED-${run}`, Infinity, { permanent: true });
    const someone = await person();
    const n = await outbox(someone, { channel: channel.name });
    expect(await drainUntil(worker([channel]), n.id, (r) => r.attempts === 1)).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'gateway down (1)' });
  });

  it('given two workers draining the same outbox at once, then every row and every channel is delivered exactly once', async () => {
    const counted = `COUNT-${run}`;
    /** deliveries per row, and by which worker */
    const calls = new Map<string, number>();
    const by = new Map<string, number>();
    const counting = (worker: string): NotificationChannel => ({
      name: counted,
      async deliver(m) {
        calls.set(String(m.id), (calls.get(String(m.id)) ?? 0) + 1);
        by.set(worker, (by.get(worker) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 10));
        return { status: 'SENT' };
      },
    });
    const someone = await person({ channels: { [counted]: ['URGE'] } });
    const direct = [];
    for (let i = 0; i < 20; i++) direct.push(await outbox(someone, { channel: counted }));
    const inApp = [];
    for (let i = 0; i < 10; i++) inApp.push(await outbox(someone, { kind: 'URGE' }));

    const a = worker([inAppChannel, counting('a')], { batchSize: 3, id: `a-${run}` });
    const b = worker([inAppChannel, counting('b')], { batchSize: 3, id: `b-${run}` });
    a.start();
    b.start();

    // each in-app row is delivered once and written its one COUNT row; every COUNT row is delivered once
    await until('all delivered', () => prisma.notification.count({ where: { userId: someone, status: { not: 'SENT' } } }), (left) => left === 0);
    const rows = await prisma.notification.findMany({ where: { userId: someone } });
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    const viaInApp = rows.filter((r) => r.channel === counted && r.dedupeKey.startsWith(`${counted.toLowerCase()}:`));
    expect(viaInApp.map((r) => (r.payload as { via: number }).via).sort()).toEqual(inApp.map((r) => Number(r.id)).sort());
    const countedRows = rows.filter((r) => r.channel === counted);
    expect(countedRows).toHaveLength(30);
    expect(countedRows.every((r) => calls.get(String(r.id)) === 1)).toBe(true);
    // and both workers took part (a claim skips the rows the other holds)
    expect(by.get('a')).toBeGreaterThan(0);
    expect(by.get('b')).toBeGreaterThan(0);
  });

  it('given a worker that stops answering mid-delivery, then another takes the row once its lease ends, and the first one’s late result does not overwrite it', async () => {
    const name = `HANG-${run}`;
    let release: (() => void) | undefined;
    const hanging: NotificationChannel = {
      name,
      deliver: () =>
        new Promise((_resolve, reject) => {
          release = () => reject(new DeliveryError('late failure'));
        }),
    };
    const ok = flaky(name, 0);
    const someone = await person();
    const n = await outbox(someone, { channel: name });

    // a worker whose delivery never answers (its loop waits on it)
    const stuck = worker([hanging], { leaseMs: 300 });
    stuck.start();
    const claimed = await until('claimed', () => row(n.id), (r) => r.attempts === 1);
    expect(claimed.claimedBy).toBe(stuck.id);
    // while the lease holds, nobody else takes it
    const other = worker([ok], { leaseMs: 300 });
    await other.drainOnce();
    expect(ok.calls.get(String(n.id))).toBeUndefined();
    // after it, the other worker delivers it (at least once)
    await until('the lease over', async () => Date.now(), (t) => t > claimed.nextAttemptAt.getTime());
    await until('SENT by the other', async () => (await other.drainOnce(), row(n.id)), (r) => r.status === 'SENT');
    // the first worker's late answer finds its claim gone: the row stays SENT
    release!();
    await stuck.stop();
    expect(await row(n.id)).toMatchObject({ status: 'SENT', attempts: 2, lastError: null });
  });
});
