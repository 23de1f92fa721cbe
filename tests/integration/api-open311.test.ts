/**
 * Story 7 through Open311 GeoReport v2 (/open311/v2/): a citizen app lists the services, posts a
 * request shaped like the spec's example (form-urlencoded), gets the case number and a token
 * back, and polls requests/{id}; reads show the citizen-safe projection; errors come in the spec's
 * format (JSON array or <errors>) with 400/403/404/429; the POST is rate-limited and idempotent.
 * Real Temporal and MySQL; the cases are driven through their workflows.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../api/app';
import { completeUpdate } from '../../workflows/case-api';
import { startApiSuite, type ApiSuite } from '../support/api';
import { act, inboxTask } from '../support/api-flow';
import { actor, closeAtVillage, openTask, wangfangGrid } from '../support/cases';
import { uniqueSuffix } from '../support/env';

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** A form body written the way the spec's example is: key=value&…, brackets of attribute[code] left as they are. */
function form(fields: Record<string, string>): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return Object.entries(fields)
    .map(([k, v]) => `${enc(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${enc(v)}`)
    .join('&');
}

describe('Open311 GeoReport v2 (story 7)', () => {
  let s: ApiSuite;
  let apiKey: string;
  let point: { lat: number; lng: number };
  const cases: string[] = [];
  /** the request posted once in beforeAll, read by the GET tests */
  let shared: { service_request_id: string; token: string; phone: string; description: string };

  /** The spec's example request, with our service codes and a point in 王芳's grid. */
  function example(extra: Record<string, string> = {}): Record<string, string> {
    return {
      api_key: apiKey,
      jurisdiction_id: 'beijing.gov.cn',
      service_code: 'SS01',
      lat: point.lat.toFixed(7),
      long: point.lng.toFixed(7),
      address_string: '东华门大街12号',
      email: 'citizen@example.com',
      device_id: 'tt222111',
      account_id: '123456',
      first_name: '小明',
      last_name: '王',
      phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      description: `东华门大街12号门前井盖缺失 ${uniqueSuffix()}`,
      media_url: 'http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg',
      'attribute[severity]': '1',
      ...extra,
    };
  }

  function post(fields: Record<string, string>, fmt = 'json', app = s.app) {
    return request(app).post(`/open311/v2/requests.${fmt}`).set('Content-Type', 'application/x-www-form-urlencoded; charset=utf-8').send(form(fields));
  }

  async function created(fields: Record<string, string>) {
    const res = await post(fields);
    if (res.status !== 200) throw new Error(`POST requests.json: ${res.status} ${res.text}`);
    cases.push(res.body[0].service_request_id);
    return res.body[0] as { service_request_id: string; service_notice: string; account_id: string | null; token: string };
  }

  async function driveToClose(caseId: string) {
    await closeAtVillage(s.prisma, s.temporal.client.workflow.getHandle(caseId), '已更换新井盖');
  }

  beforeAll(async () => {
    s = await startApiSuite('open311');
    point = await wangfangGrid(s.prisma);
    apiKey = `test-open311-${uniqueSuffix()}`;
    await s.prisma.apiClient.create({ data: { name: '测试随手拍', channel: 'CITIZEN_APP', keyHash: sha256(apiKey) } });
    const fields = example({ description: '东华门大街12号门前井盖缺失，联系电话 13812345678' });
    const r = await created(fields);
    shared = { service_request_id: r.service_request_id, token: r.token, phone: fields.phone, description: fields.description };
  });

  afterAll(async () => {
    for (const id of cases) await s?.temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
    await s?.close();
  });

  describe('services', () => {
    it('given the catalogue, when a client lists services.json, then it gets the sub-items as realtime services grouped by their class', async () => {
      const res = await request(s.app).get('/open311/v2/services.json?jurisdiction_id=beijing.gov.cn');
      expect(res.status).toBe(200);
      expect(res.type).toBe('application/json');
      const ss01 = res.body.find((x: { service_code: string }) => x.service_code === 'SS01');
      expect(ss01).toEqual({ service_code: 'SS01', service_name: '井盖缺失', description: expect.stringContaining('井盖缺失'), metadata: true, type: 'realtime', keywords: expect.stringContaining('Missing manhole cover'), group: '公共设施' });
      expect(res.body.map((x: { service_code: string }) => x.service_code)).not.toContain('SS'); // a class with sub-items is a group, not a service
      expect(res.body.length).toBeGreaterThanOrEqual(51);
    });

    it('given Accept-Language: en or ?lang=en, when listing services, then names come in English', async () => {
      const a = await request(s.app).get('/open311/v2/services.json').set('Accept-Language', 'en');
      const b = await request(s.app).get('/open311/v2/services.json?lang=en');
      for (const res of [a, b]) {
        expect(res.body.find((x: { service_code: string }) => x.service_code === 'SS01')).toMatchObject({ service_name: 'Missing manhole cover', group: 'Public facilities (components)' });
      }
    });

    it('when a client lists services.xml, then it gets a UTF-8 XML document of <services><service>', async () => {
      const res = await request(s.app).get('/open311/v2/services.xml');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(res.text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<services>\n  <service>\n    <service_code>')).toBe(true);
      expect(res.text).toContain('<service_code>SS01</service_code>\n    <service_name>井盖缺失</service_name>');
      expect(res.text).toContain('<type>realtime</type>');
    });

    it('when a client asks for a service definition, then it gets its attributes: severity for a facility, required casualties for an emergency', async () => {
      const res = await request(s.app).get('/open311/v2/services/SS01.json');
      expect(res.status).toBe(200);
      expect(res.body.service_code).toBe('SS01');
      expect(res.body.attributes).toEqual([
        expect.objectContaining({ variable: true, code: 'severity', datatype: 'singlevaluelist', required: false, order: 1, values: expect.arrayContaining([{ key: '2', name: '紧急：危及人身安全' }]) }),
      ]);
      const xml = await request(s.app).get('/open311/v2/services/YJ01.xml');
      expect(xml.status).toBe(200);
      expect(xml.text).toContain('<service_definition>\n  <service_code>YJ01</service_code>\n  <attributes>\n    <attribute>\n      <variable>true</variable>\n      <code>casualties</code>');
      expect(xml.text).toContain('<required>true</required>');
      expect(xml.text).toMatch(/<values>\s*<value>\s*<key>none<\/key>\s*<name>没有<\/name>/);
    });

    it('given an unknown service code, when its definition is asked for, then the answer is a 404 in the spec\'s error format', async () => {
      const res = await request(s.app).get('/open311/v2/services/XX99.json');
      expect(res.status).toBe(404);
      expect(res.body).toEqual([{ code: 404, description: expect.stringContaining('XX99') }]);
      const xml = await request(s.app).get('/open311/v2/services/XX99.xml');
      expect(xml.status).toBe(404);
      expect(xml.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<errors>\n {2}<error>\n {4}<code>404<\/code>\n {4}<description>[^<]*XX99[^<]*<\/description>/);
    });
  });

  describe('POST requests', () => {
    it('given the spec\'s example request, when posted, then one case is created through intake with the client\'s channel and the citizen as reporter', async () => {
      const row = await s.prisma.case.findUniqueOrThrow({ where: { id: shared.service_request_id }, include: { category: true } });
      expect(row).toMatchObject({ channel: 'CITIZEN_APP', reporterId: null, reporterName: '王小明', reporterPhone: shared.phone, address: '东华门大街12号', severity: 1, description: shared.description });
      expect(row.category?.code).toBe('SS01');
      expect(await s.prisma.intakeToken.count({ where: { caseId: row.id, token: shared.token } })).toBe(1);
    });

    it('answers with the spec\'s array: service_request_id, service_notice, account_id, and a token', async () => {
      const res = await post(example({ account_id: 'acc-42' }));
      expect(res.status).toBe(200);
      expect(res.type).toBe('application/json');
      expect(res.body).toEqual([{ service_request_id: expect.stringMatching(/^[A-Z]+-\d{8}-\d+$/), service_notice: expect.stringContaining('东华门第一社区'), account_id: 'acc-42', token: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
      cases.push(res.body[0].service_request_id);
    });

    it('given the same Idempotency-Key, when the request is retried, then the first answer is replayed and no second case is made', async () => {
      const fields = example();
      const key = `o311-${uniqueSuffix()}`;
      const first = await post(fields).set('Idempotency-Key', key);
      expect(first.status).toBe(200);
      cases.push(first.body[0].service_request_id);
      const again = await post(fields).set('Idempotency-Key', key);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await s.prisma.case.count({ where: { description: fields.description } })).toBe(1);
    });

    it('when posted to requests.xml, then the answer is <service_requests><request> with an empty <account_id/> when none was sent', async () => {
      const { account_id: _a, ...fields } = example();
      const res = await post(fields, 'xml');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      const id = res.text.match(/<service_request_id>([^<]+)<\/service_request_id>/)?.[1];
      expect(id).toBeDefined();
      cases.push(id!);
      expect(res.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<service_requests>\n {2}<request>\n {4}<service_request_id>[^<]+<\/service_request_id>\n {4}<service_notice>[^<]+<\/service_notice>\n {4}<account_id\/>\n {4}<token>[0-9a-f]{32}<\/token>/);
    });

    it('given a wrong or missing api_key, when posting, then 403 in the spec\'s format and nothing is created', async () => {
      const before = await s.prisma.case.count();
      const bad = await post(example({ api_key: 'not-a-key' }));
      expect(bad.status).toBe(403);
      expect(bad.body).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
      const { api_key: _k, ...noKey } = example();
      const missing = await post(noKey, 'xml');
      expect(missing.status).toBe(403);
      expect(missing.text).toContain('<errors>\n  <error>\n    <code>403</code>');
      expect(await s.prisma.case.count()).toBeLessThanOrEqual(before + 1); // other suites may report meanwhile; ours made none
      expect(await s.prisma.case.count({ where: { description: noKey.description } })).toBe(0);
    });

    it('given no service_code, when posting, then 400 naming service_code; an unknown one is a 404', async () => {
      const { service_code: _c, ...fields } = example();
      const res = await post(fields);
      expect(res.status).toBe(400);
      expect(res.body).toEqual([{ code: 400, description: expect.stringContaining('service_code') }]);
      const unknown = await post(example({ service_code: 'XX99' }));
      expect(unknown.status).toBe(404);
      expect(unknown.body[0].description).toContain('service_code');
    });

    it('given a point outside every grid, when posting, then 400 in the spec\'s format naming lat', async () => {
      const res = await post(example({ lat: '31.2304000', long: '121.4737000' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual([{ code: 400, description: expect.stringMatching(/^lat: .*(grid|网格)/) }]);
    });

    it('given a point in GCJ-02 with the crs extension, when posting, then the request is placed by its WGS-84 conversion and keeps the point as sent', async () => {
      // a GPS point 26 m inside 王芳's grid, as AMap renders it (530 m east, in the next community's grid)
      const gcj = { lat: '39.9089016', long: '116.3981695' };
      const res = await post(example({ ...gcj, crs: 'GCJ02' }));
      expect(res.status).toBe(200);
      const id = res.body[0].service_request_id;
      cases.push(id);
      const row = await s.prisma.case.findUniqueOrThrow({ where: { id }, select: { lat: true, lng: true, sentCrs: true, sentLat: true, sentLng: true, grid: { select: { orgUnit: { select: { name: true } } } } } });
      expect(row.grid?.orgUnit.name).toBe('东华门第一社区第3网格');
      expect({ crs: row.sentCrs, lat: Number(row.sentLat), lng: Number(row.sentLng) }).toEqual({ crs: 'GCJ02', lat: 39.9089016, lng: 116.3981695 });
      expect(Number(row.lng)).toBeCloseTo(116.391928, 6);
      // GeoReport's lat/long are WGS-84
      const read = await request(s.app).get(`/open311/v2/requests/${id}.json`);
      expect(read.body[0]).toMatchObject({ lat: expect.closeTo(39.9075, 6), long: expect.closeTo(116.391928, 6) });
      // without crs the same numbers are a GPS point in the next community's grid
      const wgs = await post(example(gcj));
      cases.push(wgs.body[0].service_request_id);
      expect(wgs.body[0].service_notice).toContain('东华门第二社区');
      const bad = await post(example({ ...gcj, crs: 'EPSG3857' }));
      expect(bad.status).toBe(400);
      expect(bad.body[0].description).toMatch(/^crs/);
    });

    it('given zipcode and media_url, when posted, then both are stored and returned on the request', async () => {
      const res = await post(example({ zipcode: '100006', media_url: 'https://img.example.cn/manhole/42.jpg' }));
      expect(res.status).toBe(200);
      const id = res.body[0].service_request_id;
      cases.push(id);
      expect(await s.prisma.case.findUniqueOrThrow({ where: { id }, select: { zipcode: true, mediaUrl: true } })).toEqual({ zipcode: '100006', mediaUrl: 'https://img.example.cn/manhole/42.jpg' });
      const json = await request(s.app).get(`/open311/v2/requests/${id}.json`);
      expect(json.body[0]).toMatchObject({ zipcode: '100006', media_url: 'https://img.example.cn/manhole/42.jpg' });
      const xml = await request(s.app).get(`/open311/v2/requests/${id}.xml`);
      expect(xml.text).toContain('<zipcode>100006</zipcode>');
      expect(xml.text).toContain('<media_url>https://img.example.cn/manhole/42.jpg</media_url>');
    });

    it('given attributes outside the definition, when posting, then 400 naming each attribute', async () => {
      const res = await post(example({ 'attribute[severity]': '9', 'attribute[colour]': 'red' }));
      expect(res.status).toBe(400);
      expect(res.body.map((e: { description: string }) => e.description.split(':')[0]).sort()).toEqual(['attribute[colour]', 'attribute[severity]']);
      const emergency = await post(example({ service_code: 'YJ01', 'attribute[severity]': '2' }), 'json');
      expect(emergency.status).toBe(400);
      expect(emergency.body[0].description).toContain('attribute[casualties]');
    });

    it('given empty optional fields, when posting, then they count as not sent (the spec\'s optional arguments)', async () => {
      const res = await post(example({ email: '', media_url: '', 'attribute[severity]': '' }), 'json');
      expect(res.status).toBe(200);
      cases.push(res.body[0].service_request_id);
      const row = await s.prisma.case.findUniqueOrThrow({ where: { id: res.body[0].service_request_id } });
      expect(row.severity).toBe(0);
    });
  });

  describe('GET requests, requests/{id}, tokens/{token}', () => {
    it('given a posted request, when requests/{id}.json is polled, then it shows status, agency, expected time and place without the reporter', async () => {
      const res = await request(s.app).get(`/open311/v2/requests/${shared.service_request_id}.json`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      const item = res.body[0];
      expect(item).toEqual({
        service_request_id: shared.service_request_id,
        status: 'open',
        status_notes: expect.any(String),
        service_name: '井盖缺失',
        service_code: 'SS01',
        description: '东华门大街12号门前井盖缺失，联系电话 ***',
        agency_responsible: '东华门第一社区',
        service_notice: expect.stringContaining('社区（村）'),
        requested_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
        updated_datetime: expect.stringMatching(/\+08:00$/),
        expected_datetime: expect.stringMatching(/\+08:00$/),
        address: '东华门大街12号',
        address_id: expect.stringMatching(/^\d{15}$/),
        zipcode: null,
        lat: expect.closeTo(point.lat, 6),
        long: expect.closeTo(point.lng, 6),
        media_url: 'http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg',
      });
      expect(res.text).not.toContain('王小明');
      expect(res.text).not.toContain(shared.phone);
      expect(res.text).not.toContain('13812345678');
    });

    it('when requests/{id}.xml is polled, then the same request comes as <service_requests><request>', async () => {
      const res = await request(s.app).get(`/open311/v2/requests/${shared.service_request_id}.xml`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`<service_requests>\n  <request>\n    <service_request_id>${shared.service_request_id}</service_request_id>\n    <status>open</status>`);
      expect(res.text).toContain('<zipcode/>');
    });

    it('given an unknown id, when requests/{id}.json is polled, then 404 in the spec\'s format', async () => {
      const res = await request(s.app).get('/open311/v2/requests/DC-19990101-99999.json');
      expect(res.status).toBe(404);
      expect(res.body).toEqual([{ code: 404, description: expect.stringContaining('service_request_id') }]);
    });

    it('given a malformed id, when requests/{id}.json or .xml is polled, then it names nothing: 404 in the spec\'s format', async () => {
      for (const id of ['DC_2026!', '%E4%B8%8D%E5%AD%98%E5%9C%A8', 'x'.repeat(41), 'a%20b', "1'OR'1"]) {
        const json = await request(s.app).get(`/open311/v2/requests/${id}.json`);
        expect(json.status).toBe(404);
        expect(json.body).toEqual([{ code: 404, description: expect.stringContaining('service_request_id') }]);
        const xml = await request(s.app).get(`/open311/v2/requests/${id}.xml`);
        expect(xml.status).toBe(404);
        expect(xml.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<errors>\n {2}<error>\n {4}<code>404<\/code>\n {4}<description>service_request_id/);
      }
    });

    it('given the token of a POST, when tokens/{token}.json is asked, then it gives the service_request_id', async () => {
      const res = await request(s.app).get(`/open311/v2/tokens/${shared.token}.json`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ service_request_id: shared.service_request_id, token: shared.token }]);
      const xml = await request(s.app).get(`/open311/v2/tokens/${shared.token}.xml`);
      expect(xml.text).toContain(`<request>\n    <service_request_id>${shared.service_request_id}</service_request_id>\n    <token>${shared.token}</token>`);
      const unknown = await request(s.app).get('/open311/v2/tokens/0000.json');
      expect(unknown.status).toBe(404);
    });

    it('filters requests.json by service_request_id, service_code, status and date window', async () => {
      const id = shared.service_request_id;
      const ids = async (query: string) => {
        const res = await request(s.app).get(`/open311/v2/requests.json?${query}`);
        expect(res.status).toBe(200);
        return res.body.map((x: { service_request_id: string }) => x.service_request_id) as string[];
      };
      expect(await ids(`service_request_id=${id},DC-19990101-99999`)).toEqual([id]);
      expect(await ids('service_code=SS01&status=open')).toContain(id);
      expect(await ids('service_code=SS02,SS03')).not.toContain(id);
      expect(await ids('status=closed')).not.toContain(id);
      expect(await ids('status=open,closed')).toContain(id);
      expect(await ids('start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z')).not.toContain(id);
      const today = new Date();
      const from = new Date(today.getTime() - 2 * 86_400_000).toISOString().slice(0, 19) + 'Z';
      expect(await ids(`start_date=${from}`)).toContain(id);
      // service_request_id overrides the other arguments
      expect(await ids(`service_request_id=${id}&status=closed&service_code=SS02`)).toEqual([id]);
    });

    it('given a window over 90 days or a bad status, when listing, then 400 in the spec\'s format', async () => {
      const long = await request(s.app).get('/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z');
      expect(long.status).toBe(400);
      expect(long.body).toEqual([{ code: 400, description: expect.stringContaining('90') }]);
      const ok = await request(s.app).get('/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-03-31T00:00:00Z');
      expect(ok.status).toBe(200);
      const status = await request(s.app).get('/open311/v2/requests.xml?status=pending');
      expect(status.status).toBe(400);
      expect(status.text).toContain('<code>400</code>');
      expect(status.text).toContain('status');
    });

    it('given a dispute (a matter about people), when it is read publicly, then its text and place are withheld', async () => {
      const r = await created(example({ service_code: 'MD01', description: '楼上邻居张某深夜噪音，多次协商未果', 'attribute[severity]': '', 'attribute[parties]': '2' }));
      const res = await request(s.app).get(`/open311/v2/requests/${r.service_request_id}.json`);
      expect(res.body[0]).toMatchObject({ service_code: 'MD01', description: null, address: null, address_id: null, lat: null, long: null, status: 'open' });
      expect(res.text).not.toContain('张某');
    });

    it('given cases that end, when polled, then CLOSED and REJECTED both read as closed with their status word', async () => {
      const done = await created(example());
      await driveToClose(done.service_request_id);
      const rejected = await created(example());
      const handle = s.temporal.client.workflow.getHandle(rejected.service_request_id);
      const accept = await openTask(handle, 'Task_Accept');
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: accept.taskId, actor: await actor(s.prisma, 'dhm1.handler'), outcome: 'reject' }] });
      await handle.result();

      const res = await request(s.app).get(`/open311/v2/requests.json?service_request_id=${done.service_request_id},${rejected.service_request_id}`);
      const byId = new Map(res.body.map((x: { service_request_id: string }) => [x.service_request_id, x]));
      const closedRow = await s.prisma.case.findUniqueOrThrow({ where: { id: done.service_request_id } });
      expect(byId.get(done.service_request_id)).toMatchObject({ status: 'closed', status_notes: '已结案' });
      expect((byId.get(done.service_request_id) as { updated_datetime: string }).updated_datetime).toBe(`${new Date(closedRow.closedAt!.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`);
      expect(byId.get(rejected.service_request_id)).toMatchObject({ status: 'closed', status_notes: '不予受理' });
      const en = await request(s.app).get(`/open311/v2/requests/${done.service_request_id}.json?lang=en`);
      expect(en.body[0]).toMatchObject({ status: 'closed', status_notes: 'closed', service_name: 'Missing manhole cover' });
      const closedList = await request(s.app).get('/open311/v2/requests.json?status=closed&service_code=SS01');
      expect(closedList.body.map((x: { service_request_id: string }) => x.service_request_id)).toEqual(expect.arrayContaining([done.service_request_id, rejected.service_request_id]));
    });
  });

  describe('POST requests with a photo (multipart/form-data, as published Open311 clients send it)', () => {
    /** The smallest JPEG header and end: enough for the type to be read from the bytes. */
    const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

    /**
     * A body as the Android clients' HttpMime MultipartEntity writes it: every field a text part
     * with its charset and transfer encoding, the photo a binary part named media, CRLF lines.
     */
    function multipart(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer; field?: string }) {
      const boundary = `-------------${crypto.randomBytes(12).toString('hex')}`;
      const parts: Buffer[] = [];
      for (const [k, v] of Object.entries(fields)) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${v}\r\n`, 'utf8'));
      }
      if (file) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'media'}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\nContent-Transfer-Encoding: binary\r\n\r\n`, 'utf8'), file.bytes, Buffer.from('\r\n'));
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return { type: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
    }

    function postMultipart(m: { type: string; body: Buffer }, fmt = 'json') {
      return request(s.app).post(`/open311/v2/requests.${fmt}`).set('Content-Type', m.type).send(m.body);
    }

    it('given a photo in media and every field, api_key included, as form fields, when posted, then the request is created with the photo as its attachment', async () => {
      const fields = example();
      const res = await postMultipart(multipart(fields, { name: 'IMG_20261204_101500.jpg', type: 'image/jpeg', bytes: JPEG }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ service_request_id: expect.stringMatching(/^DC-\d{8}-\d+$/), service_notice: expect.stringContaining('东华门第一社区'), account_id: '123456', token: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
      const id = res.body[0].service_request_id;
      cases.push(id);
      const row = await s.prisma.case.findUniqueOrThrow({ where: { id }, include: { attachments: true, category: true } });
      expect(row).toMatchObject({ channel: 'CITIZEN_APP', reporterName: '王小明', severity: 1, description: fields.description, mediaUrl: fields.media_url });
      expect(row.category?.code).toBe('SS01');
      expect(row.attachments).toEqual([expect.objectContaining({ fileName: 'IMG_20261204_101500.jpg', mediaType: 'image/jpeg', size: JPEG.length })]);
      // the photo is the case's own: staff read it with the case
      const photo = await request(s.app).get(`/api/cases/${id}/attachments/${row.attachments[0].id}`).set('Authorization', await s.auth('dhm1.handler'));
      expect(photo.status).toBe(200);
      expect(Buffer.compare(photo.body as Buffer, JPEG)).toBe(0);
    });

    it('given a multipart request without a photo, or answered in XML, then it is read like a form post', async () => {
      const res = await postMultipart(multipart(example()), 'xml');
      expect(res.status).toBe(200);
      const id = res.text.match(/<service_request_id>([^<]+)<\/service_request_id>/)?.[1];
      expect(id).toBeDefined();
      cases.push(id!);
    });

    it('given a file that is not a photo, an empty one, or one in another field, then the intake photo checks refuse it and nothing is created', async () => {
      const before = await s.prisma.case.count({ where: { description: { startsWith: '照片检查' } } });
      const notPhoto = await postMultipart(multipart(example({ description: '照片检查 1' }), { name: 'report.pdf', type: 'image/jpeg', bytes: Buffer.from('%PDF-1.4 not a photo') }));
      expect(notPhoto.status).toBe(415);
      expect(notPhoto.body).toEqual([{ code: 415, description: expect.stringContaining('media[0]') }]);
      const empty = await postMultipart(multipart(example({ description: '照片检查 2' }), { name: 'empty.jpg', type: 'image/jpeg', bytes: Buffer.alloc(0) }));
      expect(empty.status).toBe(400);
      const elsewhere = await postMultipart(multipart(example({ description: '照片检查 3' }), { name: 'a.jpg', type: 'image/jpeg', bytes: JPEG, field: 'photo' }));
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body[0].description).toContain('media');
      expect(await s.prisma.case.count({ where: { description: { startsWith: '照片检查' } } })).toBe(before);
    });

    it('given a wrong api_key in the form fields, then 403 in the spec\'s format', async () => {
      const res = await postMultipart(multipart(example({ api_key: 'not-a-key' }), { name: 'a.jpg', type: 'image/jpeg', bytes: JPEG }));
      expect(res.status).toBe(403);
      expect(res.body).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    });
  });

  describe('POST requests with only an address (the hotline\'s usual case): located at 受理', () => {
    /** a GPS point 26 m inside 王芳's grid as AMap renders it (the dispatcher's map gives GCJ-02) */
    const PLACE_GCJ02 = { lat: 39.9089016, lng: 116.3981695, crs: 'GCJ02' };

    function addressOnly(extra: Record<string, string> = {}) {
      const { lat: _lat, long: _long, ...fields } = example({ address_string: `东城区东华门大街12号 ${uniqueSuffix()}`, ...extra });
      return fields;
    }

    it('given only an address_string naming 东城区, when posted, then a case without a grid waits at 东城区 and its 受理 task goes to the district\'s dispatchers', async () => {
      const res = await post(addressOnly());
      expect(res.status).toBe(200);
      const r = res.body[0];
      cases.push(r.service_request_id);
      expect(r.service_notice).toContain('待东城区按地址定位后受理');
      const row = await s.prisma.case.findUniqueOrThrow({ where: { id: r.service_request_id }, include: { district: true } });
      expect(row).toMatchObject({ gridId: null, villageId: null, townshipId: null, lat: null, lng: null, sentCrs: null, currentTier: 'DISTRICT', currentUnitId: row.districtId });
      expect(row.district.name).toBe('东城区');
      const accept = await inboxTask(s, 'dc.dispatcher', r.service_request_id, 'Task_Accept');
      expect(accept).toMatchObject({ tier: 'DISTRICT' });
      // the community and the street do not see it before it is placed
      const village = await request(s.app).get('/api/tasks').query({ caseId: r.service_request_id }).set('Authorization', await s.auth('dhm1.handler'));
      expect(village.body.items).toEqual([]);
      // the public read has no place yet
      const read = await request(s.app).get(`/open311/v2/requests/${r.service_request_id}.json`);
      expect(read.body[0]).toMatchObject({ status: 'open', address: row.address, address_id: null, lat: null, long: null });
      const view = await request(s.app).get(`/api/cases/${r.service_request_id}`).set('Authorization', await s.auth('dc.dispatcher'));
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ grid: null, location: null });
    });

    it('given the 受理 task of such a case, when completed without a point, outside every grid or in another district, then 422 naming body.data.location and the case stays unplaced', async () => {
      const res = await post(addressOnly());
      const id = res.body[0].service_request_id;
      cases.push(id);
      const accept = await inboxTask(s, 'dc.dispatcher', id, 'Task_Accept');
      const none = await act(s, 'dc.dispatcher', accept.id, 'complete', { outcome: 'accept' });
      expect(none.status).toBe(422);
      expect(none.body).toMatchObject({ code: 'LOCATION_REQUIRED', field: 'body.data.location' });
      const shanghai = await act(s, 'dc.dispatcher', accept.id, 'complete', { outcome: 'accept', data: { location: { lat: 31.2304, lng: 121.4737 } } });
      expect(shanghai.status).toBe(422);
      expect(shanghai.body).toMatchObject({ code: 'OUTSIDE_GRIDS', field: 'body.data.location' });
      // 西长安街 (西城区)
      const xicheng = await act(s, 'dc.dispatcher', accept.id, 'complete', { outcome: 'accept', data: { location: { lat: 39.9066, lng: 116.3868 } } });
      expect(xicheng.status).toBe(422);
      expect(xicheng.body).toMatchObject({ code: 'OUTSIDE_DISTRICT', field: 'body.data.location' });
      const malformed = await act(s, 'dc.dispatcher', accept.id, 'complete', { outcome: 'accept', data: { location: { lat: 'north', lng: 116.39, crs: 'WGS84' } } });
      expect(malformed.status).toBe(400);
      expect(await s.prisma.case.findUniqueOrThrow({ where: { id }, select: { gridId: true, status: true } })).toEqual({ gridId: null, status: 'REPORTED' });
      // a report that is not valid is refused without placing it
      const rejected = await act(s, 'dc.dispatcher', accept.id, 'complete', { outcome: 'reject' });
      expect(rejected.status).toBe(200);
      expect(await s.prisma.case.findUniqueOrThrow({ where: { id }, select: { gridId: true, status: true } })).toEqual({ gridId: null, status: 'REJECTED' });
    });

    it('given the dispatcher places the point (GCJ-02 from the map) when completing 受理, then the case gets its grid, village, township and tier, and 立案 goes to the community', async () => {
      const res = await post(addressOnly());
      const id = res.body[0].service_request_id;
      cases.push(id);
      const accept = await inboxTask(s, 'dc.dispatcher', id, 'Task_Accept');
      const done = await act(s, 'dc.dispatcher', accept.id, 'complete', { outcome: 'accept', data: { location: PLACE_GCJ02 } });
      expect(done.status).toBe(200);
      expect(done.body.task).toMatchObject({ state: 'COMPLETED', outcome: 'accept' });
      const row = await s.prisma.case.findUniqueOrThrow({ where: { id }, include: { grid: { include: { orgUnit: true } }, village: true, township: true, currentUnit: true } });
      expect(row.grid?.orgUnit.name).toBe('东华门第一社区第3网格');
      expect(row.village?.name).toBe('东华门第一社区');
      expect(row.township?.name).toBe('东华门街道');
      expect(row).toMatchObject({ currentTier: 'VILLAGE', currentUnitId: row.villageId, sentCrs: 'GCJ02' });
      expect(row.orgPath).toBe(row.grid?.orgUnit.path);
      expect(Number(row.lng)).toBeCloseTo(116.391928, 6);
      expect({ lat: Number(row.sentLat), lng: Number(row.sentLng) }).toEqual({ lat: PLACE_GCJ02.lat, lng: PLACE_GCJ02.lng });
      // the next step is the community's, as for a located report
      const register = await inboxTask(s, 'dhm1.handler', id, 'Task_Register');
      expect(register.tier).toBe('VILLAGE');
      const view = await request(s.app).get(`/api/cases/${id}`).set('Authorization', await s.auth('dhm1.handler'));
      expect(view.body).toMatchObject({ grid: { name: '东华门第一社区第3网格' }, location: { crs: 'WGS84', sent: { crs: 'GCJ02', lat: PLACE_GCJ02.lat, lng: PLACE_GCJ02.lng } } });
      const read = await request(s.app).get(`/open311/v2/requests/${id}.json`);
      expect(read.body[0]).toMatchObject({ address_id: expect.stringMatching(/^\d{15}$/), lat: expect.closeTo(39.9075, 6), long: expect.closeTo(116.391928, 6), agency_responsible: '东华门第一社区' });
    });

    it('given a client configured with a district, when it posts an address without a district name, then the case waits at that district; a client without one needs the district named', async () => {
      const xicheng = await s.prisma.orgUnit.findFirstOrThrow({ where: { name: '西城区', level: 'DISTRICT' } });
      const key = `test-xc-desk-${uniqueSuffix()}`;
      await s.prisma.apiClient.create({ data: { name: '西城区12345分中心', channel: 'HOTLINE_12345', keyHash: sha256(key), districtId: xicheng.id } });
      const { lat: _lat, long: _long, ...fields } = example({ api_key: key, address_string: '西长安街1号' });
      const res = await post(fields);
      expect(res.status).toBe(200);
      cases.push(res.body[0].service_request_id);
      expect(res.body[0].service_request_id).toMatch(/^XC-/);
      await inboxTask(s, 'xc.dispatcher', res.body[0].service_request_id, 'Task_Accept');
      const unnamed = await post({ ...fields, api_key: apiKey });
      expect(unnamed.status).toBe(400);
      expect(unnamed.body[0].description).toContain('address_string');
      const { lat: _a, long: _b, address_string: _c, ...noPlace } = example();
      const nothing = await post(noPlace);
      expect(nothing.status).toBe(400);
      expect(nothing.body[0].description).toContain('lat');
    });
  });

  describe('the rest of the spec', () => {
    it('given an unknown path or format under /open311, then 404 in the spec\'s format', async () => {
      const a = await request(s.app).get('/open311/v2/nothing.json');
      expect(a.status).toBe(404);
      expect(a.body).toEqual([{ code: 404, description: expect.any(String) }]);
      const b = await request(s.app).get('/open311/v2/services.csv');
      expect(b.status).toBe(404);
      expect(b.body[0].code).toBe(404);
      const c = await request(s.app).get('/open311/v2/requests.xml').set('Accept-Language', 'en').query({ start_date: 'yesterday' });
      expect(c.status).toBe(400);
      expect(c.text).toContain('start_date');
    });

    it('given markup in a description, when read as XML, then it is escaped text', async () => {
      const r = await created(example({ description: `井盖 <缺失> & "危险" 'x' ${uniqueSuffix()}` }));
      const res = await request(s.app).get(`/open311/v2/requests/${r.service_request_id}.xml`);
      expect(res.text).toContain('<description>井盖 &lt;缺失&gt; &amp; &quot;危险&quot; &apos;x&apos; ');
    });

    it('given the demo seed, then the 12345 hotline and the citizen app are api clients with documented keys', async () => {
      const hotline = await s.prisma.apiClient.findUnique({ where: { keyHash: sha256('demo-12345-hotline-2026') } });
      const app = await s.prisma.apiClient.findUnique({ where: { keyHash: sha256('demo-citizen-app-2026') } });
      expect(hotline).toMatchObject({ name: '北京12345热线', channel: 'HOTLINE_12345', active: true });
      expect(app).toMatchObject({ name: '市民随手拍', channel: 'CITIZEN_APP', active: true });
    });

    it('given a limit of 3 a minute, when a client posts a fourth time, then 429 with Retry-After, counted per address and per api_key', async () => {
      const limited = createApp({ prisma: s.prisma, temporal: s.temporal, version: 'test', taskQueue: s.taskQueue, jwtSecret: 'test-secret-test-secret-test-secret-0123456789', attachmentDir: s.attachmentDir, open311RateLimit: 3 });
      const key = `nobody-${uniqueSuffix()}`;
      const from = (ip: string, k: string) => post(example({ api_key: k }), 'json', limited).set('X-Forwarded-For', ip);
      for (let i = 0; i < 3; i++) expect((await from('198.51.100.1', key)).status).toBe(403);
      const fourth = await from('198.51.100.1', key);
      expect(fourth.status).toBe(429);
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
      expect(fourth.body).toEqual([{ code: 429, description: expect.any(String) }]);
      // the same key from another address: the key's own budget is spent
      expect((await from('198.51.100.2', key)).status).toBe(429);
      // another key from a fresh address: not limited
      expect((await from('198.51.100.3', `other-${key}`)).status).toBe(403);
      // another key from the spent address: the address's budget is spent
      const xml = await post(example({ api_key: `third-${key}` }), 'xml', limited).set('X-Forwarded-For', '198.51.100.1');
      expect(xml.status).toBe(429);
      expect(xml.text).toContain('<code>429</code>');
    });
  });
});
