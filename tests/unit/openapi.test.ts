/** The OpenAPI document describes every route the app serves, and every reference in it resolves. */
import { createApp } from '../../api/app';
import { openapiDocument } from '../../api/openapi';
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalHandle } from '../../platform/temporal/client';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  /** the path a router is mounted at (express 5) */
  rawPath?: unknown;
}

function routesOf(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const l of stack) {
    if (l.route) for (const m of Object.keys(l.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${l.route.path}`);
    else if (l.handle?.stack) out.push(...routesOf(l.handle.stack, prefix + (typeof l.rawPath === 'string' && l.rawPath !== '/' ? l.rawPath : '')));
  }
  return out;
}

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('the OpenAPI document', () => {
  const doc = openapiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, unknown>> };
  const app = createApp({ prisma: {} as PrismaClient, temporal: {} as TemporalHandle, version: 't' });
  const routes = routesOf((app as unknown as { router: { stack: Layer[] } }).router.stack).filter((r) => !r.startsWith('GET /docs'));

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it.each(routes)('describes %s', (route) => {
    const [method, path] = route.split(' ');
    expect(doc.paths[toOpenApiPath(path)]?.[method.toLowerCase()]).toBeDefined();
  });

  it('has no path the app does not serve', () => {
    const served = new Set(routes.map((r) => { const [m, p] = r.split(' '); return `${m} ${toOpenApiPath(p)}`; }));
    const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k)).map((m) => `${m.toUpperCase()} ${p}`));
    expect(described.filter((d) => !served.has(d))).toEqual([]);
  });

  it('resolves every $ref', () => {
    const missing: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') {
            const target = x.replace(/^#\//, '').split('/').reduce<unknown>((o, seg) => (o as Record<string, unknown> | undefined)?.[seg], doc);
            if (target === undefined) missing.push(x);
          } else walk(x);
        }
      }
    };
    walk(doc);
    expect(missing).toEqual([]);
  });
});
