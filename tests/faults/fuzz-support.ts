/**
 * The pieces of the API fuzzer (fuzz.test.ts): the operations of the OpenAPI document, a JSON
 * Schema → fast-check generator of valid values (the baseline of a request) and of values that
 * break the schema (the defect), an oracle that proves a generated part really is invalid (ajv with
 * the validator's own options, on the query as qs parses it), hostile strings, and an exact
 * snapshot of every table (row counts and CHECKSUM TABLE) to prove that nothing was written.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import qs from 'qs';
import { openapiDocument } from '../../api/openapi';
import type { PrismaClient } from '../../generated/prisma/client';

// -------------------------------------------------------------------------------------------------
// hostile strings

/** SQL, markup, paths, template and format strings, odd Unicode: as values, keys and ids. */
export const HOSTILE: readonly string[] = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '"; DROP TABLE cases; --',
  "1'; SELECT SLEEP(5); --",
  "admin'--",
  '1 UNION SELECT password_hash FROM users',
  '%',
  '_',
  '\\',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/etc/passwd',
  'file:///etc/passwd',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '#{7*7}',
  '%s%s%s%n',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e308',
  '0x7fffffff',
  '\u202etxt.exe',
  '\ufeff',
  '𠜎𠜱𡃁',
  '💩👨‍👩‍👧',
  'Ａ',
  ' ',
  '\t\r\n',
];

/** Strings no text field may hold (the API refuses them): NUL, unpaired surrogates. */
export const BROKEN_TEXT: readonly string[] = ['a\u0000b', '\u0000', '\ud800', 'x\udfffy', '\udc00\ud800'];

/** A value of every JSON type, and the numbers that break ranges and integer fields. */
export const ODD_VALUES: readonly unknown[] = [null, true, false, 0, -1, 1.5, -0.5, 1e308, -1e308, 2 ** 31, 2 ** 53 + 2, '', 'x', [], [null], {}, { a: 1 }];

export const hostile = (): fc.Arbitrary<string> => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) });

// -------------------------------------------------------------------------------------------------
// the OpenAPI document

export type Schema = Record<string, unknown> & { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; required?: string[] };

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** the path as documented, e.g. /api/cases/{id}/history */
  path: string;
  id: string;
  /** does the operation need a bearer token */
  authenticated: boolean;
  params: Param[];
  /** request body media types and their schemas */
  body: Record<string, Schema> | null;
  /** every method documented for the path */
  methodsOfPath: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operations(): Operation[] {
  const doc = openapiDocument() as unknown as { paths: Record<string, Record<string, unknown>>; security?: unknown[]; components: { parameters?: Record<string, Param> } };
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const methodsOfPath = METHODS.filter((m) => item[m]);
    for (const method of methodsOfPath) {
      const op = item[method] as { operationId?: string; parameters?: (Param & { $ref?: string })[]; requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> }; security?: unknown[] };
      const params = (op.parameters ?? []).map((p) => (p.$ref ? (doc.components.parameters ?? {})[p.$ref.split('/').pop()!] : p)).map((p) => ({ name: p.name, in: p.in, required: !!p.required, schema: p.schema ?? {} }));
      const content = op.requestBody?.content;
      const security = op.security ?? doc.security ?? [];
      out.push({
        method,
        path,
        id: `${method.toUpperCase()} ${path}`,
        authenticated: security.length > 0 && !security.every((s) => s && typeof s === 'object' && Object.keys(s).length === 0),
        params,
        body: content ? Object.fromEntries(Object.entries(content).map(([t, c]) => [t, c.schema ?? {}])) : null,
        methodsOfPath,
      });
    }
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// schemas: dereferencing, the oracle

type Doc = { components: { schemas: Record<string, Schema> } };

export class Schemas {
  private readonly doc: Doc;
  private readonly ajvBody: Ajv2020;
  private readonly ajvText: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly byObject = new WeakMap<object, { b?: ValidateFunction; t?: ValidateFunction }>();
  private readonly derefs = new WeakMap<object, Schema>();

