/**
 * Placing a case that was reported without a point (an Open311 request with only an address):
 * the completion of its 受理 task carries `data.location` ({ lat, lng, crs? }), which is converted
 * to WGS-84 and located here; the workflow then gives the case that grid, village and township
 * (workflows/case-session.ts, LOCATE_ME_PATCH) and the case row keeps both points.
 */
import type { CasePlace } from '../../workflows/case-api';
import { toWgs84, type Crs } from '../../core/crs';
import { locateGrid } from '../../domain/locate';
import type { ApiDeps } from '../deps';
import { invalid, text } from './errors';

const FIELD = 'data.location';

/** The place of `location` for a case without a grid; undefined when nothing is to be placed (no location, or the case has its grid). */
export async function placeForCase(deps: Pick<ApiDeps, 'prisma'>, caseId: string, location: unknown): Promise<CasePlace | undefined> {
  if (location === undefined || location === null) return undefined;
  const row = await deps.prisma.case.findUnique({ where: { id: caseId }, select: { gridId: true, districtId: true, district: { select: { name: true } } } });
  // a located case keeps the point it was reported with (the form's location is only data)
  if (!row || row.gridId !== null) return undefined;
  const l = location as { lat: number; lng: number; crs?: Crs };
  const p = toWgs84(l.lat, l.lng, l.crs);
  const g = await locateGrid(deps.prisma, p.lat, p.lng);
  if (!g) throw invalid(FIELD, text(`坐标 (${l.lat}, ${l.lng}) 不在任何网格内`, `the point (${l.lat}, ${l.lng}) lies outside every grid`), 'OUTSIDE_GRIDS');
  const [, district, township, village, grid] = g.orgPath.split('/').filter(Boolean).map(Number);
  if (district !== row.districtId) {
    throw invalid(FIELD, text(`该位置不在${row.district.name}：请作不予受理，由所在区受理`, `the point lies outside ${row.district.name}: reject the case so that its own district takes it`), 'OUTSIDE_DISTRICT');
  }
  return { gridId: g.gridId, orgPath: g.orgPath, units: { TOWNSHIP: township, VILLAGE: village, GRID: grid }, lat: p.lat, lng: p.lng, sent: { crs: p.crs, ...p.sent } };
}
