/**
 * Coordinate systems of the points phones send. Chinese map SDKs do not give WGS-84: AMap (高德)
 * and Tencent give GCJ-02 (火星坐标), Baidu gives BD-09, each offset from WGS-84 by hundreds of
 * metres in Beijing (GCJ-02 ≈ 500 m east and 150 m north of the GPS point; BD-09 further). Grids,
 * duplicates and the stored point are WGS-84, so a point is converted before it is placed.
 * Conversion by gcoord (MIT): GCJ-02 → WGS-84 is its iterative inverse, within centimetres.
 */
import gcoord, { type CRSTypes } from 'gcoord';

export const CRS_VALUES = ['WGS84', 'GCJ02', 'BD09'] as const;
export type Crs = (typeof CRS_VALUES)[number];
export const DEFAULT_CRS: Crs = 'WGS84';

const GCOORD: Record<Crs, CRSTypes> = { WGS84: gcoord.WGS84, GCJ02: gcoord.GCJ02, BD09: gcoord.BD09 };

/** The point as it was sent and as WGS-84 (7 decimals, as stored: about a centimetre). */
export interface SentPoint {
  crs: Crs;
  /** what the reporter sent */
  sent: { lat: number; lng: number };
  /** WGS-84, which decides the grid */
  lat: number;
  lng: number;
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

export function isCrs(v: unknown): v is Crs {
  return typeof v === 'string' && (CRS_VALUES as readonly string[]).includes(v);
}

/**
 * The WGS-84 point of a point sent in `crs`. gcoord leaves points outside China unchanged for
 * GCJ-02 (the offset applies inside China only), as the SDKs do.
 */
export function toWgs84(lat: number, lng: number, crs: Crs = DEFAULT_CRS): SentPoint {
  if (crs === 'WGS84') return { crs, sent: { lat, lng }, lat, lng };
  const [x, y] = gcoord.transform([lng, lat], GCOORD[crs], gcoord.WGS84) as [number, number];
  return { crs, sent: { lat, lng }, lat: round7(y), lng: round7(x) };
}

/** The point rendered in `crs` (for tests and for showing a WGS-84 point on a Chinese map). */
export function fromWgs84(lat: number, lng: number, crs: Crs): { lat: number; lng: number } {
  if (crs === 'WGS84') return { lat, lng };
  const [x, y] = gcoord.transform([lng, lat], gcoord.WGS84, GCOORD[crs]) as [number, number];
  return { lat: round7(y), lng: round7(x) };
}
