/** Temporal or MySQL down: the API answers 503 problem+json naming the one that is down, and writes nothing. */
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createPrisma } from '../../platform/db/prisma';
import type { TemporalHandle } from '../../platform/temporal/client';
import { startApiSuite, type ApiSuite } from '../support/api';
import { wangfangGrid } from '../support/cases';

const SECRET = 'test-secret-test-secret-test-secret-0123456789';

describe('API with a dependency down', () => {
  let s: ApiSuite;
  beforeAll(async () => {
    s = await startApiSuite('api-down');
  });
  afterAll(async () => {
    await s.close();
  });

  it('given Temporal unreachable, a report is a 503 naming temporal with Retry-After, and no case row appears', async () => {
    // a connection without the SDK's retries to a port nobody listens on
    const dead = Connection.lazy({ address: '127.0.0.1:9', interceptors: [] });
    const temporal: TemporalHandle = { connection: dead, probe: dead, client: new Client({ connection: dead }), namespace: 'default', close: () => dead.close() };
    const app = createApp({ prisma: s.prisma, temporal, version: 't', taskQueue: s.taskQueue, jwtSecret: SECRET });
    const token = (await request(app).post('/api/auth/token').send({ username: 'wangfang', password: 'GridCase#2026' })).body.access_token;
    const g = await wangfangGrid(s.prisma);
    const marker = `offline-${Date.now()}`;
    const res = await request(app).post('/api/cases').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', marker).send({ category: 'SS01', description: marker, location: { lat: g.lat, lng: g.lng } });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBeDefined();
    expect(JSON.parse(res.text)).toMatchObject({ status: 503, field: 'temporal', code: 'UNAVAILABLE' });
    expect(await s.prisma.case.count({ where: { description: marker } })).toBe(0);
    expect(await s.prisma.idempotencyRecord.count({ where: { key: marker } })).toBe(0);
    await dead.close();
  });

  it('given MySQL unreachable, signing in is a 503 naming the database', async () => {
    const deadDb = createPrisma('mysql://nobody:secret@127.0.0.1:9/none');
    try {
      const app = createApp({ prisma: deadDb, temporal: s.temporal, version: 't', jwtSecret: SECRET });
      const res = await request(app).post('/api/auth/token').send({ username: 'wangfang', password: 'GridCase#2026' });
      expect(res.status).toBe(503);
      const body = JSON.parse(res.text);
      expect(body).toMatchObject({ status: 503, field: 'database' });
      expect(res.text).not.toContain('secret');
    } finally {
      await deadDb.$disconnect().catch(() => undefined);
    }
  });
});
