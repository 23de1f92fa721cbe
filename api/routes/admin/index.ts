/**
 * The administration API under /api/admin: process definitions and versions, the category tree,
 * the org tree with grids and departments, users and their roles, the business calendar, and the
 * audit log of all these changes with the signed audit checkpoints.
 * Everything needs ADMINISTRATOR; reads also allow AUDITOR. Org data is scoped to the caller's
 * subtree (services/admin/scope.ts); city-wide settings are changed at the city only.
 */
import { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { authenticate } from '../../auth/middleware';
import { auditRoutes } from './audit';
import { calendarRoutes } from './calendar';
import { categoryRoutes } from './categories';
import { adminRoles } from './guards';
import { departmentRoutes, gridRoutes, orgUnitRoutes } from './org';
import { processRoutes } from './processes';
import { userRoutes } from './users';

/** Each area's routes, in the order they are mounted (the declared resources: routes/admin/resource.ts). */
const AREAS = [processRoutes, categoryRoutes, orgUnitRoutes, gridRoutes, departmentRoutes, userRoutes, calendarRoutes, auditRoutes];

export function adminRoutes(deps: ApiDeps): Router {
  const admin = Router();
  admin.use(authenticate(deps.prisma, deps.tokens), adminRoles);
  // a change to users, roles, units or grids takes effect at once in this instance: every cached caller is read again (api/auth/caller-cache.ts)
  admin.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      deps.tokens.callers.clear();
      res.on('finish', () => deps.tokens.callers.clear());
    }
    next();
  });
  admin.use(AREAS.map((routes) => routes(deps)));
  const r = Router();
  r.use('/api/admin', admin);
  return r;
}
