/** Signing in and bearer tokens. */
import request from 'supertest';
import { hashPassword } from '../../platform/auth/password';
import { startApiSuite, DEMO_PASSWORD, type ApiSuite } from '../support/api';

/** This suite's bound on a cached caller (GRIDCASE_CALLER_CACHE_MS, 5 s by default): short, so the test waits a moment only. */
const CALLER_CACHE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('API authentication', () => {
  let s: ApiSuite;
  beforeAll(async () => {
    s = await startApiSuite('api-auth', { callerCacheMs: CALLER_CACHE_MS });
  });
  afterAll(async () => {
    await s.close();
  });

  it('given the right password, POST /api/auth/token returns a bearer token that GET /api/auth/me accepts', async () => {
    const res = await request(s.app).post('/api/auth/token').send({ username: 'dhm1.handler', password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', user: { username: 'dhm1.handler', displayName: '李明' } });
    const me = await request(s.app).get('/api/auth/me').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'dhm1.handler', roles: ['HANDLER'] });
  });

  it.each([
    ['a wrong password', { username: 'dhm1.handler', password: 'nope' }],
    ['an unknown user', { username: 'nobody-here', password: DEMO_PASSWORD }],
  ])('given %s, answers 401 problem+json without saying which part was wrong', async (_name, body) => {
    const res = await request(s.app).post('/api/auth/token').send(body);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status: 401, title: '未登录或登录已过期', detail: '用户名或密码错误' });
  });

  it('given a missing password, answers 400 naming body.password (in English when asked)', async () => {
    const res = await request(s.app).post('/api/auth/token').set('Accept-Language', 'en').send({ username: 'x' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ field: 'body.password', title: 'Bad Request', errors: [{ field: 'body.password', message: 'is required' }] });
  });

  it.each([
    ['no Authorization header', undefined],
    ['a malformed header', 'Token abc'],
    ['a forged token', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
  ])('given %s, a protected endpoint answers 401 with WWW-Authenticate', async (_name, header) => {
    const req = request(s.app).get('/api/auth/me');
    if (header) req.set('Authorization', header);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="gridcase"/);
    expect(JSON.parse(res.text)).toMatchObject({ field: 'header.Authorization' });
  });

  it('given a deactivated account, its token is refused once the caller cache bound has passed', async () => {
    const username = `temp-${Date.now().toString(36)}`;
    await s.prisma.user.create({ data: { username, displayName: '临时账号', passwordHash: await hashPassword(DEMO_PASSWORD) } });
    try {
      const token = await s.token(username);
      const me = () => request(s.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      expect((await me()).status).toBe(200);
      await s.prisma.user.update({ where: { username }, data: { active: false } });
      await sleep(CALLER_CACHE_MS + 50);
      const res = await me();
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ field: 'header.Authorization', detail: '账号不存在或已停用' });
    } finally {
      await s.prisma.user.delete({ where: { username } });
    }
  });

  it('given a removed role, the caller no longer holds it once the bound has passed', async () => {
    const username = `temp-${Date.now().toString(36)}r`;
    const unit = await s.prisma.orgUnit.findFirstOrThrow({ where: { level: 'VILLAGE' }, select: { id: true } });
    const u = await s.prisma.user.create({
      data: { username, displayName: '临时处置人员', passwordHash: await hashPassword(DEMO_PASSWORD), memberships: { create: { role: 'HANDLER', orgUnitId: unit.id, scope: `unit:${unit.id}` } } },
      select: { id: true },
    });
    try {
      const token = await s.token(username);
      const me = () => request(s.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      expect((await me()).body.roles).toEqual(['HANDLER']);
      await s.prisma.membership.deleteMany({ where: { userId: u.id } });
      await sleep(CALLER_CACHE_MS + 50);
      expect((await me()).body.roles).toEqual([]);
    } finally {
      await s.prisma.membership.deleteMany({ where: { userId: u.id } });
      await s.prisma.user.delete({ where: { id: u.id } });
    }
  });
});
