/** /api/admin/org-units, /grids and /departments: the org tree, within the caller's subtree. */
import { actorOf } from '../../services/admin/audit';
import { callerOf } from '../../auth/middleware';
import { idempotent } from '../../http/idempotency';
import { input, validate } from '../../http/validate';
import * as departments from '../../services/admin/departments';
import * as grids from '../../services/admin/grids';
import * as orgUnits from '../../services/admin/org-units';
import { writesIn } from './guards';
import { adminResource, SUBTREE } from './resource';

export const orgUnitRoutes = adminResource({
  path: '/org-units', owner: SUBTREE,
  schemas: { query: 'AdminOrgUnitQuery', create: 'AdminOrgUnitCreate', update: 'AdminOrgUnitUpdate' },
  service: { list: orgUnits.listOrgUnits, create: orgUnits.createOrgUnit, get: orgUnits.getOrgUnit, update: orgUnits.updateOrgUnit, remove: orgUnits.deleteOrgUnit },
});

export const gridRoutes = adminResource({
  path: '/grids', owner: SUBTREE,
  schemas: { query: 'AdminGridQuery', create: 'AdminGridCreate', update: 'AdminGridUpdate' },
  service: { list: grids.listGrids, create: grids.createGrid, get: grids.getGrid, update: grids.updateGrid, remove: grids.deleteGrid },
  // a GeoJSON FeatureCollection, each feature one grid under the village
  more: (r, { prisma }) => {
    r.post('/grids/import', validate({ query: 'AdminGridImportQuery', body: 'AdminGridImport' }), idempotent(prisma), async (req, res) => {
      const { body, query } = input<{ features: grids.GeoFeature[] }, { villageId: number }>(req);
      res.status(201).json({ items: await grids.importGrids(prisma, writesIn(req), query.villageId, body, actorOf(callerOf(req))) });
    });
  },
});

export const departmentRoutes = adminResource({
  path: '/departments', owner: SUBTREE,
  schemas: { query: 'AdminDepartmentQuery', create: 'AdminDepartmentCreate', update: 'AdminDepartmentUpdate' },
  service: { list: departments.listDepartments, create: departments.createDepartment, get: departments.getDepartment, update: departments.updateDepartment, remove: departments.deleteDepartment },
});
