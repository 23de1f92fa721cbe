/** /api/admin/audit: the administration's audit log, and the signed audit checkpoints (administrators and auditors). */
import { Router, type Request, type Response } from 'express';
import type { ApiDeps } from '../../deps';
import { input, validate } from '../../http/validate';
import * as audit from '../../services/admin/audit';
import { readsIn } from './guards';

export function auditRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.get('/audit', validate({ query: 'AdminAuditQuery' }), async (req: Request, res: Response) => {
    res.json(await audit.listAdminAudit(deps.prisma, readsIn(req), input<unknown, audit.AdminAuditQuery>(req).query));
  });
  r.get('/audit/checkpoints', validate({ query: 'AdminCheckpointQuery' }), async (req: Request, res: Response) => {
    res.json(await audit.exportCheckpoints(deps.prisma, readsIn(req), deps.auditKey, input<unknown, { district: number; after?: number; cursor?: string; limit: number }>(req).query));
  });
  return r;
}