  constructor() {
    this.doc = openapiDocument() as unknown as Doc;
    // the validator's options (api/http/validate.ts): bodies as they are, path and query coerced from text
    this.ajvBody = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false, useDefaults: true });
    this.ajvText = new Ajv2020({ allErrors: true, strict: false, coerceTypes: 'array', useDefaults: true });
    for (const ajv of [this.ajvBody, this.ajvText]) {
      addFormats(ajv);
      ajv.addFormat('binary', true);
      ajv.addSchema({ $id: 'openapi', components: { schemas: this.doc.components.schemas } });
    }
  }

  /** The schema a $ref points to (siblings of the $ref kept). */
  deref(s: Schema | undefined): Schema {
    if (!s) return {};
    const known = this.derefs.get(s);
    if (known) return known;
    let cur: Schema = s;
    for (let i = 0; i < 32 && typeof cur.$ref === 'string'; i++) {
      // a component (#/components/schemas/Name) or a JSON pointer into one (…/Name/properties/field)
      const [name, ...inner] = cur.$ref.replace(/^#\/components\/schemas\//, '').split('/').map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      let target: Schema | undefined = this.doc.components.schemas[name];
      for (const key of inner) target = target === undefined ? undefined : ((target as Record<string, unknown>)[key] as Schema | undefined);
      if (!target) throw new Error(`no schema ${cur.$ref}`);
      const { $ref: _r, ...rest } = cur;
      cur = { ...target, ...rest };
    }
    this.derefs.set(s, cur);
    return cur;
  }

  /** Does `value` satisfy `schema`? `text`: coerced from strings, as path and query values are. */
  valid(schema: Schema, value: unknown, text = false): boolean {
    const slot = this.byObject.get(schema) ?? {};
    let v = text ? slot.t : slot.b;
    if (!v) {
      const key = `${text ? 't' : 'b'}${JSON.stringify(schema)}`;
      v = this.cache.get(key);
      if (!v) {
        const rooted = JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\/components\//g, '"$ref":"openapi#/components/'));
        v = (text ? this.ajvText : this.ajvBody).compile(rooted);
        this.cache.set(key, v);
      }
      this.byObject.set(schema, text ? { ...slot, t: v } : { ...slot, b: v });
    }
    // a body as the server reads it (JSON text parsed again: own "__proto__" keys kept, -0 is 0 …)
    return v(text ? structuredClone(value) : value === undefined ? undefined : JSON.parse(JSON.stringify(value))) as boolean;
  }

  // --- valid values -----------------------------------------------------------------------------

  /** Values that satisfy the schema (best effort: a baseline that is not quite valid only adds a defect). */
  validArb(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
    return this.memo(this.valids, schema, depth, () => this.buildValid(schema, depth));
  }

  private readonly valids = new WeakMap<object, Map<number, fc.Arbitrary<unknown>>>();
  private readonly invalids = new WeakMap<object, Map<number, fc.Arbitrary<unknown>>>();
  private memo(store: WeakMap<object, Map<number, fc.Arbitrary<unknown>>>, schema: Schema, depth: number, build: () => fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    let m = store.get(schema);
    if (!m) store.set(schema, (m = new Map()));
    let a = m.get(depth);
    if (!a) m.set(depth, (a = build()));
    return a;
  }

  private buildValid(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    let s = { ...this.deref(schema) };
    if (s.if && s.then) s = merge(merge(s, this.deref(s.if as Schema)), this.deref(s.then as Schema));
    delete s.if;
    if (s.const !== undefined) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    for (const k of ['oneOf', 'anyOf'] as const) {
      const branches = s[k] as Schema[] | undefined;
      if (branches?.length) {
        const { [k]: _b, ...base } = s;
        return fc.oneof(...branches.map((b) => this.validArb(b.type || b.$ref || b.enum ? b : merge(base, b), depth)));
      }
    }
    const types = typesOf(s);
    const type = types.find((t) => t !== 'null') ?? types[0];
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({ min: num(s.minimum, -1000), max: num(s.maximum, 1_000_000) });
      case 'number':
        return fc.double({ min: num(s.minimum, -1000), max: num(s.maximum, 1000), noNaN: true, noDefaultInfinity: true });
      case 'string':
        return this.validString(s);
      case 'array': {
        const prefix = ((s.prefixItems as Schema[] | undefined) ?? []).map((p) => this.validArb(p, depth + 1));
        const min = Math.max(num(s.minItems, 0), prefix.length);
        const max = Math.min(num(s.maxItems, min + 3), min + 3);
        const items = s.items && depth < 8 ? this.validArb(s.items as Schema, depth + 1) : fc.constant(null);
        return fc.tuple(fc.tuple(...prefix), fc.array(items, { minLength: min - prefix.length, maxLength: Math.max(min, max) - prefix.length })).map(([a, b]) => [...a, ...b]);
      }
      case 'object': {
        const props = s.properties ?? {};
        const required = new Set(s.required ?? []);
        const optional = Object.keys(props).filter((k) => !required.has(k));
        const minProps = num(s.minProperties, 0);
        const rec: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, p] of Object.entries(props)) if (depth < 8) rec[k] = this.validArb(p, depth + 1);
        const extra = s.additionalProperties && typeof s.additionalProperties === 'object' ? fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), this.validArb(s.additionalProperties as Schema, depth + 1), { maxKeys: 2 }) : fc.constant({});
        if (!Object.keys(props).length && s.additionalProperties === undefined) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
        return fc
          .tuple(fc.subarray(optional, { minLength: Math.min(optional.length, Math.max(0, minProps - required.size)) }), extra)
          .chain(([opt, more]) => {
            const keys = [...required, ...opt].filter((k) => rec[k]);
            return fc.record(Object.fromEntries(keys.map((k) => [k, rec[k]]))).map((r) => ({ ...more, ...r }));
          });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private validString(s: Schema): fc.Arbitrary<string> {
    const min = num(s.minLength, 0);
    const max = Math.min(num(s.maxLength, min + 24), min + 24);
    const fit = (a: fc.Arbitrary<string>) => a.filter((x) => [...x].length >= min && [...x].length <= num(s.maxLength, Infinity));
    if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    if (s.format === 'date') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    if (typeof s.pattern === 'string') {
      try {
        return fit(fc.stringMatching(new RegExp(s.pattern), { size: min > 1 ? 'small' : 'xsmall' }));
      } catch {
        return fc.constant(''); // a pattern fast-check cannot generate from (a lookahead): the baseline is invalid there
      }
    }
    return fit(fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max) }) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) }));
  }

  // --- invalid values ---------------------------------------------------------------------------

  /**
   * Values that break the schema (the caller proves it with `valid`): a wrong type, out of range,
   * too long or too short, off-pattern, not in the enum, an unknown field, a required one missing.
   */
  invalidArb(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
    return this.memo(this.invalids, schema, depth, () => this.buildInvalid(schema, depth));
  }

  private buildInvalid(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const s = this.deref(schema);
    const out: fc.Arbitrary<unknown>[] = [fc.constantFrom(...ODD_VALUES), hostile()];
    if (Array.isArray(s.enum) || s.const !== undefined) out.push(fc.constantFrom(...HOSTILE, 'json ', 'JSON', 'Json'));
    if (typeof s.maxLength === 'number' && s.maxLength < 300_000) out.push(fc.constantFrom(...HOSTILE).map((h) => h + 'x'.repeat((s.maxLength as number) + 1)));
    if (typeof s.minLength === 'number' && s.minLength > 0) out.push(fc.constant(''));
    if (typeof s.pattern === 'string') out.push(hostile());
    if (typeof s.maximum === 'number') out.push(fc.constantFrom(s.maximum + 1, s.maximum + 0.5, 1e308, 2 ** 53 + 2));
    if (typeof s.minimum === 'number') out.push(fc.constantFrom(s.minimum - 1, s.minimum - 0.5, -1e308));
    if (typesOf(s).includes('integer')) out.push(fc.constantFrom(1.5, 0.1, 1e-7, 2 ** 31 + 0.5));
    if (typeof s.maxItems === 'number' && s.maxItems <= 100 && s.items) out.push(fc.array(this.validArb(s.items as Schema, depth + 1), { minLength: s.maxItems + 1, maxLength: s.maxItems + 2 }));
    if (s.items && depth < 6) out.push(fc.tuple(this.invalidArb(s.items as Schema, depth + 1)).map((a) => a));
    if (s.properties || s.additionalProperties === false) {
      out.push(this.validArb(s, depth).chain((o) => (o && typeof o === 'object' && !Array.isArray(o) ? extraKey(o as Record<string, unknown>) : fc.constant(o))));
      for (const r of s.required ?? []) out.push(this.validArb(s, depth).map((o) => without(o, r)));
    }
    return fc.oneof(...out);
  }

  /**
   * The value with one part broken: the whole of it, one field (recursively), one required field
   * dropped or one unknown field added. Proven invalid by the oracle; replacing the whole value
   * with a value of the wrong type is the last resort (always invalid).
   */
  mutate(schema: Schema, value: unknown, depth = 0): fc.Arbitrary<unknown> {
    const s = this.deref(schema);
    const choices: fc.Arbitrary<unknown>[] = [this.invalidArb(s, depth)];
    if (value && typeof value === 'object' && !Array.isArray(value) && depth < 6) {
      const o = value as Record<string, unknown>;
      const props = s.properties ?? {};
      for (const k of Object.keys(o)) if (props[k] && this.breakable(props[k])) choices.push(this.mutate(props[k], o[k], depth + 1).map((v) => withKey(o, k, v)));
      for (const r of s.required ?? []) if (r in o) choices.push(fc.constant(without(o, r)));
      if (s.additionalProperties === false) choices.push(extraKey(o));
    }
    if (Array.isArray(value) && value.length && s.items && this.breakable(s.items as Schema) && depth < 6) {
      choices.push(fc.nat(value.length - 1).chain((i) => this.mutate(s.items as Schema, value[i], depth + 1).map((v) => value.map((x, j) => (j === i ? v : x)))));
    }
    const wrongType = fc.constantFrom(...ODD_VALUES.filter((v) => !this.valid(s, v)));
    return fc.oneof(...choices).chain((v) => (this.valid(schema, v) ? wrongType : fc.constant(v)));
  }

  /** Does some value of the wrong type break the schema (not so for `{}`, which takes anything)? */
  breakable(schema: Schema): boolean {
    return ODD_VALUES.some((v) => !this.valid(schema, v));
  }
}

