/**
 * The mapping of domain errors (api/services/errors.ts) to HTTP (api/http/domain-errors.ts): the
 * kind gives the status, and the input becomes the problem's field by where the route carries it.
 */
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { fieldOf, mapDomainError, placeInputs, STATUS_OF_KIND, type InputPlaces } from '../../api/http/domain-errors';
import { validate } from '../../api/http/validate';
import { errorHandler } from '../../api/problem';
import { CALLER, CALLER_ADDRESS, conflict, DomainError, invalid, malformed, notFound, refused, stale, text, throttled, unauthenticated, unavailable, WHOLE_INPUT } from '../../api/services/errors';

const places = (p: Partial<InputPlaces> = {}): InputPlaces => ({ path: [], query: [], whole: 'body', placed: {}, ...p });
const msg = text('中文', 'English');

describe('domain errors over HTTP', () => {
  it.each([
    ['malformed', 400, malformed('cursor', msg)],
    ['unauthenticated', 401, unauthenticated(msg)],
    ['refused', 403, refused('id', msg)],
    ['not-found', 404, notFound('id', msg)],
    ['conflict', 409, conflict('id', msg)],
    ['stale', 412, stale('ifMatch', msg)],
    ['invalid', 422, invalid('location', msg)],
    ['throttled', 429, throttled('username', msg, 'TOO_MANY_ATTEMPTS', 3)],
    ['unavailable', 503, unavailable('temporal', msg)],
  ] as const)('given a %s error, when mapped, then its status is %i', (kind, status, error) => {
    expect(error.kind).toBe(kind);
    expect(mapDomainError(error, places()).status).toBe(status);
    expect(STATUS_OF_KIND[kind]).toBe(status);
  });

  it('given a route with path parameter id, when an error names id, then the field is path.id', () => {
    expect(mapDomainError(notFound('id', msg), places({ path: ['id'] })).field).toBe('path.id');
    expect(fieldOf('membershipId', places({ path: ['id', 'membershipId'] }))).toBe('path.membershipId');
  });

  it('given a route whose query schema names cursor and to, when an error names them, then the fields are query.cursor and query.to', () => {
    const p = places({ query: ['from', 'to', 'cursor'] });
    expect(mapDomainError(malformed('cursor', msg), p).field).toBe('query.cursor');
    expect(fieldOf('to', p)).toBe('query.to');
  });

  it('given any route, when an error names an input the route does not place, then the field is in the body, nested as named', () => {
    expect(fieldOf('location.lat', places({ path: ['id'], query: ['cursor'] }))).toBe('body.location.lat');
    expect(fieldOf('children.0.code', places())).toBe('body.children.0.code');
    // a path parameter's name only as the head of the input
    expect(fieldOf('data.id', places({ path: ['id'] }))).toBe('body.data.id');
  });

  it('given the caller, the caller address and the write conditions, when mapped, then they are the headers and client address that carry them', () => {
    expect(mapDomainError(unauthenticated(msg), places()).field).toBe('header.Authorization');
    expect(fieldOf(CALLER, places({ path: ['id'] }))).toBe('header.Authorization');
    expect(fieldOf(CALLER_ADDRESS, places())).toBe('client.address');
    expect(fieldOf('ifMatch', places())).toBe('header.If-Match');
    expect(fieldOf('ifNoneMatch', places())).toBe('header.If-None-Match');
  });

  it('given the whole input, when mapped, then the field is the part the route carries it in', () => {
    expect(fieldOf(WHOLE_INPUT, places())).toBe('body');
    expect(fieldOf(WHOLE_INPUT, places({ whole: 'query' }))).toBe('query');
  });

  it('given a route that places an input itself, when an error names it, then the field is the placed one', () => {
    expect(fieldOf('location', places({ placed: { location: 'lat' } }))).toBe('lat');
    expect(fieldOf('category', places({ placed: { category: 'service_code' } }))).toBe('service_code');
  });

  it('given no input, when mapped, then the problem names no field', () => {
    expect(mapDomainError(conflict(undefined, msg), places()).field).toBeUndefined();
  });

  it('given an error with several issues, when mapped, then each issue becomes a field of errors', () => {
    const e = new DomainError('malformed', 'boundary.coordinates', msg, 'GEOMETRY', {}, [
      { input: 'boundary.coordinates', message: 'ring is not closed' },
      { input: 'boundary.coordinates.0.3', message: 'ring crosses itself here' },
    ]);
    expect(mapDomainError(e, places()).errors).toEqual([
      { field: 'body.boundary.coordinates', message: 'ring is not closed' },
      { field: 'body.boundary.coordinates.0.3', message: 'ring crosses itself here' },
    ]);
  });

  describe('through an app', () => {
    const app = express();
    app.use(express.json());
    const throwing =
      (e: DomainError): RequestHandler =>
      () => {
        throw e;
      };
    app.get('/calendar', validate({ query: 'AdminCalendarQuery' }), throwing(malformed('to', text('结束日期不能早于开始日期', 'to must not be before from'))));
    app.post('/cases/:id/rating', validate({ params: 'CaseIdParams' }), throwing(invalid('score', text('评分须为 1-5 的整数', 'the score must be a whole number from 1 to 5'))));
    app.get('/cases/:id', validate({ params: 'CaseIdParams' }), throwing(notFound('id', text('案件不存在', 'the case does not exist'))));
    app.get('/export', validate({ query: 'AdminCalendarQuery' }), throwing(invalid(WHOLE_INPUT, msg, 'TOO_MANY_CASES', { limit: 5 })));
    app.post('/open311', placeInputs({ location: 'lat' }), throwing(refused('location', msg, 'OUTSIDE_AREA')));
    app.post('/token', throwing(throttled('username', msg, 'ACCOUNT_LOCKED', 42, { lockedUntil: '2026-01-01T00:00:00.000Z' })));
    app.use(errorHandler);

    it('given a query parameter the service refuses, when answered, then the problem is 400 naming query.to, in Chinese by default', async () => {
      const res = await request(app).get('/calendar?from=2026-01-02&to=2026-01-01');
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.body).toEqual({ type: 'about:blank', title: '请求有误', status: 400, detail: '结束日期不能早于开始日期', field: 'query.to', code: 'BAD_INPUT' });
    });

    it('given a body field and a path parameter the service refuses, when answered in English, then the fields are body.score and path.id', async () => {
      const rated = await request(app).post('/cases/DC-20260101-00001/rating').set('Accept-Language', 'en').send({ score: 9 });
      expect(rated.body).toEqual({ type: 'about:blank', title: 'Unprocessable Content', status: 422, detail: 'the score must be a whole number from 1 to 5', field: 'body.score', code: 'INVALID' });
      const missing = await request(app).get('/cases/DC-20260101-00001');
      expect(missing.body).toMatchObject({ status: 404, field: 'path.id', code: 'NOT_FOUND' });
    });

    it('given the whole input of a query-only route, when answered, then the field is query and the extras are kept', async () => {
      const res = await request(app).get('/export?from=2026-01-01&to=2026-01-02');
      expect(res.body).toMatchObject({ status: 422, field: 'query', code: 'TOO_MANY_CASES', limit: 5 });
    });

    it('given an input the route placed, when answered, then the field is the placed name', async () => {
      const res = await request(app).post('/open311').send({});
      expect(res.body).toMatchObject({ status: 403, field: 'lat', code: 'OUTSIDE_AREA' });
    });

    it('given a throttled caller, when answered, then the answer is 429 with Retry-After and the extras', async () => {
      const res = await request(app).post('/token').send({});
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('42');
      expect(res.body).toMatchObject({ field: 'body.username', code: 'ACCOUNT_LOCKED', retryAfter: 42, lockedUntil: '2026-01-01T00:00:00.000Z' });
    });
  });
});
