/** Who may use the administration API: administrators; auditors may read. */
import type { Request, RequestHandler } from 'express';
import { allow, callerOf } from '../../auth/middleware';
import { readScope, requireCityAdministrator, writeScope, type AdminScope } from '../../services/admin/scope';

const readers = allow('ADMINISTRATOR', 'AUDITOR');
const writers = allow('ADMINISTRATOR');

/** GET (and HEAD) for administrators and auditors, everything else for administrators only. */
export const adminRoles: RequestHandler = (req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? readers : writers)(req, res, next);

/** Categories, processes and the calendar are city-wide: changed only by an administrator at a CITY unit. */
export const cityWide: RequestHandler = (req, _res, next) => {
  requireCityAdministrator(callerOf(req));
  next();
};

/** The subtrees the caller reads in (administrator or auditor) … */
export const readsIn = (req: Request): AdminScope => readScope(callerOf(req));
/** … and those they change (administrator). */
export const writesIn = (req: Request): AdminScope => writeScope(callerOf(req));
