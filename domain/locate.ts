/**
 * Which grid a GPS point lies in: grids whose bounding box holds the point (an index range scan),
 * then the exact point-in-polygon test on their boundaries (MultiPolygons and holes included).
 */
import type { PrismaClient } from '../generated/prisma/client';
import { pointInGeometry, type AreaGeometry } from '../core/geometry';

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
