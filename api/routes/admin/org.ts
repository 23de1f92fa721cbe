/** /api/admin/org-units, /grids and /departments: the org tree, within the caller's subtree. */
import { Router, type Request, type Response } from 'express';
import type { ApiDeps } from '../../deps';
import { idempotent } from '../../http/idempotency';
import { input, validate } from '../../http/validate';
import { callerOf } from '../../auth/middleware';
import { actorOf } from '../../services/admin/audit';
import * as departments from '../../services/admin/departments';
import * as grids from '../../services/admin/grids';
import * as orgUnits from '../../services/admin/org-units';
import { readsIn, writesIn } from './guards';

type Id = { id: number };

function controllers({ prisma }: ApiDeps) {
  return {
    units: {
      list: async (req: Request, res: Response) => {
        res.json(await orgUnits.listOrgUnits(prisma, readsIn(req), input<unknown, orgUnits.OrgUnitQuery>(req).query));
      },
      get: async (req: Request, res: Response) => {
        res.json(await orgUnits.getOrgUnit(prisma, readsIn(req), input<unknown, unknown, Id>(req).params.id));
      },
      create: async (req: Request, res: Response) => {
        const created = await orgUnits.createOrgUnit(prisma, writesIn(req), input<orgUnits.OrgUnitCreate & { name: string }>(req).body, actorOf(callerOf(req)));
        res.status(201).location(`/api/admin/org-units/${created.id}`).json(created);
      },
      update: async (req: Request, res: Response) => {
        const { body, params } = input<Parameters<typeof orgUnits.updateOrgUnit>[3], unknown, Id>(req);
        res.json(await orgUnits.updateOrgUnit(prisma, writesIn(req), params.id, body, actorOf(callerOf(req))));
      },
      remove: async (req: Request, res: Response) => {
        await orgUnits.deleteOrgUnit(prisma, writesIn(req), input<unknown, unknown, Id>(req).params.id, actorOf(callerOf(req)));
        res.status(204).end();
      },
    },
    grids: {
      list: async (req: Request, res: Response) => {
        res.json(await grids.listGrids(prisma, readsIn(req), input<unknown, Parameters<typeof grids.listGrids>[2]>(req).query));
      },
      get: async (req: Request, res: Response) => {
        res.json(await grids.getGrid(prisma, readsIn(req), input<unknown, unknown, Id>(req).params.id));
      },
      create: async (req: Request, res: Response) => {
        const created = await grids.createGrid(prisma, writesIn(req), input<Parameters<typeof grids.createGrid>[2]>(req).body, actorOf(callerOf(req)));
        res.status(201).location(`/api/admin/grids/${created.id}`).json(created);
      },
      import: async (req: Request, res: Response) => {
        const { body, query } = input<{ features: grids.GeoFeature[] }, { villageId: number }>(req);
        res.status(201).json({ items: await grids.importGrids(prisma, writesIn(req), query.villageId, body, actorOf(callerOf(req))) });
      },
      update: async (req: Request, res: Response) => {
        const { body, params } = input<Parameters<typeof grids.updateGrid>[3], unknown, Id>(req);
        res.json(await grids.updateGrid(prisma, writesIn(req), params.id, body, actorOf(callerOf(req))));
      },
      remove: async (req: Request, res: Response) => {
        await grids.deleteGrid(prisma, writesIn(req), input<unknown, unknown, Id>(req).params.id, actorOf(callerOf(req)));
        res.status(204).end();
      },
    },
    departments: {
      list: async (req: Request, res: Response) => {
        res.json(await departments.listDepartments(prisma, readsIn(req), input<unknown, Parameters<typeof departments.listDepartments>[2]>(req).query));
      },
      get: async (req: Request, res: Response) => {
        res.json(await departments.getDepartment(prisma, readsIn(req), input<unknown, unknown, Id>(req).params.id));
      },
      create: async (req: Request, res: Response) => {
        const created = await departments.createDepartment(prisma, writesIn(req), input<Parameters<typeof departments.createDepartment>[2]>(req).body, actorOf(callerOf(req)));
        res.status(201).location(`/api/admin/departments/${created.id}`).json(created);
      },
      update: async (req: Request, res: Response) => {
        const { body, params } = input<Parameters<typeof departments.updateDepartment>[3], unknown, Id>(req);
        res.json(await departments.updateDepartment(prisma, writesIn(req), params.id, body, actorOf(callerOf(req))));
      },
      remove: async (req: Request, res: Response) => {
        await departments.deleteDepartment(prisma, writesIn(req), input<unknown, unknown, Id>(req).params.id, actorOf(callerOf(req)));
        res.status(204).end();
      },
    },
  };
}

export function orgRoutes(deps: ApiDeps): Router {
  const { units, grids: g, departments: d } = controllers(deps);
  const once = idempotent(deps.prisma);
  const id = { params: 'AdminIdParams' };
  const r = Router();
  r.get('/org-units', validate({ query: 'AdminOrgUnitQuery' }), units.list);
  r.post('/org-units', validate({ body: 'AdminOrgUnitCreate' }), once, units.create);
  r.get('/org-units/:id', validate(id), units.get);
  r.patch('/org-units/:id', validate({ ...id, body: 'AdminOrgUnitUpdate' }), units.update);
  r.delete('/org-units/:id', validate(id), units.remove);

  r.get('/grids', validate({ query: 'AdminGridQuery' }), g.list);
  r.post('/grids', validate({ body: 'AdminGridCreate' }), once, g.create);
  r.post('/grids/import', validate({ query: 'AdminGridImportQuery', body: 'AdminGridImport' }), once, g.import);
  r.get('/grids/:id', validate(id), g.get);
  r.patch('/grids/:id', validate({ ...id, body: 'AdminGridUpdate' }), g.update);
  r.delete('/grids/:id', validate(id), g.remove);

  r.get('/departments', validate({ query: 'AdminDepartmentQuery' }), d.list);
  r.post('/departments', validate({ body: 'AdminDepartmentCreate' }), once, d.create);
  r.get('/departments/:id', validate(id), d.get);
  r.patch('/departments/:id', validate({ ...id, body: 'AdminDepartmentUpdate' }), d.update);
  r.delete('/departments/:id', validate(id), d.remove);
  return r;
}
