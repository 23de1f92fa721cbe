/** Builds the express app (never listens: server.ts does, tests drive it with supertest). */
import express from 'express';
import path from 'node:path';
import type { PrismaClient } from '../generated/prisma/client';
import type { TemporalHandle } from '../platform/temporal/client';
import { healthHandler } from './health';
import { errorHandler, notFound } from './problem';
import openapi from '../schema/openapi.json';

export interface AppDeps {
  prisma: PrismaClient;
  temporal: TemporalHandle;
  version: string;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '1mb' }));

  app.get('/health', healthHandler(deps));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get('/docs', (_req, res) => {
    res.type('html').send(docsPage());
  });
  app.use('/docs/assets', express.static(swaggerDir, { index: false, maxAge: '1h' }));

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
