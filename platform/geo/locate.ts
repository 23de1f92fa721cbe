/**
 * Which grid a GPS point lies in: grids whose bounding box holds the point (an index range scan),
 * then the exact point-in-polygon test on their boundaries (MultiPolygons and holes included).
 */
import type { PrismaClient } from '../../generated/prisma/client';
import { pointInGeometry, type AreaGeometry } from '../../seed/geo';

export interface GridPlace {
  gridId: number;
  gridUnitId: number;
  /** org path of the grid: /city/district/township/village/grid/ */
  orgPath: string;
  name: string;
}

export async function locateGrid(prisma: PrismaClient, lat: number, lng: number): Promise<GridPlace | null> {
  const candidates = await prisma.grid.findMany({
    where: { minLng: { lte: lng }, maxLng: { gte: lng }, minLat: { lte: lat }, maxLat: { gte: lat } },
    select: { id: true, boundary: true, orgUnit: { select: { id: true, path: true, name: true } } },
    orderBy: { id: 'asc' },
  });
  for (const g of candidates) {
    if (pointInGeometry(lng, lat, g.boundary as unknown as AreaGeometry)) {
      return { gridId: g.id, gridUnitId: g.orgUnit.id, orgPath: g.orgUnit.path, name: g.orgUnit.name };
    }
  }
  return null;
}

const EARTH_RADIUS_M = 6_371_008.8;

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