/**
 * Values at the edges of what a schema allows (the caller keeps those the oracle accepts): the
 * bounds, huge numbers where no maximum is set, dates at the ends of the calendar and leap
 * seconds, hostile text within the length.
 */
export function extremeArb(schemas: Schemas, schema: Schema): fc.Arbitrary<unknown> | null {
  const s = schemas.deref(schema);
  const types = typesOf(s);
  if (s.format === 'date-time') return fc.constantFrom('0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1000-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z', '2026-12-31T23:59:60Z', '2026-06-30T23:59:60+08:00', '2026-11-24T00:00:00-23:59', '2026-11-24T00:00:00.123456789Z');
  if (s.format === 'date') return fc.constantFrom('0000-01-01', '0001-01-01', '1000-01-01', '9999-12-31', '2024-02-29', '1970-01-01');
  if (types.includes('integer') || types.includes('number')) {
    const edges = [s.minimum, s.maximum, 0, -1, 1e308, 2 ** 31 - 1, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER].filter((v): v is number => typeof v === 'number');
    return fc.constantFrom(...edges);
  }
  if (types.includes('string') && !s.enum && !s.format) return hostile().map((h) => (typeof s.maxLength === 'number' ? h.slice(0, s.maxLength) : h));
  if (types.includes('array') && s.items) {
    const items = extremeArb(schemas, s.items as Schema) ?? schemas.validArb(s.items as Schema);
    return fc.array(items, { minLength: 1, maxLength: 3 });
  }
  return null;
}

