/**
 * Property-based security fuzzer over every operation of the OpenAPI document (api/openapi.ts):
 * /api/…, /api/admin/…, /api/public/… and /open311/v2/…. For each operation, fast-check builds a
 * request from the operation's own schemas (path parameters, query, body: JSON, form, multipart or
 * BPMN XML) and the demo data, then breaks it in at least one way the API must refuse:
 *
 *   auth            no token, garbage, "alg: none", a foreign key, expired, hostile claims
 *   path            a value off its schema (SQL, script tags, traversal, huge numbers …), or
 *                   undecodable percent-encoding, or well-formed but unknown (ids, keys, tokens)
 *   query           an unknown parameter, or a declared one off its schema
 *   body            off its schema (wrong type, out of range, too long, off-pattern, unknown field,
 *                   required field missing), malformed JSON, nested too deeply, too large
 *   encoding        invalid UTF-8, NUL or unpaired surrogates in text, an unknown charset or
 *                   Content-Encoding, UTF-16 under a UTF-8 label
 *   content type    one the operation does not read (also multipart to a JSON operation, and a
 *                   body without any Content-Type)
 *   multipart       not an image, empty, too large, too many, unknown field, a file name with
 *                   control characters; hostile file names (../../etc/passwd) on every upload
 *   BPMN            a DOCTYPE, external or parameter entities, entity expansion (billion laughs)
 *   Idempotency-Key off its syntax; a method the path does not have
 *
 * as a signed-in administrator (admin, every right), a community handler, a supervisor, a grid
 * worker, or no/invalid token. Every defect is proven real before it is sent: the generated part is
 * checked against the schema with ajv (the validator's own options, the query as qs parses it), so
 * no request is valid by chance. The properties, for every request:
 *
 *   - the answer is a 4xx (400/401/403/404/405/409/413/415/422/429), never 2xx, never 5xx, and
 *     nothing is logged as an unhandled error;
 *   - errors are application/problem+json naming status and title (and field for 400/413/415),
 *     Open311's in the GeoReport v2 error format;
 *   - no table changes: exact row counts and CHECKSUM TABLE of every table before and after, and
 *     no file lands in the attachment store;
 *   - nothing of /etc/passwd comes back; GET /health still answers 200 after each operation.
 *
 * A second property sends hostile but well-formed input to every read (SQL, markup and traversal
 * within the text limits, numbers at their bounds or huge where no bound is set, dates at the ends
 * of the calendar and leap seconds): never a 5xx, never a write. A last test uploads a photo named
 * ../../etc/passwd the valid way: it is stored under its base name only.
 *
 * Deterministic: seed 20261124 (FUZZ_SEED overrides). Each kind of defect of an operation is its
 * own property, run at least twice: FUZZ_RUNS requests per operation (default 20). A failure names
 * the operation and the defect, and fast-check prints its seed and path: replay it with
 * FUZZ_SEED=… FUZZ_DEFECT='…' FUZZ_PATH=… and jest -t '<operation>'. FUZZ_SHRINK=0 skips
 * shrinking; FUZZ_TRACE=<file> appends every request to the file as it is sent.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import request, { type Response } from 'supertest';
import { MAX_DEPTH } from '../../api/http/validate';
import { MAX_DIAGRAM_BYTES } from '../../process/compiler';
import { startApiSuite, type ApiSuite } from '../support/api';
import { inboxTask, PNG_1x1 } from '../support/api-flow';
import { wangfangGrid } from '../support/cases';
import { uniqueSuffix } from '../support/env';
import { BROKEN_TEXT, changedTables, DIAGRAMS, extremeArb, HOSTILE, hostile, operations, REFUSED_DIAGRAMS, parseForm, parseQuery, queryString, Schemas, tableSnapshot, withKey, type Operation, type Param, type Schema } from './fuzz-support';

const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const PATH = process.env.FUZZ_PATH;
const ONLY_DEFECT = process.env.FUZZ_DEFECT;
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
const JSON_LIMIT = 256 * 1024;
const ATTACHMENT_LIMIT = 512 * 1024;
const CLIENT_ERRORS = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429];
/** Paths without input of their own: only a wrong method can be wrong there. */
const NO_INPUT = new Set(['/health', '/openapi.json']);
/** Operations that ignore query parameters they do not know (GeoReport v2 asks it; the event stream takes access_token). */
const LENIENT_QUERY = new Set(['GET /open311/v2/services.{format}', 'GET /open311/v2/requests.{format}', 'GET /api/events']);
/** The event stream answers a signed-in caller with an open stream whatever else is wrong: only its authentication is fuzzed. */
const STREAM = 'GET /api/events';
/** Query parameters the document lists but every value of which is fine (the language; Open311's ignored jurisdiction). */
const IGNORED_PARAMS = new Set(['lang', 'jurisdiction_id']);
const CALLERS = ['admin', 'dhm1.handler', 'dc.supervisor', 'dc.auditor', 'wangfang'] as const;
const API_KEY = 'demo-12345-hotline-2026';
const PASSWD_LINE = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0] : 'root:x:0:0:';

interface Fixtures {
  caseId: string;
  taskId: string;
  attachmentId: string;
  userId: number;
  membershipId: number;
  gridId: number;
  villageId: number;
  unitId: number;
  departmentId: number;
  categoryId: number;
  processKey: string;
  lat: number;
  lng: number;
  phone: string;
}

interface FilePart {
  field: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
}

type Payload = { raw: Buffer; contentType?: string; headers?: Record<string, string> } | { fields: [string, string][]; files: FilePart[] };

interface Req {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: Payload;
  defects: string[];
}

/** A request of the operation before it is broken: valid as far as the schemas and demo data go. */
interface Base {
  op: Operation;
  caller: string | null;
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: { kind: 'json' | 'form'; value: Record<string, unknown> | unknown; schema: Schema; type: string } | { kind: 'xml'; text: string; type: string } | { kind: 'multipart'; fields: Record<string, string>; files: FilePart[] } | null;
  lang: 'en' | null;
}

const schemas = new Schemas();
/** FUZZ_TRACE=<file>: every request is appended to the file as it is sent (jest prints only at the end). */
const trace = (line: string) => {
  if (process.env.FUZZ_TRACE) fs.appendFileSync(process.env.FUZZ_TRACE, `${new Date().toISOString()} ${line.slice(0, 400)}\n`);
};
const OPS = operations();
let keyNo = 0;

// ---------------------------------------------------------------------------------------------------
// building blocks

/** A fresh, valid Idempotency-Key: a record it leaves behind shows in the snapshot. */
const freshKey = () => `fuzz-${uniqueSuffix()}-${++keyNo}`;

const jsonText = (v: unknown) => JSON.stringify(v) ?? 'null';

