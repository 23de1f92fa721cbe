/**
 * The OpenAPI 3.1 document served at /openapi.json: `schema/openapi.json` (info, shared
 * components, /health) plus one paths file per API area in `schema/openapi/` and every request
 * schema of `schema/api/` as a component (referenced as `#/components/schemas/<$id>`), so the
 * document and the validators read the same schemas.
 */
import fs from 'node:fs';
import path from 'node:path';
import { apiSchemas } from './http/validate';

const ROOT = path.resolve(__dirname, '..', 'schema');

type Doc = { paths: Record<string, unknown>; components: { schemas: Record<string, unknown>; [k: string]: unknown }; [k: string]: unknown };

let cached: Doc | undefined;

export function openapiDocument(): Doc {
  if (cached) return cached;
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'openapi.json'), 'utf8')) as Doc;
  const dir = path.join(ROOT, 'openapi');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const part = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { paths?: Record<string, unknown>; components?: { schemas?: Record<string, unknown> }; tags?: unknown[] };
    for (const [p, ops] of Object.entries(part.paths ?? {})) {
      if (doc.paths[p]) throw new Error(`schema/openapi/${f}: path ${p} is already described`);
      doc.paths[p] = ops;
    }
    for (const [n, s] of Object.entries(part.components?.schemas ?? {})) {
      if (doc.components.schemas[n]) throw new Error(`schema/openapi/${f}: schema ${n} is already described`);
      doc.components.schemas[n] = s;
    }
    if (part.tags) doc.tags = [...((doc.tags as unknown[]) ?? []), ...part.tags];
  }
  for (const [id, s] of Object.entries(apiSchemas())) {
    const { $id: _id, $schema: _s, ...rest } = s;
    // request schemas refer to each other by $id; in the document they are components
    doc.components.schemas[id] = JSON.parse(JSON.stringify(rest).replace(/"\$ref":"([A-Za-z0-9]+)(#[^"]*)?"/g, (_m, ref: string, frag?: string) => `"$ref":"#/components/schemas/${ref}${frag ? frag.replace(/^#/, '') : ''}"`));
  }
  cached = doc;
  return doc;
}
