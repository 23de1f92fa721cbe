/**
 * Plane and sphere geometry of the grids, pure: GeoJSON Polygon/MultiPolygon boundaries, their
 * bounding boxes and areas, point-in-polygon, an interior point, great-circle distance. Used by
 * the product (locating a report's grid, checking an administrator's boundary) and by the demo
 * seed that cuts the demo city's grids.
 *
 * Area: spherical approximation (the Chamberlain–Duquette ring formula used by d3-geo and turf)
 * on a sphere of the mean Earth radius 6 371 008.8 m; at Beijing's latitude it differs from the
 * WGS84 ellipsoid by about −0.1 %. Coordinates are [lng, lat] (CGCS2000 ≈ WGS84).
 */
export type Position = [number, number];
export interface GeoPolygon {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface GeoMultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type AreaGeometry = GeoPolygon | GeoMultiPolygon;
/** [minLng, minLat, maxLng, maxLat] */
export type BBox = [number, number, number, number];

export const EARTH_RADIUS_M = 6_371_008.8;
/** Decimals kept in stored coordinates (≈ 1 cm). */
export const COORD_DECIMALS = 7;

/** Signed ring area in m² on the sphere (positive when counter-clockwise). */
export function ringAreaSqm(ring: readonly Position[]): number {
  const n = ring.length;
  if (n < 4) return 0;
  const rad = Math.PI / 180;
  let sum = 0;
  // ring is closed: ring[n-1] equals ring[0]; iterate over the n-1 distinct vertices
  const m = n - 1;
  for (let i = 0; i < m; i++) {
    const prev = ring[(i - 1 + m) % m];
    const next = ring[(i + 1) % m];
    sum += (next[0] - prev[0]) * rad * Math.sin(ring[i][1] * rad);
  }
  return (sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2;
}

function polygonAreaSqm(poly: readonly (readonly Position[])[]): number {
  let a = 0;
  poly.forEach((ring, i) => {
    const r = Math.abs(ringAreaSqm(ring));
    a += i === 0 ? r : -r;
  });
  return Math.max(0, a);
}

/** Area in m² of a GeoJSON Polygon/MultiPolygon, or of its polygons' coordinates (as polygon-clipping writes them). */
export function areaSqm(geom: AreaGeometry | readonly (readonly (readonly Position[])[])[]): number {
  const polys = Array.isArray(geom) ? geom : toMulti(geom as AreaGeometry);
  return polys.reduce((s, p) => s + polygonAreaSqm(p), 0);
}

export function toMulti(geom: AreaGeometry): Position[][][] {
  return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
}

export function bboxOf(polys: readonly (readonly (readonly Position[])[])[]): BBox {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of polys) for (const ring of p) for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** true when [lng, lat] lies inside the geometry (even-odd rule; boundary points may go either way). */
export function pointInGeometry(lng: number, lat: number, geom: AreaGeometry): boolean {
  let inside = false;
  for (const poly of toMulti(geom)) {
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}

/**
 * A point well inside the geometry: on the horizontal line through the middle of the largest
 * part's bbox, the midpoint of the widest stretch that lies inside. Rounded to 7 decimals.
 */
export function interiorPoint(geom: AreaGeometry): Position {
  const polys = toMulti(geom);
  const largest = polys.reduce((a, b) => (polygonAreaSqm(b) > polygonAreaSqm(a) ? b : a));
  const [, minY, , maxY] = bboxOf([largest]);
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
    const y = minY + (maxY - minY) * t;
    const xs: number[] = [];
    for (const ring of largest) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
      }
    }
    xs.sort((a, b) => a - b);
    let best: [number, number] | undefined;
    for (let k = 0; k + 1 < xs.length; k += 2) if (!best || xs[k + 1] - xs[k] > best[1] - best[0]) best = [xs[k], xs[k + 1]];
    if (best) {
      const p: Position = [roundCoord((best[0] + best[1]) / 2), roundCoord(y)];
      if (pointInGeometry(p[0], p[1], geom)) return p;
    }
  }
  throw new Error('no interior point found');
}

/** Rounded to COORD_DECIMALS (≈ 1 cm), the precision of the grids' bbox columns. */
export function roundCoord(v: number): number {
  const f = 10 ** COORD_DECIMALS;
  return Math.round(v * f) / f;
}

/** Great-circle distance in metres. */
export function distanceMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The lat/lng box around a point that holds every point within `metres` of it. */
export function boxAround(lat: number, lng: number, metres: number) {
  const dLat = metres / 111_320;
  const dLng = metres / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return { minLat: lat - dLat, maxLat: lat + dLat, minLng: lng - dLng, maxLng: lng + dLng };
}
