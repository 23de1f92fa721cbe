/**
 * Grids (网格): a GRID org unit under a village (社区/村) plus its boundary, bounding box and area.
 * Created one at a time or imported from a GeoJSON FeatureCollection (each Polygon/MultiPolygon
 * feature one grid), all or nothing.
 */
import type { Prisma, PrismaClient } from '../../../generated/prisma/client';
import type { AreaGeometry } from '../../../core/geometry';
import { DomainError, text } from '../errors';
import { paged, scoped, stamps, TIMES, type Page, type PageQuery } from './common';
import { geometryProblems, measure, type GeometryProblem } from './geometry';
import { recordAdminChange, type AdminActor } from './audit';
import { createUnitIn, deleteOrgUnit, unitRecord } from './org-units';
import { pathFilter, type AdminScope } from './scope';
import { literal } from '../../http/like';

export interface GridView {
  id: number;
  orgUnitId: number;
  code: string;
  name: string;
  nameEn: string | null;
  villageId: number | null;
  path: string;
  /** [minLng, minLat, maxLng, maxLat] */
  bbox: [number, number, number, number];
  areaSqm: number;
  households: number | null;
  workerCount: number;
  createdAt: string;
  updatedAt: string;
  boundary?: AreaGeometry;
}

const gridSelect = {
  id: true,
  orgUnitId: true,
  minLng: true,
  minLat: true,
  maxLng: true,
  maxLat: true,
  areaSqm: true,
  households: true,
  ...TIMES,
  orgUnit: { select: { code: true, name: true, nameEn: true, parentId: true, path: true } },
  _count: { select: { workers: true } },
} satisfies Prisma.GridSelect;

type GridRow = Prisma.GridGetPayload<{ select: typeof gridSelect }>;

function view(g: GridRow, boundary?: unknown): GridView {
  return {
    id: g.id,
    orgUnitId: g.orgUnitId,
    code: g.orgUnit.code,
    name: g.orgUnit.name,
    nameEn: g.orgUnit.nameEn,
    villageId: g.orgUnit.parentId,
    path: g.orgUnit.path,
    bbox: [Number(g.minLng), Number(g.minLat), Number(g.maxLng), Number(g.maxLat)],
    areaSqm: g.areaSqm,
    households: g.households,
    workerCount: g._count.workers,
    ...stamps(g),
    ...(boundary !== undefined ? { boundary: boundary as AreaGeometry } : {}),
  };
}

async function scopedGrid(prisma: PrismaClient, scope: AdminScope, id: number) {
  const g = await prisma.grid.findUnique({ where: { id }, select: { id: true, orgUnitId: true, orgUnit: { select: { path: true } } } });
  return scoped(g, scope, (x) => x.orgUnit.path, { zh: '网格', en: 'grid' }, id);
}

export async function listGrids(prisma: PrismaClient, scope: AdminScope, q: PageQuery & { villageId?: number; q?: string }): Promise<Page<GridView>> {
  const where: Prisma.GridWhereInput = {
    orgUnit: {
      AND: [pathFilter(scope), q.villageId !== undefined ? { parentId: q.villageId } : {}, q.q ? { OR: [{ name: { contains: literal(q.q) } }, { code: { startsWith: literal(q.q) } }] } : {}],
    },
  };
  return paged(prisma.grid, q, { name: 'grids', keys: [{ field: 'orgUnit.code', dir: 'asc', kind: 'string' }] }, where, gridSelect, (g: GridRow) => view(g));
}

export async function getGrid(prisma: PrismaClient, scope: AdminScope, id: number): Promise<GridView> {
  await scopedGrid(prisma, scope, id);
  const g = await prisma.grid.findUniqueOrThrow({ where: { id }, select: { ...gridSelect, boundary: true } });
  return view(g, g.boundary);
}

export interface GridInput {
  code?: string;
  name?: string;
  nameEn?: string | null;
  households?: number | null;
  boundary: AreaGeometry;
}

function badGeometry(problems: GeometryProblem[]): DomainError {
  return new DomainError(
    'malformed',
    problems[0].field,
    text(`边界不合法：${problems.map((p) => `${p.field} ${p.message}`).join('；')}`, `the boundary is invalid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`),
    'GEOMETRY',
    {},
    problems.map((p) => ({ input: p.field, message: p.message })),
  );
}

