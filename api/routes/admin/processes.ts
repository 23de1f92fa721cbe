/** /api/admin/processes: definitions, drafts, validation, deployment and versions. */
import type { Router, Request, Response } from 'express';
import type { ApiDeps } from '../../deps';
import { callerOf } from '../../auth/middleware';
import { preconditions } from '../../http/conditional';
import { idempotent } from '../../http/idempotency';
import { input, validate } from '../../http/validate';
import { actorOf } from '../../services/admin/audit';
import * as processes from '../../services/admin/processes';
import type { PageQuery } from '../../services/admin/common';
import { cityWide } from './guards';
import { diagramBody } from './diagram-body';
import { adminResource, CITY } from './resource';

type Key = { key: string };
type Version = { key: string; version: number };

function controllers({ prisma }: ApiDeps) {
  return {
    getDraft: async (req: Request, res: Response) => {
      const xml = await processes.getDraft(prisma, input<unknown, unknown, Key>(req).params.key);
      // our strong tag, set before send() so express keeps it (instead of its weak one) and answers
      // If-None-Match with a 304; no-cache: the browser revalidates before reusing the draft
      res.set({ ETag: processes.draftTag(xml), 'Cache-Control': 'no-cache' }).type('application/xml').send(xml);
    },
    saveDraft: async (req: Request, res: Response) => {
      const { body, params } = input<{ xml: string }, unknown, Key>(req);
      const saved = await processes.saveDraft(prisma, params.key, body.xml, req.preconditions ?? {}, actorOf(callerOf(req)));
      res.set('ETag', saved.etag).json(saved);
    },
    validate: async (req: Request, res: Response) => {
      const { body, params } = input<{ xml?: string }, unknown, Key>(req);
      res.json(await processes.validateProcess(prisma, params.key, body.xml));
    },
    deploy: async (req: Request, res: Response) => {
      const { body, params } = input<{ comment?: string | null }, unknown, Key>(req);
      const { key } = params;
      const { created, version } = await processes.deployDraft(prisma, key, actorOf(callerOf(req)), body.comment);
      res
        .status(created ? 201 : 200)
        .location(`/api/admin/processes/${encodeURIComponent(key)}/versions/${version.version}`)
        .json({ ...version, created });
    },
    versions: async (req: Request, res: Response) => {
      const { params, query } = input<unknown, PageQuery, Key>(req);
      res.json(await processes.listVersions(prisma, params.key, query));
    },
    version: async (req: Request, res: Response) => {
      const { key, version } = input<unknown, unknown, Version>(req).params;
      res.json(await processes.getVersion(prisma, key, version));
    },
    versionXml: async (req: Request, res: Response) => {
      const { key, version } = input<unknown, unknown, Version>(req).params;
      res.type('application/xml').send(await processes.versionXml(prisma, key, version));
    },
    versionModel: async (req: Request, res: Response) => {
      const { key, version } = input<unknown, unknown, Version>(req).params;
      res.json(await processes.versionModel(prisma, key, version));
    },
  };
}

/** The draft (ETag, If-Match), validation, deployment and the versions of a definition. */
function processParts(r: Router, deps: ApiDeps) {
  const c = controllers(deps);
  const once = idempotent(deps.prisma);
  r.get('/processes/:key/draft', validate({ params: 'AdminProcessKeyParams' }), c.getDraft);
  r.put('/processes/:key/draft', cityWide, ...diagramBody({ params: 'AdminProcessKeyParams', json: 'AdminProcessXml' }), preconditions, c.saveDraft);
  r.post('/processes/:key/validate', ...diagramBody({ params: 'AdminProcessKeyParams', json: 'AdminProcessValidate' }), c.validate);
  r.post('/processes/:key/deploy', cityWide, validate({ params: 'AdminProcessKeyParams', body: 'AdminProcessDeploy' }), once, c.deploy);
  r.get('/processes/:key/versions', validate({ params: 'AdminProcessKeyParams', query: 'AdminPageQuery' }), c.versions);
  r.get('/processes/:key/versions/:version', validate({ params: 'AdminProcessVersionParams' }), c.version);
  r.get('/processes/:key/versions/:version/xml', validate({ params: 'AdminProcessVersionParams' }), c.versionXml);
  r.get('/processes/:key/versions/:version/model', validate({ params: 'AdminProcessVersionParams' }), c.versionModel);
}

export const processRoutes = adminResource({
  path: '/processes', owner: CITY,
  item: { param: 'key', schema: 'AdminProcessKeyParams' },
  schemas: { query: 'AdminPageQuery', create: 'AdminProcessCreate', update: 'AdminProcessUpdate' },
  service: { list: processes.listProcesses, create: processes.createProcess, get: processes.getProcess, update: processes.updateProcess, remove: processes.deleteProcess },
  more: processParts,
});
