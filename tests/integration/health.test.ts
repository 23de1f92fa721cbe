import { Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../../api/app';
import type { PrismaClient } from '../../generated/prisma/client';
import { createPrisma } from '../../platform/db/prisma';
import type { TemporalHandle } from '../../platform/temporal/client';
import { connectServices } from '../support/env';

describe('GET /health', () => {
  let prisma: PrismaClient;
  let temporal: TemporalHandle;
  let closeServices: () => Promise<void>;

  beforeAll(async () => {
    ({ prisma, temporal, close: closeServices } = await connectServices());
  });
  afterAll(async () => {
    await closeServices();
  });

  it('given Temporal and the database are up, answers 200 with both statuses', async () => {
    const res = await request(createApp({ prisma, temporal, version: 't' })).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: 't', temporal: { status: 'up' }, database: { status: 'up' } });
  });

  it('given the database is unreachable, answers 503 problem+json naming it', async () => {
    const deadDb = createPrisma('mysql://nobody:secret@127.0.0.1:9/none');
    try {
      const res = await request(createApp({ prisma: deadDb, temporal, version: 't' })).get('/health');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = JSON.parse(res.text);
      expect(body).toMatchObject({ status: 503, field: 'database', temporal: { status: 'up' }, database: { status: 'down' } });
      expect(body.database.error).not.toContain('secret');
    } finally {
      await deadDb.$disconnect().catch(() => undefined);
    }
  });

  it('given Temporal is unreachable, answers 503 naming it', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:9', connectTimeout: 1000, interceptors: [] });
    try {
      const res = await request(createApp({ prisma, temporal: { ...temporal, probe: connection }, version: 't' })).get('/health');
      expect(res.status).toBe(503);
      expect(JSON.parse(res.text)).toMatchObject({ field: 'temporal', temporal: { status: 'down' }, database: { status: 'up' } });
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('answers unknown routes and malformed JSON with problem+json', async () => {
    const app = createApp({ prisma, temporal, version: 't' });
    const missing = await request(app).get('/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.headers['content-language']).toBe('zh-CN');
    expect(JSON.parse(missing.text)).toMatchObject({ status: 404, title: '未找到', field: 'path' });
    const malformed = await request(app).post('/nope').set('Content-Type', 'application/json').send('{"a":');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text)).toMatchObject({ title: 'JSON 格式错误', field: 'body' });
    const english = await request(app).post('/nope').set('Accept-Language', 'en-US,en;q=0.9').set('Content-Type', 'application/json').send('{"a":');
    expect(english.headers['content-language']).toBe('en');
    expect(JSON.parse(english.text)).toMatchObject({ title: 'Malformed JSON', field: 'body' });
    const tooLarge = await request(app).post('/nope').set('Content-Type', 'application/json').send(JSON.stringify({ a: 'x'.repeat(1_100_000) }));
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.text)).toMatchObject({ field: 'body' });
  });

  it('serves the OpenAPI document and its browsable docs', async () => {
    const app = createApp({ prisma, temporal, version: 't' });
    const doc = await request(app).get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/health']).toBeDefined();
    const docs = await request(app).get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/openapi.json');
    const asset = await request(app).get('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
  });
});