/** Creates the grids (org unit + grid row each) under one village, in one transaction. */
async function createGrids(prisma: PrismaClient, scope: AdminScope, villageId: number, grids: GridInput[], fields: { village: string; code: (i: number) => string; boundary: (i: number) => string }, actor: AdminActor, action: 'grid.create' | 'grid.import'): Promise<number[]> {
  const problems = grids.flatMap((g, i) => geometryProblems(g.boundary, fields.boundary(i)));
  if (problems.length) throw badGeometry(problems.slice(0, 20));
  return prisma.$transaction(
    async (tx) => {
      const village = await tx.orgUnit.findUnique({ where: { id: villageId }, select: { name: true } });
      const ids: number[] = [];
      for (const [i, g] of grids.entries()) {
        const unit = await createUnitIn(
          tx,
          scope,
          { parentId: villageId, code: g.code, name: g.name ?? ((code) => `${village?.name ?? ''}第${Number(code.slice(12))}网格`), nameEn: g.nameEn ?? null },
          'GRID',
          { parentId: fields.village, code: fields.code(i) },
        );
        const m = measure(g.boundary);
        const [minLng, minLat, maxLng, maxLat] = m.bbox;
        const row = await tx.grid.create({
          data: {
            orgUnitId: unit.id,
            boundary: m.boundary as unknown as Prisma.InputJsonValue,
            minLng: minLng.toFixed(7),
            minLat: minLat.toFixed(7),
            maxLng: maxLng.toFixed(7),
            maxLat: maxLat.toFixed(7),
            areaSqm: m.areaSqm,
            households: g.households ?? null,
          },
          select: { id: true },
        });
        ids.push(row.id);
        await recordAdminChange(tx, actor, { action, entity: 'grid', entityId: row.id, orgPath: unit.path, after: await unitRecord(tx, unit.id) });
      }
      return ids;
    },
    { timeout: 60_000 },
  );
}

export async function createGrid(prisma: PrismaClient, scope: AdminScope, input: GridInput & { villageId: number }, actor: AdminActor): Promise<GridView> {
  const [id] = await createGrids(prisma, scope, input.villageId, [input], { village: 'villageId', code: () => 'code', boundary: () => 'boundary' }, actor, 'grid.create');
  return getGrid(prisma, scope, id);
}

export interface GeoFeature {
  type: 'Feature';
  geometry: AreaGeometry;
  properties?: { code?: string; name?: string; nameEn?: string; households?: number } | null;
}

/** A GeoJSON FeatureCollection of Polygon/MultiPolygon features, each one grid under the village. */
export async function importGrids(prisma: PrismaClient, scope: AdminScope, villageId: number, fc: { features: GeoFeature[] }, actor: AdminActor): Promise<GridView[]> {
  const grids: GridInput[] = fc.features.map((f) => ({
    code: f.properties?.code,
    name: f.properties?.name,
    nameEn: f.properties?.nameEn ?? null,
    households: f.properties?.households ?? null,
    boundary: f.geometry,
  }));
  // a feature's fields are named where they are in the upload
  const ids = await createGrids(prisma, scope, villageId, grids, {
    village: 'villageId',
    code: (i) => `features.${i}.properties.code`,
    boundary: (i) => `features.${i}.geometry`,
  }, actor, 'grid.import');
  const rows = await prisma.grid.findMany({ where: { id: { in: ids } }, select: gridSelect, orderBy: { orgUnit: { code: 'asc' } } });
  return rows.map((g) => view(g));
}

export async function updateGrid(prisma: PrismaClient, scope: AdminScope, id: number, input: { name?: string; nameEn?: string | null; households?: number | null; boundary?: AreaGeometry }, actor: AdminActor): Promise<GridView> {
  const g = await scopedGrid(prisma, scope, id);
  if (input.boundary) {
    const problems = geometryProblems(input.boundary, 'boundary');
    if (problems.length) throw badGeometry(problems.slice(0, 20));
  }
  const m = input.boundary ? measure(input.boundary) : undefined;
  await prisma.$transaction(async (tx) => {
    const before = await unitRecord(tx, g.orgUnitId);
    await tx.orgUnit.update({ where: { id: g.orgUnitId }, data: { name: input.name, nameEn: input.nameEn } });
    await tx.grid.update({
      where: { id },
      data: {
        households: input.households,
        ...(m
          ? {
              boundary: m.boundary as unknown as Prisma.InputJsonValue,
              minLng: m.bbox[0].toFixed(7),
              minLat: m.bbox[1].toFixed(7),
              maxLng: m.bbox[2].toFixed(7),
              maxLat: m.bbox[3].toFixed(7),
              areaSqm: m.areaSqm,
            }
          : {}),
      },
    });
    await recordAdminChange(tx, actor, { action: 'grid.update', entity: 'grid', entityId: id, orgPath: before?.path, before, after: await unitRecord(tx, g.orgUnitId) });
  });
  return getGrid(prisma, scope, id);
}

/** A grid with cases or workers stays (409 IN_USE); otherwise its unit and row go together. */
export async function deleteGrid(prisma: PrismaClient, scope: AdminScope, id: number, actor: AdminActor): Promise<void> {
  const g = await scopedGrid(prisma, scope, id);
  await deleteOrgUnit(prisma, scope, g.orgUnitId, actor, { grid: id });
}