function typesOf(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (s.properties || s.additionalProperties !== undefined || s.required) return ['object'];
  if (s.items || s.prefixItems) return ['array'];
  if (s.pattern || s.format || s.maxLength !== undefined) return ['string'];
  return [];
}

function merge(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a, ...b };
  if (a.properties || b.properties) out.properties = { ...(a.properties ?? {}), ...(b.properties ?? {}) };
  if (a.required || b.required) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return out;
}

const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** A copy with the key set as an own property (also "__proto__", which a literal would not set). */
export function withKey(o: Record<string, unknown>, k: string, v: unknown): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  for (const [ok, ov] of Object.entries(o)) Object.defineProperty(c, ok, { value: ov, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(c, k, { value: v, enumerable: true, writable: true, configurable: true });
  return c;
}

function without(o: unknown, k: string): unknown {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return o;
  const c: Record<string, unknown> = {};
  for (const [ok, ov] of Object.entries(o)) if (ok !== k) Object.defineProperty(c, ok, { value: ov, enumerable: true, writable: true, configurable: true });
  return c;
}

/** The object with an unknown field (a hostile name such as "__proto__" or "' OR 1=1 --"). */
function extraKey(o: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.oneof(fc.constantFrom(...HOSTILE, 'isAdmin', 'role', 'id', 'status'), fc.stringMatching(/^[a-z]{1,8}$/)), fc.constantFrom(...ODD_VALUES, ...HOSTILE))
    .filter(([k]) => !(k in o))
    .map(([k, v]) => withKey(o, k, v));
}