function isStrictJson(text: string): boolean {
  const t = text.replace(/^[\x20\t\n\r]+/, '');
  if (t[0] !== '{' && t[0] !== '[') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Every string (and key) of a JSON value, with a setter: where text defects go. */
function stringLeaves(v: unknown): { get: string; set: (s: string) => unknown }[] {
  const out: { get: string; set: (s: string) => unknown }[] = [];
  const walk = (x: unknown, rebuild: (y: unknown) => unknown, depth: number) => {
    if (depth > 8) return;
    if (typeof x === 'string') out.push({ get: x, set: (s) => rebuild(s) });
    else if (Array.isArray(x)) x.forEach((c, i) => walk(c, (y) => rebuild(x.map((z, j) => (j === i ? y : z))), depth + 1));
    else if (x && typeof x === 'object') for (const [k, c] of Object.entries(x)) walk(c, (y) => rebuild(withKey(x as Record<string, unknown>, k, y)), depth + 1);
  };
  walk(v, (y) => y, 0);
  return out;
}

function nested(depth: number, leaf: unknown = 1): string {
  return `${'['.repeat(depth)}${jsonText(leaf)}${']'.repeat(depth)}`;
}

function queryOf(op: Operation): { schema: Schema; declared: Set<string> } {
  const whole = op.params.find((p) => p.in === 'query' && p.name === 'query');
  if (whole) {
    const s = schemas.deref(whole.schema);
    return { schema: s, declared: new Set(Object.keys(s.properties ?? {})) };
  }
  // lang chooses the language of any answer; jurisdiction_id is documented as ignored
  const params = op.params.filter((p) => p.in === 'query' && !IGNORED_PARAMS.has(p.name));
  const schema: Schema = { type: 'object', properties: Object.fromEntries(params.map((p) => [p.name, p.schema])), required: params.filter((p) => p.required).map((p) => p.name) };
  return { schema, declared: new Set([...params.map((p) => p.name), ...IGNORED_PARAMS]) };
}

const pathParams = (op: Operation) => op.params.filter((p) => p.in === 'path');
const hasHeader = (op: Operation, name: string) => op.params.some((p) => p.in === 'header' && p.name.toLowerCase() === name.toLowerCase());
const isOpen311 = (op: Operation) => op.path.startsWith('/open311/');
const strictQuery = (op: Operation) => !LENIENT_QUERY.has(op.id) && !NO_INPUT.has(op.path);

/** Is this path value off its schema (as the router decodes it and the validator coerces it)? */
function pathValueInvalid(p: Param, value: string): boolean {
  // the route takes the extension in any case (.JSON), the document lists it in lower case
  const v = p.name === 'format' ? value.toLowerCase() : value;
  return !schemas.valid(p.schema, v, true);
}

function fill(op: Operation, values: Record<string, string>, raw: Record<string, string> = {}): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => raw[name] ?? encodeURIComponent(values[name] ?? ''));
}

// ---------------------------------------------------------------------------------------------------
// the suite

