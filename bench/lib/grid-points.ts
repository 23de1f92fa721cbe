/** Report locations for the load: points spread over a grid worker's own grid (inside its boundary). */
import type { PrismaClient } from '../../generated/prisma/client';
import { locateGrid } from '../../domain/locate';
import { pointInGeometry, type AreaGeometry } from '../../core/geometry';
import { WANGFANG_POINT } from './http';

/**
 * `count` points inside the user's (first led) grid, from a fixed seed so every run reports at the
 * same places; each one checked with intake's own lookup (so none lands in a neighbouring grid).
 */
export async function gridPoints(prisma: PrismaClient, username: string, count: number): Promise<{ lat: number; lng: number }[]> {
  const u = await prisma.user.findUnique({ where: { username }, select: { grids: { where: { isLeader: true }, select: { gridId: true }, take: 1 } } });
  const gridId = u?.grids[0]?.gridId;
  const grid = gridId === undefined ? null : await prisma.grid.findUnique({ where: { id: gridId }, select: { boundary: true, minLat: true, maxLat: true, minLng: true, maxLng: true } });
  if (!grid) return [WANGFANG_POINT];
  const [minLat, maxLat, minLng, maxLng] = [grid.minLat, grid.maxLat, grid.minLng, grid.maxLng].map(Number);
  // a small linear congruential generator: deterministic, no Math.random
  let seed = 20261124;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const out: { lat: number; lng: number }[] = [];
  for (let tries = 0; out.length < count && tries < count * 100; tries++) {
    // stay a little inside the box: a point on the very edge may fall to the neighbouring grid
    const lat = Number((minLat + (0.05 + 0.9 * next()) * (maxLat - minLat)).toFixed(7));
    const lng = Number((minLng + (0.05 + 0.9 * next()) * (maxLng - minLng)).toFixed(7));
    if (!pointInGeometry(lng, lat, grid.boundary as unknown as AreaGeometry)) continue;
    if ((await locateGrid(prisma, lat, lng))?.gridId === gridId) out.push({ lat, lng });
  }
  return out.length ? out : [WANGFANG_POINT];
}
