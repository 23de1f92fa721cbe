/**
 * The OpenAPI 3.1 document served at /openapi.json: `schema/openapi.json` (info, shared
 * components, /health) plus one paths file per API area in `schema/openapi/` and every request
 * schema of `schema/api/` as a component (referenced as `#/components/schemas/<$id>`), so the
 * document and the validators read the same schemas; likewise the compiled process model's schema
 * (`schema/process-model.schema.json`) as ProcessModel.
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
  // the compiled process model (GET …/versions/{version}/model): schema/process-model.schema.json, its $defs as ProcessModel_<name>
  const model = JSON.parse(fs.readFileSync(path.join(ROOT, 'process-model.schema.json'), 'utf8')) as Record<string, unknown>;
  const { $id: _mid, $schema: _ms, $defs: defs, ...modelRest } = model as { $defs: Record<string, unknown> } & Record<string, unknown>;
  const toComponents = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/"\$ref":"#\/\$defs\/([A-Za-z0-9_]+)"/g, '"$ref":"#/components/schemas/ProcessModel_$1"'));
  doc.components.schemas.ProcessModel = { ...(toComponents(modelRest) as object), description: 'The compiled process model (schema/process-model.schema.json)' };
  for (const [n, d] of Object.entries(defs)) doc.components.schemas[`ProcessModel_${n}`] = toComponents(d);
  for (const [id, s] of Object.entries(apiSchemas())) {
    const { $id: _id, $schema: _s, ...rest } = s;
    // request schemas refer to each other by $id; in the document they are components
    doc.components.schemas[id] = JSON.parse(JSON.stringify(rest).replace(/"\$ref":"([A-Za-z0-9]+)(#[^"]*)?"/g, (_m, ref: string, frag?: string) => `"$ref":"#/components/schemas/${ref}${frag ? frag.replace(/^#/, '') : ''}"`));
  }
  expandQueryObjects(doc);
  cached = doc;
  return doc;
}

type Param = { name: string; in: string; required?: boolean; description?: string; schema?: { $ref?: string; description?: string } };

/**
 * A list's query written in an area file as one object parameter (`query`, style form, explode,
 * its schema a request schema of schema/api) is served as one parameter per property, as a
 * generated client (openapi-typescript) needs them; the validator reads the same schema either way.
 */
function expandQueryObjects(doc: Doc): void {
  for (const ops of Object.values(doc.paths) as Record<string, { parameters?: Param[] }>[]) {
    for (const op of Object.values(ops)) {
      const whole = op.parameters?.find((p) => p.in === 'query' && p.name === 'query' && p.schema?.$ref);
      if (!whole) continue;
      const target = doc.components.schemas[whole.schema!.$ref!.replace('#/components/schemas/', '')] as { properties?: Record<string, { description?: string }>; required?: string[] } | undefined;
      if (!target?.properties) continue;
      const each = Object.entries(target.properties).map(([name, schema]): Param => ({ name, in: 'query', required: (target.required ?? []).includes(name), ...(schema.description ? { description: schema.description } : {}), schema }));
      op.parameters = op.parameters!.flatMap((p) => (p === whole ? each : [p]));
    }
  }
}
