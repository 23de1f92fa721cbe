/**
 * Checks of grid boundaries beyond their JSON shape (schema/api/admin-org.json checks types,
 * ranges and sizes): rings are closed, not degenerate and do not cross themselves. Boundaries are
 * stored as the seed stores them: [lng, lat] rounded to 7 decimals (≈ 1 cm), altitude dropped,
 * with the bounding box and the area of seed/geo.ts.
 */
import { areaSqm, bboxOf, toMulti, type AreaGeometry, type BBox, type Position } from '../../../core/geometry';

export interface GeometryProblem {
  field: string;
  message: string;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** [lng, lat] (altitude dropped), rounded to 7 decimals. */
export function normalise(geom: AreaGeometry): AreaGeometry {
  const ring = (r: Position[]): Position[] => r.map((p) => [round7(p[0]), round7(p[1])]);
  return geom.type === 'Polygon' ? { type: 'Polygon', coordinates: geom.coordinates.map(ring) } : { type: 'MultiPolygon', coordinates: geom.coordinates.map((poly) => poly.map(ring)) };
}

type Pt = readonly [number, number] | readonly number[];

function orient(a: Pt, b: Pt, c: Pt): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Pt, b: Pt, p: Pt): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

function segmentsTouch(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/** Index of the first vertex where the (closed) ring crosses or touches itself, or -1. */
function selfIntersection(ring: readonly Pt[]): number {
  const n = ring.length - 1; // segments; the last point repeats the first
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      // neighbours share a vertex; so do the first and the last segment
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsTouch(ring[i], ring[i + 1], ring[j], ring[j + 1])) return i;
    }
  }
  return -1;
}

/** Every problem of the rings, each naming its place under `field` (…coordinates.0.3). */
export function geometryProblems(geom: AreaGeometry, field: string): GeometryProblem[] {
  const out: GeometryProblem[] = [];
  const polys = toMulti(geom);
  polys.forEach((poly, pi) => {
    const base = geom.type === 'Polygon' ? `${field}.coordinates` : `${field}.coordinates.${pi}`;
    poly.forEach((ring, ri) => {
      const f = `${base}.${ri}`;
      const first = ring[0], last = ring[ring.length - 1];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        out.push({ field: f, message: 'ring is not closed: the last position must repeat the first' });
        return;
      }
      const distinct = new Set(ring.slice(0, -1).map((p) => `${round7(p[0])},${round7(p[1])}`));
      if (distinct.size < 3) {
        out.push({ field: f, message: 'ring needs at least 3 distinct positions' });
        return;
      }
      const at = selfIntersection(ring);
      if (at >= 0) out.push({ field: `${f}.${at}`, message: 'ring crosses or touches itself here' });
      else if (ri === 0 && areaSqm({ type: 'Polygon', coordinates: [ring] }) < 1) out.push({ field: f, message: 'ring encloses no area' });
    });
  });
  return out;
}

export interface Measured {
  boundary: AreaGeometry;
  bbox: BBox;
  areaSqm: number;
}

export function measure(geom: AreaGeometry): Measured {
  const boundary = normalise(geom);
  return { boundary, bbox: bboxOf(toMulti(boundary)), areaSqm: Math.round(areaSqm(boundary)) };
}
