/**
 * The API as a generated client sees it: openapi-fetch typed by generated/openapi/schema.d.ts
 * (openapi-typescript, from the document the API serves; platform/bootstrap/api-types.ts), with
 * every answer checked against the schema the document gives for its operation and status
 * (ajv, draft 2020-12). Mismatches are collected, so a story can end by expecting none.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/openapi/schema';

type Doc = { paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }> }>>; components: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> } };

export interface Checked {
  operation: string;
  status: number;
  /** the JSON schema's location in the document, when the answer has one */
  schema: string | null;
  errors: string[];
}

/** ajv over the whole document: a response schema is compiled from its place in it, so its $refs resolve. */
export function documentValidator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema(doc as object, 'openapi.json');
  const cache = new Map<string, ValidateFunction>();
  const pointer = (...segs: string[]) => segs.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  return {
    /** The schema's pointer for this answer (null when the document gives no JSON schema for it), and the check. */
    check(path: string, method: string, status: number, contentType: string, body: unknown): { schema: string | null; errors: string[] } {
      const op = doc.paths[path]?.[method];
      if (!op) return { schema: null, errors: [`${method.toUpperCase()} ${path} is not in the document`] };
      const code = op.responses?.[String(status)] ? String(status) : op.responses?.default ? 'default' : null;
      if (!code) return { schema: null, errors: [`${method.toUpperCase()} ${path} does not document status ${status}`] };
      const r = op.responses![code];
      const media = /problem\+json/.test(contentType) ? 'application/problem+json' : 'application/json';
      const at = r.$ref ? `#/components/responses/${pointer(r.$ref.split('/').pop()!)}/content/${pointer(media)}/schema` : `#/${pointer('paths', path, method, 'responses', code, 'content', media, 'schema')}`;
      const target = r.$ref ? doc.components.responses[r.$ref.split('/').pop()!] : r;
      if (!target.content?.[media]?.schema) return { schema: null, errors: [`${method.toUpperCase()} ${path} ${status}: the document gives no ${media} schema`] };
      let v = cache.get(at);
      if (!v) {
        v = ajv.compile({ $ref: `openapi.json${at}` });
        cache.set(at, v);
      }
      return { schema: at, errors: v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`) };
    },
  };
}

/** A typed client for one signed-in caller (or none), checking every JSON answer into `checked`. */
export function typedClient(baseUrl: string, doc: Doc, checked: Checked[], token?: string) {
  const validator = documentValidator(doc);
  const check: Middleware = {
    onRequest({ request }) {
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    async onResponse({ request, response, schemaPath }) {
      const type = response.headers.get('content-type') ?? '';
      if (!/json/.test(type) || response.status === 204) return response;
      const body = await response.clone().json();
      const method = request.method.toLowerCase();
      const { schema, errors } = validator.check(schemaPath, method, response.status, type, body);
      checked.push({ operation: `${request.method} ${schemaPath} ${response.status}`, status: response.status, schema, errors });
      return response;
    },
  };
  const client = createClient<paths>({ baseUrl });
  client.use(check);
  return client;
}

/** The data of a typed call, or an error naming the status and the problem. */
export function must<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || !r.response.ok || r.data === undefined) throw new Error(`${r.response.status} ${r.response.url}: ${JSON.stringify(r.error)}`);
  return r.data;
}
