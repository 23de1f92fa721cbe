/**
 * Coordinate systems of phone map SDKs (core/crs.ts) against the demo city's grids
 * (seed/geo.ts): a GCJ-02 or BD-09 point converted back lands on the GPS point it renders, and
 * so in the grid the reporter stands in, near a boundary too.
 */
import { fromWgs84, toWgs84 } from '../../core/crs';
import { pointInGeometry } from '../../core/geometry';
import { buildDemoCity, flattenUnits } from '../../seed/geo';

const grids = flattenUnits(buildDemoCity().city).filter((u) => u.level === 'GRID');
const gridAt = (lat: number, lng: number) => grids.find((g) => g.bbox[0] <= lng && lng <= g.bbox[2] && g.bbox[1] <= lat && lat <= g.bbox[3] && pointInGeometry(lng, lat, g.geometry!))?.name ?? null;
const metres = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) => Math.hypot((a.lat - b.lat) * 111_320, (a.lng - b.lng) * 111_320 * Math.cos((a.lat * Math.PI) / 180));

describe('coordinate systems of phone map SDKs', () => {
  // 26 m west of the boundary between 东华门第一社区第3网格 (A) and 东华门第二社区第3网格 (B)
  const P = { lat: 39.9075, lng: 116.391928 };

  it('given a GPS point in Beijing, when rendered in GCJ-02 and BD-09, then it moves hundreds of metres (as the SDKs show it)', () => {
    expect(metres(P, fromWgs84(P.lat, P.lng, 'GCJ02'))).toBeGreaterThan(400);
    expect(metres(P, fromWgs84(P.lat, P.lng, 'BD09'))).toBeGreaterThan(metres(P, fromWgs84(P.lat, P.lng, 'GCJ02')));
    expect(fromWgs84(P.lat, P.lng, 'WGS84')).toEqual(P);
  });

  it.each(['GCJ02', 'BD09'] as const)('given a %s point, when converted to WGS-84, then it is the GPS point within 10 cm and keeps what was sent', (crs) => {
    const sent = fromWgs84(P.lat, P.lng, crs);
    const back = toWgs84(sent.lat, sent.lng, crs);
    expect(back.crs).toBe(crs);
    expect(back.sent).toEqual(sent);
    expect(metres(back, P)).toBeLessThan(0.1);
  });

  it('given WGS-84, then the point is taken as it is', () => {
    expect(toWgs84(P.lat, P.lng)).toEqual({ crs: 'WGS84', sent: P, lat: P.lat, lng: P.lng });
  });

  it('given a point just inside grid A whose GCJ-02 rendering lies in grid B, then only the conversion puts it back in A', () => {
    expect(gridAt(P.lat, P.lng)).toBe('东华门第一社区第3网格');
    const gcj = fromWgs84(P.lat, P.lng, 'GCJ02');
    expect(gridAt(gcj.lat, gcj.lng)).toBe('东华门第二社区第3网格');
    const placed = toWgs84(gcj.lat, gcj.lng, 'GCJ02');
    expect(gridAt(placed.lat, placed.lng)).toBe('东华门第一社区第3网格');
  });

  it('vice versa: given a GPS point just inside B which, read as GCJ-02, is a phone in A, then each crs places it in its own grid', () => {
    const Q = { lat: 39.9095, lng: 116.393 };
    expect(gridAt(Q.lat, Q.lng)).toBe('东华门第二社区第3网格');
    const asGps = toWgs84(Q.lat, Q.lng, 'WGS84');
    expect(gridAt(asGps.lat, asGps.lng)).toBe('东华门第二社区第3网格');
    const asAmap = toWgs84(Q.lat, Q.lng, 'GCJ02');
    expect(gridAt(asAmap.lat, asAmap.lng)).toBe('东华门第一社区第3网格');
  });

  it('given a point outside China, then GCJ-02 leaves it unchanged (the offset applies in China only)', () => {
    expect(toWgs84(48.8566, 2.3522, 'GCJ02')).toMatchObject({ lat: 48.8566, lng: 2.3522 });
  });
});
