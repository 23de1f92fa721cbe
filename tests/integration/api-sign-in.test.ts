/**
 * Sign-in throttling and account locks (POST /api/auth/token). Failed sign-ins are counted in the
 * database (sign_in_events), per account and per client address, so every API instance sees the
 * same count: after a few failures the next attempt must wait a growing delay (429
 * TOO_MANY_ATTEMPTS with Retry-After), and after ten failures in fifteen minutes the account is
 * locked (429 ACCOUNT_LOCKED) until the lock runs out or an administrator unlocks it.
 *
 * Each story uses accounts of its own and a client address of its own (X-Forwarded-For from the
 * loopback balancer), so the demo accounts the other suites sign in with are never throttled.
 */
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { hashPassword } from '../../platform/auth/password';
import { startApiSuite, DEMO_PASSWORD, type ApiSuite } from '../support/api';
import { uniqueSuffix } from '../support/env';

const RUN = uniqueSuffix();
let addressNo = 0;
/** A client address of its own (TEST-NET-3), so one story's failures never throttle another's. */
const freshAddress = () => `203.0.113.${(++addressNo % 250) + 1}`;

describe('sign-in throttling and account locks', () => {
  let s: ApiSuite;
  /**
   * An instance whose first wait is a minute, so a wait never runs out while a story sends its
   * attempts however slow the machine is (the default policy's first wait is one second).
   */
  let patient: Express;
  const PATIENT = { baseDelayMs: 60_000, maxDelayMs: 600_000 };
  const made: number[] = [];

  beforeAll(async () => {
    s = await startApiSuite('api-sign-in');
    patient = createApp({ prisma: s.prisma, temporal: s.temporal, version: 'test', taskQueue: s.taskQueue, jwtSecret: 'test-secret-test-secret-test-secret-0123456789', signIn: PATIENT });
  });
  afterAll(async () => {
    if (!s) return;
    const users = await s.prisma.user.findMany({ where: { id: { in: made } }, select: { username: true } });
    await s.prisma.signInEvent.deleteMany({ where: { username: { in: users.map((u) => u.username) } } });
    await s.prisma.user.deleteMany({ where: { id: { in: made } } });
    await s.close();
  });

  /** A fresh account (with a HANDLER role at 东华门第一社区, like a real one) whose password is the demo password. */
  async function account(label: string): Promise<{ id: number; username: string }> {
    const unit = await s.prisma.orgUnit.findFirstOrThrow({ where: { name: '东华门第一社区' }, select: { id: true } });
    const username = `signin-${label}-${RUN}`.slice(0, 64);
    const u = await s.prisma.user.create({
      data: { username, displayName: '登录测试', passwordHash: await hashPassword(DEMO_PASSWORD), memberships: { create: { role: 'HANDLER', orgUnitId: unit.id, scope: `unit:${unit.id}` } } },
      select: { id: true, username: true },
    });
    made.push(u.id);
    return u;
  }

  const signIn = (app: Express, address: string, username: string, password: string) => request(app).post('/api/auth/token').set('X-Forwarded-For', address).send({ username, password });
  const problem = (res: request.Response) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return JSON.parse(res.text) as { status: number; code?: string; field?: string; detail?: string; retryAfter?: number; lockedUntil?: string };
  };

  it('given 12 wrong passwords in a row for one account, the first three are 401 and the rest 429 TOO_MANY_ATTEMPTS with Retry-After, naming body.username', async () => {
    const u = await account('burst');
    const address = freshAddress();
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 12; i++) {
      last = await signIn(patient, address, u.username, `wrong-${i}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429, 429, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(problem(last!)).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS', field: 'body.username', retryAfter: expect.any(Number) });
    // while the account waits, even its right password is refused unchecked (no guess is ever tried)
    const right = await signIn(patient, address, u.username, DEMO_PASSWORD);
    expect(problem(right)).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
    // … in English on request
    const en = await signIn(patient, address, u.username, DEMO_PASSWORD).set('Accept-Language', 'en');
    expect(problem(en).detail).toMatch(/too many failed sign-ins/);
    // the failures are recorded, the refused attempts too
    const kinds = (await s.prisma.signInEvent.findMany({ where: { username: u.username }, select: { kind: true } })).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'FAILURE')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'THROTTLED').length).toBeGreaterThanOrEqual(9);
  });

  it('given the count is in the database, a second API instance refuses the fourth wrong password after three on the first', async () => {
    const u = await account('instances');
    const address = freshAddress();
    const other = createApp({ prisma: s.prisma, temporal: s.temporal, version: 'test', taskQueue: s.taskQueue, jwtSecret: 'test-secret-test-secret-test-secret-0123456789', signIn: PATIENT });
    for (let i = 0; i < 3; i++) expect((await signIn(patient, address, u.username, `wrong-${i}`)).status).toBe(401);
    const fourth = await signIn(other, address, u.username, 'wrong-3');
    expect(problem(fourth)).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS', field: 'body.username' });
  });

  it('given an unknown username, it is throttled exactly like an account (nothing tells which usernames exist)', async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(patient, address, `nobody-${RUN}`, `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('given one address trying many accounts, after twenty failures it gets 429 TOO_MANY_ATTEMPTS naming client.address', async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 21; i++) {
      last = await signIn(patient, address, `spray-${i}-${RUN}`, 'Password1');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(problem(last!)).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS', field: 'client.address' });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // another address is not affected
    const u = await account('elsewhere');
    expect((await signIn(patient, freshAddress(), u.username, DEMO_PASSWORD)).status).toBe(200);
  });

  it('given successful sign-ins, none is throttled, and a success clears the failures before it', async () => {
    const u = await account('success');
    const address = freshAddress();
    for (let i = 0; i < 15; i++) expect((await signIn(s.app, address, u.username, DEMO_PASSWORD)).status).toBe(200);
    const statuses: number[] = [];
    // (without the reset, the fifth attempt would be the fourth failure in a row: 429)
    for (const password of ['wrong-1', 'wrong-2', DEMO_PASSWORD, 'wrong-3', 'wrong-4', 'wrong-5']) statuses.push((await signIn(s.app, address, u.username, password)).status);
    expect(statuses).toEqual([401, 401, 200, 401, 401, 401]);
  });

  describe('locks (an instance without delays, so ten failures come at once)', () => {
    let app: Express;
    beforeAll(() => {
      app = createApp({ prisma: s.prisma, temporal: s.temporal, version: 'test', taskQueue: s.taskQueue, jwtSecret: 'test-secret-test-secret-test-secret-0123456789', signIn: { baseDelayMs: 0 } });
    });

    async function lockOut(username: string, address: string) {
      const answers: request.Response[] = [];
      for (let i = 0; i < 10; i++) answers.push(await signIn(app, address, username, `wrong-${i}`));
      return answers;
    }

    it('given ten wrong passwords in fifteen minutes, the account is locked with an audit row, and even the right password is refused with ACCOUNT_LOCKED', async () => {
      const u = await account('lock');
      const address = freshAddress();
      const answers = await lockOut(u.username, address);
      expect(answers.slice(0, 9).map((r) => r.status)).toEqual(Array(9).fill(401));
      expect(problem(answers[9])).toMatchObject({ status: 429, code: 'ACCOUNT_LOCKED', field: 'body.username', lockedUntil: expect.any(String) });
      const right = await signIn(app, freshAddress(), u.username, DEMO_PASSWORD);
      const p = problem(right);
      expect(p).toMatchObject({ status: 429, code: 'ACCOUNT_LOCKED', field: 'body.username' });
      // about fifteen minutes from now
      const minutes = (Date.parse(p.lockedUntil!) - Date.now()) / 60_000;
      expect(minutes).toBeGreaterThan(10);
      expect(minutes).toBeLessThanOrEqual(15);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(600);
      expect(p.detail).toContain('管理员');
      const lock = await s.prisma.signInEvent.findFirst({ where: { username: u.username, kind: 'LOCKED' } });
      expect(lock).toMatchObject({ userId: u.id, address });
      expect(lock!.until!.toISOString()).toBe(p.lockedUntil);
    });

    it('given a locked account, an administrator unlocks it (with an audit row naming them) and the right password works again', async () => {
      const u = await account('unlock');
      await lockOut(u.username, freshAddress());
      expect(problem(await signIn(app, freshAddress(), u.username, DEMO_PASSWORD))).toMatchObject({ code: 'ACCOUNT_LOCKED' });
      // a handler may not unlock; the administrator may
      const refused = await request(app).post(`/api/admin/users/${u.id}/unlock`).set('Authorization', await s.auth('dhm1.handler')).send({});
      expect(refused.status).toBe(403);
      const unlocked = await request(app).post(`/api/admin/users/${u.id}/unlock`).set('Authorization', await s.auth('admin')).send({});
      expect(unlocked.status).toBe(200);
      expect(unlocked.body).toMatchObject({ id: u.id, username: u.username, locked: false, lockedUntil: null, wasLockedUntil: expect.any(String) });
      expect((await signIn(app, freshAddress(), u.username, DEMO_PASSWORD)).status).toBe(200);
      const admin = await s.prisma.user.findUniqueOrThrow({ where: { username: 'admin' }, select: { id: true } });
      expect(await s.prisma.signInEvent.findFirst({ where: { username: u.username, kind: 'UNLOCKED' } })).toMatchObject({ userId: u.id, actorId: admin.id, actorName: '系统管理员' });
    });

    it('given a lock whose period has run out, the right password works again', async () => {
      const u = await account('expired');
      await lockOut(u.username, freshAddress());
      // given the fifteen minutes have passed
      await s.prisma.signInEvent.updateMany({ where: { username: u.username, kind: 'LOCKED' }, data: { until: new Date(Date.now() - 1000) } });
      expect((await signIn(app, freshAddress(), u.username, DEMO_PASSWORD)).status).toBe(200);
    });

    it('given an unknown user id, unlock is 404 naming path.id', async () => {
      const res = await request(app).post('/api/admin/users/2147483000/unlock').set('Authorization', await s.auth('admin')).send({});
      expect(problem(res)).toMatchObject({ status: 404, field: 'path.id' });
    });
  });
});