// -------------------------------------------------------------------------------------------------
// query strings, as express (qs, "extended") and body-parser read them

export function queryString(q: Record<string, unknown>): string {
  return qs.stringify(q, { arrayFormat: 'repeat', allowDots: false });
}

/** What express hands the validator for a query string (the "extended" parser, `lang` removed). */
export function parseQuery(s: string): Record<string, unknown> {
  const q = qs.parse(s, { allowPrototypes: true }) as Record<string, unknown>;
  delete q.lang;
  return q;
}

/** What express.urlencoded({ extended: true }) makes of a form body. */
export function parseForm(s: string): Record<string, unknown> {
  return qs.parse(s, { allowPrototypes: true, depth: 32, arrayLimit: 100, parameterLimit: 1000 }) as Record<string, unknown>;
}

// -------------------------------------------------------------------------------------------------
// nothing written

/** Exact row counts and checksums of every table: two equal snapshots mean nothing was written. */
export async function tableSnapshot(prisma: PrismaClient): Promise<Record<string, string>> {
  const tables = await tableNames(prisma);
  const counts = (await prisma.$queryRawUnsafe<Record<string, bigint>[]>(`SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM \`${t}\`) AS \`${t}\``).join(', ')}`))[0];
  const sums = await prisma.$queryRawUnsafe<{ Table: string; Checksum: bigint | null }[]>(`CHECKSUM TABLE ${tables.map((t) => `\`${t}\``).join(', ')}`);
  const out: Record<string, string> = {};
  for (const t of tables) out[t] = `${String(counts[t])} rows`;
  for (const r of sums) out[r.Table.split('.').pop()!] += `, checksum ${String(r.Checksum)}`;
  return out;
}

/** Tables a refused request writes to on purpose: every sign-in attempt is recorded, the refused ones too (the throttle counts them). */
const WRITTEN_WHEN_REFUSED = ['sign_in_events'];

let names: string[] | undefined;
async function tableNames(prisma: PrismaClient): Promise<string[]> {
  names ??= (await prisma.$queryRawUnsafe<{ t: string }[]>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name")).map((r) => r.t).filter((t) => !WRITTEN_WHEN_REFUSED.includes(t));
  return names;
}

/** The tables whose snapshot differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]).map((t) => `${t}: ${before[t]} → ${after[t]}`);
}

// -------------------------------------------------------------------------------------------------
// BPMN

export const FIXTURE_DIAGRAM = fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', 'bpmn', 'user-task-without-assignee.bpmn'), 'utf8');
/** Readable diagrams, the baseline of a BPMN body. */
export const DIAGRAMS = [FIXTURE_DIAGRAM];
const withProlog = (prolog: string) => FIXTURE_DIAGRAM.replace(/^(<\?xml[^>]*\?>)?/, (decl) => `${decl}${prolog}`);

/** Diagrams that declare a DOCTYPE or entities: refused before they are parsed. */
export const HOSTILE_DIAGRAMS: [string, string][] = [
  ['external entity (XXE)', withProlog('<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace('name="处置"', 'name="&xxe;"')],
  ['external DTD', withProlog('<!DOCTYPE bpmn:definitions SYSTEM "http://127.0.0.1:9/evil.dtd">')],
  ['public external DTD', withProlog('<!DOCTYPE bpmn:definitions PUBLIC "-//EVIL//DTD" "file:///etc/passwd">')],
  ['parameter entity', withProlog('<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>')],
  ['billion laughs', withProlog(`<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`).replace('name="处置"', 'name="&lol9;"')],
  ['quadratic blowup', withProlog(`<!DOCTYPE x [<!ENTITY a "${'a'.repeat(50_000)}">]>`).replace('name="处置"', `name="${'&a;'.repeat(1000)}"`)],
  ['lower-case doctype', withProlog('<!doctype x [<!entity xxe system "file:///etc/passwd">]>')],
  ['entity declaration without a doctype', withProlog('<!ENTITY xxe SYSTEM "file:///etc/passwd">')],
  ['doctype after a comment', withProlog('<!-- modeler --><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')],
  ['doctype with a byte order mark', `\ufeff${withProlog('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')}`],
];

/** A diagram whose process nests `levels` embedded sub-processes, one in the other. */
export function nestedDiagram(levels: number): string {
  const ns = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:grid="https://gridcase.cn/schema/bpmn/grid/1.0"';
  const scope = (i: number, inner: string, target: string) =>
    `<bpmn:startEvent id="S${i}"><bpmn:outgoing>A${i}</bpmn:outgoing></bpmn:startEvent>${inner}<bpmn:endEvent id="E${i}"><bpmn:incoming>B${i}</bpmn:incoming></bpmn:endEvent><bpmn:sequenceFlow id="A${i}" sourceRef="S${i}" targetRef="${target}"/><bpmn:sequenceFlow id="B${i}" sourceRef="${target}" targetRef="E${i}"/>`;
  let inner = scope(levels, `<bpmn:userTask id="T" name="处置" grid:assignee="tier:current"><bpmn:incoming>A${levels}</bpmn:incoming><bpmn:outgoing>B${levels}</bpmn:outgoing></bpmn:userTask>`, 'T');
  for (let i = levels - 1; i >= 0; i--) inner = scope(i, `<bpmn:subProcess id="P${i + 1}"><bpmn:incoming>A${i}</bpmn:incoming><bpmn:outgoing>B${i}</bpmn:outgoing>${inner}</bpmn:subProcess>`, `P${i + 1}`);
  return `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${ns} id="D" targetNamespace="https://gridcase.cn/test"><bpmn:process id="deep" name="嵌套" isExecutable="true">${inner}</bpmn:process></bpmn:definitions>`;
}

/** Every diagram the API refuses before parsing: the DTDs, and elements nested too deep, characters XML cannot carry. */
export const REFUSED_DIAGRAMS: [string, string][] = [
  ...HOSTILE_DIAGRAMS,
  ['3000 nested sub-processes', nestedDiagram(3000)],
  ['elements nested 100000 deep', FIXTURE_DIAGRAM.replace('</bpmn:process>', `<bpmn:extensionElements>${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}</bpmn:extensionElements></bpmn:process>`)],
  ['NUL in a name', FIXTURE_DIAGRAM.replace('name="处置"', 'name="处\u0000置"')],
  ['an unpaired surrogate', FIXTURE_DIAGRAM.replace('name="处置"', 'name="\ud800"')],
];
