/**
 * One validation middleware: the JSON Schemas of `schema/api/` (each with an `$id`), compiled once
 * with ajv, check path parameters, query and body, and report every error at once, each naming its
 * field ("body.location.lat", "query.limit"). Query and path values are coerced from strings.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Request, RequestHandler } from 'express';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import { HttpProblem } from '../problem';
import { localeOf, t } from '../i18n';
import { declareInputs } from './domain-errors';

export const SCHEMA_DIR = path.resolve(__dirname, '..', '..', 'schema', 'api');

/**
 * Every schema of schema/api, by $id. A file holds one schema with an `$id`, or an area's
 * schemas as `{ "schemas": [ … ] }`, each with its `$id` (a plain name such as "CaseCreate").
 */
let schemas: Record<string, Record<string, unknown>> | undefined;
export function apiSchemas(): Record<string, Record<string, unknown>> {
  if (schemas) return schemas;
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of fs.readdirSync(SCHEMA_DIR).filter((n) => n.endsWith('.json')).sort()) {
    const s = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8')) as Record<string, unknown>;
    const list = Array.isArray(s.schemas) ? (s.schemas as Record<string, unknown>[]) : [s];
    for (const one of list) {
      if (typeof one.$id !== 'string' || !/^[A-Za-z0-9]+$/.test(one.$id)) throw new Error(`schema/api/${f}: every schema needs an $id of letters and digits`);
      if (out[one.$id]) throw new Error(`schema/api/${f}: $id ${one.$id} is used twice`);
      out[one.$id] = one;
    }
  }
  schemas = out;
  return out;
}

/** RFC 3339 date-times that JavaScript can hold: a leap second (23:59:60) would become an Invalid Date in the services. */
const rfc3339 = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;
const dateTime = (s: string) => rfc3339(s) && Number.isFinite(Date.parse(s));

function makeAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: coerce ? 'array' : false, useDefaults: true });
  addFormats(ajv);
  ajv.addFormat('date-time', { type: 'string', validate: dateTime });
  for (const s of Object.values(apiSchemas())) ajv.addSchema(s);
  return ajv;
}

let ajvs: { body: Ajv2020; text: Ajv2020 } | undefined;
function compiled(id: string, coerce: boolean): ValidateFunction {
  ajvs ??= { body: makeAjv(false), text: makeAjv(true) };
  const v = (coerce ? ajvs.text : ajvs.body).getSchema(id);
  if (!v) throw new Error(`no schema ${id} in schema/api`);
  return v;
}

export interface FieldError {
  field: string;
  message: string;
}

/**
 * Input nested deeper than this is refused. MariaDB's JSON columns hold nothing deeper (json_valid
 * fails past 32 levels): a task's form data nested deeper would fail its write in the workflow's
 * activity, retried for ever, and the update would never answer. The deepest schema (a GeoJSON
 * import) needs 8 levels.
 */
export const MAX_DEPTH = 32;

/** U+0000 and unpaired surrogates: no text the API keeps may hold them (UTF-8 cannot encode the one, C-string consumers cut at the other). */
// eslint-disable-next-line no-control-regex
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What no schema says but every input must keep to: strings and keys free of NUL and unpaired
 * surrogates, and at most MAX_DEPTH levels of nesting (deeper, it could not be stored, and the
 * recursive walks after this one, such as the request hash of Idempotency-Key, would exhaust the
 * stack). Iterative, so any depth is safe here.
 */
