/** Signing in and bearer tokens. */
import request from 'supertest';
import { hashPassword } from '../../platform/auth/password';
import { startApiSuite, DEMO_PASSWORD, type ApiSuite } from '../support/api';

describe('API authentication', () => {
  let s: ApiSuite;
  beforeAll(async () => {
    s = await startApiSuite('api-auth');
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

  it('given a deactivated account, its token stops working at once', async () => {
    const username = `temp-${Date.now().toString(36)}`;
    await s.prisma.user.create({ data: { username, displayName: '临时账号', passwordHash: await hashPassword(DEMO_PASSWORD) } });
    try {
      const token = await s.token(username);
      expect((await request(s.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      await s.prisma.user.update({ where: { username }, data: { active: false } });
      const res = await request(s.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
    } finally {
      await s.prisma.user.delete({ where: { username } });
    }
  });
});
