/** Builds the express app (never listens: the entry points do, tests drive it with supertest). */
import express from 'express';
import path from 'node:path';
import { FsAttachmentStore } from '../platform/storage/attachments';
import { tokenKeys } from './auth/tokens';
import { utf8Body } from './http/body';
import { healthHandler } from './health';
import { openapiDocument } from './openapi';
import { errorHandler, notFound } from './problem';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { citizenRoutes } from './routes/citizen';
import { open311Routes } from './routes/open311';
import { caseRoutes } from './routes/cases';
import { caseSearchRoutes } from './routes/case-search';
import { DEFAULT_CASE_SEARCH_LIMIT } from './services/case-search';
import { taskRoutes } from './routes/tasks';
import { DEFAULT_SIGN_IN_POLICY, type ApiDeps, type AppDeps } from './deps';
import { eventRoutes } from './routes/events';
import { notificationRoutes } from './routes/notifications';
import { consoleRoutes } from './console';

export type { AppDeps } from './deps';

/** JSON bodies larger than this are refused with 413 (uploads go through multipart, limited per file). */
export const JSON_BODY_LIMIT = '256kb';

export function createApp(deps: AppDeps): express.Express {
  const api: ApiDeps = {
    prisma: deps.prisma,
    temporal: deps.temporal,
    version: deps.version,
    taskQueue: deps.taskQueue ?? 'gridcase-cases',
    tokens: tokenKeys(deps.jwtSecret, deps.tokenTtl ?? 8 * 3600, deps.callerCacheMs),
    attachments: deps.attachments ?? new FsAttachmentStore(deps.attachmentDir ?? path.resolve(__dirname, '..', '.data', 'attachments')),
    attachmentMaxBytes: deps.attachmentMaxBytes ?? 10 * 1024 * 1024,
    open311RateLimit: deps.open311RateLimit ?? 30,
    signIn: { ...DEFAULT_SIGN_IN_POLICY, ...deps.signIn },
    auditKey: deps.auditKey,
    caseSearchLimit: deps.caseSearchLimit ?? DEFAULT_CASE_SEARCH_LIMIT,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'extended');
  app.use(express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'], verify: utf8Body() }));
  app.use(express.urlencoded({ extended: true, limit: JSON_BODY_LIMIT, verify: utf8Body({ latin1: true }) }));

  app.get('/health', healthHandler(deps));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapiDocument());
  });
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get('/docs', (_req, res) => {
    res.type('html').send(docsPage());
  });
  app.use('/docs/assets', express.static(swaggerDir, { index: false, maxAge: '1h' }));

  // --- API areas (each router declares its own paths, validation, roles and scope) ---
  app.use(authRoutes(api));
  app.use(open311Routes(api));
  app.use(citizenRoutes(api));
  app.use(adminRoutes(api));
  // before caseRoutes: /api/cases/export and the like are not case numbers
  app.use(caseSearchRoutes(api));
  app.use(caseRoutes(api));
  app.use(taskRoutes(api));
  app.use(eventRoutes(api, deps.eventIntervalMs ?? 500, deps.eventRecheckMs ?? 5000));
  app.use(notificationRoutes(api));
  // --- end of API areas ---
  if (deps.consoleDir) app.use(consoleRoutes(deps.consoleDir));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}

function docsPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>GridCase API 文档</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });</script>
</body></html>`;
}