export function textErrors(where: string, value: unknown): FieldError[] {
  const out: FieldError[] = [];
  const stack: [string, unknown, number][] = [[where, value, 0]];
  while (stack.length && out.length < 20) {
    const [field, v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (BAD_TEXT.test(v)) out.push({ field, message: 'contains a NUL character or an unpaired surrogate' });
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      out.push({ field, message: `is nested deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    for (const [k, c] of Object.entries(v)) {
      if (BAD_TEXT.test(k)) out.push({ field, message: 'has a key with a NUL character or an unpaired surrogate' });
      else stack.push([`${field}.${k}`, c, depth + 1]);
    }
  }
  return out;
}

export function fieldErrors(where: string, errors: ErrorObject[] | null | undefined): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors ?? []) {
    let p = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = e.params as { missingProperty?: string; additionalProperty?: string; propertyName?: string };
    if (e.keyword === 'required' && params.missingProperty) p = [...p, params.missingProperty];
    if (e.keyword === 'additionalProperties' && params.additionalProperty) p = [...p, params.additionalProperty];
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const field = [where, ...p].join('.');
    const message = e.keyword === 'additionalProperties' ? 'is not a known field' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
    const key = `${field} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, message });
  }
  // anyOf/oneOf alone: report them rather than nothing
  if (!out.length && errors?.length) out.push({ field: [where, ...errors[0].instancePath.split('/').slice(1)].join('.'), message: errors[0].message ?? 'is invalid' });
  return out;
}

export function validationProblem(req: Request, errors: FieldError[]): HttpProblem {
  const l = localeOf(req);
  return new HttpProblem({
    title: t(l, 'bad-request.title'),
    status: 400,
    detail: t(l, 'validation.detail', { fields: errors.map((e) => `${e.field} ${e.message}`).join('; ') }),
    field: errors[0]?.field,
    code: 'VALIDATION',
    errors,
  });
}

export interface Valid<B = unknown, Q = unknown, P = unknown> {
  body: B;
  query: Q;
  params: P;
}

declare module 'express-serve-static-core' {
  interface Request {
    valid?: Valid<unknown, unknown, unknown>;
  }
}

/** The validated (and coerced) input of a request that went through `validate`. */
export function input<B = unknown, Q = unknown, P = unknown>(req: Request): Valid<B, Q, P> {
  if (!req.valid) throw new Error('route has no validate() middleware');
  return req.valid as Valid<B, Q, P>;
}

/** The parameters a query schema names. */
const parametersOf = (id: string | undefined): string[] => Object.keys((id && (apiSchemas()[id]?.properties as Record<string, unknown> | undefined)) || {});

/**
 * Validates the parts named by schema ids; a part without a schema must be empty (no stray query).
 * It also records where the route carries its inputs (its path parameters, its query schema's
 * parameters), by which the errors of services name their fields (./domain-errors.ts).
 */
export function validate(spec: { body?: string; query?: string; params?: string }): RequestHandler {
  const queryParameters = parametersOf(spec.query);
  return (req, _res, next) => {
    declareInputs(req, { path: Object.keys(req.params ?? {}), query: queryParameters, whole: spec.query && !spec.body ? 'query' : 'body' });
    const errors: FieldError[] = [];
    const params = { ...req.params };
    if (spec.params) {
      const v = compiled(spec.params, true);
      if (!v(params)) errors.push(...fieldErrors('path', v.errors));
    }
    const query: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
    delete query.lang;
    if (spec.query) {
      const v = compiled(spec.query, true);
      if (!v(query)) errors.push(...fieldErrors('query', v.errors));
    } else {
      for (const k of Object.keys(query)) errors.push({ field: `query.${k}`, message: 'is not a known parameter' });
    }
    let body: unknown = req.body;
    // a type no parser reads, multipart where no upload is taken, or bytes without any Content-Type
    const unread = body === undefined && (req.is('multipart/form-data') || (req.headers['content-type'] === undefined && Number(req.headers['content-length'] ?? 0) > 0));
    if (spec.body && ((req.headers['content-type'] !== undefined && !req.is(['application/json', 'application/*+json', 'multipart/form-data', 'application/x-www-form-urlencoded'])) || unread)) {
      const l = localeOf(req);
      return next(new HttpProblem({ title: t(l, 'unsupported-media.title'), status: 415, detail: t(l, 'unsupported-media.detail', { type: String(req.headers['content-type'] ?? '-') }), field: 'header.Content-Type', code: 'UNSUPPORTED_MEDIA_TYPE' }));
    }
    errors.push(...textErrors('path', params), ...textErrors('query', query));
    if (spec.body) {
      if (body === undefined) body = {};
      const v = compiled(spec.body, false);
      if (!v(body)) errors.push(...fieldErrors('body', v.errors));
      errors.push(...textErrors('body', body));
    }
    if (errors.length) return next(validationProblem(req, errors));
    req.valid = { body, query, params };
    next();
  };
}
