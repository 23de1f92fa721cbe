/**
 * The citizen follow-up (story 7's end): with the case number and the phone given at report time,
 * a citizen sees the progress of her case without signing in, and rates it once it is closed —
 * once. A wrong phone looks exactly like an unknown case. Real Temporal and MySQL.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { rateCase } from '../../api/services/satisfaction';
import { startApiSuite, type ApiSuite } from '../support/api';
import { closeAtVillage, wangfangGrid } from '../support/cases';
import { uniqueSuffix } from '../support/env';

describe('citizen follow-up: /api/public/cases/{id}', () => {
  let s: ApiSuite;
  let apiKey: string;
  const cases: string[] = [];

  /** A citizen's report through Open311, as the app sends it. */
  async function report(phone: string): Promise<string> {
    const g = await wangfangGrid(s.prisma);
    const body = new URLSearchParams({
      api_key: apiKey,
      service_code: 'SS03',
      lat: g.lat.toFixed(7),
      long: g.lng.toFixed(7),
      first_name: '丽',
      last_name: '赵',
      phone,
      description: `东华门大街路灯不亮 ${uniqueSuffix()}`,
    }).toString();
    const res = await request(s.app).post('/open311/v2/requests.json').type('form').send(body);
    if (res.status !== 200) throw new Error(`report failed: ${res.status} ${res.text}`);
    cases.push(res.body[0].service_request_id);
    return res.body[0].service_request_id;
  }

  async function driveToClose(caseId: string) {
    await closeAtVillage(s.prisma, s.temporal.client.workflow.getHandle(caseId), '已更换灯泡，李明负责');
  }

  const phoneOf = () => `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

  beforeAll(async () => {
    s = await startApiSuite('citizen');
    apiKey = `test-citizen-${uniqueSuffix()}`;
    await s.prisma.apiClient.create({ data: { name: '测试12345', channel: 'HOTLINE_12345', keyHash: crypto.createHash('sha256').update(apiKey).digest('hex') } });
  });

  afterAll(async () => {
    for (const id of cases) await s?.temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
    await s?.close();
  });

  it('given a reported case, when the reporter looks it up with her phone, then she sees its status and a timeline without internal names', async () => {
    const phone = phoneOf();
    const id = await report(phone);
    const res = await request(s.app).get(`/api/public/cases/${id}`).query({ phone: `+86 ${phone.slice(0, 3)}-${phone.slice(3)}` });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ id, status: 'REPORTED', category: { code: 'SS03', name: '路灯不亮' }, closedAt: null, rating: null, canRate: false, tier: 'VILLAGE' });
    expect(Date.parse(res.body.reportedAt)).not.toBeNaN();
    expect(res.body.dueAt).not.toBeNull();
    expect(res.body.timeline[0]).toEqual({ action: 'report', time: expect.any(String), tier: 'VILLAGE', statusLabel: '已上报', description: '已上报' });
    expect(res.text).not.toContain('赵丽');
    expect(res.text).not.toContain(phone);
  });

  it('given a wrong phone or an unknown case, when looked up, then both are the same 404', async () => {
    const id = await report(phoneOf());
    const wrong = await request(s.app).get(`/api/public/cases/${id}`).query({ phone: '13000000000' });
    const unknown = await request(s.app).get('/api/public/cases/DC-19990101-99999').query({ phone: '13000000000' });
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect({ ...wrong.body, detail: undefined }).toEqual({ ...unknown.body, detail: undefined });
    expect(wrong.body.detail).toBe(unknown.body.detail);
    const missing = await request(s.app).get(`/api/public/cases/${id}`);
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('query.phone');
  });

  it('given an open case, when the reporter rates it, then 409: rating waits for closing', async () => {
    const phone = phoneOf();
    const id = await report(phone);
    const res = await request(s.app).post(`/api/public/cases/${id}/rating`).send({ phone, score: 5 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('NOT_CLOSED');
    expect(await s.prisma.satisfactionRating.count({ where: { caseId: id } })).toBe(0);
  });

  it('given a closed case, when the reporter rates it, then 201 and the rating shows in her lookup; a second rating is a 409', async () => {
    const phone = phoneOf();
    const id = await report(phone);
    await driveToClose(id);

    const before = await request(s.app).get(`/api/public/cases/${id}`).query({ phone }).set('Accept-Language', 'en');
    expect(before.body).toMatchObject({ status: 'CLOSED', canRate: true, rating: null });
    expect(before.body.closedAt).not.toBeNull();
    const actions = before.body.timeline.map((e: { action: string }) => e.action);
    expect(actions[0]).toBe('report');
    expect(actions[actions.length - 1]).toBe('close');
    expect(before.body.timeline[actions.length - 1]).toMatchObject({ statusLabel: '已结案', description: 'closed' });
    for (const internal of ['claim', 'complete', 'dispatchTask', 'evaluate', 'end']) expect(actions).not.toContain(internal);
    expect(before.text).not.toContain('李明');
    expect(before.text).not.toContain('王芳');

    const wrongPhone = await request(s.app).post(`/api/public/cases/${id}/rating`).send({ phone: '13000000000', score: 5 });
    expect(wrongPhone.status).toBe(404);
    const bad = await request(s.app).post(`/api/public/cases/${id}/rating`).send({ phone, score: 6 });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('body.score');

    const rated = await request(s.app).post(`/api/public/cases/${id}/rating`).send({ phone, score: 4, comment: '修得很快' });
    expect(rated.status).toBe(201);
    expect(rated.body).toEqual({ caseId: id, score: 4, comment: '修得很快', ratedAt: expect.any(String) });
    expect(await s.prisma.satisfactionRating.findUnique({ where: { caseId: id } })).toMatchObject({ score: 4, comment: '修得很快', channel: 'PUBLIC_WEB' });

    const twice = await request(s.app).post(`/api/public/cases/${id}/rating`).send({ phone, score: 1 });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ALREADY_RATED');

    const after = await request(s.app).get(`/api/public/cases/${id}`).query({ phone });
    expect(after.body).toMatchObject({ canRate: false, rating: { score: 4, comment: '修得很快' } });

    // the service the lead mounts for signed-in reporters keeps the same rule
    await expect(rateCase(s, id, { score: 3, channel: 'GRID_APP' })).rejects.toMatchObject({ kind: 'conflict', code: 'ALREADY_RATED' });
  });

  it('given the public lookup and rating, then the OpenAPI document describes both', async () => {
    const doc = await request(s.app).get('/openapi.json');
    expect(doc.body.paths['/api/public/cases/{id}'].get).toBeDefined();
    expect(doc.body.paths['/api/public/cases/{id}/rating'].post).toBeDefined();
    expect(doc.body.paths['/open311/v2/requests.{format}'].post).toBeDefined();
    expect(doc.body.components.schemas.PublicRatingCreate).toBeDefined();
  });
});