describe('API fuzzer: hostile and malformed input to every operation is a 4xx, writes nothing and crashes nothing', () => {
  let s: ApiSuite;
  const fx = {} as Fixtures;
  const tokens: Record<string, string> = {};
  const unhandled: string[] = [];
  let errorSpy: jest.SpyInstance;

  // --- values of the demo data for path parameters and fields, and well-formed unknown ones --------

  function knownPathValue(op: Operation, name: string): string {
    const p = op.path;
    switch (name) {
      case 'id':
        if (p.startsWith('/api/tasks/')) return fx.taskId;
        if (p.startsWith('/api/approvals/')) return 'DC-20000101-99999/A1';
        if (p.startsWith('/api/admin/users/')) return String(fx.userId);
        if (p.startsWith('/api/admin/org-units/')) return String(fx.unitId);
        if (p.startsWith('/api/admin/grids/')) return String(fx.gridId);
        if (p.startsWith('/api/admin/departments/')) return String(fx.departmentId);
        if (p.startsWith('/api/admin/categories/')) return String(fx.categoryId);
        return fx.caseId;
      case 'attachmentId':
        return fx.attachmentId;
      case 'membershipId':
        return String(fx.membershipId);
      case 'gridId':
        return String(fx.gridId);
      case 'key':
        return fx.processKey;
      case 'version':
        return '1';
      case 'date':
        return '2099-01-05';
      case 'format':
        return 'json';
      case 'service_code':
        return 'SS01';
      case 'service_request_id':
        return fx.caseId;
      case 'token':
        return 'fuzzunknowntoken';
      default:
        throw new Error(`no demo value for the path parameter ${name} of ${op.id}`);
    }
  }

  /** Well-formed values that name nothing (null: every well-formed value may exist, e.g. a date). */
  function unknownPathValue(op: Operation, name: string): fc.Arbitrary<string> | null {
    switch (name) {
      case 'id':
        if (op.path.startsWith('/api/admin/')) return fc.integer({ min: 2_000_000_000, max: 2_147_483_647 }).map(String);
        if (op.path.startsWith('/api/tasks/') || op.path.startsWith('/api/approvals/')) return fc.oneof(fc.constantFrom(...HOSTILE).filter((h) => h.trim().length > 0 && !/[/\\]/.test(h)), fc.constant('ZZ-20000101-99999/T1'));
        return fc.stringMatching(/^ZZ-2000010[1-9]-[0-9]{5}$/);
      case 'membershipId':
      case 'gridId':
      case 'version':
        return fc.integer({ min: 2_000_000_000, max: 2_147_483_647 }).map(String);
      case 'attachmentId':
        return fc.uuid().map((u) => `ATT-${u}`);
      case 'key':
        return fc.stringMatching(/^zzfuzz-[a-z0-9]{1,12}$/);
      case 'service_code':
        return fc.stringMatching(/^ZZ[0-9]{2,6}$/);
      case 'service_request_id':
        return fc.stringMatching(/^ZZ-2000010[1-9]-[0-9]{5}$/);
      case 'token':
        return fc.stringMatching(/^zz[A-Za-z0-9_-]{8,30}$/);
      default:
        return null;
    }
  }

  /** Who may do the operation on the demo data (an administrator at the city for /api/admin). */
  function rightCaller(op: Operation): string {
    if (op.path.startsWith('/api/admin/')) return 'admin';
    if (/^\/api\/cases\/\{id\}\/(urge|supervise)$/.test(op.path) || op.path.startsWith('/api/approvals/')) return 'dc.supervisor';
    if (op.path.startsWith('/api/tasks/') || /^\/api\/cases\/\{id\}\/(merge|attachments)$/.test(op.path)) return 'dhm1.handler';
    if (/^\/api\/cases\/(export|exports|verification)$/.test(op.path)) return 'dc.auditor';
    return 'wangfang';
  }

  /** Demo values that take a body deeper (a point in a grid, a category, the open task's outcome). */
  function bodyOverrides(op: Operation): Record<string, unknown> {
    switch (op.id) {
      case 'POST /api/cases':
        return { category: 'SS01', location: { lat: fx.lat, lng: fx.lng } };
      case 'POST /open311/v2/requests.{format}':
        return { api_key: API_KEY, service_code: 'SS01', lat: String(fx.lat), long: String(fx.lng) };
      case 'POST /api/tasks/{id}/complete':
        return { outcome: 'accept' };
      case 'POST /api/cases/{id}/attachments':
        return { taskId: fx.taskId };
      case 'POST /api/public/cases/{id}/rating':
        return { phone: fx.phone };
      case 'POST /api/admin/org-units':
        return { parentId: fx.villageId };
      case 'POST /api/admin/grids':
        return { villageId: fx.villageId };
      default:
        return {};
    }
  }

  // --- the request of an operation before it is broken -------------------------------------------

  function baseArb(op: Operation): fc.Arbitrary<Base> {
    const path = Object.fromEntries(pathParams(op).map((p) => [p.name, knownPathValue(op, p.name)]));
    const { schema: qSchema } = queryOf(op);
    const required = new Set(qSchema.required ?? []);
    const query: fc.Arbitrary<Record<string, unknown>> = fc.record(
      Object.fromEntries(
        Object.entries(qSchema.properties ?? {})
          .filter(([k]) => required.has(k) || op.path === '/api/admin/calendar' || k === 'phone')
          .map(([k, v]) => [k, k === 'phone' ? fc.constant(fx.phone) : k === 'villageId' ? fc.constant(fx.villageId) : op.path === '/api/admin/calendar' ? fc.constant(k === 'from' ? '2026-10-01' : '2026-10-10') : schemas.validArb(v)]),
      ),
    );
    // mostly the caller allowed to do it, so that the defect is what is refused, not the caller
    const caller = op.authenticated ? fc.oneof({ weight: 3, arbitrary: fc.constant<string | null>(rightCaller(op)) }, { weight: 1, arbitrary: fc.constantFrom<string | null>(...CALLERS) }) : fc.constant(null);
    const lang = fc.constantFrom<'en' | null>('en', null);
    return fc.record({ op: fc.constant(op), caller, path: fc.constant(path), query, body: bodyBaseArb(op), lang });
  }

  function bodyBaseArb(op: Operation): fc.Arbitrary<Base['body']> {
    if (!op.body) return fc.constant(null);
    const types = Object.keys(op.body);
    const kinds: fc.Arbitrary<Base['body']>[] = [];
    for (const type of types) {
      const schema = op.body[type];
      if (/json$/.test(type)) kinds.push(withOverrides(op, schema).map((value) => ({ kind: 'json' as const, value, schema, type })));
      else if (type === 'application/x-www-form-urlencoded') kinds.push(withOverrides(op, schemas.deref(schema)).map((value) => ({ kind: 'form' as const, value, schema, type })));
      else if (/xml$/.test(type)) kinds.push(fc.constantFrom(...DIAGRAMS).map((text) => ({ kind: 'xml' as const, text, type })));
      else if (type === 'multipart/form-data') kinds.push(multipartBaseArb(op));
    }
    return fc.oneof(...kinds);
  }

  function multipartBaseArb(op: Operation): fc.Arbitrary<Base['body']> {
    const photo = fc.record({ name: fc.oneof(fc.constantFrom('manhole.png', '../../etc/passwd', '..\\..\\win.ini', '/etc/shadow', '<script>alert(1)</script>.png', "' OR 1=1 --.png", '%2e%2e%2fpasswd.png', '井盖.png'), fc.string({ maxLength: 20 }).filter((n) => [...n].every((c) => c >= ' ' && c !== '\u007f' && c !== '"' && c !== '\\'))), salt: fc.uint8Array({ minLength: 4, maxLength: 16 }) }).map(
      ({ name, salt }): FilePart => ({ field: 'photos', bytes: Buffer.concat([PNG_1x1, Buffer.from(salt)]), filename: name, contentType: 'image/png' }),
    );
    const files = fc.array(photo, { minLength: 1, maxLength: 2 });
    if (op.id === 'POST /api/cases') {
      return fc.tuple(withOverridesOf(op, 'CaseCreate'), files).map(([c, f]) => ({ kind: 'multipart' as const, fields: { case: jsonText(c) }, files: f }));
    }
    return files.map((f) => ({ kind: 'multipart' as const, fields: { taskId: fx.taskId }, files: f }));
  }

  /** A value of the schema with the demo values of bodyOverrides (where the value is an object). */
  function withOverrides(op: Operation, schema: Schema): fc.Arbitrary<unknown> {
    return schemas.validArb(schema).map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as object), ...bodyOverrides(op) } : v));
  }

  function withOverridesOf(op: Operation, schemaName: string): fc.Arbitrary<Record<string, unknown>> {
    return withOverrides(op, { $ref: `#/components/schemas/${schemaName}` }) as fc.Arbitrary<Record<string, unknown>>;
  }

  // --- rendering ----------------------------------------------------------------------------------

  interface Parts {
    caller?: string | null;
    authorization?: string | null;
    path?: Record<string, string>;
    rawPath?: Record<string, string>;
    query?: Record<string, unknown>;
    rawQuery?: string;
    payload?: Payload | null;
    method?: string;
    idempotencyKey?: string | null;
    extraHeaders?: Record<string, string>;
  }

  function render(b: Base, defects: string[], over: Parts = {}): Req {
    const op = b.op;
    const headers: Record<string, string> = {};
    const caller = over.caller !== undefined ? over.caller : b.caller;
    if (over.authorization !== undefined) {
      if (over.authorization !== null) headers.Authorization = over.authorization;
    } else if (caller) headers.Authorization = tokens[caller];
    if (b.lang) headers['Accept-Language'] = b.lang;
    if (hasHeader(op, 'Idempotency-Key') && over.idempotencyKey !== null) headers['Idempotency-Key'] = over.idempotencyKey ?? freshKey();
    Object.assign(headers, over.extraHeaders ?? {});
    const qs = over.rawQuery ?? queryString(over.query ?? b.query);
    const url = fill(op, { ...b.path, ...(over.path ?? {}) }, over.rawPath) + (qs ? `?${qs}` : '');
    const payload = over.payload !== undefined ? (over.payload ?? undefined) : payloadOf(b);
    return { method: over.method ?? op.method, url, headers, payload, defects };
  }

  function payloadOf(b: Base): Payload | undefined {
    const body = b.body;
    if (!body) return undefined;
    switch (body.kind) {
      case 'json':
        return { raw: Buffer.from(jsonText(body.value)), contentType: body.type };
      case 'form':
        return { raw: Buffer.from(queryString(body.value as Record<string, unknown>)), contentType: 'application/x-www-form-urlencoded' };
      case 'xml':
        return { raw: Buffer.from(body.text), contentType: body.type };
      case 'multipart':
        return { fields: Object.entries(body.fields), files: body.files };
    }
  }

  async function send(r: Req): Promise<Response> {
    let t = (request(s.app) as unknown as Record<string, (url: string) => request.Test>)[r.method](r.url).timeout(60_000);
    for (const [k, v] of Object.entries(r.headers)) t = t.set(k, v);
    const p = r.payload;
    if (p && 'raw' in p) {
      if (p.contentType !== undefined) t = t.set('Content-Type', p.contentType);
      for (const [k, v] of Object.entries(p.headers ?? {})) t = t.set(k, v);
      // raw bytes, whatever the Content-Type says (superagent would JSON-encode a Buffer)
      t = t.serialize((x: unknown) => x as string).send(p.raw as unknown as string);
    } else if (p) {
      for (const [k, v] of p.fields) t = t.field(k, v);
      for (const f of p.files) t = t.attach(f.field, f.bytes, { filename: f.filename, contentType: f.contentType });
    }
    return t;
  }

  // --- defects ------------------------------------------------------------------------------------

  /** A bearer header the API must refuse (401). */
  function badAuthArb(): fc.Arbitrary<string | null> {
    return fc.oneof(
      fc.constant(null),
      fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic YWRtaW46R3JpZENhc2UjMjAyNg==', 'Bearer null', 'Bearer undefined', "Bearer ' OR 1=1 --", 'Bearer <script>alert(1)</script>', 'Bearer ../../etc/passwd', `Bearer ${'a'.repeat(9000)}`, 'bearer a.b.c', 'Bearer e30.e30.', 'Token abc'),
      fc.constantFrom(...BAD_TOKENS).map((t) => `Bearer ${t}`),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }).filter((x) => /^[\x20-\x7e]*$/.test(x)).map((x) => `Bearer ${x}`),
    );
  }

  function defectArbs(op: Operation): { name: string; arb: (b: Base) => fc.Arbitrary<Req> }[] {
    const out: { name: string; arb: (b: Base) => fc.Arbitrary<Req> }[] = [];
    const add = (name: string, arb: (b: Base) => fc.Arbitrary<Req>) => out.push({ name, arb });

    // wrong method: every path
    const others = ['get', 'post', 'put', 'patch', 'delete'].filter((m) => !op.methodsOfPath.includes(m));
    if (others.length) add('method', (b) => fc.constantFrom(...others).map((m) => render(b, [`method ${m.toUpperCase()}`], { method: m })));
    if (NO_INPUT.has(op.path)) return out;

    if (op.authenticated) add('auth', (b) => badAuthArb().map((a) => render(b, [`Authorization: ${a === null ? '(none)' : a.slice(0, 80)}`], { authorization: a })));
    if (op.id === STREAM) return out;

    // path parameters
    for (const p of pathParams(op)) {
      const fixed = PATH_VALUES.filter((v) => pathValueInvalid(p, v));
      if (fixed.length) {
        const invalid = schemas.invalidArb(p.schema).map((v) => (typeof v === 'string' ? v : jsonText(v)));
        const candidates = fc.oneof(fc.constantFrom(...fixed), invalid, hostile()).filter((v) => v !== '' && pathValueInvalid(p, v));
        add(`path ${p.name}`, (b) => candidates.map((v) => render(b, [`path ${p.name}=${JSON.stringify(v)}`], { path: { [p.name]: v } })));
      }
      add(`path ${p.name} encoding`, (b) => fc.constantFrom('%', '%E0%A4%A', '%zz', '..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2f', '%C0%AE%C0%AE%2F', '%ED%A0%80', '%FF%FE', '%00').map((raw) => render(b, [`path ${p.name} raw ${raw}`], { rawPath: { [p.name]: raw } })));
      const unknown = unknownPathValue(op, p.name);
      if (unknown) add(`path ${p.name} unknown`, (b) => unknown.map((v) => render(b, [`unknown ${p.name}=${JSON.stringify(v)}`], { path: { [p.name]: v } })));
    }

    // query
    const q = queryOf(op);
    if (strictQuery(op)) {
      const stray = fc.tuple(fc.oneof(fc.constantFrom('foo', 'access_token', 'api_key', 'debug', 'admin', 'where', 'sql', "' OR 1=1 --", '<script>', '$where', 'constructor'), fc.stringMatching(/^[a-z_]{1,10}$/)), fc.oneof(hostile(), fc.constant('1')));
      add('query stray', (b) =>
        stray
          .map(([k, v]) => ({ k, v, raw: `${queryString(b.query)}${Object.keys(b.query).length ? '&' : ''}${encodeURIComponent(k)}=${encodeURIComponent(v)}` }))
          .filter(({ raw }) => Object.keys(parseQuery(raw)).some((k) => !q.declared.has(k)))
          .map(({ k, v, raw }) => render(b, [`query ${k}=${JSON.stringify(v)}`], { rawQuery: raw })),
      );
    }
    for (const [name, ps] of Object.entries(q.schema.properties ?? {})) {
      const required = (q.schema.required ?? []).includes(name);
      const alone = { ...q.schema, required: [] };
      const fixed = QUERY_VALUES.filter((v) => !schemas.valid(alone, parseQuery(queryString({ [name]: v })), true));
      if (!fixed.length && !required) continue;
      add(`query ${name}`, (b) =>
        fc
          .oneof(...(fixed.length ? [fc.constantFrom(...fixed)] : []), ...(required ? [fc.constant(undefined)] : []), schemas.invalidArb(ps), hostile())
          .map((v) => {
            const query: Record<string, unknown> = { ...b.query };
            if (v === undefined) delete query[name];
            else query[name] = v;
            return { v, raw: queryString(query) };
          })
          .filter(({ raw }) => !schemas.valid(q.schema, parseQuery(raw), true))
          .map(({ v, raw }) => render(b, [`query ${name}=${JSON.stringify(v)?.slice(0, 100)}`], { rawQuery: raw })),
      );
    }

    if (hasHeader(op, 'Idempotency-Key')) {
      // the syntax of api/http/idempotency.ts (1-128 visible ASCII characters), on the value as it arrives (trimmed)
      const validKey = (k: string) => /^[\x21-\x7e]{1,128}$/.test(k.trim());
      add('idempotency-key', (b) =>
        fc
          .constantFrom('', ' ', 'two words', 'x'.repeat(129), 'caf\u00e9', '\t', "' OR 1=1 --", '<script> alert(1)', '../../etc/passwd key', '\u00ff\u00fe')
          .filter((k) => !validKey(k))
          .map((k) => render(b, [`Idempotency-Key ${JSON.stringify(k).slice(0, 40)}`], { idempotencyKey: k })),
      );
    }

    if (!op.body) return out;
    const types = Object.keys(op.body);
    const json = types.find((t) => /json$/.test(t));
    const form = types.includes('application/x-www-form-urlencoded');
    const xml = types.some((t) => /xml$/.test(t));
    const multipart = types.includes('multipart/form-data');

    // the body as the operation reads it, off its schema
    if (json) {
      const schema = op.body[json];
      add('body schema', (b) =>
        (b.body?.kind === 'json' ? fc.constant(b.body.value) : withOverrides(op, schema))
          .chain((v) => schemas.mutate(schema, v))
          .map((v) => render(b, [`body ${jsonText(v).slice(0, 200)}`], { payload: { raw: Buffer.from(jsonText(v)), contentType: json } })),
      );
      /** The JSON body of the request (a valid one from the schema when the base is raw XML or multipart). */
      const jsonOf = (b: Base): fc.Arbitrary<unknown> => (b.body?.kind === 'json' ? fc.constant(b.body.value) : withOverrides(op, schema));
      const asJson = (b: Base, label: string, raw: Buffer, contentType: string | undefined = 'application/json', headers?: Record<string, string>) => render(b, [label], { payload: { raw, contentType, ...(headers ? { headers } : {}) } });
      add('body malformed', (b) =>
        jsonOf(b).chain((value) =>
          fc
            .oneof(
              fc.constantFrom('{', '}', '{"a":}', "{'a':1}", '{"a":1,}', 'NaN', '[1,2', '{"a":"\\x"}', '{"a":01}', '{"__proto__":', 'null', 'true', '"string"', '42', ' ', '{"a":1}{"b":2}', '<xml/>', 'undefined'),
              fc.nat().map((n) => {
                const t = jsonText(value);
                return t.slice(0, Math.max(1, n % Math.max(1, t.length)));
              }),
            )
            // (an empty body is no JSON, but the API reads it as {})
            .filter((t) => t !== '' && !isStrictJson(t))
            .map((t) => asJson(b, `malformed JSON ${JSON.stringify(t.slice(0, 80))}`, Buffer.from(t))),
        ),
      );
      add('body nested too deeply', (b) =>
        fc.tuple(jsonOf(b), fc.integer({ min: MAX_DEPTH + 1, max: 60_000 })).map(([value, d]) => {
          const free = Object.entries(schemas.deref(schema).properties ?? {}).find(([, p]) => {
            const ps = schemas.deref(p);
            return ps.type === 'object' && !ps.properties;
          });
          const text = free && value && typeof value === 'object' ? jsonText(withKey(value as Record<string, unknown>, free[0], { deep: '__DEEP__' })).replace('"__DEEP__"', nested(d)) : nested(d, value);
          return asJson(b, `nested ${d} deep${free ? ` in ${free[0]}` : ''}`, Buffer.from(text));
        }),
      );
      /** The body as text with a marker in one of its strings (or in a new key), where bad bytes go. */
      const marked = (value: unknown): fc.Arbitrary<string> => {
        const leaves = stringLeaves(value);
        return leaves.length ? fc.nat(leaves.length - 1).map((i) => jsonText(leaves[i].set('\u0001MARK\u0001'))) : fc.constant(jsonText(withKey((value ?? {}) as Record<string, unknown>, 'x\u0001MARK\u0001', 'y')));
      };
      const at = (text: string, insert: Buffer) => {
        const [a, c] = text.split('\\u0001MARK\\u0001');
        return Buffer.concat([Buffer.from(a), insert, Buffer.from(c ?? '')]);
      };
      add('body invalid UTF-8', (b) =>
        fc
          .tuple(jsonOf(b).chain(marked), fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0x80], [0xfe, 0xff]))
          .map(([text, bytes]) => asJson(b, `invalid UTF-8 ${Buffer.from(bytes).toString('hex')}`, at(text, Buffer.from(bytes)))),
      );
      add('body NUL or unpaired surrogate', (b) => fc.tuple(jsonOf(b).chain(marked), fc.constantFrom(...BROKEN_TEXT)).map(([text, bad]) => asJson(b, `text ${JSON.stringify(bad)}`, at(text, Buffer.from(JSON.stringify(bad).slice(1, -1))))));
      add('body charset', (b) =>
        fc.tuple(jsonOf(b), fc.constantFrom('application/json; charset=klingon', 'application/json; charset=latin1', 'application/json; charset=utf-7', 'application/json; charset=utf-16', 'application/json; charset=ebcdic-cp-us')).map(([value, ct]) => asJson(b, `Content-Type ${ct}`, Buffer.from(jsonText(value)), ct)),
      );
      add('body UTF-16', (b) => jsonOf(b).map((value) => asJson(b, 'UTF-16 under the label utf-8', Buffer.from(jsonText(value), 'utf16le'), 'application/json; charset=utf-8')));
      add('body Content-Encoding', (b) =>
        fc.oneof(
          fc.tuple(jsonOf(b), fc.constantFrom('gzip', 'deflate', 'br', 'x-evil', 'gzip, gzip')).map(([value, enc]) => asJson(b, `Content-Encoding ${enc} (not encoded)`, Buffer.from(jsonText(value)), 'application/json', { 'Content-Encoding': enc })),
          fc.constant(asJson(b, 'gzip bomb', zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)), 'application/json', { 'Content-Encoding': 'gzip' })),
        ),
      );
      add('body too large', (b) =>
        fc.tuple(jsonOf(b), fc.integer({ min: JSON_LIMIT + 1, max: JSON_LIMIT * 2 })).map(([v, n]) => {
          const value = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
          const leaves = stringLeaves(value);
          const big = leaves.length ? leaves[0].set('x'.repeat(n)) : withKey(value, 'padding', 'x'.repeat(n));
          return asJson(b, `JSON body of ${n} bytes`, Buffer.from(jsonText(big)));
        }),
      );
    }
    if (form) {
      const schema = schemas.deref(op.body['application/x-www-form-urlencoded']);
      const dropEmpty = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== null));
      add('form schema', (b) =>
        fc
          .oneof(
            (b.body?.kind === 'form' ? fc.constant(b.body.value) : schemas.validArb(schema)).chain((v) => schemas.mutate(schema, v)),
            // always invalid: the required service_code left out
            fc.constant({ ...(b.body?.kind === 'form' ? (b.body.value as Record<string, unknown>) : {}), service_code: undefined }),
          )
          .map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? queryString(v as Record<string, unknown>) : `value=${encodeURIComponent(jsonText(v))}`))
          .filter((text) => !schemas.valid(schema, dropEmpty(parseForm(text))))
          .map((text) => render(b, [`form ${text.slice(0, 200)}`], { payload: { raw: Buffer.from(text), contentType: 'application/x-www-form-urlencoded' } })),
      );
      add('form api_key', (b) =>
        fc.oneof(fc.constant(undefined), hostile(), fc.constantFrom('demo-12345-hotline-2025', API_KEY.toUpperCase(), `${API_KEY} `)).map((k) => {
          const v = { ...(b.body?.kind === 'form' ? (b.body.value as Record<string, unknown>) : {}), api_key: k };
          if (k === undefined) delete v.api_key;
          return render(b, [`api_key ${JSON.stringify(k)}`], { payload: { raw: Buffer.from(queryString(v)), contentType: 'application/x-www-form-urlencoded' } });
        }),
      );
      const formOf = (b: Base) => (b.body?.kind === 'form' ? (b.body.value as Record<string, unknown>) : {});
      const asForm = (b: Base, label: string, raw: Buffer) => render(b, [label], { payload: { raw, contentType: 'application/x-www-form-urlencoded' } });
      add('form invalid UTF-8', (b) =>
        fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf]).map((bytes) => {
          const [a, c] = queryString({ ...formOf(b), description: '\u0001' }).split('%01');
          return asForm(b, `form with invalid UTF-8 ${Buffer.from(bytes).toString('hex')}`, Buffer.concat([Buffer.from(a), Buffer.from(bytes), Buffer.from(c ?? '')]));
        }),
      );
      add('form too many or too deep', (b) =>
        fc.oneof(
          fc.constant(asForm(b, '1001 form fields', Buffer.from(Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&')))),
          fc.integer({ min: 33, max: 200 }).map((d) => asForm(b, `form field nested ${d} deep`, Buffer.from(`${queryString(formOf(b))}&attribute${'[a]'.repeat(d)}=1`))),
          fc.constant(asForm(b, 'form over 256 kB', Buffer.from(`${queryString(formOf(b))}&description=${'x'.repeat(JSON_LIMIT + 1)}`))),
        ),
      );
    }
    if (xml) {
      add('bpmn hostile', (b) =>
        fc.tuple(fc.constantFrom(...REFUSED_DIAGRAMS), fc.constantFrom('application/xml', 'text/xml', 'application/bpmn+xml', 'application/xml; charset=utf-8', 'json')).map(([[label, text], ct]) =>
          render(b, [`BPMN ${label} as ${ct}`], { payload: ct === 'json' ? { raw: Buffer.from(jsonText({ xml: text })), contentType: 'application/json' } : { raw: Buffer.from(text), contentType: ct } }),
        ),
      );
      add('bpmn too large', (b) => fc.constant(render(b, ['BPMN over the diagram limit'], { payload: { raw: Buffer.from(`${DIAGRAMS[0]}<!--${'x'.repeat(MAX_DIAGRAM_BYTES + 1)}-->`), contentType: 'application/xml' } })));
    }
    if (multipart) for (const [name, arb] of Object.entries(multipartDefects(op))) add(`multipart ${name}`, arb);
    // a Content-Type the operation does not read, none at all, or multipart where no upload is taken
    const bytesOf = (b: Base) => Buffer.from(b.body && b.body.kind === 'json' ? jsonText(b.body.value) : b.body && b.body.kind === 'xml' ? b.body.text : b.body && b.body.kind === 'form' ? queryString(b.body.value as Record<string, unknown>) : '{"a":1}');
    const wrong = ['text/plain', 'application/octet-stream', 'text/html', 'application/javascript', 'image/png', 'application/x-evil', 'text/csv', '*/*', 'application/json-seq', ...(json || form ? [] : ['application/json']), ...(xml ? [] : ['application/xml', 'text/xml'])];
    add('content type', (b) => fc.constantFrom(...wrong).map((ct) => render(b, [`Content-Type ${ct}`], { payload: { raw: bytesOf(b), contentType: ct } })));
    add('no content type', (b) => fc.constant(render(b, ['no Content-Type'], { payload: { raw: bytesOf(b) } })));
    if (!multipart) add('multipart instead', (b) => fc.constant(render(b, ['multipart to an operation that does not read it'], { payload: { fields: [['xml', DIAGRAMS[0]], ['note', 'x'], ...Object.entries(b.body && 'value' in b.body && b.body.value && typeof b.body.value === 'object' ? (b.body.value as Record<string, unknown>) : {}).map(([k, v]) => [k, typeof v === 'string' ? v : jsonText(v)] as [string, string])], files: [] } })));
    return out;
  }

  /** A multipart body written by hand: each file's file name given as `filenameParam` (e.g. filename*=UTF-8''…). */
  function rawMultipart(fields: [string, string][], files: FilePart[], filenameParam: string): Payload {
    const boundary = `fuzz${uniqueSuffix()}`;
    const parts = [
      ...fields.map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)),
      ...files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; ${filenameParam}\r\nContent-Type: ${f.contentType}\r\n\r\n`), f.bytes, Buffer.from('\r\n')]),
      Buffer.from(`--${boundary}--\r\n`),
    ];
    return { raw: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
  }

  /** Defects of a multipart upload, by kind; every upload also carries a hostile file name (../../etc/passwd …). */
  function multipartDefects(op: Operation): Record<string, (b: Base) => fc.Arbitrary<Req>> {
    const fieldsOf = (b: Base) => Object.entries(b.body && b.body.kind === 'multipart' ? b.body.fields : {}) as [string, string][];
    const png = (name = 'a.png') => ({ field: 'photos', bytes: Buffer.concat([PNG_1x1, Buffer.from(uniqueSuffix())]), filename: name, contentType: 'image/png' });
    const mp = (b: Base, label: string, f: [string, string][], files: FilePart[]) => render(b, [label], { payload: { fields: f, files } });
    const out: Record<string, (b: Base) => fc.Arbitrary<Req>> = {
      'not an image': (b) => fc.constantFrom(Buffer.from('这不是一张图片\n'), Buffer.from('<script>alert(1)</script>'), Buffer.from('%PDF-1.4'), Buffer.from('GIF89a'), Buffer.from('MZ\x90\x00')).map((bytes) => mp(b, 'not an image', fieldsOf(b), [{ field: 'photos', bytes, filename: 'photo.png', contentType: 'image/png' }])),
      'empty file': (b) => fc.constant(mp(b, 'empty file', fieldsOf(b), [{ field: 'photos', bytes: Buffer.alloc(0), filename: 'empty.png', contentType: 'image/png' }])),
      'too large or too many': (b) =>
        fc.constantFrom(
          mp(b, 'file over the limit', fieldsOf(b), [{ field: 'photos', bytes: Buffer.concat([PNG_1x1, Buffer.alloc(ATTACHMENT_LIMIT + 1)]), filename: 'big.png', contentType: 'image/png' }]),
          mp(b, '10 files', fieldsOf(b), Array.from({ length: 10 }, (_, i) => png(`p${i}.png`))),
        ),
      'unknown file field': (b) => fc.constantFrom('photo', 'file', 'photos[]', '../photos', 'case').map((field) => mp(b, `file in the field ${field}`, fieldsOf(b), [{ ...png(), field }])),
      // control characters cannot stand in a quoted file name (the parser refuses the part), but RFC 5987's filename* carries them
      'file name with control characters': (b) =>
        // (a slash or backslash would cut the name down to what follows it, which may be a fine name)
        fc.constantFrom('a%00.png', '%00', 'a%0Ab.png', 'a%0D%0AContent-Type%3A%20text-html.png', '%1B%5B31m.png', 'a%7F.png', '..%2F..%2Fetc%2Fpasswd%00.png').map((name) =>
          render(b, [`file name*=UTF-8''${name}`], { payload: rawMultipart(fieldsOf(b), [{ ...png(), filename: '' }], `filename*=UTF-8''${name}`) }),
        ),
    };
    if (op.id === 'POST /api/cases') {
      out['case field'] = (b) =>
        fc.oneof(
          fc.constant(mp(b, 'no case field', [], [png()])),
          fc.constantFrom('{', 'not json', '[]', 'null', '"x"', '').map((c) => mp(b, `case ${JSON.stringify(c)}`, [['case', c]], [png()])),
          withOverridesOf(op, 'CaseCreate')
            .chain((v) => schemas.mutate({ $ref: '#/components/schemas/CaseCreate' }, v))
            .map((v) => mp(b, `case ${jsonText(v).slice(0, 200)}`, [['case', jsonText(v)]], [png()])),
        );
    } else {
      out.fields = (b) =>
        fc.oneof(
          fc
            .oneof(schemas.mutate({ $ref: '#/components/schemas/AttachmentUpload' }, { taskId: fx.taskId }), fc.constantFrom<unknown>({ taskId: '' }, { taskId: 'T'.repeat(81) }, { extra: 'x' }, { taskId: fx.taskId, note: "' OR 1=1 --" }))
            .filter((v) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'))
            .map((v) => mp(b, `fields ${jsonText(v)}`, Object.entries(v as Record<string, string>), [png()])),
          fc.constantFrom('taskId', 'extra').map((k) => mp(b, `field ${k} with NUL`, [[k, 'a\u0000b']], [png()])),
        );
    }
    return out;
  }

  // --- checks -------------------------------------------------------------------------------------

  function describeReq(r: Req): string {
    const p = r.payload;
    const body = !p ? '' : 'raw' in p ? ` ${p.contentType ?? '(no type)'} ${p.raw.length} B ${JSON.stringify(p.raw.subarray(0, 200).toString('latin1'))}` : ` multipart fields ${JSON.stringify(p.fields).slice(0, 200)} files ${JSON.stringify(p.files.map((f) => [f.field, f.filename, f.bytes.length]))}`;
    return `${r.method.toUpperCase()} ${r.url.slice(0, 300)} [${r.defects.join('; ')}] headers ${JSON.stringify({ ...r.headers, Authorization: r.headers.Authorization?.slice(0, 40) })}${body}`;
  }

  function checkAnswer(op: Operation, r: Req, res: Response): void {
    const what = `${describeReq(r)}\n→ ${res.status} ${res.headers['content-type']} ${res.text?.slice(0, 400)}`;
    if (!CLIENT_ERRORS.includes(res.status)) throw new Error(`expected a 4xx, got ${res.status}: ${what}`);
    const type = String(res.headers['content-type'] ?? '');
    if (isOpen311(op)) {
      if (/^text\/xml/.test(type)) {
        if (!res.text.includes(`<code>${res.status}</code>`)) throw new Error(`Open311 XML error without its code: ${what}`);
        if (/<script/i.test(res.text)) throw new Error(`markup reflected into XML: ${what}`);
      } else {
        if (!/^application\/json/.test(type)) throw new Error(`Open311 error neither JSON nor XML: ${what}`);
        const errors = JSON.parse(res.text) as { code: number; description: string }[];
        if (!Array.isArray(errors) || !errors.length || errors.some((e) => e.code !== res.status || typeof e.description !== 'string')) throw new Error(`not a GeoReport v2 error list: ${what}`);
      }
    } else {
      if (!/^application\/problem\+json/.test(type)) throw new Error(`error is not application/problem+json: ${what}`);
      const p = JSON.parse(res.text) as { status: number; title: string; field?: string };
      if (p.status !== res.status || typeof p.title !== 'string' || !p.title) throw new Error(`problem without status or title: ${what}`);
      if ([400, 413, 415].includes(res.status) && typeof p.field !== 'string') throw new Error(`problem does not name the field: ${what}`);
    }
    if (res.text?.includes(PASSWD_LINE)) throw new Error(`/etc/passwd leaked: ${what}`);
  }

  function filesIn(dir: string): number {
    if (!fs.existsSync(dir)) return 0;
    return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? filesIn(path.join(dir, e.name)) : 1), 0);
  }

  /** The tables as the last request left them (every request is checked against it, so one snapshot a request does). */
  let last: Record<string, string>;

  /** Set when a request was wrongly answered: what it wrote may still be landing when the next operation starts. */
  let dirty = false;

  async function resync(): Promise<void> {
    if (!dirty) return;
    await new Promise((r) => setTimeout(r, 2000));
    last = await tableSnapshot(s.prisma);
    dirty = false;
  }

  /** `recorded`: tables a successful request writes to on purpose (an export's record in case_exports). */
  async function unchanged(r: Req, res: Response, recorded: string[] = []): Promise<void> {
    const now = await tableSnapshot(s.prisma);
    const changed = changedTables(last, now).filter((c) => !recorded.some((t) => c.startsWith(`${t}: `)));
    last = now;
    if (changed.length) dirty = true;
    if (changed.length) throw new Error(`rows written: ${changed.join('; ')}\n${describeReq(r)} → ${res.status} ${res.text?.slice(0, 300)}`);
  }

  async function checked(op: Operation, r: Req): Promise<void> {
    trace(describeReq(r));
    const files = filesIn(s.attachmentDir);
    const logged = unhandled.length;
    const res = await send(r);
    trace(`→ ${res.status} ${res.text?.slice(0, 200)}`);
    if (res.status < 400) dirty = true;
    if (unhandled.length > logged) throw new Error(`unhandled error logged: ${unhandled.slice(logged).join(' | ').slice(0, 1500)}\n${describeReq(r)} → ${res.status}`);
    checkAnswer(op, r, res);
    await unchanged(r, res);
    if (filesIn(s.attachmentDir) !== files) throw new Error(`a file was stored: ${describeReq(r)} → ${res.status}`);
  }

  /** The seed, and the path of a failure to replay (for one property only: FUZZ_DEFECT, or jest -t on one read). */
  const params = (replay: boolean): fc.Parameters<[Req]> => ({ seed: SEED, numRuns: RUNS, ...(PATH && replay ? { path: PATH } : {}), endOnFailure: process.env.FUZZ_SHRINK === '0' });

  // --- setup --------------------------------------------------------------------------------------

  let start: Record<string, string>;

  beforeAll(async () => {
    errorSpy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      unhandled.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' '));
    });
    s = await startApiSuite('fuzz', { open311RateLimit: 1_000_000 });
    for (const u of CALLERS) tokens[u] = await s.auth(u);
    BAD_TOKENS.push(...(await badTokens()));
    const g = await wangfangGrid(s.prisma);
    const first = await request(s.app)
      .post('/api/cases')
      .set('Authorization', tokens.wangfang)
      .field('case', JSON.stringify({ category: 'SS01', description: '模糊测试：东华门大街12号门前井盖缺失', location: { lat: g.lat, lng: g.lng } }))
      .attach('photos', PNG_1x1, { filename: 'manhole.png', contentType: 'image/png' });
    if (first.status !== 201) throw new Error(`report failed: ${first.status} ${first.text}`);
    const task = await inboxTask(s, 'dhm1.handler', first.body.id, 'Task_Accept', 90_000);
    const claimed = await request(s.app).post(`/api/tasks/${encodeURIComponent(task.id)}/claim`).set('Authorization', await s.auth('dhm1.handler')).send({});
    if (claimed.status !== 200) throw new Error(`claim failed: ${claimed.status} ${claimed.text}`);
    const zhaomin = await s.prisma.user.findUniqueOrThrow({ where: { username: 'zhaomin' }, select: { id: true, memberships: { select: { id: true } } } });
    const grid = await s.prisma.grid.findUniqueOrThrow({ where: { id: g.gridId }, select: { orgUnit: { select: { parentId: true } } } });
    const wangfang = await s.prisma.user.findUniqueOrThrow({ where: { username: 'wangfang' }, select: { phone: true } });
    Object.assign(fx, {
      caseId: first.body.id,
      taskId: task.id,
      attachmentId: first.body.attachments[0].id,
      userId: zhaomin.id,
      membershipId: zhaomin.memberships[0].id,
      gridId: g.gridId,
      villageId: grid.orgUnit.parentId!,
      unitId: grid.orgUnit.parentId!,
      departmentId: (await s.prisma.department.findFirstOrThrow({ select: { id: true } })).id,
      categoryId: (await s.prisma.category.findFirstOrThrow({ where: { code: 'SS01' }, select: { id: true } })).id,
      processKey: 'standard-closed-loop',
      lat: g.lat,
      lng: g.lng,
      phone: wangfang.phone ?? '13800000000',
    } satisfies Fixtures);
    // the case's own writes (its task, events) have landed before the first snapshot
    await new Promise((r) => setTimeout(r, 1000));
    start = await tableSnapshot(s.prisma);
    last = start;
  });

  afterAll(async () => {
    errorSpy?.mockRestore();
    if (!s) return;
    await s.temporal.client.workflow
      .getHandle(fx.caseId)
      .terminate('fuzz done')
      .catch(() => undefined);
    await s.close();
  });

  it('the document has operations in every area, each with at least one way to break it', () => {
    const areas = ['/api/admin/', '/open311/v2/', '/api/public/', '/api/cases', '/api/tasks', '/api/approvals', '/api/auth/'];
    for (const a of areas) expect({ area: a, operations: OPS.some((o) => o.path.startsWith(a)) }).toEqual({ area: a, operations: true });
    expect(OPS.filter((op) => !defectArbs(op).length).map((op) => op.id)).toEqual([]);
    expect(OPS.length).toBeGreaterThan(80);
  });

  describe.each(OPS.map((op) => [op.id, op] as const))('%s', (_id, op) => {
    it('answers malformed, oversize and hostile input with a 4xx problem, and writes nothing', async () => {
      trace(`--- ${op.id}`);
      await resync();
      // every kind of defect the operation can have, each on its own (so each is sent at least twice)
      const defects = defectArbs(op).filter((d) => !ONLY_DEFECT || d.name === ONLY_DEFECT);
      const runs = Math.max(2, Math.ceil(RUNS / Math.max(1, defects.length)));
      for (const d of defects) {
        try {
          await fc.assert(
            fc.asyncProperty(
              baseArb(op).chain((b) => d.arb(b)),
              (r) => checked(op, r),
            ),
            { ...params(!!ONLY_DEFECT), numRuns: runs },
          );
        } catch (e) {
          throw new Error(`${op.id}, defect "${d.name}" (replay: FUZZ_SEED=${SEED} FUZZ_DEFECT='${d.name}' FUZZ_PATH=<path> npm run test:faults -- -t '${op.id.replace(/[{}]/g, '.')}')\n${(e as Error).message}`, { cause: e });
        }
      }
      const health = await request(s.app).get('/health');
      expect(health.status).toBe(200);
    });
  });

  describe('hostile but well-formed input to every read: text, huge numbers, the ends of the calendar', () => {
    const reads = OPS.filter((o) => o.method === 'get' && !NO_INPUT.has(o.path) && o.id !== STREAM);
    it.each(reads.map((o) => [o.id, o] as const))('%s: never a 5xx, never a write', async (_id, op) => {
      await resync();
      const q = queryOf(op);
      // per parameter, the edge values its schema accepts (as the query arrives)
      const edges = Object.entries(q.schema.properties ?? {}).flatMap(([k, p]) => {
        const a = extremeArb(schemas, p);
        const alone: Schema = { type: 'object', properties: { [k]: p } };
        const ok = (v: unknown) => schemas.valid(alone, parseQuery(queryString({ [k]: v })), true);
        return a && fc.sample(a, { numRuns: 50, seed: SEED }).some(ok) ? [[k, a.filter(ok)] as const] : [];
      });
      const pathEdges = pathParams(op).flatMap((p) => {
        const a = fc.oneof(hostile(), ...(extremeArb(schemas, p.schema) ? [extremeArb(schemas, p.schema)!.map(String)] : [])).filter((v) => v !== '' && !pathValueInvalid(p, v));
        return fc.sample(fc.oneof(hostile(), extremeArb(schemas, p.schema) ?? hostile()).map(String), { numRuns: 100, seed: SEED }).some((v) => v !== '' && !pathValueInvalid(p, v)) ? [a.map((v) => [p.name, v] as const)] : [];
      });
      const arb = baseArb(op).chain((b) =>
        fc
          .tuple(edges.length ? fc.subarray(edges.map(([k]) => k)) : fc.constant([] as string[]), fc.tuple(...edges.map(([, a]) => a)), pathEdges.length ? fc.option(fc.oneof(...pathEdges), { nil: undefined }) : fc.constant(undefined))
          .map(([keys, values, onPath]) => {
            const chosen = Object.fromEntries(keys.map((k) => [k, values[edges.findIndex(([e]) => e === k)]]));
            const query = { ...b.query, ...chosen };
            return render(b, [`${JSON.stringify(chosen)}${onPath ? `; path ${onPath[0]}=${JSON.stringify(onPath[1])}` : ''}`], { query, path: onPath ? { [onPath[0]]: onPath[1] } : {} });
          })
          .filter((r) => schemas.valid(q.schema, parseQuery(r.url.split('?')[1] ?? ''), true)),
      );
      await fc.assert(
        fc.asyncProperty(arb, async (r) => {
          trace(describeReq(r));
          const logged = unhandled.length;
          const res = await send(r);
          const what = `${describeReq(r)} → ${res.status} ${res.text?.slice(0, 300)}`;
          if (res.status >= 500 || unhandled.length > logged) throw new Error(`server error: ${what} ${unhandled.slice(logged).join(' | ').slice(0, 1000)}`);
          if (res.status >= 400 && !isOpen311(op) && !/^application\/problem\+json/.test(String(res.headers['content-type']))) throw new Error(`error is not problem+json: ${what}`);
          if (/^text\/(xml|html)/.test(String(res.headers['content-type'])) && /<script/i.test(res.text)) throw new Error(`markup reflected: ${what}`);
          // an export that succeeds is recorded (who exported what, GET /api/cases/exports): that one write is its purpose
          await unchanged(r, res, op.id === 'GET /api/cases/export' && res.status === 200 ? ['case_exports'] : []);
        }),
        { ...params(true), numRuns: Math.max(10, Math.ceil(RUNS / 2)) },
      );
    });
  });

  it('after all of it, the database holds what it held before (nothing landed late; exports recorded on purpose aside) and the API is healthy', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    // but the exports that succeeded: each is recorded (case_exports), checked request by request above
    expect(changedTables(start, await tableSnapshot(s.prisma)).filter((c) => !c.startsWith('case_exports: '))).toEqual([]);
    expect((await request(s.app).get('/health')).status).toBe(200);
    expect(unhandled).toEqual([]);
  });

  it('given a photo named ../../etc/passwd uploaded the valid way, it is stored under its base name only and nothing lands outside the store', async () => {
    const before = fs.readdirSync(path.dirname(s.attachmentDir)).length;
    const res = await request(s.app)
      .post(`/api/cases/${fx.caseId}/attachments`)
      .set('Authorization', await s.auth('dhm1.handler'))
      .attach('photos', Buffer.concat([PNG_1x1, Buffer.from('traversal')]), { filename: '../../etc/passwd', contentType: 'image/png' });
    expect(res.status).toBe(201);
    const stored = res.body.attachments[0] as { id: string; fileName: string };
    expect(stored.fileName).toBe('passwd');
    const row = await s.prisma.attachment.findUniqueOrThrow({ where: { id: stored.id }, select: { fileName: true, storageKey: true } });
    expect(row.fileName).toBe('passwd');
    expect(row.storageKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{64}$/);
    expect(fs.readdirSync(path.dirname(s.attachmentDir)).length).toBe(before);
    const download = await request(s.app).get(`/api/cases/${fx.caseId}/attachments/${stored.id}`).set('Authorization', await s.auth('dhm1.handler'));
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?passwd"?$/);
    await s.prisma.attachment.delete({ where: { id: stored.id } });
  });
});

// ---------------------------------------------------------------------------------------------------
// data

/** Path values off many schemas: numbers out of range, traversal, SQL, markup, NUL. */
const PATH_VALUES = ['0', '-1', '1.5', '1e308', '2147483648', '99999999999999999999', 'NaN', 'x'.repeat(300), '\u0000', '..', '.', ' ', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', 'a/b', 'JSON ', 'php'];
/** Query values off many schemas: an object (a[b]=…), a long string, a number where text goes and the reverse. */
const QUERY_VALUES: unknown[] = [{ x: '1' }, 'x'.repeat(5000), '', '-1', '1.5', '1e308', 'maybe', "' OR 1=1 --", ['a', 'b'], '\u0000'];

/** Tokens that are JWTs but must not pass: filled in beforeAll (signing is async). */
const BAD_TOKENS: string[] = [];

async function badTokens(): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const key = (k: string) => new TextEncoder().encode(k);
  const jwt = (claims: Record<string, unknown>, opts: { secret?: string; iat?: number; exp?: number; iss?: string; aud?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(opts.iss ?? 'gridcase')
      .setAudience(opts.aud ?? 'gridcase-api')
      .setIssuedAt(opts.iat ?? now)
      .setExpirationTime(opts.exp ?? now + 3600)
      .sign(key(opts.secret ?? JWT_SECRET));
  return [
    // "alg": "none", and HS256 with a key that is not the server's
    `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: '1', iss: 'gridcase', aud: 'gridcase-api', exp: now + 3600 })}.`,
    await jwt({ sub: '1' }, { secret: 'not-the-server-secret-not-the-server-secret' }),
    // the server's key, but expired, another issuer or audience, or a subject that is no user id
    await jwt({ sub: '1' }, { iat: now - 7200, exp: now - 3600 }),
    await jwt({ sub: '1' }, { iss: 'evil' }),
    await jwt({ sub: '1' }, { aud: 'other-api' }),
    await jwt({ sub: "1' OR '1'='1" }),
    await jwt({ sub: '0' }),
    await jwt({ sub: '-1' }),
    await jwt({ sub: '1.5' }),
    await jwt({ sub: '1e308' }),
    await jwt({ sub: '99999999999999999999' }),
    await jwt({ sub: '2147483648' }),
    await jwt({ sub: '2000000000' }),
    await jwt({}),
  ];
}
