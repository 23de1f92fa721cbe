/**
 * Locations as phones give them (issue 12): Chinese map SDKs report GCJ-02 (AMap, Tencent) or
 * BD-09 (Baidu), hundreds of metres off WGS-84 in Beijing. A report near a grid boundary must land
 * in the grid the reporter stands in, whatever coordinate system the point came in.
 *
 * The two neighbouring grids of the demo city (seed/geo.ts): A = 东华门第一社区第3网格 (王芳's)
 * and, east of it across lng 116.3922275, B = 东华门第二社区第3网格 (another community). The
 * points below were rendered with gcoord, as the SDKs render them:
 *   - P, a GPS point 26 m inside A: its GCJ-02 rendering lies 530 m east, in B; its BD-09
 *     rendering further north-east, in 东华门第三社区第2网格;
 *   - Q, a point 66 m inside B: read as a GCJ-02 point it is a phone standing in A.
 * The district's dispatcher reports (a hotline operator placing a caller's point), so both grids
 * lie in the reporter's area. Real Temporal and MySQL.
 */
import request from 'supertest';
import { locateGrid } from '../../domain/locate';
import { startApiSuite, terminateCases, type ApiSuite } from '../support/api';
import { PNG_1x1 } from '../support/api-flow';

const P_WGS84 = { lat: 39.9075, lng: 116.391928 };
const P_GCJ02 = { lat: 39.9089016, lng: 116.3981695 };
const P_BD09 = { lat: 39.9152462, lng: 116.4045418 };
const Q = { lat: 39.9095, lng: 116.393 };

const GRID_A = '东华门第一社区第3网格';
const GRID_B = '东华门第二社区第3网格';

describe('intake: points in WGS-84, GCJ-02 and BD-09 near a grid boundary', () => {
  let s: ApiSuite;
  const cases: string[] = [];

  beforeAll(async () => {
    s = await startApiSuite('intake-crs');
  });
  afterAll(async () => {
    await terminateCases(s, cases);
    await s?.close();
  });

  async function report(location: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const res = await request(s.app)
      .post('/api/cases')
      .set('Authorization', await s.auth('dc.dispatcher'))
      .send({ category: 'SS01', description: `井盖缺失（边界测试）`, location, ...extra });
    if (res.status === 201) cases.push(res.body.id);
    return res;
  }

  const gridName = async (lat: number, lng: number) => {
    const g = await locateGrid(s.prisma, lat, lng);
    return g?.name ?? null;
  };

  it('given the demo city, then P lies in A, its GCJ-02 and BD-09 renderings lie outside A, and Q lies in B', async () => {
    expect(await gridName(P_WGS84.lat, P_WGS84.lng)).toBe(GRID_A);
    expect(await gridName(P_GCJ02.lat, P_GCJ02.lng)).toBe(GRID_B);
    expect(await gridName(P_BD09.lat, P_BD09.lng)).toBe('东华门第三社区第2网格');
    expect(await gridName(Q.lat, Q.lng)).toBe(GRID_B);
  });

  it('given a phone in grid A whose AMap SDK gives GCJ-02, when it reports with crs GCJ02, then the case lands in A and keeps both points', async () => {
    const res = await report({ ...P_GCJ02, crs: 'GCJ02' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ grid: { name: GRID_A }, village: { name: '东华门第一社区' }, township: { name: '东华门街道' } });
    expect(res.body.location).toEqual({ lat: expect.closeTo(P_WGS84.lat, 6), lng: expect.closeTo(P_WGS84.lng, 6), crs: 'WGS84', sent: { crs: 'GCJ02', ...P_GCJ02 } });
    const row = await s.prisma.case.findUniqueOrThrow({ where: { id: res.body.id }, select: { lat: true, lng: true, sentCrs: true, sentLat: true, sentLng: true } });
    expect({ lat: Number(row.lat), lng: Number(row.lng) }).toEqual({ lat: expect.closeTo(P_WGS84.lat, 6), lng: expect.closeTo(P_WGS84.lng, 6) });
    expect({ crs: row.sentCrs, lat: Number(row.sentLat), lng: Number(row.sentLng) }).toEqual({ crs: 'GCJ02', ...P_GCJ02 });
    // the case views show both
    const view = await request(s.app).get(`/api/cases/${res.body.id}`).set('Authorization', await s.auth('dhm1.handler'));
    expect(view.status).toBe(200);
    expect(view.body.grid.name).toBe(GRID_A);
    expect(view.body.location).toEqual(res.body.location);
    const list = await request(s.app).get('/api/cases').query({ q: res.body.id }).set('Authorization', await s.auth('dhm1.handler'));
    expect(list.body.items[0].location.sent).toEqual({ crs: 'GCJ02', ...P_GCJ02 });
  });

  it('given the same phone on Baidu (BD-09), when it reports with crs BD09, then the case lands in A', async () => {
    const res = await report({ ...P_BD09, crs: 'BD09' });
    expect(res.status).toBe(201);
    expect(res.body.grid.name).toBe(GRID_A);
    expect(res.body.location.sent).toEqual({ crs: 'BD09', ...P_BD09 });
  });

  it('given the GCJ-02 numbers sent as WGS-84 (no crs, or crs WGS84), then they are a GPS point in B and the case lands in B', async () => {
    for (const location of [P_GCJ02, { ...P_GCJ02, crs: 'WGS84' }]) {
      const res = await report(location);
      expect(res.status).toBe(201);
      expect(res.body.grid.name).toBe(GRID_B);
      expect(res.body.location).toEqual({ ...P_GCJ02, crs: 'WGS84', sent: { crs: 'WGS84', ...P_GCJ02 } });
    }
  });

  it('vice versa: given a GPS point just inside B that read as GCJ-02 would be a phone in A, then WGS84 lands in B and GCJ02 in A', async () => {
    const gps = await report({ ...Q, crs: 'WGS84' });
    expect(gps.status).toBe(201);
    expect(gps.body.grid.name).toBe(GRID_B);
    const amap = await report({ ...Q, crs: 'GCJ02' });
    expect(amap.status).toBe(201);
    expect(amap.body.grid.name).toBe(GRID_A);
  });

  it('given a multipart report with crs in its case JSON, then the point is converted as in a JSON report', async () => {
    const res = await request(s.app)
      .post('/api/cases')
      .set('Authorization', await s.auth('dc.dispatcher'))
      .field('case', JSON.stringify({ category: 'SS01', description: '井盖缺失（边界测试，带照片）', location: { ...P_GCJ02, crs: 'GCJ02' } }))
      .attach('photos', PNG_1x1, { filename: 'cover.png', contentType: 'image/png' });
    expect(res.status).toBe(201);
    cases.push(res.body.id);
    expect(res.body.grid.name).toBe(GRID_A);
    expect(res.body.location.sent.crs).toBe('GCJ02');
  });

  it('given an unknown coordinate system, then 400 naming body.location.crs and no case', async () => {
    const before = await s.prisma.case.count({ where: { description: '井盖缺失（坐标系未知）' } });
    const res = await request(s.app)
      .post('/api/cases')
      .set('Authorization', await s.auth('dc.dispatcher'))
      .send({ category: 'SS01', description: '井盖缺失（坐标系未知）', location: { ...P_GCJ02, crs: 'EPSG3857' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('body.location.crs');
    expect(await s.prisma.case.count({ where: { description: '井盖缺失（坐标系未知）' } })).toBe(before);
  });
});
