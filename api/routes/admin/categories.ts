/** /api/admin/categories: the category tree with per-tier time limits (city-wide). */
import { Router, type Request, type Response } from 'express';
import type { ApiDeps } from '../../deps';
import { idempotent } from '../../http/idempotency';
import { input, validate } from '../../http/validate';
import { callerOf } from '../../auth/middleware';
import { actorOf } from '../../services/admin/audit';
import * as categories from '../../services/admin/categories';
import { cityWide } from './guards';

type Id = { id: number };

function controllers({ prisma }: ApiDeps) {
  return {
    list: async (req: Request, res: Response) => {
      res.json(await categories.listCategories(prisma, input<unknown, Parameters<typeof categories.listCategories>[1]>(req).query));
    },
    tree: async (_req: Request, res: Response) => {
      res.json({ items: await categories.categoryTree(prisma) });
    },
    create: async (req: Request, res: Response) => {
      const created = await categories.createCategory(prisma, input<categories.CategoryCreate>(req).body, actorOf(callerOf(req)));
      res.status(201).location(`/api/admin/categories/${created.id}`).json(created);
    },
    get: async (req: Request, res: Response) => {
      res.json(await categories.getCategory(prisma, input<unknown, unknown, Id>(req).params.id));
    },
    update: async (req: Request, res: Response) => {
      const { body, params } = input<categories.CategoryFields & { parentId?: number }, unknown, Id>(req);
      res.json(await categories.updateCategory(prisma, params.id, body, actorOf(callerOf(req))));
    },
    remove: async (req: Request, res: Response) => {
      await categories.deleteCategory(prisma, input<unknown, unknown, Id>(req).params.id, actorOf(callerOf(req)));
      res.status(204).end();
    },
  };
}

export function categoryRoutes(deps: ApiDeps): Router {
  const c = controllers(deps);
  const r = Router();
  r.get('/categories', validate({ query: 'AdminCategoryQuery' }), c.list);
  r.get('/categories/tree', validate({}), c.tree);
  r.post('/categories', cityWide, validate({ body: 'AdminCategoryCreate' }), idempotent(deps.prisma), c.create);
  r.get('/categories/:id', validate({ params: 'AdminIdParams' }), c.get);
  r.patch('/categories/:id', cityWide, validate({ params: 'AdminIdParams', body: 'AdminCategoryUpdate' }), c.update);
  r.delete('/categories/:id', cityWide, validate({ params: 'AdminIdParams' }), c.remove);
  return r;
}
