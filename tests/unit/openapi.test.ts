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

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: object;
  additionalProperties?: unknown;
  allOf?: unknown[];
  oneOf?: unknown[];
  anyOf?: unknown[];
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

  it('gives every 2xx JSON response a real schema, not a bare object (so clients can be generated from it)', () => {
    // given every successful JSON answer the document describes
    const components = (doc as unknown as { components: { schemas: Record<string, Schema>; responses: Record<string, { content?: Record<string, { schema?: Schema }> }> } }).components;
    const resolve = (s: Schema | undefined): Schema | undefined => {
      for (let i = 0; s?.$ref && i < 20; i++) s = components.schemas[s.$ref.replace('#/components/schemas/', '')];
      return s;
    };
    const bare: string[] = [];
    let answers = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: Schema }> }> }>)) {
        for (const [code, r0] of Object.entries(op.responses ?? {})) {
          if (!/^2/.test(code)) continue;
          const r = r0.$ref ? components.responses[r0.$ref.split('/').pop()!] : r0;
          const json = r.content?.['application/json'];
          if (!json) continue;
          answers++;
          // then each says what it holds: properties, a map, or a composition of such
          const s = resolve(json.schema);
          const says = !!s && (s.type !== 'object' || !!s.properties || !!s.additionalProperties || !!s.allOf || !!s.oneOf || !!s.anyOf);
          if (!says) bare.push(`${method.toUpperCase()} ${p} ${code}`);
        }
      }
    }
    expect(answers).toBeGreaterThan(70);
    expect(bare).toEqual([]);
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
