/** /api/admin/categories: the category tree with per-tier time limits (city-wide). */
import { validate } from '../../http/validate';
import * as categories from '../../services/admin/categories';
import { adminResource, CITY } from './resource';

export const categoryRoutes = adminResource({
  path: '/categories', owner: CITY,
  schemas: { query: 'AdminCategoryQuery', create: 'AdminCategoryCreate', update: 'AdminCategoryUpdate' },
  service: { list: categories.listCategories, create: categories.createCategory, get: categories.getCategory, update: categories.updateCategory, remove: categories.deleteCategory },
  // the whole tree at once, for the forms' category pickers
  more: (r, { prisma }) => {
    r.get('/categories/tree', validate({}), async (_req, res) => {
      res.json({ items: await categories.categoryTree(prisma) });
    });
  },
});
